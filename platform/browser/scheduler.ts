// Browser backend: MessageChannel scheduling (never setTimeout(0)), setTimeout timers, the performance.now() clock.
//
// Usage: assembled into `browser_platform` by ./platform.ts. Works in windows and
// in dedicated, shared and module workers: it needs only MessageChannel,
// setTimeout and performance, which all of them have.
// @see https://html.spec.whatwg.org/multipage/web-messaging.html#message-channels

import { HANG_CHECK_SECONDS } from '../../src/constants.js';
import type { TimerToken } from '../../src/platform.js';

/** A FIFO callback queue drained by MessageChannel messages, and a way to shut it down (for tests). */
export interface MessageChannelScheduler {
  /** Run `callback` once on a later host task, after every callback scheduled before it. */
  schedule(callback: () => void): void;
  /** Close both ports; callbacks still queued are dropped. */
  close(): void;
}

/**
 * Make a scheduler over one MessageChannel.
 *
 * Why not setTimeout(0): browsers clamp nested timeouts to >= 4 ms, which would
 * cap the loop at ~250 iterations a second. A message to a MessagePort is a
 * fresh host task with no clamp, and the host still runs input, rendering and
 * network tasks between two of them.
 *
 * One message drains at most the callbacks that were queued when it was
 * dispatched: callbacks scheduled while it runs wait for the next message, so a
 * loop that keeps scheduling itself cannot starve the host.
 */
export function create_message_channel_scheduler(): MessageChannelScheduler {
  const channel = new MessageChannel();
  let queue: (() => void)[] = [];
  let posted = false;

  function request_dispatch(): void {
    if (posted) return;
    posted = true;
    channel.port2.postMessage(null);
  }

  function dispatch(): void {
    posted = false;
    const batch = queue;
    queue = [];
    let i = 0;
    try {
      for (; i < batch.length; i++) batch[i]!();
    } finally {
      // A callback threw (the host reports it as an uncaught error): keep the
      // rest of the batch, in order, ahead of anything scheduled since.
      if (i < batch.length - 1) queue = batch.slice(i + 1).concat(queue);
      if (queue.length > 0) request_dispatch();
    }
  }

  channel.port1.onmessage = dispatch;

  return {
    schedule(callback: () => void): void {
      queue.push(callback);
      request_dispatch();
    },
    close(): void {
      queue = [];
      channel.port1.onmessage = null;
      channel.port1.close();
      channel.port2.close();
    },
  };
}

let shared: MessageChannelScheduler | null = null;

/**
 * Run `callback` once on a later host task, FIFO, through one shared MessageChannel.
 *
 * The channel is made on first use, so merely loading the bundle opens no port.
 */
export function schedule(callback: () => void): void {
  (shared ??= create_message_channel_scheduler()).schedule(callback);
}

/**
 * The longest delay browsers honour in setTimeout (2**31 - 1 ms); a longer one
 * overflows and fires at once. Clamping only makes the loop wake early and re-arm.
 */
export const MAX_TIMER_DELAY_MS = 2147483647; // as a literal: esbuild keeps an unused `2 ** 31 - 1`

/** Convert a delay in seconds to setTimeout milliseconds: >= 0, rounded up, clamped. */
export function delay_to_ms(delay: number): number {
  if (!(delay > 0)) return 0;
  return Math.min(Math.ceil(delay * 1000), MAX_TIMER_DELAY_MS);
}

/** Run `callback` once after `delay` seconds (setTimeout; only for deadlines, never for "soon"). */
export function set_timer(callback: () => void, delay: number): TimerToken {
  return setTimeout(callback, delay_to_ms(delay));
}

/** Call `check` once after `HANG_CHECK_SECONDS`: a page or worker never ends, so time tells of a hang. */
export function watch_for_hang(check: () => void): void {
  setTimeout(check, HANG_CHECK_SECONDS * 1000);
}

/** Cancel a timer made by `set_timer`; a token that already fired is ignored. */
export function clear_timer(token: TimerToken): void {
  clearTimeout(token as number);
}

/** Seconds on the page's or worker's monotonic clock (`performance.now()`, epoch: time origin). */
export function monotonic(): number {
  return performance.now() / 1000;
}

/**
 * The resolution of `monotonic()` in seconds.
 *
 * Browsers coarsen performance.now() (5 us to 100 us, more without cross-origin
 * isolation); the loop tolerates an early wake by re-arming its timer.
 */
export const clock_resolution = 1e-6;

/**
 * Read a configuration variable: a truthy `globalThis[name]`, as a string.
 *
 * Browsers have no environment, so `globalThis.TROLLIUSDEBUG = 1` set before the
 * bundle loads plays the part of the TROLLIUSDEBUG environment variable.
 */
export function getenv(name: string): string | undefined {
  const value: unknown = (globalThis as Record<string, unknown>)[name];
  return value ? String(value) : undefined;
}
