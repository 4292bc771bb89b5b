// Barrier: asyncio's BarrierTests (test_locks), the states and their repr, cancellation, and BrokenBarrierError.
import { describe, expect, it } from 'vitest';

import {
  Barrier,
  BrokenBarrierError,
  CancelledError,
  From,
  Future,
  RuntimeError,
  TimeoutError,
  ValueError,
  coroutine,
  gather,
  set_event_loop,
  sleep,
  wait_for,
  type Coroutine,
} from '../../src/index.js';
import { TestLoop, run_briefly, each_test_on_a_new_loop } from '../support/test_loop.js';

const N = 5;

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

/** One iteration of the loop from inside a coroutine (asyncio's `await asyncio.sleep(0)`). */
function tick(): Future<null> {
  return sleep(0, null, { loop });
}

/** Run `n` tasks of `body` and wait for all of them (BarrierTests.gather_tasks). */
function gather_tasks<T>(n: number, body: () => Coroutine<T>): Future<T[]> {
  return gather(Array.from({ length: n }, () => loop.create_task(body())));
}

/** Run `main` on the loop to its end. */
function run<T>(main: () => Coroutine<T>): Promise<T> {
  return loop.run_until_complete(loop.create_task(main()));
}

describe('Barrier basics', () => {
  it('is not something a task can wait on itself (test_barrier)', async () => {
    const barrier = new Barrier(N, { loop });
    expect(String(barrier)).toContain('filling');
    const main = coroutine(function* () {
      yield barrier;
    });
    await expect(run(main)).rejects.toThrow(/^Task got bad yield: /);
    expect(String(barrier)).toContain('filling');
  });

  it('shows its state and waiters as asyncio does (test_repr)', async () => {
    const barrier = new Barrier(N, { loop });
    expect(String(barrier)).toBe('<Barrier [filling, waiters:0/5]>');
    const first = [barrier.wait(), barrier.wait()];
    expect(String(barrier)).toBe('<Barrier [filling, waiters:2/5]>');
    while (barrier.n_waiting < barrier.parties - 1) first.push(barrier.wait());
    first.push(barrier.wait());
    expect(String(barrier)).toBe('<Barrier [draining, waiters:0/5]>');
    const blocked = [barrier.wait(), barrier.wait()];
    barrier.reset();
    expect(String(barrier)).toBe('<Barrier [resetting, waiters:0/5]>');
    const more = [barrier.wait(), barrier.wait()];
    barrier.abort();
    expect(String(barrier)).toBe('<Barrier [broken]>');
    expect(barrier.broken).toBe(true);
    const outcomes = await loop.run_until_complete(
      gather([...first, ...blocked, ...more], { return_exceptions: true }),
    );
    expect(outcomes.map(String)).toEqual([
      ...Array<string>(5).fill('BrokenBarrierError: Abort or reset of barrier'),
      ...Array<string>(4).fill('BrokenBarrierError: Barrier aborted'),
    ]);
    expect(barrier._count).toBe(0);
  });

  it('stays resetting until the reset waiters have left, then fills again', async () => {
    const barrier = new Barrier(2, { loop });
    const waiter = barrier.wait();
    barrier.reset();
    expect(String(barrier)).toBe('<Barrier [resetting, waiters:0/2]>');
    expect(barrier.n_waiting).toBe(0);
    const blocked = barrier.wait();
    await expect(loop.run_until_complete(waiter)).rejects.toThrow(BrokenBarrierError);
    await run_briefly(loop);
    expect(String(barrier)).toBe('<Barrier [filling, waiters:1/2]>');
    blocked.cancel();
  });

  it('refuses fewer than one party and non-integers (test_barrier_parties)', () => {
    expect(() => new Barrier(0, { loop })).toThrow(new ValueError('parties must be >= 1'));
    expect(() => new Barrier(-4, { loop })).toThrow(ValueError);
    expect(() => new Barrier(2.5, { loop })).toThrow(
      new TypeError('Barrier() parties must be an integer, got 2.5'),
    );
    expect(() => new Barrier('3' as never, { loop })).toThrow(TypeError);
    expect(() => new Barrier(Number.NaN, { loop })).toThrow(TypeError);
    expect(() => new Barrier(undefined as never, { loop })).toThrow(TypeError);
    expect(new Barrier(N, { loop })).toBeInstanceOf(Barrier);
  });

  it('takes parties and loop in an options object, and refuses unknown keys', () => {
    const barrier = new Barrier({ parties: 3, loop });
    expect(barrier.parties).toBe(3);
    expect(barrier._loop).toBe(loop);
    expect(() => new Barrier({ parties: 0, loop })).toThrow(ValueError);
    expect(() => new Barrier({ parties: 3, timeout: 1 } as never)).toThrow(
      new TypeError("Barrier() got an unexpected keyword argument 'timeout'"),
    );
    expect(() => new Barrier(3, { parties: 3 } as never)).toThrow(
      new TypeError("Barrier() got multiple values for argument 'parties'"),
    );
    expect(() => new Barrier({ parties: 2, loop: 5 } as never)).toThrow(
      new TypeError("Barrier() argument 'loop' must be object or null, not 5"),
    );
    expect(() => new Barrier({ parties: 2, loop: {} } as never)).toThrow(
      new TypeError(
        'Barrier() needs a trollius event loop (a BaseEventLoop or a subclass), got {...}',
      ),
    );
  });

  it('defaults to the current event loop at construction', () => {
    set_event_loop(loop);
    expect(new Barrier(1)._loop).toBe(loop);
  });

  it('derives BrokenBarrierError from RuntimeError, as Python does', () => {
    const error = new BrokenBarrierError('Barrier aborted');
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.name).toBe('BrokenBarrierError');
    expect(String(error)).toBe('BrokenBarrierError: Barrier aborted');
  });
});

