// The loop: callback order, timers, stop/run semantics, closing, errors, debug mode, the per-turn bound.
import { describe, expect, it } from 'vitest';

import {
  BaseEventLoop,
  type Future,
  RuntimeError,
  Task,
  type AbstractEventLoop,
  coroutine,
  get_event_loop,
  logger,
  sleep,
  type LogRecord,
} from '../../src/index.js';
import { MAX_SECONDS_PER_TURN } from '../../src/constants.js';
import {
  TestLoop,
  virtual_clock_platform,
  capture_exceptions,
  run_briefly,
  each_test_on_a_new_loop,
} from '../support/test_loop.js';
import { stuck_executor } from '../support/recorders.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

describe('call_soon', () => {
  it('runs callbacks in FIFO order with their arguments (test_call_soon)', async () => {
    const calls: unknown[] = [];
    loop.call_soon((a: number, b: string) => calls.push([a, b]), 1, 'x');
    loop.call_soon(() => calls.push('second'));
    loop.call_soon(() => calls.push('third'));
    await run_briefly(loop);
    expect(calls).toEqual([[1, 'x'], 'second', 'third']);
  });

  it('runs in one iteration only what was ready when the iteration began', async () => {
    const calls: string[] = [];
    loop.call_soon(() => {
      calls.push('a');
      loop.call_soon(() => calls.push('scheduled by a'));
    });
    loop.call_soon(() => calls.push('b'));
    await run_briefly(loop);
    expect(calls).toEqual(['a', 'b']);
    await run_briefly(loop);
    expect(calls).toEqual(['a', 'b', 'scheduled by a']);
  });

  it('never runs a cancelled handle, and cancelling twice is harmless', async () => {
    const calls: string[] = [];
    const handle = loop.call_soon(() => calls.push('cancelled'));
    loop.call_soon(() => calls.push('kept'));
    handle.cancel();
    handle.cancel();
    expect(handle.cancelled()).toBe(true);
    await run_briefly(loop);
    expect(calls).toEqual(['kept']);
  });

  it('refuses coroutine functions and coroutine objects (LOOP-5)', () => {
    const coro_fn = coroutine(function* () {});
    expect(() => loop.call_soon(coro_fn)).toThrow(
      new TypeError('coroutines cannot be used with call_soon()'),
    );
    expect(() => loop.call_later(1, coro_fn)).toThrow(
      /coroutines cannot be used with call_later\(\)/,
    );
    expect(() => loop.call_at(1, async () => {})).toThrow(
      /coroutines cannot be used with call_at\(\)/,
    );
    expect(() => loop.call_soon(42 as never)).toThrow(TypeError);
  });

  it('call_soon_threadsafe queues like call_soon', async () => {
    const calls: number[] = [];
    loop.call_soon(() => calls.push(1));
    loop.call_soon_threadsafe(() => calls.push(2));
    await run_briefly(loop);
    expect(calls).toEqual([1, 2]);
  });
});

