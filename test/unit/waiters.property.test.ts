// Property tests (fast-check): acquire(), Event.wait() and Condition.wait()/wait_for() reached through wait_for(), gather(), shield() and timeout(), granted and cancelled in random orders, lose and duplicate nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  BoundedSemaphore,
  Condition,
  Event,
  From,
  Future,
  Lock,
  Semaphore,
  TimeoutError,
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

// ---- Lock, Semaphore, BoundedSemaphore: acquire() --------------------------------------

type Primitive = Lock | Semaphore;

/** One acquire(): by a worker or by the test itself, and whether its permit was given back. */
interface Acquisition {
  fut: Future<true>;
  by_test: boolean;
  released: boolean;
}

function free_permits(prim: Primitive): number {
  return prim instanceof Lock ? (prim._locked ? 0 : 1) : prim._value;
}

async function run_acquire_storm(
  make: (loop: TestLoop) => Primitive,
  initial: number,
  actions: StormAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const prim = make(loop);
    const acquisitions: Acquisition[] = [];
    const violations: string[] = [];
    const holds = (a: Acquisition): boolean => granted(a.fut) && !a.released;
    const release = (a: Acquisition): void => {
      a.released = true;
      prim.release();
    };

    const worker = coroutine(function* (a: Spawn, w: Worker) {
      let mine: Acquisition | null = null;
      try {
        yield* through(loop, a.wrapper, a.deadline, () => prim.acquire(), {
          seen: (fut) => {
            mine = { fut, by_test: false, released: false };
            acquisitions.push(mine);
            w.inner = fut;
          },
          // The shielded acquire() runs on: whoever gets its permit gives it back.
          orphan: (fut) => {
            const orphan = mine!;
            fut.add_done_callback(() => {
              if (holds(orphan)) release(orphan);
            });
          },
        });
      } catch (error) {
        if (!is_give_up(error)) throw error;
        // Reported not acquired: no permit (a shielded one may still come).
        if (mine !== null && a.wrapper !== 'shield' && holds(mine)) {
          violations.push(`${a.wrapper}: gave up, yet holds a permit`);
        }
        return;
      }
      // Reported acquired: it holds the permit.
      if (mine === null || !holds(mine)) violations.push(`${a.wrapper}: acquired without a permit`);
      try {
        for (let i = 0; i < a.hold; i++) yield null;
      } finally {
        if (mine !== null && holds(mine)) release(mine);
      }
    });

    const check = (): void => {
      expect(violations).toEqual([]);
      // Conservation: every permit is free or held by exactly one acquisition.
      expect(free_permits(prim) + acquisitions.filter(holds).length).toBe(initial);
      // No deadlock: a free permit never coexists with a live waiter.
      if (free_permits(prim) > 0) expect(prim._waiters.length).toBe(0);
    };
    const release_own = (): void => {
      for (const x of acquisitions) if (x.by_test && holds(x)) release(x);
    };
    const workers = await drive(
      loop,
      actions,
      (a, w) => loop.create_task(worker(a, w)),
      // The test itself takes and gives back permits too.
      (who) => {
        const held = acquisitions.filter((x) => x.by_test && holds(x));
        if (who % 2 === 0 || held.length === 0) {
          acquisitions.push({ fut: prim.acquire(), by_test: true, released: false });
        } else {
          const x = held[who % held.length]!;
          expect(x.fut.result()).toBe(true); // what its owner reads before releasing
          release(x);
        }
      },
      check,
    );
    await wind_down(loop, workers, release_own);
    release_own();
    await settle(loop); // an orphaned acquire() the test's permit went to gives it back
    check();
    expect(free_permits(prim)).toBe(initial);
  } finally {
    loop.close();
  }
}

