// WorkerPoolExecutor on Node worker threads: asyncio's executor contract, and clear errors for work a worker cannot run.
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { ConcurrentFuture } from '../../src/concurrent_future.js';
import {
  CancelledError,
  RuntimeError,
  ValueError,
  WorkerCrashedError,
} from '../../src/exceptions.js';
import { WorkerPoolExecutor } from '../../src/worker_pool_executor.js';

const MODULE = new URL('../fixtures/worker_module.mjs', import.meta.url);
const BROKEN_MODULE = new URL('../fixtures/worker_module_broken.mjs', import.meta.url);

const pools: WorkerPoolExecutor[] = [];
function pool(
  options: ConstructorParameters<typeof WorkerPoolExecutor>[0] = {},
): WorkerPoolExecutor {
  const executor = new WorkerPoolExecutor(options);
  pools.push(executor);
  return executor;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown(true, { cancel_futures: true })));
});

/** The error `future` fails with (a test failure if it succeeds). */
function failure(future: PromiseLike<unknown>): Promise<Error> {
  return Promise.resolve(future).then(
    (value) => {
      throw new Error(`expected a failure, got ${String(value)}`);
    },
    (error: unknown) => error as Error,
  );
}

/** Cells of memory the test and its workers share. */
function shared_cells(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(16));
}

// The functions below run in workers: they use only their arguments and globals.

/** Arrive at a rendezvous in cell 0: true if `parties` callers were there at once within `ms`. */
function meet(cells: Int32Array, parties: number, ms: number): boolean {
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  const deadline = Date.now() + ms;
  for (let seen = Atomics.load(cells, 0); seen < parties; seen = Atomics.load(cells, 0)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(cells, 0, seen, 20);
  }
  return true;
}

/** Block the worker until the test stores 1 in cell 1 (at most 5 s), then return `value`. */
function wait_for_gate<T>(cells: Int32Array, value: T): T {
  Atomics.wait(cells, 1, 0, 5000);
  return value;
}

/** Count a run in cell 2. */
function count_run(cells: Int32Array): number {
  return Atomics.add(cells, 2, 1) + 1;
}

/** Count a run in cell 2, then, if asked, wait for the gate as `wait_for_gate` does. */
function count_then_wait(cells: Int32Array, wait: boolean): number {
  const count = Atomics.add(cells, 2, 1) + 1;
  if (wait) Atomics.wait(cells, 1, 0, 5000);
  return count;
}

function open_gate(cells: Int32Array): void {
  Atomics.store(cells, 1, 1);
  Atomics.notify(cells, 1);
}

describe('WorkerPoolExecutor: running work', () => {
  it('runs a function on another thread and returns a ConcurrentFuture of its result', async () => {
    const executor = pool({ max_workers: 1, module: MODULE });
    const future = executor.submit('thread_id');
    expect(future).toBeInstanceOf(ConcurrentFuture);
    const worker_thread = await future;
    expect(worker_thread).not.toBe(threadId);
    expect(await executor.submit((a: number, b: number) => a * b, 6, 7)).toBe(42);
    expect(future.done()).toBe(true);
    expect(future.result()).toBe(worker_thread);
  });

  it('runs up to max_workers jobs at the same time', async () => {
    const cells = shared_cells();
    const two = pool({ max_workers: 2 });
    const both = await Promise.all([
      two.submit(meet, cells, 2, 5000),
      two.submit(meet, cells, 2, 5000),
    ]);
    expect(both).toEqual([true, true]);

    const lone = shared_cells();
    const one = pool({ max_workers: 1 });
    const one_at_a_time = await Promise.all([
      one.submit(meet, lone, 2, 100),
      one.submit(meet, lone, 2, 100),
    ]);
    expect(one_at_a_time).toEqual([false, true]);
  });

  it('keeps the loop serving while a job blocks its worker', async () => {
    const loop = new BaseEventLoop();
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    let ticks = 0;
    const tick = (): void => {
      if (++ticks === 100) open_gate(cells);
      else loop.call_later(0.001, tick);
    };
    loop.call_soon(tick);
    const result = await loop.run_until_complete(
      loop.run_in_executor(executor, wait_for_gate, cells, 'done'),
    );
    expect(result).toBe('done');
    expect(ticks).toBe(100);
    loop.close();
  });

  it('awaits an async function in its worker, and accepts methods and named functions', async () => {
    const executor = pool({ max_workers: 1 });
    expect(await executor.submit(async (x: number) => (await Promise.resolve(x)) + 1, 1)).toBe(2);
    const shapes = {
      double(x: number) {
        return x * 2;
      },
      async triple(x: number) {
        return x * 3;
      },
    };
    expect(await executor.submit(shapes.double, 4)).toBe(8);
    expect(await executor.submit(shapes.triple, 4)).toBe(12);
    expect(await executor.submit(function square(x: number) { return x * x; }, 5)).toBe(25); // prettier-ignore
  });

  it('ignores what a job posts to the parent itself', async () => {
    const executor = pool({ max_workers: 1 });
    function chatty(): string {
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      parentPort!.postMessage(42);
      parentPort!.postMessage([0, 0, 'not the result']);
      return 'done';
    }
    expect(await executor.submit(chatty)).toBe('done');
  });

  it('map() yields results in order and leaving early cancels what has not started', async () => {
    const executor = pool({ max_workers: 2 });
    const results: number[] = [];
    for await (const sum of executor.map(
      (a: number, b: number) => a + b,
      [1, 2, 3],
      [10, 20, 30, 40],
    )) {
      results.push(sum);
    }
    expect(results).toEqual([11, 22, 33]);

    // The second call holds the only worker, so the third and fourth are still queued at the break.
    const cells = shared_cells();
    const one = pool({ max_workers: 1 });
    for await (const first of one.map(
      count_then_wait,
      [cells, cells, cells, cells],
      [false, true, false, false],
    )) {
      expect(first).toBe(1);
      break;
    }
    open_gate(cells);
    expect(await one.submit(count_run, cells)).toBe(3);
  });
});

