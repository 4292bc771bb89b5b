// ensure_future, sleep, gather and shield (src/task_helpers.ts); wait() and as_completed() have their own files.
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  From,
  Future,
  Task,
  ValueError,
  coroutine,
  eager_task_factory,
  ensure_future,
  gather,
  shield,
  sleep,
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

  it('is done when it returns if every child is done already (asyncio 3.12)', async () => {
    const done = (value: string): Future<string> => {
      const f = new Future<string>({ loop });
      f.set_result(value);
      return f;
    };
    const g = gather(done('a'), done('b'), { loop });
    expect(g.result()).toEqual(['a', 'b']);
    const failed = new Future<string>({ loop });
    failed.set_exception(new ValueError('bad'));
    const g2 = gather(done('a'), failed, { loop });
    expect(g2.exception()).toBeInstanceOf(ValueError);
    const g3 = gather(done('a'), new Future<string>({ loop }), { loop });
    expect(g3.done()).toBe(false);
    g3.cancel();
  });

  it('of eager tasks that did not wait, is done when it returns', async () => {
    loop.set_task_factory(eager_task_factory);
    const quick = coroutine(function* (value: number) {
      return value;
    });
    const main = coroutine(function* () {
      const g = gather(quick(1), quick(2));
      expect(g.done()).toBe(true);
      return yield* From(g);
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual([1, 2]);
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
