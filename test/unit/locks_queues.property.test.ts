// Property tests (fast-check): random interleavings of acquire/release/cancel and put/get/cancel conserve permits and items.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  From,
  Future,
  LifoQueue,
  Lock,
  LockGuard,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  Semaphore,
  Task,
  coroutine,
  current_task,
} from '../../src/index.js';
import { TestLoop, run_briefly } from '../support/test_loop.js';

/** Runs per property; raise it (PROPERTY_RUNS=5000) for a deeper search. */
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

/**
 * The race window the tests aim at: a live task whose awaited Future was
 * granted (or, with `woken_extra`, otherwise woken) but which has not resumed.
 */
function woken_tasks(tasks: Task<unknown>[], woken_extra?: (waiting: Future<unknown>) => boolean) {
  return tasks.filter((t) => {
    const waiting = t._fut_waiter;
    if (t.done() || waiting === null) return false;
    return waiting._state !== 'PENDING' || (woken_extra?.(waiting) ?? false);
  });
}

// ---- locks and semaphores ----------------------------------------------------------

/** One acquisition: by a task (in one of three forms) or by the test itself. */
interface Holding {
  /** The Future that grants the permit: an acquire() or a guard Future. */
  fut: Future<unknown> | null;
  /** For acquire() forms: whether the permit was released. */
  released: boolean;
  /** Resolved to let a task leave its critical section. */
  gate: Future<null> | null;
  task: Task<unknown> | null;
}

type LockAction =
  | { kind: 'spawn'; form: 0 | 1 | 2 }
  | { kind: 'finish'; who: number }
  | { kind: 'cancel'; who: number }
  | { kind: 'cancel_woken'; who: number }
  | { kind: 'step' }
  | { kind: 'direct_acquire' }
  | { kind: 'direct_release'; who: number }
  | { kind: 'direct_cancel'; who: number };

const lock_action: fc.Arbitrary<LockAction> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('spawn' as const),
      form: fc.constantFrom(0 as const, 1 as const, 2 as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const), who: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cancel_woken' as const), who: fc.nat(20) }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('direct_acquire' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('direct_release' as const), who: fc.nat(20) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('direct_cancel' as const), who: fc.nat(20) }),
  },
);

type Primitive = Lock | Semaphore;

/** Whether an acquisition holds a permit right now. */
function holds(h: Holding): boolean {
  const fut = h.fut;
  if (fut === null || fut._state !== 'FINISHED' || fut._exception !== null) return false;
  if (fut._result instanceof LockGuard) return !fut._result.released;
  return !h.released;
}

function free_permits(prim: Primitive): number {
  return prim instanceof Lock ? (prim._locked ? 0 : 1) : prim._value;
}

function check_lock_invariants(prim: Primitive, initial: number, holdings: Holding[]): void {
  const held = holdings.filter(holds).length;
  // Conservation: every permit is free or held by exactly one acquisition.
  expect(free_permits(prim) + held).toBe(initial);
  // No deadlock: a free permit never coexists with a live waiter.
  if (free_permits(prim) > 0) expect(prim._waiters.length).toBe(0);
  for (const w of prim._waiters) expect(w._state).toBe('PENDING');
}

