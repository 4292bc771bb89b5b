// wait() and wait_for(): waiting for futures with a condition or a deadline (src/wait.ts; asyncio test_tasks cases).
import { describe, expect, it } from 'vitest';

import {
  ALL_COMPLETED,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  From,
  Future,
  TimeoutError,
  ValueError,
  coroutine,
  ensure_future,
  sleep,
  wait,
  wait_for,
} from '../../src/index.js';
import { TestLoop, run_briefly, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

/** A coroutine that sleeps `delay` seconds of loop time, then returns (or throws) `outcome`. */
const after = coroutine(function* (delay: number, outcome: unknown) {
  yield From(sleep(delay, null, { loop }));
  if (outcome instanceof Error) throw outcome;
  return outcome as string;
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