describe('acquire() through wait_for, gather, shield and timeout loses and duplicates no permit', () => {
  const primitives: [string, (loop: TestLoop) => Primitive, number][] = [
    ['Lock', (loop) => new Lock({ loop }), 1],
    ['Semaphore', (loop) => new Semaphore(2, { loop }), 2],
    ['BoundedSemaphore', (loop) => new BoundedSemaphore(2, { loop }), 2],
  ];
  for (const [name, make, initial] of primitives) {
    for (const wrapper of WRAPPERS) {
      const combo = `${name}.acquire/${wrapper}`;
      it(`${combo}: a permit is held exactly when acquire() reported it`, async () => {
        await fc.assert(
          fc.asyncProperty(storm(wrapper), (actions) => run_acquire_storm(make, initial, actions)),
          { ...PARAMS, examples: late_cancel_examples(wrapper) },
        );
      });
    }
  }
});

// ---- Event.wait() -------------------------------------------------------------------------

async function run_event_storm(actions: StormAction[]): Promise<void> {
  const loop = new TestLoop();
  try {
    const event = new Event({ loop });
    const violations: string[] = [];
    /** How many times the flag went from unset to set. */
    let sets = 0;

    const worker = coroutine(function* (a: Spawn, w: Worker) {
      let was_set = false;
      let sets_before = 0;
      try {
        yield* through(
          loop,
          a.wrapper,
          a.deadline,
          () => {
            was_set = event.is_set();
            sets_before = sets;
            return event.wait();
          },
          { seen: (fut) => (w.inner = fut), orphan: () => {} },
        );
      } catch (error) {
        if (!is_give_up(error)) throw error;
        return;
      }
      // Reported set: it was, when the wait began or since.
      if (!was_set && sets === sets_before) violations.push(`${a.wrapper}: woke with no set()`);
    });

    const check = (): void => {
      expect(violations).toEqual([]);
      // set() wakes every waiter: none waits while the flag is set.
      if (event.is_set()) expect(event._waiters.size).toBe(0);
    };
    const set = (): void => {
      if (!event.is_set()) sets++;
      event.set();
    };
    const workers = await drive(
      loop,
      actions,
      (a, w) => loop.create_task(worker(a, w)),
      (who) => (who % 3 === 0 ? event.clear() : set()),
      check,
    );
    await wind_down(loop, workers, set);
    check();
  } finally {
    loop.close();
  }
}

describe('Event.wait() through wait_for, gather, shield and timeout', () => {
  for (const wrapper of WRAPPERS) {
    const combo = `Event.wait/${wrapper}`;
    it(`${combo}: reports the flag set only after a set()`, async () => {
      await fc.assert(fc.asyncProperty(storm(wrapper), run_event_storm), {
        ...PARAMS,
        examples: late_cancel_examples(wrapper),
      });
    });
  }
});

// ---- Condition.wait() and Condition.wait_for() ---------------------------------------------

