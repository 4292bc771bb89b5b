// run() and Runner: a fresh loop per program, everything cancelled and closed after it (asyncio test_runners.py).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BaseEventLoop,
  CancelledError,
  EventLoop,
  From,
  Future,
  RuntimeError,
  Runner,
  Task,
  all_tasks,
  coroutine,
  current_task,
  get_event_loop,
  get_event_loop_policy,
  get_running_loop,
  logger,
  logging,
  new_event_loop,
  run,
  set_event_loop,
  sleep,
  type AbstractEventLoop,
  type LogRecord,
} from '../../src/index.js';
import { BaseDefaultEventLoopPolicy } from '../../src/event_loop_policy.js';
import { get_platform } from '../../src/platform.js';
import { stuck_executor } from '../support/recorders.js';
import { TestLoop } from '../support/test_loop.js';

// Each test leaves the current loop as it found it (the unit files share one realm in Chromium).
let saved_current: ReturnType<BaseDefaultEventLoopPolicy['_save_current']>;
beforeEach(() => {
  saved_current = (get_event_loop_policy() as BaseDefaultEventLoopPolicy)._save_current();
});
afterEach(() => {
  (get_event_loop_policy() as BaseDefaultEventLoopPolicy)._restore_current(saved_current);
});

const answer = coroutine(function* (value: number) {
  yield From(sleep(0.001));
  return value;
});

