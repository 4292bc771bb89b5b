// Virtual time for tests: a Platform whose clock jumps to the next deadline, and helpers to step a loop.

import { afterEach, beforeEach } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Future } from '../../src/futures.js';
import { get_platform, type Platform } from '../../src/platform.js';

interface VirtualTimer {
  callback: () => void;
  deadline: number;
  cancelled: boolean;
}

/** A Platform whose clock is virtual: `now` is moved by the loop's sleeps or by hand. */
export interface VirtualClockPlatform extends Platform {
  now: number;
  /** Every delay the loop asked to sleep for, in order. */
  readonly sleeps: number[];
}

/**
 * A Platform whose clock only moves when the loop would sleep: a timer's
 * callback runs on the next host turn with the clock set to its deadline, so
 * timeouts of any length take no wall time (Trollius' TestLoop idea).
 */
export function virtual_clock_platform(): VirtualClockPlatform {
  // Host I/O and scheduling are the installed backend's (Node's under vitest,
  // the browser's when the unit tests run in a page); only time is virtual.
  const host = get_platform();
  const clock: VirtualClockPlatform = {
    ...host,
    name: 'virtual',
    clock_resolution: 1e-9,
    now: 0,
    sleeps: [],
    schedule(callback) {
      host.schedule(callback);
    },
    set_timer(callback, delay) {
      const timer: VirtualTimer = {
        callback,
        deadline: clock.now + Math.max(0, delay),
        cancelled: false,
      };
      clock.sleeps.push(delay);
      // Let other host work queued now (Promise reactions, I/O) go first.
      host.schedule(() => {
        if (timer.cancelled) return;
        clock.now = Math.max(clock.now, timer.deadline);
        timer.callback();
      });
      return timer;
    },
    clear_timer(token) {
      (token as VirtualTimer).cancelled = true;
    },
    monotonic: () => clock.now,
  };
  return clock;
}

/** A loop on a virtual clock; `advance_time(dt)` moves the clock by hand. */
export class TestLoop extends BaseEventLoop {
  declare readonly _platform: VirtualClockPlatform;

  constructor() {
    super(virtual_clock_platform());
  }

  advance_time(dt: number): void {
    this._platform.now += dt;
  }
}

/**
 * Give each test of the file a new TestLoop: `use` receives it before the
 * test. After the test, `reset` runs (what else the file puts back), then the
 * loop is closed unless the test left it running.
 *
 * @example
 * let loop: TestLoop;
 * each_test_on_a_new_loop((fresh) => (loop = fresh));
 */
export function each_test_on_a_new_loop(use: (loop: TestLoop) => void, reset?: () => void): void {
  let loop: TestLoop;
  beforeEach(() => {
    loop = new TestLoop();
    use(loop);
  });
  afterEach(() => {
    reset?.();
    if (!loop.is_running()) loop.close();
  });
}

/** Run exactly `steps` loop iterations (asyncio test_utils.run_briefly). */
export async function run_briefly(loop: BaseEventLoop, steps = 1): Promise<void> {
  for (let i = 0; i < steps; i++) {
    loop.stop();
    await loop.run_forever();
  }
}

/** Collect what the loop reports to its exception handler. */
export function capture_exceptions(loop: BaseEventLoop): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  loop.set_exception_handler((_loop, context) => {
    seen.push(context);
  });
  return seen;
}

/**
 * True when the unit tests run bundled in a browser page (test/browser/unit):
 * there the library and the test files are one script, so stack frames
 * cannot tell where an object was created.
 */
export const IN_PAGE = typeof (globalThis as { process?: unknown }).process === 'undefined';

/** What `p` rejects with; fails the test if it resolves. */
export async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, but it resolved');
}

/** Run `loop` until `task` is done, swallowing its outcome (the test looks at the task itself). */
export async function settle(loop: BaseEventLoop, task: Future<unknown>): Promise<void> {
  await loop.run_until_complete(task).catch(() => undefined);
}
