// Browser entry (dist/trollius.browser.mjs, .iife.js): installs the browser backend, then re-exports the public surface.

import { install_platform } from '../../src/platform.js';

import { browser_platform } from './platform.js';

install_platform(browser_platform);

export * from '../../src/index.js';
