// Random storms for the waiter property tests: tasks wait for a waiter through wait_for(), gather(), shield() or timeout(), and are cancelled in the race windows.
import fc from 'fast-check';
import { expect } from 'vitest';

import {
  CancelledError,
  From,
  Future,
  Task,
  TimeoutError,
  gather,
  shield,
  timeout,
  wait_for,
} from '../../src/index.js';
import { TestLoop, run_briefly } from './test_loop.js';

/** Runs per property; raise it (PROPERTY_RUNS=5000) for a deeper search. */
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/**
 * Seeded, so that every run checks the same cases (and the `it.fails` ones
 * fail every time); PROPERTY_SEED=… explores other cases or replays a failure.
 */
const SEED = Number(process.env.PROPERTY_SEED ?? 20_241_112);

/** fast-check's parameters for every storm. */
export const PARAMS = { numRuns: NUM_RUNS, seed: SEED };

/** How a task waits for a waiter Future. */
export type Wrapper = 'direct' | 'wait_for' | 'gather' | 'shield' | 'timeout';

/** Every wrapper, `direct` (the Future itself) first. */
export const WRAPPERS: readonly Wrapper[] = ['direct', 'wait_for', 'gather', 'shield', 'timeout'];

/** What a waiting task tells the test about the waiter Future it waits for. */
export interface Watch<T> {
  /** The waiter Future exists (for `timeout`, inside the body's task). */
  seen(inner: Future<T>): void;
  /** The task stopped waiting for a shielded waiter that runs on: its outcome is still to account for. */
  orphan(inner: Future<T>): void;
}

/**
 * Wait for the waiter `make()` returns, through `wrapper`, inside a task:
 * the generator returns the waiter's result or throws what the wrapper throws.
 */
export function* through<T>(
  loop: TestLoop,
  wrapper: Wrapper,
  deadline: number,
  make: () => Future<T>,
  watch: Watch<T>,
): Generator<unknown, T, unknown> {
  const made = (): Future<T> => {
    const inner = make();
    watch.seen(inner);
    return inner;
  };
  switch (wrapper) {
    case 'direct':
      return yield* From(made());
    case 'wait_for':
      return yield* From(wait_for(made(), deadline, { loop }));
    case 'gather': {
      const results = (yield* From(gather([made()], { loop }))) as unknown as [T];
      return results[0];
    }
    case 'shield': {
      const inner = made();
      try {
        return yield* From(shield(inner, { loop }));
      } catch (error) {
        watch.orphan(inner);
        throw error;
      }
    }
    case 'timeout':
      return (yield* From(
        timeout(deadline, function* () {
          return yield* From(made());
        }),
      )) as T;
  }
}

/** Whether a wait ended with what a cancelled or timed-out wait raises. */
export function is_give_up(error: unknown): boolean {
  return error instanceof CancelledError || error instanceof TimeoutError;
}

/** Whether a waiter Future holds a result nobody took back. */
export function granted(f: Future<unknown> | null): boolean {
  return f !== null && f._state === 'FINISHED' && f._exception === null;
}

/** A new worker task: which wrapper, its deadline, how long it holds what it gets, what it does. */
export interface Spawn {
  kind: 'spawn';
  wrapper: Wrapper;
  deadline: number;
  hold: number;
  role: number;
}

/** What a storm does next. */
export type StormAction =
  | Spawn
  | { kind: 'step' }
  | { kind: 'advance' }
  | { kind: 'cancel'; who: number }
  | { kind: 'cancel_granted'; who: number; late: boolean }
  | { kind: 'poke'; who: number };

/** Random storm actions; spawned workers use `wrapper`. */
export function storm_action(wrapper: Wrapper): fc.Arbitrary<StormAction> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('spawn' as const),
        wrapper: fc.constant(wrapper),
        deadline: fc.constantFrom(0.5, 5),
        hold: fc.integer({ min: 0, max: 2 }),
        role: fc.nat(9),
      }),
    },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(20) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('cancel_granted' as const),
        who: fc.nat(20),
        late: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('poke' as const), who: fc.nat(20) }) },
  );
}

