// ensure_future, sleep, gather, wait, wait_for, as_completed (also as an async iterator) and shield.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  ALL_COMPLETED,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  From,
  Future,
  Task,
  TimeoutError,
  ValueError,
  as_completed,
  coroutine,
  ensure_future,
  gather,
  shield,
  sleep,
  wait,
  wait_for,
} from '../../src/index.js';
import { TestLoop, run_briefly } from '../support/test_loop.js';

let loop: TestLoop;
beforeEach(() => {
  loop = new TestLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

/** A coroutine that sleeps `delay` seconds of loop time, then returns (or throws) `outcome`. */
const after = coroutine(function* (delay: number, outcome: unknown) {
  yield From(sleep(delay, null, { loop }));
  if (outcome instanceof Error) throw outcome;
  return outcome as string;
});

describe('ensure_future', () => {
  it('returns a Future as it is and wraps coroutines in Tasks (test_ensure_future_coroutine)', async () => {
    const f = new Future({ loop });
    expect(ensure_future(f)).toBe(f);
    const t = ensure_future(after(0, 'x'), { loop });
    expect(t).toBeInstanceOf(Task);
    await expect(loop.run_until_complete(t)).resolves.toBe('x');
  });

  it('wraps Promises and unwraps From()', async () => {
    const wrapped = ensure_future(Promise.resolve(4), { loop });
    expect(wrapped).toBeInstanceOf(Future);
    await expect(loop.run_until_complete(wrapped)).resolves.toBe(4);
    const f = new Future({ loop });
    expect(ensure_future(From(f))).toBe(f);
  });

  it('refuses anything else and a future of another loop (test_ensure_future_neither)', () => {
    expect(() => ensure_future(42)).toThrow(
      /An asyncio.Future, a coroutine or an awaitable is required/,
    );
    const other = new TestLoop();
    expect(() => ensure_future(new Future({ loop }), { loop: other })).toThrow(
      new ValueError('loop argument must agree with Future'),
    );
    other.close();
  });
});

describe('sleep', () => {
  it('resolves to its result after the delay (test_sleep)', async () => {
    await expect(loop.run_until_complete(sleep(2, 'woke', { loop }))).resolves.toBe('woke');
    expect(loop.time()).toBe(2);
    await expect(loop.run_until_complete(sleep(0, undefined, { loop }))).resolves.toBeNull();
  });

  it('leaves no timer behind when cancelled (test_sleep_cancel, TIME-5)', async () => {
    const s = sleep(10, null, { loop });
    expect(loop._scheduled.length).toBe(1);
    s.cancel();
    expect(loop._timer_cancelled_count).toBe(1);
    await run_briefly(loop);
    expect(loop._scheduled.length).toBe(0);
  });

  it('refuses a delay that is not a number, and NaN (test_sleep_when_delay_is_nan)', () => {
    expect(() => sleep('1' as never)).toThrow(TypeError);
    expect(() => sleep(Number.NaN, null, { loop })).toThrow(new ValueError('Invalid delay: NaN'));
  });

  it('sleep(0) resumes the task after one iteration, as a bare yield does (tasks.py __sleep0)', async () => {
    const log: string[] = [];
    const sleeper = coroutine(function* () {
      log.push('sleep 0');
      yield From(sleep(0, null, { loop }));
      log.push('sleep 1');
      yield From(sleep(0, null, { loop }));
      log.push('sleep 2');
    });
    const yielder = coroutine(function* () {
      log.push('yield 0');
      yield null;
      log.push('yield 1');
      yield null;
      log.push('yield 2');
    });
    loop.create_task(sleeper());
    loop.create_task(yielder());
    await run_briefly(loop);
    expect(log).toEqual(['sleep 0', 'yield 0']);
    await run_briefly(loop);
    expect(log).toEqual(['sleep 0', 'yield 0', 'sleep 1', 'yield 1']);
    await run_briefly(loop);
    expect(log).toEqual(['sleep 0', 'yield 0', 'sleep 1', 'yield 1', 'sleep 2', 'yield 2']);
  });

  it('sleep(0, result) resolves to result within that iteration', async () => {
    const seen: unknown[] = [];
    const task = loop.create_task(
      coroutine(function* () {
        seen.push(yield From(sleep(0, 'zero', { loop })));
        seen.push(yield* From(sleep(-1, { result: 7, loop })));
      })(),
    );
    await run_briefly(loop); // the first step
    expect(seen).toEqual([]);
    await run_briefly(loop);
    expect(seen).toEqual(['zero']);
    await run_briefly(loop);
    expect(seen).toEqual(['zero', 7]);
    expect(task.done()).toBe(true);
  });

  it('a task cancelled in sleep(0) gets CancelledError at the yield in the next iteration (test_sleep_cancel)', async () => {
    let caught: unknown = null;
    const task = loop.create_task(
      coroutine(function* () {
        try {
          yield From(sleep(0, null, { loop }));
        } catch (e) {
          caught = e;
          throw e;
        }
      })(),
    );
    await run_briefly(loop);
    task.cancel('stop');
    await run_briefly(loop);
    expect(caught).toEqual(new CancelledError('stop'));
    expect(task.cancelled()).toBe(true);
  });

  it('a cancelled sleep(0) future stays cancelled, and its done callbacks still run through call_soon', async () => {
    const cancelled = sleep(0, 'never', { loop });
    expect(cancelled.cancel()).toBe(true);
    const called: string[] = [];
    const s = sleep(0, 'x', { loop });
    s.add_done_callback((f) => called.push(f.result()));
    await run_briefly(loop);
    expect(cancelled.cancelled()).toBe(true);
    expect(s.result()).toBe('x');
    expect(called).toEqual([]); // set in this iteration, the callback runs in the next
    await run_briefly(loop);
    expect(called).toEqual(['x']);
  });
});

describe('gather', () => {
  it('resolves to the results in argument order (GATH-1)', async () => {
    const g = gather(after(0.3, 'a'), after(0.1, 'b'), after(0.2, 'c'), { loop });
    await expect(loop.run_until_complete(g)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('accepts a list and an options object', async () => {
    const g = gather([after(0.2, 1), after(0.1, 2)], { loop });
    await expect(loop.run_until_complete(g)).resolves.toEqual([1, 2]);
  });

  it('starts its children in argument order', async () => {
    const order: number[] = [];
    const log = coroutine(function* (n: number) {
      order.push(n);
      yield null;
    });
    await loop.run_until_complete(
      gather(
        [0, 1, 2, 3, 4].map((n) => log(n)),
        { loop },
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails with the first exception (test_one_exception, GATH-2)', async () => {
    const error = new RangeError('first');
    const g = gather(after(0.1, error), after(0.2, new RangeError('second')), after(0.3, 'ok'), {
      loop,
    });
    await expect(loop.run_until_complete(g)).rejects.toBe(error);
  });

  it('puts exceptions in the list with return_exceptions (test_return_exceptions)', async () => {
    const error = new RangeError('A');
    const g = gather([after(0.1, error), after(0.2, 'B')], { loop, return_exceptions: true });
    await expect(loop.run_until_complete(g)).resolves.toEqual([error, 'B']);
  });

  it('shares one future between duplicate arguments (test_duplicate_coroutines)', async () => {
    const c = after(0.1, 'dup');
    const g = gather(c, c, after(0.2, 'other'), { loop });
    await expect(loop.run_until_complete(g)).resolves.toEqual(['dup', 'dup', 'other']);
  });

  it('resolves to [] with no arguments (test_constructor_empty_sequence)', async () => {
    const g = gather({ loop });
    expect(g.done()).toBe(true);
    expect(g.result()).toEqual([]);
  });

  it('cancels every child when cancelled, then fails with CancelledError (GATH-3)', async () => {
    const a = ensure_future(after(1, 'a'), { loop });
    const b = ensure_future(after(2, 'b'), { loop });
    const g = gather(a, b, { loop });
    await run_briefly(loop);
    expect(g.cancel()).toBe(true);
    await expect(loop.run_until_complete(g)).rejects.toBeInstanceOf(CancelledError);
    expect(a.cancelled() && b.cancelled()).toBe(true);
    expect(g.cancelled()).toBe(false);
    expect(g.cancel()).toBe(false);
  });

  it('fails with CancelledError when one child is cancelled (test_one_cancellation)', async () => {
    const a = ensure_future(after(1, 'a'), { loop });
    const g = gather(a, after(2, 'b'), { loop });
    await run_briefly(loop);
    a.cancel();
    await expect(loop.run_until_complete(g)).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses futures of different loops', () => {
    const other = new TestLoop();
    expect(() => gather(new Future({ loop }), new Future({ loop: other }))).toThrow(
      new ValueError('futures are tied to different event loops'),
    );
    other.close();
  });
});

describe('wait', () => {
  it('waits for all by default and returns [done, pending] Sets (test_wait)', async () => {
    const a = ensure_future(after(0.1, 'a'), { loop });
    const b = ensure_future(after(0.2, 'b'), { loop });
    const [done, pending] = await loop.run_until_complete(wait([a, b, a], { loop }));
    expect(done).toEqual(new Set([a, b]));
    expect(pending.size).toBe(0);
    expect(loop.time()).toBeCloseTo(0.2, 9);
  });

  it('returns on the first completion with FIRST_COMPLETED (test_wait_first_completed)', async () => {
    const a = ensure_future(after(1, 'a'), { loop });
    const b = ensure_future(after(0.1, 'b'), { loop });
    const [done, pending] = await loop.run_until_complete(
      wait([a, b], { loop, return_when: FIRST_COMPLETED }),
    );
    expect(done).toEqual(new Set([b]));
    expect(pending).toEqual(new Set([a]));
    expect(a.done()).toBe(false);
    a.cancel();
  });

  it('returns on the first exception with FIRST_EXCEPTION (test_wait_first_exception)', async () => {
    const a = ensure_future(after(1, 'a'), { loop });
    const b = ensure_future(after(0.1, new RangeError('b')), { loop });
    const [done, pending] = await loop.run_until_complete(
      wait([a, b], { loop, return_when: FIRST_EXCEPTION }),
    );
    expect(done).toEqual(new Set([b]));
    expect(pending).toEqual(new Set([a]));
    b.exception();
    a.cancel();
  });

  it('waits for all with FIRST_EXCEPTION when nothing fails', async () => {
    const a = ensure_future(after(0.2, 'a'), { loop });
    const b = ensure_future(after(0.1, 'b'), { loop });
    const [done] = await loop.run_until_complete(
      wait([a, b], { loop, return_when: FIRST_EXCEPTION }),
    );
    expect(done).toEqual(new Set([a, b]));
  });

  it('returns what is done at the timeout, cancelling nothing (test_wait_with_timeout, WAIT-1)', async () => {
    const a = ensure_future(after(0.1, 'a'), { loop });
    const b = ensure_future(after(5, 'b'), { loop });
    const [done, pending] = await loop.run_until_complete(wait([a, b], { loop, timeout: 1 }));
    expect(done).toEqual(new Set([a]));
    expect(pending).toEqual(new Set([b]));
    expect(b.cancelled()).toBe(false);
    expect(loop.time()).toBeCloseTo(1, 9);
    b.cancel();
  });

  it('returns a done Future when the condition already holds at the call', async () => {
    const f = new Future({ loop });
    f.set_result(1);
    const w = wait([f], { loop, return_when: FIRST_COMPLETED });
    expect(w.done()).toBe(true);
  });

  it('puts in done what finished by the time the waiter resumes (test_wait_really_done)', async () => {
    const coro1 = coroutine(function* () {
      yield From(sleep(0, null, { loop }));
    });
    const coro2 = coroutine(function* () {
      yield From(sleep(0, null, { loop }));
      yield From(sleep(0, null, { loop }));
    });
    const a = loop.create_task(coro1());
    const b = loop.create_task(coro2());
    const main = coroutine(function* () {
      return yield* From(wait([b, a], { loop, return_when: FIRST_COMPLETED }));
    });
    const [done, pending] = await loop.run_until_complete(main());
    expect(done).toEqual(new Set([a, b]));
    expect(pending.size).toBe(0);
    expect(a.result()).toBeUndefined();
    expect(b.result()).toBeUndefined();
  });

  it('puts in done what finishes in the same iteration as the timeout (test_wait_concurrent_complete)', async () => {
    const a = loop.create_task(after(0.1, 'a'));
    const b = loop.create_task(after(0.15, 'b'));
    const main = coroutine(function* () {
      return yield* From(wait([b, a], { loop, timeout: 0.1 }));
    });
    const [done, pending] = await loop.run_until_complete(main());
    expect(done).toEqual(new Set([a]));
    expect(pending).toEqual(new Set([b]));
    expect(loop.time()).toBeCloseTo(0.1, 9);
    b.cancel();
  });

  it('leaves in pending no future that is done when the waiter resumes', async () => {
    const first = new Future<number>({ loop });
    const second = new Future<number>({ loop });
    const main = coroutine(function* () {
      // `second` finishes one iteration after `first`: while wait() is
      // deciding, and before the waiting task resumes.
      loop.call_soon(() => {
        first.set_result(1);
        loop.call_soon(() => second.set_result(2));
      });
      const [done, pending] = yield* From(
        wait([first, second], { loop, return_when: FIRST_COMPLETED }),
      );
      return [done, [...pending].filter((f) => f.done())];
    });
    const [done, done_but_pending] = await loop.run_until_complete(main());
    expect(done_but_pending).toEqual([]);
    expect(done).toEqual(new Set([first, second]));
  });

  it('is not decided while its waiter is cancelled, and cancels its timer (test_wait_cancel)', async () => {
    const f = new Future({ loop });
    const w = wait([f], { loop, timeout: 10 });
    expect(loop._scheduled.length).toBe(1);
    expect(w.cancel()).toBe(true);
    expect(loop._timer_cancelled_count).toBe(1);
    f.set_result(1);
    await run_briefly(loop, 2);
    expect(w.cancelled()).toBe(true);
  });

  it('checks its arguments (test_wait_errors, test_wait_invalid_args)', () => {
    const f = new Future({ loop });
    expect(() => wait(f as never)).toThrow(new TypeError('expect a list of futures, not Future'));
    expect(() => wait([], { loop })).toThrow(new ValueError('Set of coroutines/Futures is empty.'));
    expect(() => wait([f], { loop, return_when: 'bogus' as never })).toThrow(
      new ValueError('Invalid return_when value: bogus'),
    );
    expect(ALL_COMPLETED).toBe('ALL_COMPLETED');
  });
});

describe('wait_for', () => {
  it('resolves to the result in time', async () => {
    await expect(
      loop.run_until_complete(wait_for(after(0.1, 'in time'), 1, { loop })),
    ).resolves.toBe('in time');
    expect(loop._scheduled.values().every((t) => t._cancelled)).toBe(true);
  });

  it('cancels the awaitable and fails with TimeoutError on timeout (test_wait_for, WAIT-2)', async () => {
    let inner_saw: unknown = null;
    const slow = coroutine(function* () {
      try {
        yield From(sleep(10, null, { loop }));
      } catch (e) {
        inner_saw = e;
        throw e;
      }
    });
    const inner = ensure_future(slow(), { loop });
    await expect(loop.run_until_complete(wait_for(inner, 0.5, { loop }))).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(loop.time()).toBeCloseTo(0.5, 9);
    await run_briefly(loop, 2);
    expect(inner.cancelled()).toBe(true);
    expect(inner_saw).toBeInstanceOf(CancelledError);
  });

  it('lets a completion in the same iteration as the timeout win (test_wait_for_race_condition)', async () => {
    const fut = new Future<string>({ loop });
    const w = wait_for(fut, 1, { loop });
    loop.call_later(1, () => fut.set_result('won'));
    await expect(loop.run_until_complete(w)).resolves.toBe('won');
  });

  it('waits without limit with a null timeout', async () => {
    await expect(
      loop.run_until_complete(wait_for(after(100, 'late'), null, { loop })),
    ).resolves.toBe('late');
  });

  it('passes the exception of the awaitable on', async () => {
    await expect(
      loop.run_until_complete(wait_for(after(0.1, new RangeError('e')), 1, { loop })),
    ).rejects.toThrow(RangeError);
  });
});

describe('as_completed', () => {
  it('yields futures that resolve in completion order (test_as_completed, WAIT-3)', async () => {
    const main = coroutine(function* () {
      const results: string[] = [];
      for (const next of as_completed([after(0.03, 'a'), after(0.01, 'b'), after(0.02, 'c')], {
        loop,
      })) {
        results.push(yield From(next));
      }
      return results;
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual(['b', 'c', 'a']);
  });

  it('fails the remaining ones with TimeoutError (test_as_completed_with_timeout)', async () => {
    const main = coroutine(function* () {
      const results: unknown[] = [];
      for (const next of as_completed([after(0.1, 'fast'), after(5, 'slow')], {
        loop,
        timeout: 1,
      })) {
        try {
          results.push(yield From(next));
        } catch (e) {
          results.push(e instanceof TimeoutError ? 'timeout' : e);
        }
      }
      return results;
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual(['fast', 'timeout']);
  });

  it('gives the first completion to the first Future waited on (test_as_completed_reverse_wait)', async () => {
    const a = sleep(0.05, 'a', { loop });
    const b = sleep(0.1, 'b', { loop });
    const main = coroutine(function* () {
      const futs = [...as_completed([a, b], { loop })];
      expect(futs).toHaveLength(2);
      const x: unknown = yield From(futs[1]!);
      expect(x).toBe('a');
      expect(loop.time()).toBeCloseTo(0.05, 9);
      const y: unknown = yield From(futs[0]!);
      expect(y).toBe('b');
      expect(loop.time()).toBeCloseTo(0.1, 9);
      return [x, y];
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual(['a', 'b']);
  });

  it('lets its Futures be waited on together (test_as_completed_concurrent)', async () => {
    const main = coroutine(function* () {
      const futs = [
        ...as_completed([sleep(0.05, 'a', { loop }), sleep(0.05, 'b', { loop })], { loop }),
      ];
      const [done] = yield* From(wait(futs, { loop }));
      return new Set([...done].map((f) => f.result()));
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual(new Set(['a', 'b']));
  });

  it('gives the completion of a cancelled waiter to the next one (asyncio Queue.get)', async () => {
    const a = new Future<string>({ loop });
    const b = new Future<string>({ loop });
    const [first, second] = [...as_completed([a, b], { loop })];
    const waiter = loop.create_task(
      coroutine(function* () {
        return yield* From(first!);
      })(),
    );
    const other = loop.create_task(
      coroutine(function* () {
        return yield* From(second!);
      })(),
    );
    await run_briefly(loop);
    waiter.cancel();
    await run_briefly(loop);
    a.set_result('a');
    await expect(loop.run_until_complete(other)).resolves.toBe('a');
    expect(first!.cancelled()).toBe(true);
    b.cancel();
  });

  it('counts each awaitable once, and ends after that (test_as_completed_duplicate_coroutines)', async () => {
    const c = after(0, 'ham');
    const main = coroutine(function* () {
      const result: string[] = [];
      for (const f of as_completed([c, c, after(0, 'spam')], { loop })) result.push(yield* From(f));
      return result;
    });
    const result = await loop.run_until_complete(main());
    expect(result).toHaveLength(2);
    expect(new Set(result)).toEqual(new Set(['ham', 'spam']));
  });

  it('merges duplicates and refuses a single future (test_as_completed_invalid_args)', () => {
    const f = new Future({ loop });
    expect([...as_completed([f, f], { loop })]).toHaveLength(1);
    expect(() => as_completed(f as never)).toThrow(
      new TypeError('expect a list of futures, not Future'),
    );
  });
});

describe('as_completed as an async iterator (asyncio 3.13)', () => {
  /**
   * The loop variable as what it is, a Future: TypeScript types a `for await`
   * variable as the awaited value when it has seen a sync iteration of the type.
   */
  function as_future<T>(f: T | Future<T>): Future<T> {
    expect(f).toBeInstanceOf(Future);
    return f as Future<T>;
  }

  /** A Future of `loop` already resolved to `value`. */
  function resolved<T>(value: T): Future<T> {
    const f = new Future<T>({ loop });
    f.set_result(value);
    return f;
  }

  it('yields the awaitables in completion order (test_as_completed, async variant)', async () => {
    const main = async (): Promise<string[]> => {
      const values: string[] = [];
      for await (const f of as_completed([after(0.03, 'a'), after(0.01, 'b'), after(0.02, 'c')], {
        loop,
      })) {
        expect(as_future(f).done()).toBe(true);
        values.push(await f);
      }
      return values;
    };
    await expect(loop.run_until_complete(main())).resolves.toEqual(['b', 'c', 'a']);
    expect(loop.time()).toBeCloseTo(0.03);
  });

  it('yields the Futures and Tasks passed in, and Tasks for coroutines (test_as_completed_same_tasks_in_as_out)', async () => {
    const future = new Future<string>({ loop });
    const task = loop.create_task(after(0.02, 'task'));
    const coro = after(0.01, 'coro');
    const promise = Promise.resolve('promise');
    const seen: Future<string>[] = [];
    const main = async (): Promise<void> => {
      loop.call_later(0.03, () => future.set_result('future'));
      for await (const f of as_completed<string>([coro, task, future, promise], { loop })) {
        seen.push(as_future(f));
      }
    };
    await loop.run_until_complete(main());
    expect(seen).toHaveLength(4);
    expect(seen).toContain(task);
    expect(seen).toContain(future);
    expect(seen).not.toContain(coro as never);
    expect(seen.every((f) => f instanceof Future)).toBe(true);
    expect(seen.map((f) => f.result())).toEqual(['promise', 'coro', 'task', 'future']);
    expect(seen[1]).toBeInstanceOf(Task);
  });

  it('yields a failed awaitable as its Future, without throwing', async () => {
    const main = async (): Promise<unknown[]> => {
      const out: unknown[] = [];
      for await (const f of as_completed([after(0.01, new RangeError('bad')), after(0.02, 'ok')], {
        loop,
      })) {
        out.push(as_future(f).exception() ?? as_future(f).result());
      }
      return out;
    };
    const [first, second] = await loop.run_until_complete(main());
    expect(first).toBeInstanceOf(RangeError);
    expect(second).toBe('ok');
  });

  it('throws TimeoutError once the time is up (test_as_completed_with_timeout, async variant)', async () => {
    const a = loop.create_task(
      coroutine(function* () {
        return yield* From(sleep(0.1, 'a', { loop }));
      })(),
    );
    const b = loop.create_task(
      coroutine(function* () {
        return yield* From(sleep(0.15, 'b', { loop }));
      })(),
    );
    const main = async (): Promise<unknown[]> => {
      const values: unknown[] = [];
      try {
        for await (const f of as_completed([a, b], { timeout: 0.12, loop })) {
          values.push([1, await f]);
        }
      } catch (e) {
        values.push([2, e]);
      }
      return values;
    };
    const res = await loop.run_until_complete(main());
    expect(res).toHaveLength(2);
    expect(res[0]).toEqual([1, 'a']);
    expect((res[1] as unknown[])[0]).toBe(2);
    expect((res[1] as unknown[])[1]).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeCloseTo(0.12);
    expect(b.done()).toBe(false); // nothing is cancelled on timeout
    await loop.run_until_complete(b);
  });

  it('still yields what finished before the timeout, then throws for the rest', async () => {
    const fast = loop.create_task(after(0.1, 'fast'));
    const slow = loop.create_task(after(5, 'slow'));
    const main = async (): Promise<unknown[]> => {
      const it = as_completed([slow, fast], { timeout: 1, loop })[Symbol.asyncIterator]();
      await sleep(2, null, { loop }); // the timeout passes before the first step
      const first = await it.next();
      const second = await it.next().catch((e: unknown) => e);
      const third = await it.next();
      return [first, second, third];
    };
    const [first, second, third] = await loop.run_until_complete(main());
    expect(first).toEqual({ done: false, value: fast });
    expect(second).toBeInstanceOf(TimeoutError);
    expect(third).toEqual({ done: true, value: undefined });
    await loop.run_until_complete(slow);
  });

  it('cancels its timer once everything is done (test_as_completed_with_unused_timeout)', async () => {
    const iterator = as_completed([after(0.01, 'a')], { timeout: 1, loop });
    const main = async (): Promise<string[]> => {
      const values: string[] = [];
      for await (const f of iterator) values.push(await f);
      return values;
    };
    await expect(loop.run_until_complete(main())).resolves.toEqual(['a']);
    const timer = (iterator as unknown as { _timer: { cancelled(): boolean } })._timer;
    expect(timer.cancelled()).toBe(true);
  });

  it('can be resumed after a break, by either kind of loop (test_as_completed_resume_iterator)', async () => {
    const main = async (): Promise<string[]> => {
      const iterator = as_completed(
        ['0', '1', '2', '3', '4', '5'].map((v, i) => after(0.01 * (i + 1), v)),
        { loop },
      );
      const collected: string[] = [];
      for await (const f of iterator) {
        collected.push(await f);
        if (collected.length === 2) break;
      }
      for (const f of iterator) {
        collected.push(await f);
        if (collected.length === 4) break;
      }
      for await (const f of iterator) collected.push(await f);
      return collected;
    };
    await expect(loop.run_until_complete(main())).resolves.toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('merges duplicates, and ends at once for no awaitables', async () => {
    const f = resolved('x');
    const main = async (): Promise<unknown[]> => {
      const out: unknown[] = [];
      for await (const g of as_completed([f, f], { loop })) out.push(g);
      for await (const g of as_completed([], { loop })) out.push(g);
      return out;
    };
    await expect(loop.run_until_complete(main())).resolves.toEqual([f]);
  });

  it('lets the sync form hand its Futures out before or after the completions', async () => {
    const first = new Future<string>({ loop });
    const second = new Future<string>({ loop });
    const iterator = as_completed([first, second], { loop });
    const early = iterator.next().value!;
    second.set_result('second');
    await run_briefly(loop);
    first.set_result('first');
    await run_briefly(loop);
    const late = iterator.next().value!;
    expect(iterator.next().done).toBe(true);
    expect(late.done() || early.done()).toBe(false); // nothing waits on them yet
    // Whichever is waited on first takes the first completion.
    await expect(loop.run_until_complete(late)).resolves.toBe('second');
    await expect(loop.run_until_complete(early)).resolves.toBe('first');
    expect(late).not.toBe(second);
  });
});

describe('shield', () => {
  it('passes the result and the exception on (test_shield_result, test_shield_exception)', async () => {
    await expect(loop.run_until_complete(shield(after(0.1, 'r'), { loop }))).resolves.toBe('r');
    await expect(
      loop.run_until_complete(shield(after(0.1, new RangeError('x')), { loop })),
    ).rejects.toThrow(RangeError);
  });

  it('returns a done future as it is (test_shield_shortcut)', () => {
    const f = new Future({ loop });
    f.set_result(1);
    expect(shield(f)).toBe(f);
  });

  it('keeps the inner future when the outer one is cancelled (SHLD-1)', async () => {
    const inner = new Future<string>({ loop });
    const outer = shield(inner);
    outer.cancel();
    inner.set_result('still here');
    await run_briefly(loop);
    expect(inner.result()).toBe('still here');
  });

  it('is cancelled when the inner future is (test_shield_cancel)', async () => {
    const inner = new Future({ loop });
    const outer = shield(inner);
    inner.cancel();
    await run_briefly(loop);
    expect(outer.cancelled()).toBe(true);
  });
});
