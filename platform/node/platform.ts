// Node backend: assembles the Platform object from the Node host adapters beside it.

import type { Platform } from '../../src/platform.js';

import {
  clear_timer,
  clock_resolution,
  getenv,
  monotonic,
  schedule,
  set_timer,
} from './scheduler.js';

/**
 * The Node implementation of the core's `Platform` interface.
 *
 * Installed by `platform/node/index.ts`, the entry of `dist/trollius.node.mjs`
 * and `dist/trollius.node.cjs`.
 */
export const node_platform: Platform = {
  name: 'node',
  schedule,
  set_timer,
  clear_timer,
  monotonic,
  clock_resolution,
  getenv,
};