describe('timers', () => {
  it('call_later runs after the delay, in deadline order (test_call_later)', async () => {
    const calls: string[] = [];
    loop.call_later(0.2, () => calls.push('0.2'));
    loop.call_later(0.1, () => calls.push('0.1'));
    const done = loop.create_future();
    loop.call_later(0.3, () => done.set_result(null));
    await loop.run_until_complete(done);
    expect(calls).toEqual(['0.1', '0.2']);
    expect(loop.time()).toBeCloseTo(0.3, 9);
  });

  it('runs timers with equal deadlines in scheduling order (TIME-2, stricter than heapq)', async () => {
    const calls: number[] = [];
    for (let i = 0; i < 20; i++) loop.call_at(5, () => calls.push(i));
    await loop.run_until_complete(sleep(6, null, { loop }));
    expect(calls).toEqual([...Array(20).keys()]);
  });

  it('runs timers seconds apart in deadline order as time reaches them', async () => {
    // The loop keeps timers due within a second apart from later ones: both kinds, and
    // one scheduled while another is moving over, come out in one order.
    const calls: number[] = [];
    for (const delay of [3, 0.5, 2.5, 1.2, 0.001, 1.0005, 5]) {
      loop.call_later(delay, () => calls.push(delay));
    }
    loop.call_later(1.1, () => loop.call_later(0.2, () => calls.push(1.3)));
    await loop.run_until_complete(sleep(6, null, { loop }));
    expect(calls).toEqual([0.001, 0.5, 1.0005, 1.2, 1.3, 2.5, 3, 5]);
  });

  it('treats negative delays as due now, ordered by deadline (test_call_later_negative_delays)', async () => {
    const calls: number[] = [];
    loop.call_later(-1, () => calls.push(1));
    loop.call_later(-2, () => calls.push(2));
    await run_briefly(loop);
    expect(calls).toEqual([2, 1]);
  });

  it('call_at takes a loop time (test_time_and_call_at)', async () => {
    const when = loop.time() + 0.1;
    let at = -1;
    const handle = loop.call_at(when, () => (at = loop.time()));
    expect(handle.when()).toBe(when);
    await loop.run_until_complete(sleep(0.2, null, { loop }));
    expect(at).toBeCloseTo(when, 9);
  });

  it('asks the host to sleep exactly until the next deadline', async () => {
    loop.call_later(10, () => {});
    await loop.run_until_complete(sleep(10, null, { loop }));
    expect(loop._platform.sleeps).toEqual([10]);
  });

  it('never runs a cancelled timer and rebuilds the timer queue when most timers are cancelled', async () => {
    const handles = Array.from({ length: 300 }, (_, i) => loop.call_later(100 + i, () => {}));
    for (const h of handles.slice(0, 250)) h.cancel();
    expect(loop._timer_cancelled_count).toBe(250);
    await run_briefly(loop);
    expect(loop._scheduled.length).toBe(50);
    expect(loop._timer_cancelled_count).toBe(0);
  });

  it('pops cancelled timers from the head of the timer queue (test__run_once_cancelled_event_cleanup)', async () => {
    const first = loop.call_later(1, () => {});
    loop.call_later(2, () => {});
    first.cancel();
    await run_briefly(loop);
    expect(loop._scheduled.length).toBe(1);
  });

  it('rejects a non-numeric delay', () => {
    expect(() => loop.call_later('1' as never, () => {})).toThrow(TypeError);
    expect(() => loop.call_at(Number.NaN, () => {})).toThrow(TypeError);
  });

  it('takes no wall time for long timeouts on the virtual clock', async () => {
    const start = Date.now();
    await loop.run_until_complete(sleep(3600, null, { loop }));
    expect(loop.time()).toBe(3600);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('stop and run', () => {
  it('stop() in a callback finishes the current iteration, later callbacks wait (RUN-2)', async () => {
    const calls: string[] = [];
    loop.call_soon(() => calls.push('a'));
    loop.call_soon(() => {
      loop.stop();
      loop.call_soon(() => calls.push('next iteration'));
    });
    loop.call_soon(() => calls.push('b'));
    await loop.run_forever();
    expect(calls).toEqual(['a', 'b']);
    await run_briefly(loop);
    expect(calls).toEqual(['a', 'b', 'next iteration']);
  });

  it('stop() before run_forever() makes the run do exactly one iteration', async () => {
    const calls: number[] = [];
    loop.call_soon(() => {
      calls.push(1);
      loop.call_soon(() => calls.push(2));
    });
    loop.stop();
    await loop.run_forever();
    expect(calls).toEqual([1]);
    expect(loop.is_running()).toBe(false);
  });

  it('stop() from outside the loop wakes an idle loop', async () => {
    const running = loop.run_forever();
    setTimeout(() => loop.stop(), 5);
    await running;
    expect(loop.is_running()).toBe(false);
  });

  it('is_running() is true inside callbacks and false after the run (RUN-5)', async () => {
    let inside = false;
    loop.call_soon(() => (inside = loop.is_running()));
    await run_briefly(loop);
    expect(inside).toBe(true);
    expect(loop.is_running()).toBe(false);
  });

  it('refuses to run twice at once (RUN-1, test_run_until_complete_nesting)', async () => {
    const running = loop.run_forever();
    expect(() => loop.run_forever()).toThrow(
      new RuntimeError('This event loop is already running'),
    );
    expect(() => loop.run_until_complete(loop.create_future())).toThrow(RuntimeError);
    loop.stop();
    await running;
  });

  it('run_until_complete resolves to the result and rejects with the exception (RUN-3)', async () => {
    const ok = loop.create_future<number>();
    loop.call_soon(() => ok.set_result(42));
    await expect(loop.run_until_complete(ok)).resolves.toBe(42);
    const bad = loop.create_future();
    loop.call_soon(() => bad.set_exception(new RangeError('boom')));
    await expect(loop.run_until_complete(bad)).rejects.toThrow(RangeError);
  });

  it('run_until_complete fails if the loop stops first (test_run_until_complete_stopped)', async () => {
    loop.call_soon(() => loop.stop());
    await expect(loop.run_until_complete(loop.create_future())).rejects.toThrow(
      new RuntimeError('Event loop stopped before Future completed.'),
    );
  });

  it('run_until_complete refuses what cannot be awaited (test_run_until_complete_type_error)', () => {
    expect(() => loop.run_until_complete(42 as never)).toThrow(TypeError);
  });

  it('run_until_complete refuses a future of another loop (test_run_until_complete_loop)', () => {
    const other = new TestLoop();
    const fut = other.create_future();
    expect(() => loop.run_until_complete(fut)).toThrow(/loop argument must agree with Future/);
    other.close();
  });

  it('run_until_complete accepts a Promise', async () => {
    await expect(loop.run_until_complete(Promise.resolve('p'))).resolves.toBe('p');
  });
});

describe('close', () => {
  it('drops pending callbacks and refuses new work (RUN-4)', async () => {
    let ran = false;
    loop.call_soon(() => (ran = true));
    loop.call_later(1, () => (ran = true));
    loop.close();
    loop.close();
    expect(loop.is_closed()).toBe(true);
    expect(ran).toBe(false);
    expect(() => loop.call_soon(() => {})).toThrow(new RuntimeError('Event loop is closed'));
    expect(() => loop.call_later(1, () => {})).toThrow(/Event loop is closed/);
    expect(() => loop.create_task((function* () {})())).toThrow(/Event loop is closed/);
    expect(() => loop.run_forever()).toThrow(/Event loop is closed/);
    expect(() => loop.run_in_executor(null, () => 1)).toThrow(/Event loop is closed/);
  });

  it('cannot close a running loop', async () => {
    let error: unknown;
    loop.call_soon(() => {
      try {
        loop.close();
      } catch (e) {
        error = e;
      }
    });
    await run_briefly(loop);
    expect(error).toEqual(new RuntimeError('Cannot close a running event loop'));
  });

  it('shuts the default executor down', () => {
    let shut: unknown = null;
    loop.set_default_executor({
      submit: () => Promise.resolve(1) as never,
      shutdown: (wait) => {
        shut = wait;
      },
    });
    loop.close();
    expect(shut).toBe(false);
  });

  it('shuts the default executor down, waiting for it, with shutdown_default_executor() (asyncio 3.9)', async () => {
    const calls: unknown[] = [];
    let finish_shutdown!: () => void;
    loop.set_default_executor({
      submit: () => Promise.resolve(1) as never,
      shutdown: (wait) => {
        calls.push(wait);
        return new Promise<void>((resolve) => (finish_shutdown = resolve));
      },
    });
    const stopped = loop.shutdown_default_executor();
    expect(calls).toEqual([true]);
    await run_briefly(loop);
    expect(stopped.done()).toBe(false);
    finish_shutdown();
    await expect(loop.run_until_complete(stopped)).resolves.toBe(null);
    expect(() => loop.run_in_executor(null, () => 1)).toThrow(
      new RuntimeError('Executor shutdown has been called'),
    );
  });

  describe('shutdown_default_executor(timeout) (asyncio 3.12)', () => {
    /** Give `loop` a default executor whose work never ends; returns its shutdown calls. */
    function stuck_default_executor(): unknown[] {
      const calls: unknown[] = [];
      loop.set_default_executor(stuck_executor(calls));
      return calls;
    }

    /** Log records of level WARNING and above while `body` runs. */
    async function warnings_of(body: () => Promise<void>): Promise<string[]> {
      const records: LogRecord[] = [];
      logger.set_handler((record) => records.push(record));
      try {
        await body();
      } finally {
        logger.set_handler(null);
      }
      return records.map((record) => record.message);
    }

    it('gives up after `timeout` seconds: warns, shuts the executor down without waiting, resolves', async () => {
      const calls = stuck_default_executor();
      const started = loop.time();
      const warnings = await warnings_of(async () => {
        await expect(loop.run_until_complete(loop.shutdown_default_executor(2.5))).resolves.toBe(
          null,
        );
      });
      expect(loop.time() - started).toBeCloseTo(2.5, 3);
      expect(calls).toEqual([true, false]);
      expect(warnings).toEqual([
        'The executor did not finishing joining its threads within 2.5 seconds.',
      ]);
    });

    it('takes the timeout as {timeout} too; null waits without a limit', async () => {
      const calls = stuck_default_executor();
      const warnings = await warnings_of(async () => {
        await loop.run_until_complete(loop.shutdown_default_executor({ timeout: 1 }));
      });
      expect(calls).toEqual([true, false]);
      expect(warnings).toHaveLength(1);

      const unlimited = new TestLoop();
      let finish!: () => void;
      unlimited.set_default_executor({
        submit: () => Promise.resolve(1) as never,
        shutdown: () => new Promise<void>((resolve) => (finish = resolve)),
      });
      const stopped = unlimited.shutdown_default_executor({ timeout: null });
      await run_briefly(unlimited, 3);
      expect(stopped.done()).toBe(false);
      expect(unlimited._scheduled.length).toBe(0);
      finish();
      await expect(unlimited.run_until_complete(stopped)).resolves.toBe(null);
      unlimited.close();
    });

    it('cancels its timer when the executor finishes in time: no warning', async () => {
      let finish!: () => void;
      loop.set_default_executor({
        submit: () => Promise.resolve(1) as never,
        shutdown: () => new Promise<void>((resolve) => (finish = resolve)),
      });
      const warnings = await warnings_of(async () => {
        const stopped = loop.shutdown_default_executor(60);
        await run_briefly(loop);
        finish();
        await loop.run_until_complete(stopped);
      });
      expect(warnings).toEqual([]);
      expect(loop._scheduled.length).toBe(0);
    });

    it('refuses a timeout that is not a number of seconds, or an unknown option, at the call', () => {
      expect(() => loop.shutdown_default_executor('soon' as never)).toThrow(
        new TypeError("timeout must be a number of seconds or null, got 'soon'"),
      );
      expect(() => loop.shutdown_default_executor({ timeout: 'soon' } as never)).toThrow(TypeError);
      expect(() => loop.shutdown_default_executor({ wait: true } as never)).toThrow(
        /shutdown_default_executor\(\) got an unexpected keyword argument 'wait'/,
      );
    });
  });
});

describe('exception handler', () => {
  it('reports an exception in a callback and keeps running (LOOP-4)', async () => {
    const seen = capture_exceptions(loop);
    const error = new Error('in callback');
    const calls: string[] = [];
    const handle = loop.call_soon(function failing() {
      throw error;
    });
    loop.call_soon(() => calls.push('after'));
    await run_briefly(loop);
    expect(calls).toEqual(['after']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.message).toBe('Exception in callback failing()');
    expect(seen[0]!.exception).toBe(error);
    expect(seen[0]!.handle).toBe(handle);
  });

  it('refuses a handler that is not callable (test_set_exc_handler_invalid)', () => {
    expect(() => loop.set_exception_handler(42 as never)).toThrow(
      new TypeError('A callable object or None is expected, got 42'),
    );
  });

  it('get_exception_handler returns what was set; null restores the default', () => {
    const handler = (): void => {};
    loop.set_exception_handler(handler);
    expect(loop.get_exception_handler()).toBe(handler);
    loop.set_exception_handler(null);
    expect(loop.get_exception_handler()).toBeNull();
  });

  it('logs through the default handler with sorted context lines (EXC-3)', () => {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    try {
      const error = new Error('x');
      loop.call_exception_handler({
        message: 'Something broke',
        exception: error,
        zebra: 1,
        apple: 'a',
      });
      expect(records).toHaveLength(1);
      expect(records[0]!.message).toBe("Something broke\napple: 'a'\nzebra: 1");
      expect(records[0]!.exc_info).toBe(error);
    } finally {
      logger.set_handler(null);
    }
  });

  it('falls back to the default handler when the custom one throws (test_set_exc_handler_broken)', () => {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    try {
      const failure = new Error('handler failed');
      loop.set_exception_handler(() => {
        throw failure;
      });
      loop.call_exception_handler({ message: 'original' });
      expect(records).toHaveLength(1);
      expect(records[0]!.message).toMatch(/^Unhandled error in exception handler\ncontext: /);
      expect(records[0]!.exc_info).toBe(failure);
    } finally {
      logger.set_handler(null);
    }
  });

  it('logs when the default handler itself fails (test_default_exc_handler_broken)', () => {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    try {
      loop.default_exception_handler = () => {
        throw new Error('default broken');
      };
      loop.call_exception_handler({ message: 'x' });
      expect(records.map((r) => r.message)).toEqual(['Exception in default exception handler']);
    } finally {
      logger.set_handler(null);
    }
  });
});

describe('tasks, executor and debug', () => {
  it('create_task goes through the task factory (test_set_task_factory)', async () => {
    expect(() => loop.set_task_factory(1 as never)).toThrow(
      new TypeError('task factory must be a callable or None'),
    );
    expect(loop.get_task_factory()).toBeNull();
    const made: unknown[] = [];
    const factory = (
      l: AbstractEventLoop,
      coro: Generator<unknown, unknown, unknown>,
    ): Task<unknown> => {
      made.push(coro);
      return new Task(coro, { loop: l });
    };
    loop.set_task_factory(factory);
    expect(loop.get_task_factory()).toBe(factory);
    const coro = (function* () {
      return 5;
    })();
    const task = loop.create_task(coro);
    expect(made.length).toBe(1);
    expect(made[0]).toBe(coro);
    await expect(loop.run_until_complete(task)).resolves.toBe(5);
  });

  it('run_in_executor runs the function in the synchronous default executor', async () => {
    const fut = loop.run_in_executor(null, (a: number, b: number) => a + b, 2, 3);
    await expect(loop.run_until_complete(fut)).resolves.toBe(5);
    const failing = loop.run_in_executor(null, () => {
      throw new RangeError('in executor');
    });
    await expect(loop.run_until_complete(failing)).rejects.toThrow(RangeError);
  });

  it('run_in_executor uses a given executor or the default one set', async () => {
    const submitted: unknown[][] = [];
    const executor = {
      submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A) {
        submitted.push(args);
        return Promise.resolve(fn(...args)) as unknown as Promise<Awaited<R>>;
      },
    };
    await loop.run_until_complete(loop.run_in_executor(executor, (x: number) => x * 2, 4));
    loop.set_default_executor(executor);
    await expect(
      loop.run_until_complete(loop.run_in_executor(null, (x: number) => x * 3, 5)),
    ).resolves.toBe(15);
    expect(submitted).toEqual([[4], [5]]);
    expect(() => loop.set_default_executor({} as never)).toThrow(TypeError);
    expect(() => loop.run_in_executor(null, function* () {})).toThrow(
      /coroutines cannot be used with run_in_executor\(\)/,
    );
  });

  it('starts in debug mode when TROLLIUSDEBUG is set, ignoring PYTHONASYNCIODEBUG', () => {
    const saved = { t: process.env.TROLLIUSDEBUG, p: process.env.PYTHONASYNCIODEBUG };
    try {
      delete process.env.TROLLIUSDEBUG;
      process.env.PYTHONASYNCIODEBUG = '1';
      const quiet = new BaseEventLoop(virtual_clock_platform());
      expect(quiet.get_debug()).toBe(false);
      process.env.TROLLIUSDEBUG = '1';
      const loud = new BaseEventLoop(virtual_clock_platform());
      expect(loud.get_debug()).toBe(true);
      loud.set_debug(false);
      expect(loud.get_debug()).toBe(false);
      quiet.close();
      loud.close();
    } finally {
      if (saved.t === undefined) delete process.env.TROLLIUSDEBUG;
      else process.env.TROLLIUSDEBUG = saved.t;
      if (saved.p === undefined) delete process.env.PYTHONASYNCIODEBUG;
      else process.env.PYTHONASYNCIODEBUG = saved.p;
    }
  });

  it('logs slow callbacks in debug mode (test_log_slow_callbacks)', async () => {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    try {
      loop.set_debug(true);
      expect(loop.slow_callback_duration).toBe(0.1);
      loop.call_soon(function slow() {
        loop.advance_time(0.25);
      });
      loop.call_soon(function fast() {});
      await run_briefly(loop);
      expect(records.map((r) => r.message)).toEqual([
        expect.stringMatching(/^Executing <Handle slow\(\).*> took 0\.250 seconds$/),
      ]);
    } finally {
      logger.set_handler(null);
    }
  });

  it('get_event_loop() inside a callback returns the running loop', async () => {
    let seen: unknown = null;
    loop.call_soon(() => (seen = get_event_loop()));
    await run_briefly(loop);
    expect(seen).toBe(loop);
  });

  it('reprs show running, closed and debug', () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    expect(String(loop)).toBe('<TestLoop running=false closed=false debug=false>');
  });
});

describe('host turns', () => {
  it('lets host timers and I/O run during an endless call_soon chain', async () => {
    const real = new BaseEventLoop();
    let host_timer_fired = false;
    let iterations = 0;
    const chain = (): void => {
      if (++iterations === 1) setTimeout(() => (host_timer_fired = true), 1);
      if (host_timer_fired) real.stop();
      else real.call_soon(chain);
    };
    real.call_soon(chain);
    await real.run_forever();
    expect(host_timer_fired).toBe(true);
    expect(iterations).toBeGreaterThan(1);
    real.close();
  });

  /**
   * Run an endless call_soon chain of `work` on a real loop for five host
   * turns (setImmediate); returns how many links ran between host turns.
   */
  async function links_per_host_turn(work: () => void): Promise<number[]> {
    const real = new BaseEventLoop();
    const per_turn: number[] = [];
    let count = 0;
    let stop_after = 5;
    const on_host_turn = (): void => {
      per_turn.push(count);
      count = 0;
      if (--stop_after === 0) real.stop();
      else setImmediate(on_host_turn);
    };
    const chain = (): void => {
      count++;
      work();
      real.call_soon(chain);
    };
    real.call_soon(chain);
    setImmediate(on_host_turn);
    await real.run_forever();
    real.close();
    return per_turn;
  }

  it('alternates turns of a fast endless call_soon chain with host turns', async () => {
    const per_turn = await links_per_host_turn(() => {});
    expect(per_turn.slice(1).every((n) => n > 0)).toBe(true);
  });

  it('hands the thread back after MAX_SECONDS_PER_TURN of slow callbacks', async () => {
    const per_turn = await links_per_host_turn(() => {
      const until = performance.now() + 1;
      while (performance.now() < until); // 1 ms of work
    });
    // 5 ms of 1 ms callbacks, plus the one that crosses the limit.
    expect(Math.max(...per_turn)).toBeLessThanOrEqual(MAX_SECONDS_PER_TURN * 1000 + 1);
    expect(per_turn.slice(1).every((n) => n > 0)).toBe(true);
  });

  // Each await resumes its function in a microtask, which wakes the idle loop again at once:
  // without a budget kept across such wakes, the host would never get a turn.
  it('lets a host timer fire while an async function awaits sleep(0) again and again', async () => {
    const real = new BaseEventLoop();
    let host_timer_fired = false;
    setTimeout(() => (host_timer_fired = true), 1);
    let sleeps = 0;
    const spin = async (): Promise<void> => {
      while (!host_timer_fired && sleeps < 2_000_000) {
        await sleep(0, null, { loop: real });
        sleeps++;
      }
    };
    await real.run_until_complete(spin());
    expect(host_timer_fired).toBe(true);
    real.close();
  });

  it('lets a host timer fire while two async functions hand a Future back and forth', async () => {
    const real = new BaseEventLoop();
    let host_timer_fired = false;
    setTimeout(() => (host_timer_fired = true), 1);
    const waiting: { a: Future<null> | null; b: Future<null> | null } = { a: null, b: null };
    let rounds = 0;
    const side = async (mine: 'a' | 'b', theirs: 'a' | 'b'): Promise<void> => {
      while (!host_timer_fired && rounds++ < 2_000_000) {
        const future = real.create_future<null>();
        waiting[mine] = future;
        waiting[theirs]?.set_result(null);
        waiting[theirs] = null;
        await future;
      }
      waiting[theirs]?.set_result(null);
    };
    await real.run_until_complete(Promise.all([side('a', 'b'), side('b', 'a')]));
    expect(host_timer_fired).toBe(true);
    real.close();
  });

  it('wakes for a timer scheduled from outside the loop while it idles', async () => {
    const real = new BaseEventLoop();
    const running = real.run_forever();
    setTimeout(() => real.call_later(0.01, () => real.stop()), 2);
    await running;
    real.close();
  });
});
