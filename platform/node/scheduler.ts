// Node backend: setImmediate scheduling, setTimeout timers, the performance.now() clock and process.env.
//
// Usage: assembled into `node_platform` by ./platform.ts.
// @see https://nodejs.org/api/timers.html

import { performance } from 'node:perf_hooks';

import { HANG_CHECK_SECONDS } from '../../src/constants.js';
import type { TimerToken } from '../../src/platform.js';

/**
 * The longest delay Node's setTimeout honours (2**31 - 1 ms, about 24.8 days).
 *
 * A longer delay overflows: Node warns and fires after 1 ms, which would wake the
 * loop in a tight spin. Clamping only makes the loop wake early; it then re-arms
 * the timer for what is left.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Convert a delay in seconds to setTimeout milliseconds.
 *
 * Negative and NaN delays become 0; the result is rounded up so a timer never
 * fires before its deadline because of rounding, and clamped to
 * `MAX_TIMER_DELAY_MS`.
 */
export function delay_to_ms(delay: number): number {
  if (!(delay > 0)) return 0;
  return Math.min(Math.ceil(delay * 1000), MAX_TIMER_DELAY_MS);
}

/** Run `callback` once on a later turn of Node's event loop (the check phase, after I/O). */
export function schedule(callback: () => void): void {
  setImmediate(callback);
}

/**
 * Run `callback` once after `delay` seconds.
 *
 * The timer is deliberately *not* `unref()`ed: a loop waiting for a
 * `call_later` deadline must keep the process alive, as asyncio's does.
 */
export function set_timer(callback: () => void, delay: number): TimerToken {
  return setTimeout(callback, delay_to_ms(delay));
}

/** Cancel a timer made by `set_timer`; a token that already fired is ignored. */
export function clear_timer(token: TimerToken): void {
  clearTimeout(token as ReturnType<typeof setTimeout>);
}

/** Seconds on Node's monotonic high-resolution clock (`performance.now()`, epoch: process start). */
export function monotonic(): number {
  return performance.now() / 1000;
}

/**
 * The resolution of `monotonic()` in seconds.
 *
 * performance.now() is sub-microsecond in Node; timers themselves are
 * millisecond-grained, and the loop copes with an early wake by re-arming.
 */
export const clock_resolution = 1e-6;

/** The hang checks waiting for `beforeExit` or their timer, each to run once. */
const hang_checks = new Set<() => void>();

function run_hang_checks(): void {
  for (const check of [...hang_checks]) check();
}

/**
 * Call `check` once: when the process is about to exit because nothing is
 * left to do (`beforeExit`, which also precedes Node's "unsettled top-level
 * await" exit), or after `HANG_CHECK_SECONDS` if something keeps it alive.
 * One shared `beforeExit` listener serves every loop, and the timer is
 * `unref()`ed, so the watch never keeps the process alive.
 */
export function watch_for_hang(check: () => void): void {
  if (hang_checks.size === 0) process.on('beforeExit', run_hang_checks);
  const once = (): void => {
    if (!hang_checks.delete(once)) return;
    if (hang_checks.size === 0) process.removeListener('beforeExit', run_hang_checks);
    clearTimeout(timer);
    check();
  };
  hang_checks.add(once);
  const timer = setTimeout(once, HANG_CHECK_SECONDS * 1000);
  timer.unref();
}

/** Read an environment variable (`TROLLIUSDEBUG`); unset means `undefined`. */
export function getenv(name: string): string | undefined {
  return process.env[name];
}