describe('WorkerPoolExecutor: work a worker cannot run fails its future with a TypeError', () => {
  it('a closure over a local names the missing variable and what to do', async () => {
    const executor = pool({ max_workers: 1 });
    const secret = 7;
    const error = await failure(executor.submit(() => secret + 1));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/cannot run in a worker: secret is not defined/);
    expect((error as Error).message).toMatch(/no closures/);
    expect((error as Error).cause).toBeInstanceOf(ReferenceError);
  });

  it('a built-in or bound function has no source to send', async () => {
    const executor = pool({ max_workers: 1 });
    await expect(executor.submit(Math.max, 1, 2)).rejects.toThrow(
      /max\(\) cannot be sent to a worker: it has no source text/,
    );
    const bound = ((x: number) => x).bind(null);
    await expect(executor.submit(bound, 1)).rejects.toThrow(TypeError);
  });

  it('an argument or a result that structured clone refuses', async () => {
    const executor = pool({ max_workers: 1 });
    await expect(
      executor.submit(
        (f: unknown) => f,
        () => 1,
      ),
    ).rejects.toThrow(
      /the arguments of the anonymous function cannot be sent to a worker: .*could not be cloned/,
    );
    await expect(
      executor.submit(function make_fn() {
        return () => 1;
      }),
    ).rejects.toThrow(/the result of make_fn\(\) cannot be sent back from the worker/);
    expect(await executor.submit((x: number) => x, 3)).toBe(3); // the worker is still good
  });

  it('what the function throws comes back with its class, message and the worker stack', async () => {
    const executor = pool({ max_workers: 1 });
    function check(x: number): number {
      if (x < 0) throw new RangeError(`negative: ${x}`);
      return x;
    }
    const error = await failure(executor.submit(check, -1));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('negative: -1');
    expect(error.stack).toMatch(/at check/);
    function custom_error(): never {
      const e = new Error('mine');
      e.name = 'CustomError';
      throw e;
    }
    expect((await failure(executor.submit(custom_error))).name).toBe('CustomError');
    const rejected = executor.submit(async () => Promise.reject(new TypeError('later')));
    await expect(rejected).rejects.toThrow(TypeError);
  });
});

describe('WorkerPoolExecutor: a worker that dies', () => {
  it('fails the job it was running with WorkerCrashedError, and the pool starts another', async () => {
    const executor = pool({ max_workers: 1 });
    const exited = await failure(executor.submit(() => process.exit(3)));
    expect(exited).toBeInstanceOf(WorkerCrashedError);
    expect(exited.message).toMatch(/stopped: it exited with code 3/);
    expect(await executor.submit(() => 'next')).toBe('next');

    function throw_in_a_timer(): Promise<never> {
      return new Promise(() => {
        setTimeout(() => {
          throw new Error('in a timer');
        }, 1);
      });
    }
    const thrown_later = await failure(executor.submit(throw_in_a_timer));
    expect(thrown_later).toBeInstanceOf(WorkerCrashedError);
    expect((thrown_later.cause as Error).message).toBe('in a timer');
    expect(await executor.submit(() => 'again')).toBe('again');
  });
});

