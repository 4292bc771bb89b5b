// Property tests (fast-check): Queue get()/put()/join() and Barrier.wait() reached through wait_for(), gather(), shield() and timeout(), granted and cancelled in random orders, lose and duplicate nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  Barrier,
  BrokenBarrierError,
  Future,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  coroutine,
} from '../../src/index.js';
import { TestLoop } from '../support/test_loop.js';
import {
  PARAMS,
  WRAPPERS,
  drive,
  granted,
  is_give_up,
  late_cancel_examples,
  settle,
  storm,
  through,
  wind_down,
  type Spawn,
  type StormAction,
  type Worker,
} from '../support/waiter_storm.js';

// ---- Queue, LifoQueue, PriorityQueue: put(), get(), join() ----------------------------------

type QueueKind = 'Queue' | 'LifoQueue' | 'PriorityQueue';
type Operation = 'put' | 'get' | 'join';

function make_queue(kind: QueueKind, loop: TestLoop): Queue<number> {
  if (kind === 'LifoQueue') return new LifoQueue<number>({ maxsize: 2, loop });
  if (kind === 'PriorityQueue') return new PriorityQueue<number>({ maxsize: 2, loop });
  return new Queue<number>({ maxsize: 2, loop });
}

/**
 * Workers of `operation` go through the wrapper; the others (and the test's
 * pokes: put_nowait, get_nowait) go direct, so that there is something to wait for.
 */
async function run_queue_storm(
  kind: QueueKind,
  operation: Operation,
  actions: StormAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const q = make_queue(kind, loop);
    let next_item = 0;
    /** Items whose put() reported success (or whose orphaned put() went through). */
    const put_ok = new Set<number>();
    /** Items whose put() reported CancelledError or TimeoutError. */
    const put_refused = new Set<number>();
    /** Every item received, by anyone. */
    const received: number[] = [];
    const violations: string[] = [];
    /** How many times the unfinished count reached zero (join() may return). */
    let zeros = 0;
    const wake_joiners = q._wake_joiners.bind(q);
    q._wake_joiners = () => {
      zeros++;
      wake_joiners();
    };
    const take = (item: number): void => {
      received.push(item);
      q.task_done();
    };

    const worker = coroutine(function* (a: Spawn, w: Worker) {
      const op: Operation = a.role < 4 ? operation : a.role < 7 ? 'put' : 'get';
      const wrapper = op === operation ? a.wrapper : 'direct';
      if (op === 'put') {
        const item = next_item++;
        try {
          yield* through(loop, wrapper, a.deadline, () => q.put(item), {
            seen: (fut) => (w.inner = fut),
            orphan: (fut) =>
              fut.add_done_callback(() => {
                if (granted(fut)) put_ok.add(item);
              }),
          });
        } catch (error) {
          if (!is_give_up(error)) throw error;
          if (wrapper !== 'shield') put_refused.add(item);
          return;
        }
        put_ok.add(item);
      } else if (op === 'get') {
        try {
          const item = yield* through(loop, wrapper, a.deadline, () => q.get(), {
            seen: (fut) => (w.inner = fut),
            orphan: (fut) =>
              fut.add_done_callback(() => {
                if (granted(fut)) take(fut._result!);
              }),
          });
          take(item);
        } catch (error) {
          if (!is_give_up(error)) throw error;
        }
      } else {
        let zero_at_start = false;
        let zeros_before = 0;
        try {
          yield* through(
            loop,
            wrapper,
            a.deadline,
            () => {
              zero_at_start = q._unfinished_tasks === 0;
              zeros_before = zeros;
              return q.join();
            },
            { seen: (fut) => (w.inner = fut), orphan: () => {} },
          );
        } catch (error) {
          if (!is_give_up(error)) throw error;
          return;
        }
        // Reported done: every item was marked done, when join() began or since.
        if (!zero_at_start && zeros === zeros_before)
          violations.push(`${wrapper}: join() too early`);
      }
    });

    const check = (): void => {
      expect(violations).toEqual([]);
      // A put reported refused never went in; one reported done did.
      for (const item of put_refused) expect(put_ok.has(item)).toBe(false);
      for (const item of received) expect(put_refused.has(item)).toBe(false);
      // No deadlock: getters wait only on an empty queue, putters only on a full one.
      if (q._getters.length > 0) expect(q.qsize()).toBe(0);
      if (q._putters.length > 0) expect(q.full()).toBe(true);
      expect(q._reserved).toBeGreaterThanOrEqual(0);
    };
    const workers = await drive(
      loop,
      actions,
      (a, w) => loop.create_task(worker(a, w)),
      (who) => {
        try {
          if (who % 2 === 0) {
            const item = next_item++;
            q.put_nowait(item);
            put_ok.add(item);
          } else {
            take(q.get_nowait());
          }
        } catch (error) {
          if (!(error instanceof QueueFull || error instanceof QueueEmpty)) throw error;
        }
      },
      check,
    );
    // Wind down: the getters and joiners need items drained and marked done.
    for (const w of workers) w.task.cancel();
    await wind_down(loop, workers);
    // Draining frees slots for orphaned (shielded) puts still waiting: drain until none is left.
    const drained: number[] = [];
    for (let round = 0; round < 10; round++) {
      await settle(loop);
      if (q.empty() && q._reserved === 0) break;
      while (!q.empty()) {
        drained.push(q.get_nowait());
        q.task_done();
      }
    }
    check();
    // Conservation: every accepted item came out exactly once, nothing else did.
    const out = [...received, ...drained].sort((x, y) => x - y);
    expect(out).toEqual([...put_ok].sort((x, y) => x - y));
    expect(q._reserved).toBe(0);
    expect(q._unfinished_tasks).toBe(0);
  } finally {
    loop.close();
  }
}

