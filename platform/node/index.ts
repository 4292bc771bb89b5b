// Node entry (dist/trollius.node.mjs, .cjs): installs the Node backend, then re-exports the public surface.

import { install_platform } from '../../src/platform.js';

import { node_platform } from './platform.js';

install_platform(node_platform);

export * from '../../src/index.js';
