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
import {
  add_signal_handler,
  alloc_bytes,
  connect_stream,
  getaddrinfo,
  getnameinfo,
  listen_stream,
  map_error,
  open_pipe,
  remove_signal_handler,
  signal_name,
} from './unsupported.js';

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
  alloc_bytes,
  getaddrinfo,
  getnameinfo,
  connect_stream,
  listen_stream,
  open_pipe,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  map_error,
};