describe('queue waiters through wait_for, gather, shield and timeout lose and duplicate no item', () => {
  for (const kind of ['Queue', 'LifoQueue', 'PriorityQueue'] as const) {
    for (const operation of ['put', 'get', 'join'] as const) {
      for (const wrapper of WRAPPERS) {
        const combo = `${kind}.${operation}/${wrapper}`;
        it(`${combo}: an item put is got once, a put reported cancelled adds nothing`, async () => {
          await fc.assert(
            fc.asyncProperty(storm(wrapper), (actions) =>
              run_queue_storm(kind, operation, actions),
            ),
            { ...PARAMS, examples: late_cancel_examples(wrapper) },
          );
        });
      }
    }
  }
});

// ---- Barrier.wait() -------------------------------------------------------------------------

async function run_barrier_storm(parties: number, actions: StormAction[]): Promise<void> {
  const loop = new TestLoop();
  try {
    const barrier = new Barrier(parties, { loop });
    const violations: string[] = [];
    /** Every waiter the barrier let through, with the index it gave. */
    const passed = new Map<Future<number>, number>();
    const all: Future<number>[] = [];
    const release = barrier._release.bind(barrier);
    barrier._release = () => {
      const round = [...barrier._filling];
      release();
      round.forEach((waiter, index) => passed.set(waiter, index));
    };

    const worker = coroutine(function* (a: Spawn, w: Worker) {
      for (let round = 0; round <= a.hold; round++) {
        let mine: Future<number> | null = null;
        let index: number;
        try {
          index = yield* through(loop, a.wrapper, a.deadline, () => barrier.wait(), {
            seen: (fut) => {
              mine = w.inner = fut;
              all.push(fut);
            },
            orphan: () => {},
          });
        } catch (error) {
          if (error instanceof BrokenBarrierError) return;
          if (!is_give_up(error)) throw error;
          return;
        }
        // Reported through: the barrier tripped with it, at that index.
        if (mine === null || passed.get(mine) !== index) {
          violations.push(`${a.wrapper}: passed a barrier that did not let it through`);
        }
      }
    });

    const check = (): void => {
      expect(violations).toEqual([]);
      // The count is the waiters inside: filling, or let through and not left yet.
      expect(barrier._count).toBe(all.filter((x) => (x as { _inside?: boolean })._inside).length);
      expect(barrier._filling.size).toBeLessThan(parties);
    };
    const workers = await drive(
      loop,
      actions,
      (a, w) => loop.create_task(worker(a, w)),
      (who) => {
        if (who % 5 === 0) void barrier.abort();
        else if (who % 5 === 1) void barrier.reset();
      },
      check,
    );
    for (const w of workers) w.task.cancel();
    void barrier.abort();
    await wind_down(loop, workers);
    check();
    expect(barrier._count).toBe(0);
  } finally {
    loop.close();
  }
}

describe('Barrier.wait() through wait_for, gather, shield and timeout', () => {
  for (const wrapper of WRAPPERS) {
    const combo = `Barrier.wait/${wrapper}`;
    it(`${combo}: a waiter reports passing only a round that let it through`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 3 }), storm(wrapper), run_barrier_storm),
        PARAMS,
      );
    });
  }
});