describe('Barrier filling and draining', () => {
  it('gives each task of a round a different index (test_context_manager)', async () => {
    const barrier = new Barrier(3, { loop });
    const results: number[] = [];
    const body = coroutine(function* () {
      results.push(yield* From(barrier.wait()));
    });
    await loop.run_until_complete(gather_tasks(3, body));
    expect(results.sort()).toEqual([0, 1, 2]);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('lets a single party through at once (test_filling_one_task)', async () => {
    const barrier = new Barrier(1, { loop });
    const body = coroutine(function* () {
      return yield* From(barrier.wait());
    });
    expect(await run(body)).toBe(0);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('lets a single party through twice (test_filling_one_task_twice)', async () => {
    const barrier = new Barrier(1, { loop });
    const waiter = coroutine(function* () {
      return yield* From(barrier.wait());
    });
    const main = coroutine(function* () {
      const t1 = loop.create_task(waiter());
      yield From(tick());
      expect(barrier.n_waiting).toBe(0);
      const t2 = loop.create_task(waiter());
      yield From(tick());
      expect(t1.done()).toBe(true);
      expect(t2.done()).toBe(true);
      expect([t1.result(), t2.result()]).toEqual([0, 0]);
    });
    await run(main);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('counts the tasks as they arrive (test_filling_task_by_task)', async () => {
    const barrier = new Barrier(3, { loop });
    const waiter = coroutine(function* () {
      return yield* From(barrier.wait());
    });
    const main = coroutine(function* () {
      const t1 = loop.create_task(waiter());
      yield From(tick());
      expect(barrier.n_waiting).toBe(1);
      expect(String(barrier)).toContain('filling');
      const t2 = loop.create_task(waiter());
      yield From(tick());
      expect(barrier.n_waiting).toBe(2);
      const t3 = loop.create_task(waiter());
      return yield* From(gather(t1, t2, t3));
    });
    expect(await run(main)).toEqual([0, 1, 2]);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('can be passed twice by the same tasks (test_filling_tasks_wait_twice)', async () => {
    const barrier = new Barrier(N, { loop });
    const results: boolean[] = [];
    const body = coroutine(function* () {
      yield From(barrier.wait());
      results.push(true);
      yield From(barrier.wait());
      results.push(false);
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(results.filter((r) => r)).toHaveLength(N);
    expect(results.filter((r) => !r)).toHaveLength(N);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('gives distinct indexes in every round (test_filling_tasks_check_return_value)', async () => {
    const barrier = new Barrier(N, { loop });
    const body = coroutine(function* () {
      yield From(barrier.wait());
      return yield* From(barrier.wait());
    });
    const indexes = await loop.run_until_complete(gather_tasks(N, body));
    expect([...indexes].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(barrier.broken).toBe(false);
  });

  it('drains until the last released task has resumed (test_draining_state)', async () => {
    const barrier = new Barrier(N, { loop });
    const results: boolean[] = [];
    const body = coroutine(function* () {
      yield From(barrier.wait());
      results.push(String(barrier).includes('draining'));
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(results).toEqual([true, true, true, true, false]);
    expect(barrier.n_waiting).toBe(0);
  });

  it('makes newcomers wait for the next round while draining (test_blocking_tasks_while_draining)', async () => {
    const rewait = 2;
    const barrier = new Barrier(N, { loop });
    const barrier_nowaiting = new Barrier(N - rewait, { loop });
    let rewait_n = rewait;
    const body = coroutine(function* () {
      yield From(barrier.wait());
      if (rewait_n > 0) {
        rewait_n--;
        yield From(barrier.wait());
      } else {
        yield From(barrier_nowaiting.wait());
        yield From(barrier.wait());
      }
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(barrier.n_waiting).toBe(0);
    expect(barrier_nowaiting.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('blocks a wait() made while draining, and lets it in for the next round', async () => {
    const barrier = new Barrier(2, { loop });
    const [a, b] = [barrier.wait(), barrier.wait()];
    const late = barrier.wait();
    expect(barrier._blocked.size).toBe(1);
    await run_briefly(loop, 2);
    expect([a.result(), b.result()]).toEqual([0, 1]);
    expect(late.done()).toBe(false);
    expect(barrier.n_waiting).toBe(1);
    const last = barrier.wait();
    expect(await loop.run_until_complete(gather(late, last))).toEqual([0, 1]);
  });

  it('works with await in async functions', async () => {
    const barrier = new Barrier(2, { loop });
    const party = async (): Promise<number> => await barrier.wait();
    const both = gather(party(), party(), { loop });
    expect((await loop.run_until_complete(both)).sort()).toEqual([0, 1]);
    expect(barrier.n_waiting).toBe(0);
  });
});

describe('Barrier cancellation', () => {
  it('takes a cancelled waiter out of the count (test_filling_tasks_cancel_one)', async () => {
    const barrier = new Barrier(3, { loop });
    const results: number[] = [];
    const body = coroutine(function* () {
      results.push(yield* From(barrier.wait()));
    });
    const main = coroutine(function* () {
      const t1 = loop.create_task(body());
      yield From(tick());
      expect(barrier.n_waiting).toBe(1);
      const t2 = loop.create_task(body());
      yield From(tick());
      expect(barrier.n_waiting).toBe(2);
      t1.cancel();
      yield From(tick());
      expect(barrier.n_waiting).toBe(1);
      expect(t1.cancelled()).toBe(true);
      const t3 = loop.create_task(body());
      yield From(tick());
      expect(barrier.n_waiting).toBe(2);
      const t4 = loop.create_task(body());
      yield From(gather(t2, t3, t4));
    });
    await run(main);
    // The indexes stay distinct after a cancellation (unlike CPython gh-155233).
    expect(results.sort()).toEqual([0, 1, 2]);
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('lets a task cancelled after the release leave, the barrier staying in its state', async () => {
    const barrier = new Barrier(3, { loop });
    const body = coroutine(function* () {
      return yield* From(barrier.wait());
    });
    const tasks = [loop.create_task(body()), loop.create_task(body())];
    await run_briefly(loop);
    const last = barrier.wait(); // trips the barrier: the two tasks are released
    expect(String(barrier)).toContain('draining');
    expect(tasks[0]!.cancel()).toBe(true); // released, not resumed yet
    expect(last.result()).toBe(2);
    await loop.run_until_complete(gather(tasks, { return_exceptions: true }));
    expect(tasks[0]!.cancelled()).toBe(true);
    expect(tasks[1]!.result()).toBe(1);
    expect(barrier.broken).toBe(false);
    expect(String(barrier)).toBe('<Barrier [filling, waiters:0/3]>');
    expect(barrier._count).toBe(0);
  });

  it('a task cancelled after its wait_for(barrier.wait()) ended, before it resumed, reports its wait cancelled', async () => {
    const barrier = new Barrier(2, { loop });
    let waiter: Future<number> | null = null;
    const task = loop.create_task(
      coroutine(function* () {
        waiter = barrier.wait();
        return yield* From(wait_for(waiter, 10, { loop }));
      })(),
    );
    await run_briefly(loop);
    const other = barrier.wait(); // trips the barrier
    for (let i = 0; i < 4 && task._fut_waiter?._state !== 'FINISHED'; i++) await run_briefly(loop);
    expect(task._fut_waiter?._state).toBe('FINISHED');
    task.cancel(); // the task drops the index it was given
    await run_briefly(loop, 2);
    expect(task.cancelled()).toBe(true);
    expect(waiter!.cancelled()).toBe(true);
    expect(other.result()).toBe(1);
    expect(barrier._count).toBe(0);
    expect(String(barrier)).toBe('<Barrier [filling, waiters:0/2]>');
  });

  it('forgets a cancelled waiter that was blocked while draining', async () => {
    const barrier = new Barrier(1, { loop });
    barrier.wait();
    const blocked = barrier.wait();
    expect(blocked.cancel()).toBe(true);
    expect(barrier._blocked.size).toBe(0);
    await run_briefly(loop, 2);
    expect(String(barrier)).toBe('<Barrier [filling, waiters:0/1]>');
    expect(barrier._count).toBe(0);
  });

  it('takes a waiter out when wait_for() times out on it', async () => {
    const barrier = new Barrier(2, { loop });
    const main = coroutine(function* () {
      try {
        yield From(wait_for(barrier.wait(), 0.5, { loop }));
      } catch (e) {
        return e;
      }
    });
    expect(await run(main)).toBeInstanceOf(TimeoutError);
    expect(barrier.n_waiting).toBe(0);
    const pair = gather(barrier.wait(), barrier.wait());
    expect(await loop.run_until_complete(pair)).toEqual([0, 1]);
  });

  it('a waiter whose outcome was seen cannot be cancelled', async () => {
    const barrier = new Barrier(1, { loop });
    const only = barrier.wait();
    expect(only.result()).toBe(0);
    expect(only.cancel()).toBe(false);
    await run_briefly(loop);
    expect(barrier._count).toBe(0);
    expect(() => only.result()).not.toThrow(CancelledError);
  });
});

describe('Barrier reset', () => {
  it('resets an empty barrier to filling (test_reset_barrier)', async () => {
    const barrier = new Barrier(1, { loop });
    await loop.run_until_complete(barrier.reset());
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('sends the waiting tasks away with BrokenBarrierError (test_reset_barrier_while_tasks_waiting)', async () => {
    const barrier = new Barrier(N, { loop });
    const results: unknown[] = [];
    const body = coroutine(function* () {
      try {
        yield From(barrier.wait());
      } catch (e) {
        results.push(e);
      }
    });
    const main = coroutine(function* () {
      const tasks = Array.from({ length: N - 1 }, () => loop.create_task(body()));
      yield From(tick());
      loop.create_task(
        coroutine(function* () {
          yield From(barrier.reset());
        })(),
      );
      yield From(gather(tasks));
    });
    await run(main);
    expect(results).toHaveLength(N - 1);
    expect(results.map(String)).toEqual(
      Array(N - 1).fill('BrokenBarrierError: Abort or reset of barrier'),
    );
    expect(barrier.n_waiting).toBe(0);
    expect(String(barrier)).not.toContain('resetting');
    expect(barrier.broken).toBe(false);
  });

  it('breaks the released tasks that have not resumed (test_reset_barrier_when_tasks_half_draining)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const rest_of_tasks = Math.floor(N / 2);
    const body = coroutine(function* () {
      try {
        yield From(barrier.wait());
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
        return;
      }
      if (barrier._count === rest_of_tasks) yield From(barrier.reset());
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(results1).toEqual(Array(rest_of_tasks).fill(true));
    expect(barrier.n_waiting).toBe(0);
    expect(String(barrier)).not.toContain('resetting');
    expect(barrier.broken).toBe(false);
  });

  it('lets blocked tasks into the next round after a reset (test_reset_barrier_when_tasks_half_draining_half_blocking)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const blocking_tasks = Math.floor(N / 2);
    let count = 0;
    const body = coroutine(function* () {
      try {
        yield From(barrier.wait());
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
        yield From(barrier.wait());
        return;
      }
      count++;
      if (count > blocking_tasks) {
        yield From(barrier.reset());
        yield From(barrier.wait());
      } else {
        try {
          yield From(barrier.wait());
        } catch (e) {
          if (!(e instanceof BrokenBarrierError)) throw e;
          results2.push(true);
        }
      }
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(results1).toEqual(Array(blocking_tasks).fill(true));
    expect(results2).toEqual([]);
    expect(barrier.n_waiting).toBe(0);
    expect(String(barrier)).not.toContain('resetting');
    expect(barrier.broken).toBe(false);
  });

  it('lets the reset tasks wait again and pass (test_reset_barrier_while_tasks_waiting_and_waiting_again)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const coro1 = coroutine(function* () {
      try {
        yield From(barrier.wait());
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
      } finally {
        yield From(barrier.wait());
        results2.push(true);
      }
    });
    const coro2 = coroutine(function* () {
      yield From(barrier.wait());
      results2.push(true);
    });
    const main = coroutine(function* () {
      const tasks = Array.from({ length: N - 1 }, () => loop.create_task(coro1()));
      yield From(tick());
      loop.create_task(
        coroutine(function* () {
          yield From(barrier.reset());
        })(),
      );
      yield From(tick());
      const last = loop.create_task(coro2());
      yield From(gather([...tasks, last]));
    });
    await run(main);
    expect(barrier.broken).toBe(false);
    expect(results1).toEqual(Array(N - 1).fill(true));
    expect(results2).toEqual(Array(N).fill(true));
    expect(barrier.n_waiting).toBe(0);
  });

  it('resets an emptied barrier without breaking the blocked tasks (test_reset_barrier_while_tasks_draining)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;
    const body = coroutine(function* () {
      yield From(barrier.wait());
      count++;
      if (count === N) {
        // The last task out of the barrier.
        yield From(barrier.reset());
        yield From(barrier.wait());
      } else {
        try {
          yield From(barrier.wait());
          results1.push(true);
        } catch {
          results2.push(true);
        }
      }
      yield From(barrier.wait());
      results3.push(true);
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(barrier.broken).toBe(false);
    expect(results1).toEqual(Array(N - 1).fill(true));
    expect(results2).toEqual([]);
    expect(results3).toEqual(Array(N).fill(true));
    expect(barrier.n_waiting).toBe(0);
  });
});

describe('Barrier abort', () => {
  it('breaks an empty barrier (test_abort_barrier)', async () => {
    const barrier = new Barrier(1, { loop });
    await loop.run_until_complete(barrier.abort());
    expect(barrier.n_waiting).toBe(0);
    expect(barrier.broken).toBe(true);
    await expect(loop.run_until_complete(barrier.wait())).rejects.toThrow(
      new BrokenBarrierError('Barrier aborted'),
    );
  });

  it('breaks the released and the blocked tasks (test_abort_barrier_when_tasks_half_draining_half_blocking)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: string[] = [];
    const blocking_tasks = Math.floor(N / 2);
    let count = 0;
    const body = coroutine(function* () {
      try {
        yield From(barrier.wait());
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
        return;
      }
      count++;
      if (count > blocking_tasks) {
        yield From(barrier.abort());
        return;
      }
      try {
        yield From(barrier.wait());
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results2.push(e.message);
      }
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(barrier.broken).toBe(true);
    expect(results1).toEqual(Array(blocking_tasks).fill(true));
    expect(results2).toEqual(Array(N - blocking_tasks - 1).fill('Barrier aborted'));
    expect(barrier.n_waiting).toBe(0);
    expect(String(barrier)).toBe('<Barrier [broken]>');
  });

  it('breaks every other task when one aborts (test_abort_barrier_when_exception)', async () => {
    const barrier = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const body = coroutine(function* () {
      try {
        const i = yield* From(barrier.wait());
        if (i === Math.floor(N / 2)) throw new RuntimeError('boom');
        yield From(barrier.wait());
        results1.push(true);
      } catch (e) {
        if (e instanceof BrokenBarrierError) results2.push(true);
        else if (e instanceof RuntimeError) yield From(barrier.abort());
        else throw e;
      }
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(barrier.broken).toBe(true);
    expect(results1).toEqual([]);
    expect(results2).toEqual(Array(N - 1).fill(true));
    expect(barrier.n_waiting).toBe(0);
  });

  it('can be reset and used again after an abort (test_abort_barrier_when_exception_then_resetting)', async () => {
    const barrier1 = new Barrier(N, { loop });
    const barrier2 = new Barrier(N, { loop });
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    const body = coroutine(function* () {
      try {
        const i = yield* From(barrier1.wait());
        if (i === Math.floor(N / 2)) throw new RuntimeError('boom');
        yield From(barrier1.wait());
        results1.push(true);
      } catch (e) {
        if (e instanceof BrokenBarrierError) results2.push(true);
        else if (e instanceof RuntimeError) yield From(barrier1.abort());
        else throw e;
      }
      // Synchronize, reset barrier1 once everyone has left it, synchronize again.
      const i = yield* From(barrier2.wait());
      if (i === Math.floor(N / 2)) yield From(barrier1.reset());
      yield From(barrier2.wait());
      yield From(barrier1.wait());
      results3.push(true);
    });
    await loop.run_until_complete(gather_tasks(N, body));
    expect(barrier1.broken).toBe(false);
    expect(results1).toEqual([]);
    expect(results2).toEqual(Array(N - 1).fill(true));
    expect(results3).toEqual(Array(N).fill(true));
    expect(barrier1.n_waiting).toBe(0);
  });

  it('leaves nothing scheduled once every party has left', async () => {
    const barrier = new Barrier(3, { loop });
    const body = coroutine(function* () {
      yield From(barrier.wait());
      yield From(barrier.wait());
    });
    await loop.run_until_complete(gather_tasks(3, body));
    await run_briefly(loop, 2);
    expect(loop._ready.length).toBe(0);
    expect(barrier._count).toBe(0);
    expect(barrier._blocked.size + barrier._filling.size + barrier._released.size).toBe(0);
  });
});