async function run_lock_scenario(
  make: (loop: TestLoop) => [Primitive, number],
  actions: LockAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const [prim, initial] = make(loop);
    const holdings: Holding[] = [];
    const by_task = new Map<Task<unknown>, Holding>();

    // Record the Future the Task gets from `yield From(prim)`.
    const original = prim._acquire_guard.bind(prim);
    prim._acquire_guard = () => {
      const fut = original();
      const task = current_task(loop);
      if (task !== null) by_task.get(task)!.fut = fut;
      return fut;
    };

    const worker = coroutine(function* (h: Holding, form: 0 | 1 | 2) {
      try {
        if (form === 0) {
          using _held = yield* From(prim);
          yield From(h.gate!);
        } else if (form === 1) {
          const fut = prim.hold();
          h.fut = fut;
          using _held = yield* From(fut);
          yield From(h.gate!);
        } else {
          const fut = prim.acquire();
          h.fut = fut;
          yield From(fut);
          try {
            yield From(h.gate!);
          } finally {
            h.released = true;
            prim.release();
          }
        }
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
    });

    const tasks = () => holdings.filter((h) => h.task !== null);
    const directs = () => holdings.filter((h) => h.task === null);

    for (const action of actions) {
      switch (action.kind) {
        case 'spawn': {
          const h: Holding = {
            fut: null,
            released: false,
            gate: new Future<null>({ loop }),
            task: null,
          };
          h.task = loop.create_task(worker(h, action.form));
          by_task.set(h.task, h);
          holdings.push(h);
          break;
        }
        case 'finish': {
          const ts = tasks();
          const h = ts[action.who % Math.max(1, ts.length)];
          if (h && !h.gate!.done()) h.gate!.set_result(null);
          break;
        }
        case 'cancel': {
          const ts = tasks().filter((h) => !h.task!.done());
          ts[action.who % Math.max(1, ts.length)]?.task!.cancel();
          break;
        }
        case 'cancel_woken': {
          const woken = woken_tasks(tasks().map((h) => h.task!));
          woken[action.who % Math.max(1, woken.length)]?.cancel();
          break;
        }
        case 'step':
          await run_briefly(loop);
          break;
        case 'direct_acquire':
          holdings.push({ fut: prim.acquire(), released: false, gate: null, task: null });
          break;
        case 'direct_release': {
          const held = directs().filter(holds);
          const h = held[action.who % Math.max(1, held.length)];
          if (h) {
            expect(h.fut!.result()).toBe(true); // what its owner reads before releasing
            h.released = true;
            prim.release();
          }
          break;
        }
        case 'direct_cancel': {
          const ds = directs();
          ds[action.who % Math.max(1, ds.length)]?.fut!.cancel();
          break;
        }
      }
      check_lock_invariants(prim, initial, holdings);
    }

    // Wind down: let everyone finish, give back direct permits; nothing may hang.
    for (let round = 0; round < 100; round++) {
      for (const h of holdings) if (h.gate !== null && !h.gate.done()) h.gate.set_result(null);
      for (const h of directs()) {
        if (holds(h)) {
          h.fut!.result();
          h.released = true;
          prim.release();
        }
      }
      check_lock_invariants(prim, initial, holdings);
      if (tasks().every((h) => h.task!.done()) && directs().every((h) => h.fut!.done())) break;
      await run_briefly(loop);
    }
    for (const h of tasks()) expect(h.task!.done()).toBe(true);
    for (const h of tasks()) if (!h.task!.cancelled()) h.task!.result(); // no unexpected error
    expect(free_permits(prim)).toBe(initial);
    expect(prim._waiters.length).toBe(0);
  } finally {
    loop.close();
  }
}

