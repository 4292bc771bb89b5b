// Lock and Event (src/locks.ts): asyncio's test_locks cases, scoped use of every primitive, and cancellation races.
import { describe, expect, it } from 'vitest';

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
  TimeoutError,
  coroutine,
  current_task,
  set_event_loop,
  sleep,
  wait_for,
} from '../../src/index.js';
import { run_briefly, settle, TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

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
    const t1 = loop.create_task(c(1));
    const t2 = loop.create_task(c(2));
    await run_briefly(loop);
    expect(result).toEqual([]);

    lock.release();
    await run_briefly(loop);
    expect(result).toEqual([1]);
    await run_briefly(loop);
    expect(result).toEqual([1]);

    const t3 = loop.create_task(c(3));
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
    const tasks = [0, 1, 2, 3, 4, 5].map((n) => loop.create_task(worker(n)));
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
    expect(lock._waiters.length).toBe(0);
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
    const ta = loop.create_task(lockit(fa));
    await run_briefly(loop, 2);
    expect(lock.locked()).toBe(true);
    const tb = loop.create_task(lockit(null));
    await run_briefly(loop);
    expect(lock._waiters.length).toBe(1);
    const tc = loop.create_task(lockit(null));
    await run_briefly(loop);
    expect(lock._waiters.length).toBe(2);

    fa.set_result(null);
    tb.cancel();
    expect(lock._waiters.length).toBe(1); // B left the queue at once
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
      const tb = loop.create_task(holder(lock, log)('B'));
      const tc = loop.create_task(holder(lock, log)('C'));
      await run_briefly(loop);
      const b_waiter = [...lock._waiters][0]!;

      lock.release(); // hands the lock to B's waiter ...
      expect(b_waiter._state).toBe('FINISHED'); // (not done(): looking would make it final)
      tb.cancel(); // ... which B never sees
      await settle(loop, tc);

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
      const tb = loop.create_task(scoped('B'));
      const tc = loop.create_task(scoped('C'));
      await run_briefly(loop);
      lock.release();
      tb.cancel();
      await settle(loop, tc);
      expect(tb.cancelled()).toBe(true);
      expect(log).toEqual(['C']);
      expect(lock.locked()).toBe(false);
    });

    it('a cancelled last waiter leaves the lock unlocked', async () => {
      const lock = new Lock({ loop });
      const log: string[] = [];
      await loop.run_until_complete(lock.acquire());
      const tb = loop.create_task(holder(lock, log)('B'));
      await run_briefly(loop);
      lock.release();
      tb.cancel();
      await settle(loop, tb);
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
      expect(lock._waiters.length).toBe(0);
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
      const t = loop.create_task(holding());
      await run_briefly(loop, 2);
      const fut = lock.acquire();
      expect(fut.cancel()).toBe(true); // still waiting: leaves the queue
      t.cancel();
      await settle(loop, t);
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
    const t = loop.create_task(sleeps());
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
    const t1 = loop.create_task(c(1));
    const t2 = loop.create_task(c(2));
    await run_briefly(loop, 2);
    expect(result).toEqual([]);
    const t3 = loop.create_task(c(3));
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
    const t = loop.create_task(c1());
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
    const ta = loop.create_task(c('a'));
    const tb = loop.create_task(c('b'));
    await run_briefly(loop);
    ev.set();
    ta.cancel();
    await settle(loop, tb);
    expect(ta.cancelled()).toBe(true);
    expect(woke).toEqual(['b']);
  });
});
describe('a result dropped by a cancelled task goes back', () => {
  it('hands the lock on when a wait_for(acquire()) task is cancelled before it resumes', async () => {
    const lock = new Lock({ loop });
    await loop.run_until_complete(lock.acquire());
    let acquired = false;
    const task = loop.create_task(
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
});

describe('keyword options are checked', () => {
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
});