async function run_condition_storm(
  form: 'wait' | 'wait_for',
  parked: Spawn[],
  actions: StormAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const cond = new Condition(null, { loop });
    const lock = cond._lock;
    const items: number[] = [];
    const taken: number[] = [];
    const violations: string[] = [];
    let produced = 0;
    /** The worker that holds the lock, as the workers see it. */
    let holder: Worker | null = null;

    /** `w` holds the lock now (it acquired it, or its wait() ended): nobody else may. */
    const enter = (w: Worker, where: string): void => {
      if (!lock._locked || holder !== null) violations.push(`${where}: resumed without the lock`);
      holder = w;
    };
    const leave = (w: Worker): void => {
      if (holder === w) holder = null;
    };

    // Each item comes with one notify(1), under the lock; a lingering producer
    // keeps the lock `linger` more iterations, so the woken consumer waits for it.
    const producer = coroutine(function* (w: Worker, linger: number) {
      yield From(cond.acquire());
      enter(w, 'producer');
      try {
        items.push(produced++);
        cond.notify(1);
        for (let i = 0; i < linger; i++) yield null;
      } finally {
        leave(w);
        cond.release();
      }
    });
    const consumer = coroutine(function* (a: Spawn, w: Worker) {
      for (;;) {
        yield From(cond.acquire());
        enter(w, 'acquire');
        try {
          while (items.length === 0) {
            leave(w);
            try {
              yield* through<unknown>(
                loop,
                a.wrapper,
                a.deadline,
                () => (form === 'wait' ? cond.wait() : cond.wait_for(() => items.length > 0)),
                { seen: (fut) => (w.inner = fut), orphan: () => {} },
              );
            } catch (error) {
              if (!(error instanceof TimeoutError)) throw error;
            } finally {
              // Ended, cancelled or timed out: wait() re-acquired the lock.
              enter(w, `${a.wrapper}(${form})`);
            }
          }
          taken.push(items.shift()!);
        } finally {
          leave(w);
          cond.release();
        }
      }
    });

    const check = (): void => {
      expect(violations).toEqual([]);
      if (!lock._locked) expect(lock._waiters.length).toBe(0);
      expect(taken.length + items.length).toBe(produced);
    };
    /** Nothing ready: no item may wait while a consumer waits for a notification. */
    const check_quiescent = async (): Promise<void> => {
      await settle(loop);
      check();
      if (items.length > 0) expect(cond._waiters.length).toBe(0); // else a wake-up was lost
    };
    // Three producers in ten; consumers start parked, waiting for a notification.
    const spawn = (a: Spawn, w: Worker) =>
      loop.create_task(a.role < 3 ? producer(w, a.hold + 1) : consumer(a, w));
    const workers = await drive(
      loop,
      [...parked, { kind: 'step' }, { kind: 'step' }, ...actions],
      spawn,
      check_quiescent,
      check,
      // Also a window: notified (out of cond._waiters), waiting for the lock.
      (w) => {
        const inner = w.inner as { _inner?: Future<unknown> | null } | null;
        const wait = inner !== null && '_inner' in inner ? inner._inner : w.inner;
        return (
          wait != null && wait._state === 'PENDING' && ![...cond._waiters].includes(wait as never)
        );
      },
    );
    await check_quiescent();
    for (const w of workers) w.task.cancel();
    await wind_down(loop, workers);
    check();
    expect(lock.locked()).toBe(false);
    expect(new Set(taken).size).toBe(taken.length);
  } finally {
    loop.close();
  }
}

describe('Condition waits through wait_for, gather and timeout hold the lock and lose no notification', () => {
  // shield() is left out: a task that stops waiting for a shielded wait()
  // cannot hold the lock that wait() re-acquires later (asyncio's neither).
  for (const form of ['wait', 'wait_for'] as const) {
    for (const wrapper of WRAPPERS.filter((x) => x !== 'shield')) {
      const combo = `Condition.${form}/${wrapper}`;
      it(`${combo}: a waiter resumes holding the lock, and every item is taken once`, async () => {
        const consumers = fc.array(
          fc.record({
            kind: fc.constant('spawn' as const),
            wrapper: fc.constant(wrapper),
            deadline: fc.constantFrom(0.5, 5),
            hold: fc.constant(0),
            role: fc.constant(9),
          }),
          { minLength: 1, maxLength: 3 },
        );
        // Always tried first: cancelled while a producer holds the lock after
        // notifying it, and cancelled after its wrapper ended with the lock.
        const consumer: Spawn = { kind: 'spawn', wrapper, deadline: 0.5, hold: 0, role: 9 };
        const producer = (hold: number): Spawn => ({ ...consumer, hold, role: 0 });
        const examples: [Spawn[], StormAction[]][] = [
          [[consumer], [producer(1), { kind: 'cancel_granted', who: 0, late: false }]],
          [
            [consumer, consumer],
            [{ kind: 'poke', who: 0 }, producer(0), { kind: 'cancel_granted', who: 0, late: true }],
          ],
        ];
        await fc.assert(
          fc.asyncProperty(consumers, storm(wrapper), (parked, actions) =>
            run_condition_storm(form, parked, actions),
          ),
          { ...PARAMS, examples },
        );
      });
    }
  }
});