describe('locks under random interleavings', () => {
  it('a Lock conserves its one permit and never idles with waiters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lock_action, { maxLength: 60 }), (actions) =>
        run_lock_scenario((loop) => [new Lock({ loop }), 1], actions),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a Semaphore keeps value + held permits == initial value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(lock_action, { maxLength: 60 }),
        (n, actions) => run_lock_scenario((loop) => [new Semaphore(n, { loop }), n], actions),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a BoundedSemaphore is never released too many times by correct code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(lock_action, { maxLength: 60 }),
        (n, actions) =>
          run_lock_scenario((loop) => [new BoundedSemaphore(n, { loop }), n], actions),
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---- conditions ----------------------------------------------------------------------

type ConditionAction =
  | { kind: 'producer'; linger: boolean }
  | { kind: 'consumer'; form: 0 | 1 }
  | { kind: 'cancel'; who: number }
  | { kind: 'cancel_woken'; who: number }
  | { kind: 'step' }
  | { kind: 'settle' };

const condition_action: fc.Arbitrary<ConditionAction> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('producer' as const), linger: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('consumer' as const),
      form: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(20) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('cancel_woken' as const), who: fc.nat(20) }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
);

async function run_condition_scenario(
  parked: (0 | 1)[],
  actions: ConditionAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const cond = new Condition(null, { loop });
    const lock = cond._lock;
    const items: number[] = [];
    const taken: number[] = [];
    let produced = 0;
    const tasks: Task<unknown>[] = [];

    // Each item comes with one notify(1), under the lock; a lingering producer
    // keeps the lock one more iteration, so the woken consumer waits for it.
    const producer = coroutine(function* (linger: boolean) {
      using _held = yield* From(cond);
      items.push(produced++);
      cond.notify(1);
      if (linger) yield null;
    });
    const consumer = coroutine(function* (form: 0 | 1) {
      for (;;) {
        using _held = yield* From(cond);
        if (form === 0) yield From(cond.wait_for(() => items.length > 0));
        else while (items.length === 0) yield From(cond.wait());
        taken.push(items.shift()!);
      }
    });

    const check = (): void => {
      if (!lock._locked) expect(lock._waiters.length).toBe(0);
      for (const w of lock._waiters) expect(w._state).toBe('PENDING');
      expect(taken.length + items.length).toBe(produced);
    };
    /** Run until nothing is ready; then no item may wait while a consumer waits for a notification. */
    const check_quiescent = async (): Promise<void> => {
      for (let i = 0; i < 100 && loop._ready.length > 0; i++) await run_briefly(loop);
      expect(loop._ready.length).toBe(0);
      check();
      if (items.length > 0) expect(cond._waiters.length).toBe(0); // else a wake-up was lost
    };

    // Start with consumers already waiting for a notification: the races need them.
    for (const form of parked) tasks.push(loop.create_task(consumer(form)));
    await check_quiescent();

    for (const action of actions) {
      switch (action.kind) {
        case 'producer':
          tasks.push(loop.create_task(producer(action.linger)));
          break;
        case 'consumer':
          tasks.push(loop.create_task(consumer(action.form)));
          break;
        case 'cancel': {
          const live = tasks.filter((t) => !t.done());
          live[action.who % Math.max(1, live.length)]?.cancel();
          break;
        }
        case 'step':
          await run_briefly(loop);
          break;
        case 'cancel_woken': {
          // Also: notified (out of cond._waiters) but still waiting for the lock.
          const notified = (waiting: Future<unknown>): boolean => {
            const inner = (waiting as unknown as { _inner?: Future<unknown> | null })._inner;
            const w = inner === undefined ? waiting : inner;
            return w !== null && '_cond' in w && ![...cond._waiters].includes(w as never);
          };
          const woken = woken_tasks(tasks, notified);
          woken[action.who % Math.max(1, woken.length)]?.cancel();
          break;
        }
        case 'settle':
          await check_quiescent();
          break;
      }
      check();
    }
    await check_quiescent();

    // Wind down: nothing may hang, the lock ends free.
    for (const t of tasks) t.cancel();
    await check_quiescent();
    expect(tasks.every((t) => t.done())).toBe(true);
    for (const t of tasks) if (!t.cancelled()) t.result();
    expect(lock.locked()).toBe(false);
    expect([...taken].sort((a, b) => a - b)).toEqual([...new Set(taken)].sort((a, b) => a - b));
  } finally {
    loop.close();
  }
}

describe('conditions under random interleavings', () => {
  it('no notification is lost when waiters are cancelled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(0 as const, 1 as const), { minLength: 2, maxLength: 4 }),
        fc.array(condition_action, { maxLength: 60 }),
        (parked, actions) => run_condition_scenario(parked, actions),
      ),
      { numRuns: NUM_RUNS * 4 },
    );
  });
});

// ---- queues ---------------------------------------------------------------------------

type QueueAction =
  | { kind: 'producer'; count: number }
  | { kind: 'consumer' }
  | { kind: 'cancel'; who: number }
  | { kind: 'cancel_woken'; who: number }
  | { kind: 'step' }
  | { kind: 'put_nowait' }
  | { kind: 'get_nowait' }
  | { kind: 'direct_get' }
  | { kind: 'direct_cancel'; who: number };

const queue_action: fc.Arbitrary<QueueAction> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('producer' as const),
      count: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('consumer' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cancel_woken' as const), who: fc.nat(20) }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('put_nowait' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get_nowait' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('direct_get' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('direct_cancel' as const), who: fc.nat(20) }),
  },
);