describe('run()', () => {
  it('runs a coroutine object on a new loop and resolves to its result (test_asyncio_run_return)', async () => {
    await expect(run(answer(42))).resolves.toBe(42);
  });

  it('calls a function taking no arguments inside a task of the running loop: the form for async functions', async () => {
    const seen = await run(async () => {
      const loop = get_running_loop();
      const task = current_task();
      await sleep(0.001);
      return { loop, task, current: get_event_loop() };
    });
    expect(seen.loop).toBeInstanceOf(BaseEventLoop);
    expect(seen.task).toBeInstanceOf(Task);
    expect(seen.current).toBe(seen.loop);
    expect(seen.loop.is_closed()).toBe(true);
  });

  it('accepts a coroutine function and a Promise', async () => {
    await expect(run(() => answer(7))).resolves.toBe(7);
    await expect(run(Promise.resolve('resolved'))).resolves.toBe('resolved');
  });

  it('makes its loop current for the run, then closes it and puts back the current loop from before', async () => {
    const before = new_event_loop();
    set_event_loop(before);
    let during: AbstractEventLoop | null = null;
    await run(
      coroutine(function* () {
        during = get_event_loop();
        yield null;
      })(),
    );
    expect(during).not.toBe(before);
    expect(during!.is_closed()).toBe(true);
    expect(get_event_loop()).toBe(before);
    before.close();
  });

  it('rejects with the exception of main, and still closes the loop (test_asyncio_run_raises)', async () => {
    let loop: AbstractEventLoop | null = null;
    const failing = coroutine(function* () {
      loop = get_running_loop();
      yield null;
      throw new RangeError('spam');
    });
    await expect(run(failing())).rejects.toThrow(new RangeError('spam'));
    expect(loop!.is_closed()).toBe(true);
  });

  it('cancels and awaits every task still pending before it resolves (test_asyncio_run_cancels_hanging_tasks)', async () => {
    const events: string[] = [];
    let leftover: Task<unknown> | null = null;
    const lingering = coroutine(function* () {
      try {
        yield From(sleep(3600));
      } finally {
        events.push('lingering cleaned up');
      }
    });
    const result = await run(
      coroutine(function* () {
        leftover = get_running_loop().create_task(lingering());
        yield From(sleep(0.001));
        return 'main done';
      })(),
    );
    expect(result).toBe('main done');
    expect(events).toEqual(['lingering cleaned up']);
    expect(leftover!.cancelled()).toBe(true);
    expect(all_tasks(leftover!.get_loop()).size).toBe(0);
  });

  it('reports a task that fails while being cancelled at shutdown (test_asyncio_run_reports_hanging_tasks_errors)', async () => {
    const reports: Array<Record<string, unknown>> = [];
    const stubborn = coroutine(function* () {
      try {
        yield From(sleep(3600));
      } catch {
        throw new RangeError('failed in cleanup');
      }
    });
    await run(
      coroutine(function* () {
        const loop = get_running_loop();
        loop.set_exception_handler((_loop, context) => reports.push(context));
        loop.create_task(stubborn());
        yield From(sleep(0.001));
      })(),
    );
    expect(reports.map((r) => r.message)).toEqual(['unhandled exception during run() shutdown']);
    expect(reports[0]!.exception).toEqual(new RangeError('failed in cleanup'));
  });

  it('rejects with CancelledError when main is cancelled', async () => {
    await expect(
      run(
        coroutine(function* () {
          current_task()!.cancel();
          yield null;
        })(),
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('is refused with RuntimeError while a loop is running (test_asyncio_run_from_running_loop)', async () => {
    const nested = answer(1);
    const attempt = coroutine(function* () {
      yield null;
      expect(() => run(nested)).toThrow(
        new RuntimeError('run() cannot be called from a running event loop'),
      );
    });
    await run(attempt());
  });

  it('refuses anything but a coroutine, a Future, a Promise or a function, at the call (test_asyncio_run_only_coro)', () => {
    for (const bad of [1, 'main', null, {}]) {
      expect(() => run(bad as never)).toThrow(TypeError);
    }
  });

  it('refuses a pending Future of another loop, naming the function form', () => {
    const other = new_event_loop();
    const future = new Future({ loop: other });
    expect(() => run(future)).toThrow(/belongs to another event loop.*run\(\(\) =>/);
    other.close();
  });

  it('sets debug mode with {debug} (test_asyncio_run_debug) and refuses unknown options', async () => {
    const debug_of = coroutine(function* () {
      yield null;
      return get_running_loop().get_debug();
    });
    await expect(run(debug_of(), { debug: true })).resolves.toBe(true);
    await expect(run(debug_of(), { debug: false })).resolves.toBe(false);
    expect(() => run(debug_of(), { dbug: true } as never)).toThrow(
      new TypeError("run() got an unexpected keyword argument 'dbug'"),
    );
  });

  it('runs on the loop loop_factory makes (test_asyncio_run_loop_factory)', async () => {
    const loops: TestLoop[] = [];
    const factory = (): TestLoop => {
      const loop = new TestLoop();
      loops.push(loop);
      return loop;
    };
    // A virtual clock: an hour-long sleep takes no time.
    await expect(run(() => sleep(3600, 'slept'), { loop_factory: factory })).resolves.toBe('slept');
    expect(loops).toHaveLength(1);
    expect(loops[0]!.is_closed()).toBe(true);
  });

  it('takes a loop class as loop_factory, such as EventLoop (asyncio 3.13)', async () => {
    expect(EventLoop).toBe(BaseEventLoop);
    let running: AbstractEventLoop | null = null;
    const main = coroutine(function* () {
      running = get_running_loop();
      yield null;
      return 'done';
    });
    await expect(run(main(), { loop_factory: EventLoop })).resolves.toBe('done');
    expect(running).toBeInstanceOf(EventLoop);
    expect(running!.is_closed()).toBe(true);
    // Its own subclass too.
    let made = 0;
    class CountedLoop extends TestLoop {
      constructor() {
        super();
        made++;
      }
    }
    await expect(run(main(), { loop_factory: CountedLoop })).resolves.toBe('done');
    expect(made).toBe(1);
  });

  it('shuts the default executor down before closing the loop', async () => {
    const shutdowns: unknown[] = [];
    await run(
      coroutine(function* () {
        get_running_loop().set_default_executor({
          submit: () => Promise.resolve(1) as never,
          shutdown: (wait) => {
            shutdowns.push(wait);
          },
        });
        yield null;
      })(),
    );
    expect(shutdowns).toEqual([true]);
  });

  it('gives the default executor 300 seconds to finish, then warns and closes the loop (THREAD_JOIN_TIMEOUT)', async () => {
    const shutdowns: unknown[] = [];
    const warnings: string[] = [];
    let loop!: TestLoop;
    logger.set_handler((record) => warnings.push(record.message));
    try {
      await run(
        coroutine(function* () {
          loop = get_running_loop() as TestLoop;
          loop.set_default_executor(stuck_executor(shutdowns));
          yield null;
        })(),
        { loop_factory: TestLoop }, // a virtual clock: the 300 seconds take no time
      );
    } finally {
      logger.set_handler(null);
    }
    expect(loop.time()).toBeGreaterThanOrEqual(300);
    expect(shutdowns).toEqual([true, false]);
    expect(warnings).toEqual([
      'The executor did not finishing joining its threads within 300 seconds.',
    ]);
    expect(loop.is_closed()).toBe(true);
  });
});

describe('Runner', () => {
  it('runs several mains on one loop, then close() closes it (test_explicit_close, test_run_keeps_context)', async () => {
    const runner = new Runner();
    const loop = runner.get_loop();
    await expect(runner.run(answer(1))).resolves.toBe(1);
    await expect(runner.run(async () => get_running_loop())).resolves.toBe(loop);
    expect(loop.is_closed()).toBe(false);
    await runner.close();
    expect(loop.is_closed()).toBe(true);
    await runner.close(); // idempotent
    expect(() => runner.run(answer(2))).toThrow(new RuntimeError('Runner is closed'));
    expect(() => runner.get_loop()).toThrow(new RuntimeError('Runner is closed'));
  });

  it('closes with await using (test_double_close, as async with Runner())', async () => {
    let loop: AbstractEventLoop;
    {
      await using runner = new Runner();
      loop = runner.get_loop();
      await runner.run(answer(3));
    }
    expect(loop.is_closed()).toBe(true);
  });

  it('makes no loop until one is needed, and closing it before then does nothing', async () => {
    let made = 0;
    const runner = new Runner({ loop_factory: () => (made++, new TestLoop()) });
    await runner.close();
    expect(made).toBe(0);
    await expect(runner.run(answer(4))).resolves.toBe(4);
    expect(made).toBe(1);
    await runner.close();
  });

  it('is refused while its loop runs (test_recursive_run)', async () => {
    const runner = new Runner();
    const inner = answer(1);
    await runner.run(
      coroutine(function* () {
        yield null;
        expect(() => runner.run(inner)).toThrow(
          new RuntimeError('Runner.run() cannot be called from a running event loop'),
        );
      })(),
    );
    await runner.close();
  });
});

describe('awaiting a Future whose loop is not running', () => {
  function watched_loop(): { loop: BaseEventLoop; checks: Array<() => void> } {
    const checks: Array<() => void> = [];
    const loop = new BaseEventLoop({ ...get_platform(), watch_for_hang: (c) => checks.push(c) });
    return { loop, checks };
  }

  function capture_warnings(): LogRecord[] {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    return records;
  }

  afterEach(() => {
    logger.set_handler(null);
  });

  it('warns, naming run(), when the host finds the await still waiting', () => {
    const { loop, checks } = watched_loop();
    const records = capture_warnings();
    void loop.create_future().then(() => {});
    expect(checks).toHaveLength(1);
    checks[0]!();
    expect(records.map((r) => r.level)).toEqual([logging.WARNING]);
    expect(records[0]!.message).toMatch(
      /^An await of <Future pending.*> can never finish: its event loop is not running\. Run the program with run\(\)/,
    );
    loop.close();
  });

  it('says nothing when the loop ran and settled the await in the meantime', async () => {
    const { loop, checks } = watched_loop();
    const records = capture_warnings();
    const future = loop.create_future<number>();
    const awaited = future.then((v) => v);
    loop.call_soon(() => future.set_result(5));
    await loop.run_until_complete(future);
    await expect(awaited).resolves.toBe(5);
    checks[0]!();
    expect(records).toEqual([]);
    loop.close();
  });

  it('asks for no check while the loop runs', async () => {
    const { loop, checks } = watched_loop();
    await loop.run_until_complete(
      (async () => {
        await sleep(0, null, { loop });
      })(),
    );
    expect(checks).toEqual([]);
    loop.close();
  });
});
