// Semaphore and BoundedSemaphore (src/semaphores.ts): asyncio's test_locks SemaphoreTests cases and lossless cancellation.
import { describe, expect, it } from 'vitest';

import {
  BoundedSemaphore,
  CancelledError,
  From,
  LockGuard,
  Semaphore,
  ValueError,
  coroutine,
  gather,
  set_event_loop,
} from '../../src/index.js';
import { run_briefly, settle, TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

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
    const t1 = loop.create_task(c(1));
    const t2 = loop.create_task(c(2));
    const t3 = loop.create_task(c(3));
    await run_briefly(loop, 2);
    expect(result).toEqual([1]);
    expect(sem.locked()).toBe(true);
    expect(sem._waiters.length).toBe(2);
    expect(sem._value).toBe(0);

    const t4 = loop.create_task(c(4));
    sem.release();
    sem.release();
    expect(sem._value).toBe(0); // both went straight to t2 and t3

    await run_briefly(loop);
    expect(result).toEqual([1, 2, 3]);
    expect(sem.locked()).toBe(true);
    expect(sem._waiters.length).toBe(1);
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
    expect(sem._waiters.length).toBe(0);
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
      const tb = loop.create_task(worker('B'));
      const tc = loop.create_task(worker('C'));
      await run_briefly(loop);
      sem.release();
      tb.cancel();
      expect(sem._value).toBe(0);
      await settle(loop, tc);
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
  it('hands every permit back when a gather of acquires is dropped', async () => {
    const sem = new Semaphore(2, { loop });
    // Both permits are out, so the gather's acquires wait (a gather of acquires
    // that succeed at once would be done when gather() returns, as in asyncio 3.12).
    sem.acquire();
    sem.acquire();
    const gathered = gather(sem.acquire(), sem.acquire(), { loop });
    const task = loop.create_task(
      coroutine(function* () {
        yield From(gathered);
      })(),
    );
    await run_briefly(loop);
    sem.release();
    sem.release();
    await run_briefly(loop);
    // Both acquired, the gather finished, the task not resumed yet: cancelled now, it drops the permits.
    expect(gathered.done()).toBe(true);
    expect(task.done()).toBe(false);
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
});