async function run_queue_scenario(
  kind: 0 | 1 | 2,
  maxsize: number,
  actions: QueueAction[],
): Promise<void> {
  const loop = new TestLoop();
  try {
    const q: Queue<number> =
      kind === 0
        ? new Queue<number>(maxsize, { loop })
        : kind === 1
          ? new LifoQueue<number>(maxsize, { loop })
          : new PriorityQueue<number>(maxsize, { loop });
    let next_item = 0;
    /** Items whose put succeeded, as the putter saw it. */
    const put_ok = new Set<number>();
    /** Items whose put() ended in CancelledError. */
    const put_cancelled = new Set<number>();
    /** Every item received, in order, by anyone. */
    const received: number[] = [];
    const tasks: Task<unknown>[] = [];
    const direct_gets: Future<number>[] = [];

    const producer = coroutine(function* (items: number[]) {
      for (const item of items) {
        try {
          yield From(q.put(item));
        } catch (e) {
          if (e instanceof CancelledError) put_cancelled.add(item);
          throw e;
        }
        put_ok.add(item);
      }
    });
    const consumer = coroutine(function* () {
      for (;;) {
        const item: number = yield* From(q.get());
        received.push(item);
        q.task_done();
      }
    });

    const check = (): void => {
      // No item both refused and accepted; every item seen was accepted.
      for (const item of put_cancelled) expect(put_ok.has(item)).toBe(false);
      // No deadlock: getters wait only on an empty queue, putters only on a full one.
      if (q._getters.length > 0) expect(q.qsize()).toBe(0);
      if (q._putters.length > 0) expect(q.full()).toBe(true);
      expect(q._reserved).toBeGreaterThanOrEqual(0);
    };

    for (const action of actions) {
      switch (action.kind) {
        case 'producer': {
          const items = Array.from({ length: action.count }, () => next_item++);
          tasks.push(loop.create_task(producer(items)));
          break;
        }
        case 'consumer':
          tasks.push(loop.create_task(consumer()));
          break;
        case 'cancel': {
          const live = tasks.filter((t) => !t.done());
          live[action.who % Math.max(1, live.length)]?.cancel();
          break;
        }
        case 'step':
          await run_briefly(loop);
          break;
        case 'cancel_woken': {
          const woken = woken_tasks(tasks);
          woken[action.who % Math.max(1, woken.length)]?.cancel();
          break;
        }
        case 'put_nowait': {
          const item = next_item++;
          try {
            q.put_nowait(item);
            put_ok.add(item);
          } catch (e) {
            expect(e).toBeInstanceOf(QueueFull);
          }
          break;
        }
        case 'get_nowait':
          try {
            received.push(q.get_nowait());
            q.task_done();
          } catch (e) {
            expect(e).toBeInstanceOf(QueueEmpty);
          }
          break;
        case 'direct_get':
          direct_gets.push(q.get());
          break;
        case 'direct_cancel':
          direct_gets[action.who % Math.max(1, direct_gets.length)]?.cancel();
          break;
      }
      check();
    }

    // Wind down: stop every task, drain the queue.
    for (const t of tasks) t.cancel();
    for (const g of direct_gets) g.cancel();
    for (let round = 0; round < 50 && !tasks.every((t) => t.done()); round++)
      await run_briefly(loop);
    expect(tasks.every((t) => t.done())).toBe(true);
    for (const t of tasks) if (!t.cancelled()) t.result();
    for (const g of direct_gets) {
      if (!g.cancelled()) {
        received.push(g.result());
        q.task_done();
      }
    }
    const drained: number[] = [];
    while (!q.empty()) drained.push(q.get_nowait());
    check();

    // Conservation: every accepted item came out exactly once, nothing else did.
    const out = [...received, ...drained].sort((a, b) => a - b);
    expect(out).toEqual([...put_ok].sort((a, b) => a - b));
    expect(q._reserved).toBe(0);
    // Every accepted item counts until task_done(): only the drained ones are left.
    expect(q._unfinished_tasks).toBe(drained.length);
  } finally {
    loop.close();
  }
}

describe('queues under random interleavings', () => {
  it('no item is lost or duplicated, and a cancelled put() adds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0 as const, 1 as const, 2 as const),
        fc.integer({ min: 0, max: 3 }),
        fc.array(queue_action, { maxLength: 60 }),
        (kind, maxsize, actions) => run_queue_scenario(kind, maxsize, actions),
      ),
      { numRuns: NUM_RUNS * 2 },
    );
  });
});
