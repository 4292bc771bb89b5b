// Lock, Event, Condition, Semaphore, BoundedSemaphore: asyncio's test_locks cases, scoped use, and cancellation races.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  Event,
  From,
  Future,
  Lock,
  LockGuard,
  RuntimeError,
  Semaphore,
  Task,
  TimeoutError,
  ValueError,
  coroutine,
  current_task,
  gather,
  set_event_loop,
  sleep,
  wait_for,
  type Coroutine,
} from '../../src/index.js';
import { TestLoop, run_briefly } from '../support/test_loop.js';

let loop: TestLoop;
beforeEach(() => {
  loop = new TestLoop();
});
afterEach(() => {
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
});

function spawn<T>(coro: Coroutine<T>): Task<T> {
  return loop.create_task(coro);
}

/** Run the loop until `task` is done, swallowing its outcome. */
async function settle(task: Future<unknown>): Promise<void> {
  await loop.run_until_complete(task).catch(() => undefined);
}

describe('Lock', () => {
  it('uses the loop it is given (test_ctor_loop)', () => {
    expect(new Lock({ loop })._loop).toBe(loop);
  });

  it('defaults to the current event loop at construction (test_ctor_noloop)', () => {
    set_event_loop(loop);
    expect(new Lock()._loop).toBe(loop);
  });

  it('shows its state and waiters in its repr (test_repr)', async () => {
    const lock = new Lock({ loop });
    expect(String(lock)).toBe('<Lock [unlocked]>');
    await loop.run_until_complete(lock.acquire());
    expect(String(lock)).toBe('<Lock [locked]>');
    lock.acquire();
    lock.acquire();
    expect(String(lock)).toBe('<Lock [locked,waiters:2]>');
  });

  it('is locked once acquired and unlocked once released (test_lock)', async () => {
    const lock = new Lock({ loop });
    const acquire_lock = coroutine(function* () {
      return yield From(lock.acquire());
    });
    expect(await loop.run_until_complete(acquire_lock())).toBe(true);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  it('grants waiters one at a time, in FIFO order (test_acquire)', async () => {
    const lock = new Lock({ loop });
    const result: number[] = [];
    expect(await loop.run_until_complete(lock.acquire())).toBe(true);

    const c = coroutine(function* (n: number) {
      if (yield From(lock.acquire())) result.push(n);
      return true;
    });
    const t1 = spawn(c(1));
    const t2 = spawn(c(2));
    await run_briefly(loop);
    expect(result).toEqual([]);

    lock.release();
    await run_briefly(loop);
    expect(result).toEqual([1]);
    await run_briefly(loop);
    expect(result).toEqual([1]);

    const t3 = spawn(c(3));
    lock.release();
    await run_briefly(loop);
    expect(result).toEqual([1, 2]);

    lock.release();
    await run_briefly(loop);
    expect(result).toEqual([1, 2, 3]);
    for (const t of [t1, t2, t3]) expect(t.result()).toBe(true);
  });

  it('serves six waiters in creation order (LK-1 probe)', async () => {
    const lock = new Lock({ loop });
    const order: number[] = [];
    const worker = coroutine(function* (n: number) {
      yield From(lock.acquire());
      try {
        order.push(n);
        yield null;
      } finally {
        lock.release();
      }
    });
    const tasks = [0, 1, 2, 3, 4, 5].map((n) => spawn(worker(n)));
    await loop.run_until_complete(tasks[5]!);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lock.locked()).toBe(false);
  });

  it('a cancelled acquire leaves the queue (test_acquire_cancel)', async () => {
    const lock = new Lock({ loop });
    await loop.run_until_complete(lock.acquire());
    const fut = lock.acquire();
    loop.call_soon(() => fut.cancel());
    await expect(loop.run_until_complete(fut)).rejects.toBeInstanceOf(CancelledError);
    expect(lock._waiters.size).toBe(0);
    expect(lock.locked()).toBe(true);
  });

  it('a waiter cancelled while the holder releases does not block the next one (test_cancel_race)', async () => {
    const lock = new Lock({ loop });
    const lockit = coroutine(function* (blocker: Future<null> | null) {
      yield From(lock.acquire());
      try {
        if (blocker !== null) yield From(blocker);
      } finally {
        lock.release();
      }
    });
    const fa = new Future<null>({ loop });
    const ta = spawn(lockit(fa));
    await run_briefly(loop, 2);
    expect(lock.locked()).toBe(true);
    const tb = spawn(lockit(null));
    await run_briefly(loop);
    expect(lock._waiters.size).toBe(1);
    const tc = spawn(lockit(null));
    await run_briefly(loop);
    expect(lock._waiters.size).toBe(2);

    fa.set_result(null);
    tb.cancel();
    expect(lock._waiters.size).toBe(1); // B left the queue at once
    await run_briefly(loop, 2);
    expect(lock.locked()).toBe(false);
    expect(ta.done()).toBe(true);
    expect(tb.cancelled()).toBe(true);
    expect(tc.done()).toBe(true);
  });

  it('release() of an unlocked lock throws RuntimeError (test_release_not_acquired)', () => {
    const lock = new Lock({ loop });
    expect(() => lock.release()).toThrow(RuntimeError);
    expect(() => lock.release()).toThrow('Lock is not acquired.');
  });

  it('release() with no waiters unlocks (test_release_no_waiters)', async () => {
    const lock = new Lock({ loop });
    await loop.run_until_complete(lock.acquire());
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  describe('cancellation is lossless', () => {
    const holder = (lock: Lock, log: string[]) =>
      coroutine(function* (name: string) {
        yield From(lock.acquire());
        log.push(name);
        lock.release();
      });

    it('a waiter cancelled right after the release that woke it passes the lock on', async () => {
      const lock = new Lock({ loop });
      const log: string[] = [];
      await loop.run_until_complete(lock.acquire());
      const tb = spawn(holder(lock, log)('B'));
      const tc = spawn(holder(lock, log)('C'));
      await run_briefly(loop);
      const b_waiter = [...lock._waiters][0]!;

      lock.release(); // hands the lock to B's waiter ...
      expect(b_waiter._state).toBe('FINISHED'); // (not done(): looking would make it final)
      tb.cancel(); // ... which B never sees
      await settle(tc);

      expect(tb.cancelled()).toBe(true);
      expect(b_waiter.cancelled()).toBe(true);
      expect(log).toEqual(['C']);
      expect(lock.locked()).toBe(false);
    });

    it('the same race through the guard form, yield* From(lock)', async () => {
      const lock = new Lock({ loop });
      const log: string[] = [];
      const scoped = coroutine(function* (name: string) {
        using _held = yield* From(lock);
        log.push(name);
      });
      await loop.run_until_complete(lock.acquire());
      const tb = spawn(scoped('B'));
      const tc = spawn(scoped('C'));
      await run_briefly(loop);
      lock.release();
      tb.cancel();
      await settle(tc);
      expect(tb.cancelled()).toBe(true);
      expect(log).toEqual(['C']);
      expect(lock.locked()).toBe(false);
    });

    it('a cancelled last waiter leaves the lock unlocked', async () => {
      const lock = new Lock({ loop });
      const log: string[] = [];
      await loop.run_until_complete(lock.acquire());
      const tb = spawn(holder(lock, log)('B'));
      await run_briefly(loop);
      lock.release();
      tb.cancel();
      await settle(tb);
      expect(lock.locked()).toBe(false);
      expect(log).toEqual([]);
    });

    it('a task that cancelled itself gives back a lock it took on the fast path', async () => {
      const lock = new Lock({ loop });
      const self_cancel = coroutine(function* () {
        current_task(loop)!.cancel();
        yield From(lock.acquire());
      });
      await expect(loop.run_until_complete(self_cancel())).rejects.toBeInstanceOf(CancelledError);
      expect(lock.locked()).toBe(false);
    });

    it('a timed-out wait_for(lock.acquire()) takes nothing', async () => {
      const lock = new Lock({ loop });
      await loop.run_until_complete(lock.acquire());
      await expect(
        loop.run_until_complete(wait_for(lock.acquire(), 0.5, { loop })),
      ).rejects.toBeInstanceOf(TimeoutError);
      expect(lock._waiters.size).toBe(0);
      lock.release();
      expect(lock.locked()).toBe(false);
    });

    it('cancelling after the waiter resumed is an ordinary cancellation: the holder keeps the lock', async () => {
      const lock = new Lock({ loop });
      const gate = new Future<null>({ loop });
      const holding = coroutine(function* () {
        yield From(lock.acquire());
        yield From(gate); // cancelled here, holding the lock
      });
      const t = spawn(holding());
      await run_briefly(loop, 2);
      const fut = lock.acquire();
      expect(fut.cancel()).toBe(true); // still waiting: leaves the queue
      t.cancel();
      await settle(t);
      expect(lock.locked()).toBe(true); // the coroutine never released it
    });
  });
});

describe('scoped use: yield From(lock) and hold()', () => {
  it('yield From(lock) evaluates to a guard that releases with using (test_context_manager)', async () => {
    const lock = new Lock({ loop });
    const acquire_lock = coroutine(function* () {
      return yield From(lock);
    });
    const guard = await loop.run_until_complete<LockGuard>(acquire_lock());
    expect(guard).toBeInstanceOf(LockGuard);
    {
      using _held = guard;
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('a guard releases at most once: later release() or dispose does nothing (test_context_manager_cant_reuse)', async () => {
    const lock = new Lock({ loop });
    const acquire_lock = coroutine(function* () {
      return yield* From(lock);
    });
    const guard = await loop.run_until_complete<LockGuard>(acquire_lock());
    expect(guard.released).toBe(false);
    guard.release();
    expect(guard.released).toBe(true);
    expect(lock.locked()).toBe(false);
    await loop.run_until_complete(lock.acquire()); // someone else holds it now
    guard.release();
    guard[Symbol.dispose]();
    expect(lock.locked()).toBe(true);
  });

  it('a primitive itself is not disposable: `using` needs yield From (test_context_manager_no_yield)', () => {
    const lock = new Lock({ loop });
    expect(() => {
      using _held = lock as unknown as Disposable;
    }).toThrow(TypeError);
    expect(lock.locked()).toBe(false);
  });

  it('releases at scope exit on return, on exception and on cancellation', async () => {
    const lock = new Lock({ loop });
    const returns = coroutine(function* () {
      using _held = yield* From(lock);
      expect(lock.locked()).toBe(true);
      return 'done';
    });
    expect(await loop.run_until_complete(returns())).toBe('done');
    expect(lock.locked()).toBe(false);

    const throws = coroutine(function* () {
      using _held = yield* From(lock);
      throw new RangeError('boom');
    });
    await expect(loop.run_until_complete(throws())).rejects.toBeInstanceOf(RangeError);
    expect(lock.locked()).toBe(false);

    const sleeps = coroutine(function* () {
      using _held = yield* From(lock);
      yield From(sleep(3600, null, { loop }));
    });
    const t = spawn(sleeps());
    await run_briefly(loop, 2);
    expect(lock.locked()).toBe(true);
    t.cancel();
    await expect(loop.run_until_complete(t)).rejects.toBeInstanceOf(CancelledError);
    expect(lock.locked()).toBe(false);
  });

  it('releases early with held.release() and does not release twice at scope exit', async () => {
    const lock = new Lock({ loop });
    const early = coroutine(function* () {
      using held = yield* From(lock);
      held.release();
      yield From(lock.acquire()); // re-acquired without the guard: the scope exit must not release it
    });
    await loop.run_until_complete(early());
    expect(lock.locked()).toBe(true);
  });

  it('yield From(x) acquires a Semaphore, a BoundedSemaphore and a Condition', async () => {
    const sem = new Semaphore(2, { loop });
    const bounded = new BoundedSemaphore(1, { loop });
    const cond = new Condition(null, { loop });
    const all = coroutine(function* () {
      using _a = yield* From(sem);
      using _b = yield From(bounded);
      using _c = yield* From(cond);
      expect(sem._value).toBe(1);
      expect(bounded.locked()).toBe(true);
      expect(cond.locked()).toBe(true);
    });
    await loop.run_until_complete(all());
    expect(sem._value).toBe(2);
    expect(bounded._value).toBe(1);
    expect(cond.locked()).toBe(false);
  });

  it('await using held = await lock.hold() works in async functions', async () => {
    const lock = new Lock({ loop });
    const sem = new Semaphore(1, { loop });
    const main = async (): Promise<string> => {
      await using _held = await lock.hold();
      await using _slot = await sem.hold();
      expect(lock.locked()).toBe(true);
      expect(sem.locked()).toBe(true);
      return 'ok';
    };
    expect(await loop.run_until_complete(main())).toBe('ok');
    expect(lock.locked()).toBe(false);
    expect(sem.locked()).toBe(false);
  });

  it('Symbol.dispose and Symbol.asyncDispose exist on this runtime and key the guard methods', () => {
    expect(typeof Symbol.dispose).toBe('symbol');
    expect(typeof Symbol.asyncDispose).toBe('symbol');
    expect(typeof LockGuard.prototype[Symbol.dispose]).toBe('function');
    expect(typeof LockGuard.prototype[Symbol.asyncDispose]).toBe('function');
  });

  it('[Symbol.asyncDispose]() releases at once and resolves', async () => {
    const lock = new Lock({ loop });
    const guard = await loop.run_until_complete<LockGuard>(lock.hold());
    const done = guard[Symbol.asyncDispose]();
    expect(lock.locked()).toBe(false);
    await expect(done).resolves.toBeUndefined();
    expect(String(guard)).toBe('<LockGuard released>');
  });

  it('a guard whose lock was released behind its back reports the RuntimeError', async () => {
    const lock = new Lock({ loop });
    const guard = await loop.run_until_complete<LockGuard>(lock.hold());
    lock.release();
    expect(() => guard.release()).toThrow('Lock is not acquired.');
  });
});

describe('Event', () => {
  it('uses the loop it is given (test_ctor_loop)', () => {
    expect(new Event({ loop })._loop).toBe(loop);
  });

  it('defaults to the current event loop (test_ctor_noloop)', () => {
    set_event_loop(loop);
    expect(new Event()._loop).toBe(loop);
  });

  it('shows set/unset and waiters in its repr (test_repr)', () => {
    const ev = new Event({ loop });
    expect(String(ev)).toBe('<Event [unset]>');
    ev.wait();
    expect(String(ev)).toBe('<Event [unset,waiters:1]>');
    ev.set();
    expect(String(ev)).toBe('<Event [set]>');
  });

  it('wakes every waiter on set() (test_wait)', async () => {
    const ev = new Event({ loop });
    expect(ev.is_set()).toBe(false);
    const result: number[] = [];
    const c = coroutine(function* (n: number) {
      if (yield From(ev.wait())) result.push(n);
    });
    const t1 = spawn(c(1));
    const t2 = spawn(c(2));
    await run_briefly(loop, 2);
    expect(result).toEqual([]);
    const t3 = spawn(c(3));
    ev.set();
    await run_briefly(loop, 2);
    // t3 finds the event set and goes on without suspending, as in asyncio's test_wait.
    expect(result).toEqual([3, 1, 2]);
    for (const t of [t1, t2, t3]) expect(t.done()).toBe(true);
  });

  it('wait() resolves to true at once when set (test_wait_on_set)', async () => {
    const ev = new Event({ loop });
    ev.set();
    expect(await loop.run_until_complete(ev.wait())).toBe(true);
  });

  it('a cancelled wait() leaves the waiters (test_wait_cancel)', async () => {
    const ev = new Event({ loop });
    const fut = ev.wait();
    loop.call_soon(() => fut.cancel());
    await expect(loop.run_until_complete(fut)).rejects.toBeInstanceOf(CancelledError);
    expect(ev._waiters.size).toBe(0);
  });

  it('clear() resets the flag (test_clear)', () => {
    const ev = new Event({ loop });
    ev.set();
    expect(ev.is_set()).toBe(true);
    ev.clear();
    expect(ev.is_set()).toBe(false);
  });

  it('clear() does not take back a wake-up already given (test_clear_with_waiters)', async () => {
    const ev = new Event({ loop });
    const result: number[] = [];
    const c1 = coroutine(function* () {
      if (yield From(ev.wait())) result.push(1);
      return true;
    });
    const t = spawn(c1());
    await run_briefly(loop);
    expect(ev._waiters.size).toBe(1);
    ev.set();
    ev.clear();
    expect(ev.is_set()).toBe(false);
    ev.set();
    ev.set();
    expect(ev._waiters.size).toBe(0);
    await run_briefly(loop);
    expect(result).toEqual([1]);
    expect(t.result()).toBe(true);
  });

  it('a waiter cancelled right after set() does not stop the others waking', async () => {
    const ev = new Event({ loop });
    const woke: string[] = [];
    const c = coroutine(function* (name: string) {
      yield From(ev.wait());
      woke.push(name);
    });
    const ta = spawn(c('a'));
    const tb = spawn(c('b'));
    await run_briefly(loop);
    ev.set();
    ta.cancel();
    await settle(tb);
    expect(ta.cancelled()).toBe(true);
    expect(woke).toEqual(['b']);
  });
});

describe('Condition', () => {
  it('uses the loop it is given (test_ctor_loop)', () => {
    expect(new Condition(null, { loop })._loop).toBe(loop);
    expect(new Condition({ loop })._loop).toBe(loop);
  });

  it('defaults to the current event loop (test_ctor_noloop)', () => {
    set_event_loop(loop);
    expect(new Condition()._loop).toBe(loop);
  });

  const waiter_of = (cond: Condition, result: number[], release: boolean) =>
    coroutine(function* (n: number) {
      yield From(cond.acquire());
      if (yield From(cond.wait())) {
        result.push(n);
        if (release) cond.release();
      }
      return true;
    });

  it('wait() resumes after notify() once the lock is free again (test_wait)', async () => {
    const cond = new Condition(null, { loop });
    const result: number[] = [];
    const c = waiter_of(cond, result, false);
    const t1 = spawn(c(1));
    const t2 = spawn(c(2));
    const t3 = spawn(c(3));
    // asyncio needs 2 iterations; here each acquire() passed on by wait() costs one more.
    await run_briefly(loop, 4);
    expect(result).toEqual([]);
    expect(cond.locked()).toBe(false);

    expect(await loop.run_until_complete(cond.acquire())).toBe(true);
    cond.notify();
    await run_briefly(loop, 2);
    expect(result).toEqual([]);
    expect(cond.locked()).toBe(true);

    cond.release();
    await run_briefly(loop, 2);
    expect(result).toEqual([1]);
    expect(cond.locked()).toBe(true);

    cond.notify(2);
    await run_briefly(loop, 2);
    expect(result).toEqual([1]);
    expect(cond.locked()).toBe(true);

    cond.release();
    await run_briefly(loop, 2);
    expect(result).toEqual([1, 2]);
    expect(cond.locked()).toBe(true);

    cond.release();
    await run_briefly(loop, 2);
    expect(result).toEqual([1, 2, 3]);
    expect(cond.locked()).toBe(true);
    for (const t of [t1, t2, t3]) expect(t.result()).toBe(true);
  });

  it('a cancelled wait() re-acquires the lock before it ends (test_wait_cancel)', async () => {
    const cond = new Condition(null, { loop });
    await loop.run_until_complete(cond.acquire());
    const fut = cond.wait();
    expect(cond.locked()).toBe(false);
    loop.call_soon(() => fut.cancel());
    await expect(loop.run_until_complete(fut)).rejects.toBeInstanceOf(CancelledError);
    expect(cond._waiters.size).toBe(0);
    expect(cond.locked()).toBe(true);
  });

  it('a cancelled wait() waits for a lock held by someone else before it ends', async () => {
    const cond = new Condition(null, { loop });
    const log: string[] = [];
    const waiter = coroutine(function* () {
      yield From(cond.acquire());
      try {
        yield From(cond.wait());
      } catch (e) {
        log.push(`cancelled, locked=${cond.locked()}`);
        cond.release();
        throw e;
      }
    });
    const t = spawn(waiter());
    await run_briefly(loop, 2);
    await loop.run_until_complete(cond.acquire()); // someone else holds the lock
    t.cancel();
    await run_briefly(loop, 3);
    expect(t.done()).toBe(false); // still waiting for the lock
    expect(log).toEqual([]);
    cond.release();
    await settle(t);
    expect(t.cancelled()).toBe(true);
    expect(log).toEqual(['cancelled, locked=true']);
    expect(cond.locked()).toBe(false);
  });

  it('wait() without the lock throws RuntimeError (test_wait_unacquired)', () => {
    const cond = new Condition(null, { loop });
    expect(() => cond.wait()).toThrow(RuntimeError);
    expect(() => cond.wait()).toThrow('cannot wait on un-acquired lock');
  });

  it('wait_for() waits until the predicate is true (test_wait_for)', async () => {
    const cond = new Condition(null, { loop });
    let presult = false;
    const result: number[] = [];
    const c1 = coroutine(function* () {
      yield From(cond.acquire());
      if (yield From(cond.wait_for(() => presult))) {
        result.push(1);
        cond.release();
      }
      return true;
    });
    const t = spawn(c1());
    await run_briefly(loop, 2);
    expect(result).toEqual([]);

    await loop.run_until_complete(cond.acquire());
    cond.notify();
    cond.release();
    await run_briefly(loop, 2);
    expect(result).toEqual([]);

    presult = true;
    await loop.run_until_complete(cond.acquire());
    cond.notify();
    cond.release();
    await run_briefly(loop, 3);
    expect(result).toEqual([1]);
    expect(t.result()).toBe(true);
  });

  it('wait_for() returns a true predicate value without the lock, else fails (test_wait_for_unacquired)', async () => {
    const cond = new Condition(null, { loop });
    expect(await loop.run_until_complete(cond.wait_for(() => [1, 2, 3]))).toEqual([1, 2, 3]);
    expect(() => cond.wait_for(() => false)).toThrow('cannot wait on un-acquired lock');
  });

  it('wait_for() fails with what the predicate throws', async () => {
    const cond = new Condition(null, { loop });
    const fails = coroutine(function* () {
      using _held = yield* From(cond);
      yield From(
        cond.wait_for(() => {
          throw new RangeError('bad predicate');
        }),
      );
    });
    await expect(loop.run_until_complete(fails())).rejects.toBeInstanceOf(RangeError);
    expect(cond.locked()).toBe(false);
  });

  it('notify(n) wakes n waiters in FIFO order (test_notify)', async () => {
    const cond = new Condition(null, { loop });
    const result: number[] = [];
    const c = waiter_of(cond, result, true);
    const tasks = [spawn(c(1)), spawn(c(2)), spawn(c(3))];
    await run_briefly(loop, 2);
    expect(result).toEqual([]);

    await loop.run_until_complete(cond.acquire());
    cond.notify(1);
    cond.release();
    await run_briefly(loop, 2);
    expect(result).toEqual([1]);

    await loop.run_until_complete(cond.acquire());
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    await run_briefly(loop, 4);
    expect(result).toEqual([1, 2, 3]);
    for (const t of tasks) expect(t.result()).toBe(true);
  });

  it('notify_all() wakes every waiter (test_notify_all)', async () => {
    const cond = new Condition(null, { loop });
    const result: number[] = [];
    const c = waiter_of(cond, result, true);
    const tasks = [spawn(c(1)), spawn(c(2))];
    await run_briefly(loop, 2);
    await loop.run_until_complete(cond.acquire());
    cond.notify_all();
    cond.release();
    await run_briefly(loop, 4);
    expect(result).toEqual([1, 2]);
    for (const t of tasks) expect(t.result()).toBe(true);
  });

  it('notify(2) then notify_all() resumes four waiters in order (LK-5 probe)', async () => {
    const cond = new Condition(null, { loop });
    const result: number[] = [];
    const c = waiter_of(cond, result, true);
    const tasks = [0, 1, 2, 3].map((n) => spawn(c(n)));
    await run_briefly(loop, 2);
    await loop.run_until_complete(cond.acquire());
    cond.notify(2);
    cond.notify_all();
    cond.release();
    await loop.run_until_complete(tasks[3]!);
    expect(result).toEqual([0, 1, 2, 3]);
  });

  it('notify() and notify_all() without the lock throw RuntimeError (test_notify_unacquired, test_notify_all_unacquired)', () => {
    const cond = new Condition(null, { loop });
    expect(() => cond.notify()).toThrow('cannot notify on un-acquired lock');
    expect(() => cond.notify_all()).toThrow(RuntimeError);
  });

  it('shows the lock state and waiters in its repr (test_repr)', async () => {
    const cond = new Condition(null, { loop });
    expect(String(cond)).toBe('<Condition [unlocked]>');
    await loop.run_until_complete(cond.acquire());
    expect(String(cond)).toBe('<Condition [locked]>');
    cond.wait();
    await loop.run_until_complete(cond.acquire());
    cond.wait();
    await loop.run_until_complete(cond.acquire());
    expect(String(cond)).toBe('<Condition [locked,waiters:2]>');
  });

  it('yield From(cond) acquires its lock until the guard is disposed (test_context_manager)', async () => {
    const cond = new Condition(null, { loop });
    const acquire_cond = coroutine(function* () {
      return yield From(cond);
    });
    {
      using _held = await loop.run_until_complete<LockGuard>(acquire_cond());
      expect(cond.locked()).toBe(true);
    }
    expect(cond.locked()).toBe(false);
  });

  it('a Condition is not itself disposable (test_context_manager_no_yield)', () => {
    const cond = new Condition(null, { loop });
    expect(() => {
      using _held = cond as unknown as Disposable;
    }).toThrow(TypeError);
    expect(cond.locked()).toBe(false);
  });

  it('shares an explicit lock and its loop (test_explicit_lock)', () => {
    const lock = new Lock({ loop });
    const cond = new Condition(lock, { loop });
    expect(cond._lock).toBe(lock);
    expect(cond._loop).toBe(lock._loop);
  });

  it('refuses a lock of another loop (test_ambiguous_loops)', () => {
    const other = new TestLoop();
    try {
      const lock = new Lock({ loop });
      expect(() => new Condition(lock, { loop: other })).toThrow(ValueError);
      expect(() => new Condition(lock, { loop: other })).toThrow(
        'loop argument must agree with lock',
      );
    } finally {
      other.close();
    }
  });

  it('refuses something that is not a Lock', () => {
    expect(() => new Condition(new Semaphore(1, { loop }) as unknown as Lock, { loop })).toThrow(
      TypeError,
    );
  });

  describe('cancellation is lossless', () => {
    const recorder = (cond: Condition, woke: string[], cancelled: string[]) =>
      coroutine(function* (name: string) {
        yield From(cond.acquire());
        try {
          yield From(cond.wait());
          woke.push(name);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          cancelled.push(`${name}:${cond.locked() ? 'locked' : 'unlocked'}`);
        } finally {
          cond.release();
        }
      });

    it('a waiter notified then cancelled in the same iteration passes the notification on', async () => {
      const cond = new Condition(null, { loop });
      const woke: string[] = [];
      const cancelled: string[] = [];
      const ta = spawn(recorder(cond, woke, cancelled)('A'));
      const tb = spawn(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify(1);
      ta.cancel();
      cond.release();
      await settle(tb);
      await settle(ta);
      expect(woke).toEqual(['B']);
      expect(cancelled).toEqual(['A:locked']);
      expect(cond.locked()).toBe(false);
    });

    it('a waiter cancelled after it was handed the lock keeps the lock and passes the notification on', async () => {
      const cond = new Condition(null, { loop });
      const woke: string[] = [];
      const cancelled: string[] = [];
      const ta = spawn(recorder(cond, woke, cancelled)('A'));
      const tb = spawn(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify(1);
      cond.release(); // A's wait() now resolves, holding the lock
      ta.cancel(); // before A resumed
      await settle(tb);
      await settle(ta);
      expect(cancelled).toEqual(['A:locked']);
      expect(woke).toEqual(['B']);
      expect(cond.locked()).toBe(false);
    });

    it('a waiter cancelled before any notification leaves the others waiting for theirs', async () => {
      const cond = new Condition(null, { loop });
      const woke: string[] = [];
      const cancelled: string[] = [];
      const ta = spawn(recorder(cond, woke, cancelled)('A'));
      const tb = spawn(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      ta.cancel();
      await settle(ta);
      expect(cancelled).toEqual(['A:locked']);
      expect(cond._waiters.size).toBe(1);
      await run_briefly(loop, 2);
      expect(tb.done()).toBe(false); // no spurious wake-up
      await loop.run_until_complete(cond.acquire());
      cond.notify();
      cond.release();
      await settle(tb);
      expect(woke).toEqual(['B']);
    });

    it('a cancelled wait_for() re-acquires the lock, then fails with CancelledError', async () => {
      const cond = new Condition(null, { loop });
      const log: string[] = [];
      const waiter = coroutine(function* () {
        using _held = yield* From(cond);
        try {
          yield From(cond.wait_for(() => false));
        } catch (e) {
          log.push(`${(e as Error).name}, locked=${cond.locked()}`);
          throw e;
        }
      });
      const t = spawn(waiter());
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      t.cancel();
      await run_briefly(loop, 2);
      expect(log).toEqual([]); // waits for the lock first
      cond.release();
      await settle(t);
      expect(t.cancelled()).toBe(true);
      expect(log).toEqual(['CancelledError, locked=true']);
      expect(cond.locked()).toBe(false);
    });

    it('a wait_for() whose predicate came true, cancelled before its task resumed, passes the notification on', async () => {
      const cond = new Condition(null, { loop });
      const items: string[] = [];
      const taken: string[] = [];
      const consumer = coroutine(function* (name: string) {
        using _held = yield* From(cond);
        yield From(cond.wait_for(() => items.length > 0));
        taken.push(`${name}:${items.shift()}`);
      });
      const ta = spawn(consumer('A'));
      const tb = spawn(consumer('B'));
      await run_briefly(loop, 3);
      expect(cond._waiters.size).toBe(2);
      await loop.run_until_complete(cond.acquire());
      items.push('x');
      cond.notify(1);
      cond.release(); // A re-acquires the lock ...
      await run_briefly(loop); // ... its predicate is true: its wait_for() resolves
      ta.cancel(); // before A resumed
      await settle(tb);
      await settle(ta);
      expect(ta.cancelled()).toBe(true);
      expect(taken).toEqual(['B:x']);
      expect(cond.locked()).toBe(false);
    });

    it('a predicate that throws after a notification fails wait_for(), with the lock held', async () => {
      const cond = new Condition(null, { loop });
      let calls = 0;
      const log: string[] = [];
      const waiter = coroutine(function* () {
        using _held = yield* From(cond);
        try {
          yield From(
            cond.wait_for(() => {
              if (++calls > 1) throw new RangeError('predicate broke');
              return false;
            }),
          );
        } catch (e) {
          log.push(`${(e as Error).name}, locked=${cond.locked()}`);
        }
      });
      const t = spawn(waiter());
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify();
      cond.release();
      await settle(t);
      expect(log).toEqual(['RangeError, locked=true']);
      expect(cond.locked()).toBe(false);
    });

    it('cancelling twice while re-acquiring is still one cancellation', async () => {
      const cond = new Condition(null, { loop });
      await loop.run_until_complete(cond.acquire());
      const fut = cond.wait();
      await loop.run_until_complete(cond.acquire());
      expect(fut.cancel()).toBe(true);
      expect(fut.cancel()).toBe(true);
      expect(fut.done()).toBe(false);
      cond.release();
      await expect(loop.run_until_complete(fut)).rejects.toBeInstanceOf(CancelledError);
      expect(cond.locked()).toBe(true);
      expect(fut.cancel()).toBe(false);
    });
  });
});

describe('Semaphore', () => {
  it('uses the loop it is given (test_ctor_loop)', () => {
    expect(new Semaphore(1, { loop })._loop).toBe(loop);
    expect(new Semaphore({ loop })._loop).toBe(loop);
    expect(new Semaphore({ loop })._value).toBe(1);
  });

  it('defaults to the current event loop (test_ctor_noloop)', () => {
    set_event_loop(loop);
    expect(new Semaphore()._loop).toBe(loop);
  });

  it('is locked with an initial value of zero (test_initial_value_zero)', () => {
    expect(new Semaphore(0, { loop }).locked()).toBe(true);
  });

  it('shows value and waiters in its repr (test_repr)', async () => {
    const sem = new Semaphore(1, { loop });
    expect(String(sem)).toBe('<Semaphore [unlocked,value:1]>');
    await loop.run_until_complete(sem.acquire());
    expect(String(sem)).toBe('<Semaphore [locked]>');
    sem.acquire();
    expect(String(sem)).toBe('<Semaphore [locked,waiters:1]>');
    sem.acquire();
    expect(String(sem)).toBe('<Semaphore [locked,waiters:2]>');
    expect(String(new BoundedSemaphore(3, { loop }))).toBe('<BoundedSemaphore [unlocked,value:3]>');
  });

  it('counts permits down on acquire and up on release (test_semaphore)', async () => {
    const sem = new Semaphore(1, { loop });
    expect(sem._value).toBe(1);
    const acquire_lock = coroutine(function* () {
      return yield From(sem.acquire());
    });
    expect(await loop.run_until_complete(acquire_lock())).toBe(true);
    expect(sem.locked()).toBe(true);
    expect(sem._value).toBe(0);
    sem.release();
    expect(sem.locked()).toBe(false);
    expect(sem._value).toBe(1);
  });

  it('refuses a negative initial value (test_semaphore_value)', () => {
    expect(() => new Semaphore(-1, { loop })).toThrow(ValueError);
    expect(() => new Semaphore(-1, { loop })).toThrow('Semaphore initial value must be >= 0');
    expect(() => new BoundedSemaphore(-1, { loop })).toThrow(
      'Semaphore initial value must be >= 0',
    );
    expect(() => new Semaphore(Number.NaN, { loop })).toThrow(ValueError);
    expect(() => new Semaphore('2' as unknown as number, { loop })).toThrow(TypeError);
  });

  it('grants permits in FIFO order, handing released ones straight to waiters (test_acquire)', async () => {
    const sem = new Semaphore(3, { loop });
    const result: number[] = [];
    expect(await loop.run_until_complete(sem.acquire())).toBe(true);
    expect(await loop.run_until_complete(sem.acquire())).toBe(true);
    expect(sem.locked()).toBe(false);

    const c = coroutine(function* (n: number) {
      yield From(sem.acquire());
      result.push(n);
      return true;
    });
    const t1 = spawn(c(1));
    const t2 = spawn(c(2));
    const t3 = spawn(c(3));
    await run_briefly(loop, 2);
    expect(result).toEqual([1]);
    expect(sem.locked()).toBe(true);
    expect(sem._waiters.size).toBe(2);
    expect(sem._value).toBe(0);

    const t4 = spawn(c(4));
    sem.release();
    sem.release();
    expect(sem._value).toBe(0); // both went straight to t2 and t3

    await run_briefly(loop);
    expect(result).toEqual([1, 2, 3]);
    expect(sem.locked()).toBe(true);
    expect(sem._waiters.size).toBe(1);
    expect(sem._value).toBe(0);
    for (const t of [t1, t2, t3]) expect(t.result()).toBe(true);
    expect(t4.done()).toBe(false);

    sem.release();
    await loop.run_until_complete(t4);
    expect(result).toEqual([1, 2, 3, 4]);
  });

  it('a cancelled acquire leaves the queue (test_acquire_cancel)', async () => {
    const sem = new Semaphore(1, { loop });
    await loop.run_until_complete(sem.acquire());
    const fut = sem.acquire();
    loop.call_soon(() => fut.cancel());
    await expect(loop.run_until_complete(fut)).rejects.toBeInstanceOf(CancelledError);
    expect(sem._waiters.size).toBe(0);
  });

  it('BoundedSemaphore refuses a release beyond its initial value (test_release_not_acquired)', async () => {
    const sem = new BoundedSemaphore(1, { loop });
    expect(() => sem.release()).toThrow(ValueError);
    expect(() => sem.release()).toThrow('BoundedSemaphore released too many times');
    await loop.run_until_complete(sem.acquire());
    sem.release();
    expect(() => sem.release()).toThrow('BoundedSemaphore released too many times');
    expect(sem._value).toBe(1);
  });

  it('a plain Semaphore may be released above its initial value', () => {
    const sem = new Semaphore(1, { loop });
    sem.release();
    expect(sem._value).toBe(2);
  });

  it('release() with no waiters unlocks (test_release_no_waiters)', async () => {
    const sem = new Semaphore(1, { loop });
    await loop.run_until_complete(sem.acquire());
    expect(sem.locked()).toBe(true);
    sem.release();
    expect(sem.locked()).toBe(false);
  });

  it('yield From(sem) takes one permit per guard (test_context_manager)', async () => {
    const sem = new Semaphore(2, { loop });
    const acquire_lock = coroutine(function* () {
      return yield From(sem);
    });
    {
      using _a = await loop.run_until_complete<LockGuard>(acquire_lock());
      expect(sem.locked()).toBe(false);
      expect(sem._value).toBe(1);
      {
        using _b = await loop.run_until_complete<LockGuard>(acquire_lock());
        expect(sem.locked()).toBe(true);
      }
    }
    expect(sem._value).toBe(2);
  });

  it('a Semaphore is not itself disposable (test_context_manager_no_yield)', () => {
    const sem = new Semaphore(2, { loop });
    expect(() => {
      using _held = sem as unknown as Disposable;
    }).toThrow(TypeError);
    expect(sem._value).toBe(2);
  });

  describe('cancellation is lossless', () => {
    it('a waiter cancelled right after the release that woke it passes the permit on', async () => {
      const sem = new BoundedSemaphore(1, { loop });
      const log: string[] = [];
      const worker = coroutine(function* (name: string) {
        using _held = yield* From(sem);
        log.push(name);
      });
      await loop.run_until_complete(sem.acquire());
      const tb = spawn(worker('B'));
      const tc = spawn(worker('C'));
      await run_briefly(loop);
      sem.release();
      tb.cancel();
      expect(sem._value).toBe(0);
      await settle(tc);
      expect(tb.cancelled()).toBe(true);
      expect(log).toEqual(['C']);
      expect(sem._value).toBe(1);
    });

    it('a permit revoked from the last waiter goes back to the counter', async () => {
      const sem = new BoundedSemaphore(2, { loop });
      await loop.run_until_complete(sem.acquire());
      await loop.run_until_complete(sem.acquire());
      const fut = sem.acquire();
      sem.release();
      expect(fut._state).toBe('FINISHED');
      expect(fut.cancel()).toBe(true);
      expect(fut.cancelled()).toBe(true);
      expect(sem._value).toBe(1);
      sem.release();
      expect(sem._value).toBe(2);
      expect(() => sem.release()).toThrow(ValueError);
    });

    it('a granted permit someone looked at is final: cancel() returns false', async () => {
      const sem = new Semaphore(1, { loop });
      await loop.run_until_complete(sem.acquire());
      const fut = sem.acquire();
      sem.release();
      expect(fut.done()).toBe(true);
      expect(fut.cancel()).toBe(false);
      expect(fut.cancelled()).toBe(false);
      expect(sem._value).toBe(0);
    });

    it('a delivered permit can no longer be cancelled', async () => {
      const sem = new Semaphore(1, { loop });
      const fut = sem.acquire();
      await loop.run_until_complete(fut);
      expect(fut.cancel()).toBe(false);
      expect(sem._value).toBe(0);
    });
  });
});

describe('a result dropped by a cancelled task goes back', () => {
  it('hands the lock on when a wait_for(acquire()) task is cancelled before it resumes', async () => {
    const lock = new Lock({ loop });
    await loop.run_until_complete(lock.acquire());
    let acquired = false;
    const task = spawn(
      coroutine(function* () {
        yield From(wait_for(lock.acquire(), 10, { loop }));
        acquired = true;
        lock.release();
      })(),
    );
    await run_briefly(loop);
    lock.release(); // grants the waiter; wait_for's outer future completes next
    await run_briefly(loop);
    task.cancel(); // before the task could take the result
    await run_briefly(loop, 3);
    expect(task.cancelled()).toBe(true);
    expect(acquired).toBe(false);
    expect(lock.locked()).toBe(false);
  });

  it('hands every permit back when a gather of acquires is dropped', async () => {
    const sem = new Semaphore(2, { loop });
    const task = spawn(
      coroutine(function* () {
        yield From(gather(sem.acquire(), sem.acquire(), { loop }));
      })(),
    );
    await run_briefly(loop, 2); // both acquired, the gather finished
    task.cancel();
    await run_briefly(loop, 3);
    expect(task.cancelled()).toBe(true);
    expect(sem.locked()).toBe(false);
    expect(sem._value).toBe(2);
  });
});

describe('keyword options are checked', () => {
  it('new Semaphore({value: 3}) has three permits, as Semaphore(value=3)', async () => {
    const sem = new Semaphore({ value: 3, loop });
    expect(sem._value).toBe(3);
    expect(sem._loop).toBe(loop);
    for (let i = 0; i < 3; i++) await loop.run_until_complete(sem.acquire());
    expect(sem.locked()).toBe(true);
  });

  it('new BoundedSemaphore({value: 2}) is bounded by two', async () => {
    const sem = new BoundedSemaphore({ value: 2, loop });
    await loop.run_until_complete(sem.acquire());
    sem.release();
    expect(sem._value).toBe(2);
    expect(() => sem.release()).toThrow(new ValueError('BoundedSemaphore released too many times'));
  });

  it('a Semaphore value given twice, of the wrong type or negative, is refused at the call', () => {
    expect(() => new Semaphore(2, { value: 3, loop })).toThrow(
      new TypeError("Semaphore() got multiple values for argument 'value'"),
    );
    expect(() => new Semaphore({ value: '3' } as never)).toThrow(
      new TypeError("Semaphore() argument 'value' must be number or null, not '3'"),
    );
    expect(() => new BoundedSemaphore({ value: -1, loop })).toThrow(
      new ValueError('Semaphore initial value must be >= 0'),
    );
    expect(() => new Semaphore({ values: 3, loop } as never)).toThrow(
      new TypeError("Semaphore() got an unexpected keyword argument 'values'"),
    );
    expect(new Semaphore(null, { value: 4, loop })._value).toBe(4);
  });

  it('Lock and Event take {loop} and refuse an unknown key or a loop that is not one', () => {
    expect(new Lock({ loop })._loop).toBe(loop);
    expect(new Event({ loop })._loop).toBe(loop);
    expect(() => new Lock({ lop: loop } as never)).toThrow(
      new TypeError("Lock() got an unexpected keyword argument 'lop'"),
    );
    expect(() => new Event({ loop: 5 } as never)).toThrow(
      new TypeError("Event() argument 'loop' must be object or null, not 5"),
    );
    expect(() => new Lock({ loop: {} } as never)).toThrow(
      new TypeError(
        'Lock() needs a trollius event loop (a BaseEventLoop or a subclass), got {...}',
      ),
    );
  });

  it('new Condition({lock, loop}) takes its lock by keyword, as Condition(lock=lock)', () => {
    const lock = new Lock({ loop });
    const cond = new Condition({ lock, loop });
    expect(cond._lock).toBe(lock);
    expect(new Condition(lock, { loop })._lock).toBe(lock);
    expect(new Condition(null, { lock, loop })._lock).toBe(lock);
    expect(() => new Condition(lock, { lock, loop })).toThrow(
      new TypeError("Condition() got multiple values for argument 'lock'"),
    );
    expect(() => new Condition({ lock: 5 } as never)).toThrow(
      new TypeError("Condition() argument 'lock' must be object or null, not 5"),
    );
    expect(() => new Condition({ lock: {}, loop } as never)).toThrow(
      new TypeError('Condition() needs a Lock, got {...}'),
    );
    expect(() => new Condition(lock, { loop, timeout: 1 } as never)).toThrow(
      new TypeError("Condition() got an unexpected keyword argument 'timeout'"),
    );
  });

  it('notify({n: 2}) wakes two waiters, as notify(n=2)', async () => {
    const cond = new Condition(null, { loop });
    const woke: number[] = [];
    const waiter = coroutine(function* (i: number) {
      using _held = yield* From(cond);
      yield From(cond.wait());
      woke.push(i);
    });
    for (let i = 0; i < 3; i++) spawn(waiter(i));
    await run_briefly(loop, 3);
    await loop.run_until_complete(cond.acquire());
    cond.notify({ n: 2 });
    cond.release();
    await run_briefly(loop, 4);
    expect(woke).toEqual([0, 1]);
    expect(() => cond.notify({ count: 1 } as never)).toThrow(
      new TypeError("notify() got an unexpected keyword argument 'count'"),
    );
    expect(() => cond.notify('2' as never)).toThrow(
      new TypeError("notify() argument 'n' must be a number, not '2'"),
    );
  });

  it('wait_for({predicate}) takes its predicate by keyword', async () => {
    const cond = new Condition(null, { loop });
    await loop.run_until_complete(cond.acquire());
    expect(await loop.run_until_complete(cond.wait_for({ predicate: () => 7 }))).toBe(7);
    expect(() => cond.wait_for({ predicate: 7 } as never)).toThrow(
      new TypeError("wait_for() argument 'predicate' must be function, not 7"),
    );
  });
});

describe('a Condition wait whose result a cancelled task dropped passes its notification on', () => {
  const forms = {
    'wait()': (cond: Condition, _items: number[]) => cond.wait(),
    'wait_for(predicate)': (cond: Condition, items: number[]) =>
      cond.wait_for(() => items.length > 0),
  };
  for (const [name, wait] of Object.entries(forms)) {
    it(`a task cancelled after wait_for(cond.${name}) ended, before it resumed, leaves the item to the next waiter`, async () => {
      const cond = new Condition(null, { loop });
      const items: number[] = [];
      const taken: string[] = [];
      const consumer = coroutine(function* (who: string, wrapped: boolean) {
        using _held = yield* From(cond);
        while (items.length === 0) {
          const inner = wait(cond, items);
          yield From(wrapped ? wait_for(inner, 10, { loop }) : inner);
        }
        items.shift();
        taken.push(who);
      });
      const a = spawn(consumer('a', true));
      const b = spawn(consumer('b', false));
      await run_briefly(loop, 3);
      await loop.run_until_complete(cond.acquire());
      items.push(1);
      cond.notify(1); // wakes a only
      cond.release();
      // Until a's wait_for() Future is done, a not resumed yet: cancel a then.
      for (let i = 0; i < 6 && a._fut_waiter?._state !== 'FINISHED'; i++) await run_briefly(loop);
      expect(a._fut_waiter?._state).toBe('FINISHED');
      a.cancel();
      await run_briefly(loop, 6);
      expect(a.cancelled()).toBe(true);
      expect(b.done()).toBe(true);
      expect(taken).toEqual(['b']);
      expect(cond.locked()).toBe(false);
    });
  }
});
