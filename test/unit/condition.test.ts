// Condition (src/condition.ts): asyncio's test_locks ConditionTests cases and lossless cancellation.
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  Condition,
  From,
  Lock,
  LockGuard,
  RuntimeError,
  Semaphore,
  ValueError,
  coroutine,
  set_event_loop,
  wait_for,
} from '../../src/index.js';
import { run_briefly, settle, TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

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
    const t1 = loop.create_task(c(1));
    const t2 = loop.create_task(c(2));
    const t3 = loop.create_task(c(3));
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
    expect(cond._waiters.length).toBe(0);
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
    const t = loop.create_task(waiter());
    await run_briefly(loop, 2);
    await loop.run_until_complete(cond.acquire()); // someone else holds the lock
    t.cancel();
    await run_briefly(loop, 3);
    expect(t.done()).toBe(false); // still waiting for the lock
    expect(log).toEqual([]);
    cond.release();
    await settle(loop, t);
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
    const t = loop.create_task(c1());
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
    const tasks = [loop.create_task(c(1)), loop.create_task(c(2)), loop.create_task(c(3))];
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
    const tasks = [loop.create_task(c(1)), loop.create_task(c(2))];
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
    const tasks = [0, 1, 2, 3].map((n) => loop.create_task(c(n)));
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
      const ta = loop.create_task(recorder(cond, woke, cancelled)('A'));
      const tb = loop.create_task(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify(1);
      ta.cancel();
      cond.release();
      await settle(loop, tb);
      await settle(loop, ta);
      expect(woke).toEqual(['B']);
      expect(cancelled).toEqual(['A:locked']);
      expect(cond.locked()).toBe(false);
    });

    it('a waiter cancelled after it was handed the lock keeps the lock and passes the notification on', async () => {
      const cond = new Condition(null, { loop });
      const woke: string[] = [];
      const cancelled: string[] = [];
      const ta = loop.create_task(recorder(cond, woke, cancelled)('A'));
      const tb = loop.create_task(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify(1);
      cond.release(); // A's wait() now resolves, holding the lock
      ta.cancel(); // before A resumed
      await settle(loop, tb);
      await settle(loop, ta);
      expect(cancelled).toEqual(['A:locked']);
      expect(woke).toEqual(['B']);
      expect(cond.locked()).toBe(false);
    });

    it('a waiter cancelled before any notification leaves the others waiting for theirs', async () => {
      const cond = new Condition(null, { loop });
      const woke: string[] = [];
      const cancelled: string[] = [];
      const ta = loop.create_task(recorder(cond, woke, cancelled)('A'));
      const tb = loop.create_task(recorder(cond, woke, cancelled)('B'));
      await run_briefly(loop, 2);
      ta.cancel();
      await settle(loop, ta);
      expect(cancelled).toEqual(['A:locked']);
      expect(cond._waiters.length).toBe(1);
      await run_briefly(loop, 2);
      expect(tb.done()).toBe(false); // no spurious wake-up
      await loop.run_until_complete(cond.acquire());
      cond.notify();
      cond.release();
      await settle(loop, tb);
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
      const t = loop.create_task(waiter());
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      t.cancel();
      await run_briefly(loop, 2);
      expect(log).toEqual([]); // waits for the lock first
      cond.release();
      await settle(loop, t);
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
      const ta = loop.create_task(consumer('A'));
      const tb = loop.create_task(consumer('B'));
      await run_briefly(loop, 3);
      expect(cond._waiters.length).toBe(2);
      await loop.run_until_complete(cond.acquire());
      items.push('x');
      cond.notify(1);
      cond.release(); // A re-acquires the lock ...
      await run_briefly(loop); // ... its predicate is true: its wait_for() resolves
      ta.cancel(); // before A resumed
      await settle(loop, tb);
      await settle(loop, ta);
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
      const t = loop.create_task(waiter());
      await run_briefly(loop, 2);
      await loop.run_until_complete(cond.acquire());
      cond.notify();
      cond.release();
      await settle(loop, t);
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

describe('keyword options are checked', () => {
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
    for (let i = 0; i < 3; i++) loop.create_task(waiter(i));
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
      const a = loop.create_task(consumer('a', true));
      const b = loop.create_task(consumer('b', false));
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