describe('WorkerPoolExecutor: cancelling', () => {
  it('a queued job is removed: cancel() is true and it never runs', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const running = executor.submit(wait_for_gate, cells, 'first');
    const queued = executor.submit(count_run, cells);
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    open_gate(cells);
    expect(await running).toBe('first');
    expect(await executor.submit(count_run, cells)).toBe(1);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
  });

  it('a running job is not interrupted: cancel() is false and its result still arrives', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const running = executor.submit(wait_for_gate, cells, 'kept');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running.running()).toBe(true);
    expect(running.cancel()).toBe(false);
    open_gate(cells);
    expect(await running).toBe('kept');
  });

  it('with cancel_running, cancel() terminates the worker of a running job and the pool goes on', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1, cancel_running: true });
    const running = executor.submit(wait_for_gate, cells, 'never');
    const next = executor.submit((x: number) => x + 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running.cancel()).toBe(true);
    expect(running.cancelled()).toBe(true);
    expect(await next).toBe(2);
  });

  it('cancelling the loop Future of run_in_executor() cancels the queued job', async () => {
    const loop = new BaseEventLoop();
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const blocker = loop.run_in_executor(executor, wait_for_gate, cells, 'first');
    const queued = loop.run_in_executor(executor, count_run, cells);
    queued.cancel();
    open_gate(cells);
    expect(await loop.run_until_complete(blocker)).toBe('first');
    expect(await loop.run_until_complete(loop.run_in_executor(executor, count_run, cells))).toBe(1);
    expect(queued.cancelled()).toBe(true);
    loop.close();
  });
});

describe('WorkerPoolExecutor: shutdown', () => {
  it('refuses new work, lets the queued work finish and resolves once the workers stopped', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const first = executor.submit(wait_for_gate, cells, 1);
    const second = executor.submit(count_run, cells);
    const stopped = executor.shutdown();
    expect(() => executor.submit(count_run, cells)).toThrow(
      new RuntimeError('cannot schedule new futures after shutdown'),
    );
    open_gate(cells);
    await stopped;
    expect(first.result()).toBe(1);
    expect(second.result()).toBe(1);
  });

  it('with cancel_futures cancels what has not started; every future settles', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const first = executor.submit(wait_for_gate, cells, 1);
    const queued = [executor.submit(count_run, cells), executor.submit(count_run, cells)];
    const stopped = executor.shutdown(true, { cancel_futures: true });
    expect(queued.map((f) => f.cancelled())).toEqual([true, true]);
    open_gate(cells);
    await stopped;
    expect(first.result()).toBe(1);
    expect(Atomics.load(cells, 2)).toBe(0);
  });

  it('takes its options as one object too: shutdown({wait, cancel_futures})', async () => {
    const cells = shared_cells();
    const executor = pool({ max_workers: 1 });
    const first = executor.submit(wait_for_gate, cells, 1);
    const queued = executor.submit(count_run, cells);
    const returned = executor.shutdown({ wait: false, cancel_futures: true });
    expect(queued.cancelled()).toBe(true);
    await returned; // wait: false resolves at once, while the first job still runs
    expect(first.done()).toBe(false);
    open_gate(cells);
    expect(await first).toBe(1);
  });

  it('await using shuts the pool down at scope exit', async () => {
    let kept: WorkerPoolExecutor;
    {
      await using executor = new WorkerPoolExecutor({ max_workers: 1 });
      kept = executor;
      expect(await executor.submit(() => 1)).toBe(1);
    }
    expect(() => kept.submit(() => 2)).toThrow(RuntimeError);
  });
});

describe('WorkerPoolExecutor: a worker module', () => {
  it('calls exports by name; state lives across calls in one worker', async () => {
    const executor = pool({ max_workers: 1, module: MODULE });
    expect(await executor.submit('count_calls')).toBe(1);
    expect(await executor.submit('count_calls')).toBe(2);
    expect(await executor.submit('add_later', 2, 3)).toBe(5);
  });

  it('a missing export, a non-function export and a module that fails to load are reported', async () => {
    const executor = pool({ max_workers: 1, module: MODULE });
    await expect(executor.submit('nope')).rejects.toThrow(/has no exported function "nope"/);
    await expect(executor.submit('not_a_function')).rejects.toThrow(TypeError);
    const broken = pool({ max_workers: 1, module: BROKEN_MODULE });
    const error = await failure(broken.submit('anything'));
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.message).toMatch(/could not load its module: broken on purpose/);
  });

  it('a name without a module is a TypeError at the call', () => {
    const executor = pool({ max_workers: 1 });
    expect(() => executor.submit('thread_id')).toThrow(/this pool has none: pass \{module\}/);
  });
});

describe('WorkerPoolExecutor: bad options', () => {
  it('max_workers must be a positive integer', () => {
    expect(() => new WorkerPoolExecutor({ max_workers: 0 })).toThrow(
      new ValueError('max_workers must be greater than 0'),
    );
    expect(() => new WorkerPoolExecutor({ max_workers: 1.5 })).toThrow(TypeError);
  });
});
