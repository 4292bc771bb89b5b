// Browser backend: assembles the PlatformCore object (the loop's turns, timers, signals, workers) from the host adapters beside it; ./io.ts has the rest.

import type { PlatformCore } from '../../src/platform.js';

import {
  clear_timer,
  clock_resolution,
  getenv,
  monotonic,
  schedule,
  set_timer,
  watch_for_hang,
} from './scheduler.js';
import { add_signal_handler, remove_signal_handler, signal_name } from './signals.js';
import { parent_port } from './worker.js';
import { cpu_count, has_workers, module_url, start_worker } from './workers.js';

/** Browsers' byte type is the plain `Uint8Array`. */
function alloc_bytes(size: number): Uint8Array {
  return new Uint8Array(size);
}

/**
 * The part of the browser implementation of the core's `Platform` interface
 * (windows and workers) that every program needs.
 *
 * Installed by `platform/browser/index.ts`, the entry of
 * `dist/trollius.browser.mjs` and `dist/trollius.browser.iife.js`, which loads
 * `browser_io` (./io.ts) on the first I/O call.
 */
export const browser_platform: PlatformCore = {
  name: 'browser',
  schedule,
  set_timer,
  clear_timer,
  monotonic,
  clock_resolution,
  getenv,
  watch_for_hang,
  alloc_bytes,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  parent_port,
  cpu_count,
  has_workers,
  start_worker,
  module_url,
};
