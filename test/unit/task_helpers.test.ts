// ensure_future, sleep, gather, wait, wait_for, as_completed and shield.
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

  it('refuses a delay that is not a number', () => {
    expect(() => sleep('1' as never)).toThrow(TypeError);
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

  it('returns at once when the condition already holds (test_wait_really_done)', async () => {
    const f = new Future({ loop });
    f.set_result(1);
    const w = wait([f], { loop, return_when: FIRST_COMPLETED });
    expect(w.done()).toBe(true);
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

  it('merges duplicates and refuses a single future (test_as_completed_invalid_args)', () => {
    const f = new Future({ loop });
    expect([...as_completed([f, f], { loop })]).toHaveLength(1);
    expect(() => as_completed(f as never)).toThrow(
      new TypeError('expect a list of futures, not Future'),
    );
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