/**
 * Storms fast-check always tries first, for `wrapper`: a worker (`role` 0)
 * cancelled once what it waits for has ended, before it resumes; the same
 * after a `poke` (an item to get, a permit taken).
 */
export function late_cancel_examples(wrapper: Wrapper): [StormAction[]][] {
  const spawn: Spawn = { kind: 'spawn', wrapper, deadline: 5, hold: 0, role: 0 };
  const cancel: StormAction = { kind: 'cancel_granted', who: 0, late: true };
  return [[[spawn, cancel]], [[{ kind: 'poke', who: 0 }, spawn, cancel]]];
}

/** Up to `n` storm actions for `wrapper`. */
export function storm(wrapper: Wrapper, n = 50): fc.Arbitrary<StormAction[]> {
  return fc.array(storm_action(wrapper), { maxLength: n });
}

/** One task of a storm and the waiter Future it waits for now. */
export interface Worker {
  task: Task<unknown>;
  inner: Future<unknown> | null;
}

/**
 * Play the actions: spawn workers, step the loop, move the clock, cancel
 * tasks (any live one, or, stepping until there is one, one whose waiter was
 * granted or otherwise `woken`, or whose wrapper finished, and which has not
 * resumed: the race windows), and let the
 * scenario `poke` its primitive (release, put, set...) or check it at rest.
 * `check` runs after each action.
 */
export async function drive(
  loop: TestLoop,
  actions: StormAction[],
  spawn: (a: Spawn, w: Worker) => Task<unknown>,
  poke: (who: number) => void | Promise<void>,
  check: () => void,
  woken: (w: Worker) => boolean = () => false,
): Promise<Worker[]> {
  const workers: Worker[] = [];
  // Early: the waiter was granted (or woken), its wrapper may not know yet.
  // Late: what the task waits for (the wrapper) finished; the task has not resumed.
  const in_window = (late: boolean): Worker[] =>
    workers.filter((w) => {
      if (w.task.done()) return false;
      if (w.task._fut_waiter?._state === 'FINISHED') return true;
      return !late && ((w.inner !== null && w.inner._state !== 'PENDING') || woken(w));
    });
  for (const action of actions) {
    const live = workers.filter((w) => !w.task.done());
    switch (action.kind) {
      case 'spawn': {
        const w: Worker = { task: null as unknown as Task<unknown>, inner: null };
        w.task = spawn(action, w);
        workers.push(w);
        break;
      }
      case 'step':
        await run_briefly(loop);
        break;
      case 'advance':
        loop.advance_time(1);
        await run_briefly(loop);
        break;
      case 'cancel':
        live[action.who % Math.max(1, live.length)]?.task.cancel();
        break;
      case 'cancel_granted': {
        // Step (a few iterations at most) until a task is in a window, then cancel it.
        let found = in_window(action.late);
        for (let i = 0; i < 8 && found.length === 0 && loop._ready.length > 0; i++) {
          await run_briefly(loop);
          found = in_window(action.late);
        }
        found[action.who % Math.max(1, found.length)]?.task.cancel();
        break;
      }
      case 'poke':
        await poke(action.who);
        break;
    }
    check();
  }
  return workers;
}

/** Run the loop until nothing is ready (the clock does not move). */
export async function settle(loop: TestLoop): Promise<void> {
  for (let i = 0; i < 200 && loop._ready.length > 0; i++) await run_briefly(loop);
  expect(loop._ready.length).toBe(0);
}

/**
 * Run the loop, moving the clock now and then and calling `each_round`,
 * until every worker is done: nothing may hang, and no task may fail with
 * anything but a cancellation.
 */
export async function wind_down(
  loop: TestLoop,
  workers: Worker[],
  each_round: () => void = () => {},
): Promise<void> {
  for (let round = 0; round < 300 && !workers.every((w) => w.task.done()); round++) {
    each_round();
    if (round % 10 === 9) loop.advance_time(1);
    await run_briefly(loop);
  }
  await settle(loop); // the orphans' callbacks
  expect(workers.every((w) => w.task.done())).toBe(true);
  for (const w of workers) if (!w.task.cancelled()) w.task.result();
}
