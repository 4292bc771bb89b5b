// Browser entry (dist/trollius.browser.mjs, .iife.js): installs the browser backend, then re-exports the public surface.
//
// The host I/O and the loop's I/O methods (./io.ts) are a dynamic import, made
// by the first I/O call: bundlers that split code leave them out of a program's
// first chunk, and a program that does no I/O never loads them. The IIFE
// bundles inline them.

import { install_platform } from '../../src/platform.js';

import { browser_platform } from './platform.js';

install_platform(browser_platform, () => import('./io.js').then((io) => io.browser_io));

export * from '../../src/index.js';
