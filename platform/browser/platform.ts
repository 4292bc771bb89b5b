// Browser backend: assembles the Platform object from the browser host adapters beside it.

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
 * The browser implementation of the core's `Platform` interface (windows and workers).
 *
 * Installed by `platform/browser/index.ts`, the entry of
 * `dist/trollius.browser.mjs` and `dist/trollius.browser.iife.js`.
 */
export const browser_platform: Platform = {
  name: 'browser',
  schedule,
  set_timer,
  clear_timer,
  monotonic,
  clock_resolution,
  getenv,
};
