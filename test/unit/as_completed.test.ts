// as_completed(): the futures' outcomes in completion order, as an iterator and an async iterator (src/as_completed.ts; asyncio test_tasks cases).
import { describe, expect, it } from 'vitest';

import {
  From,
  Future,
  Task,
  TimeoutError,
  as_completed,
  coroutine,
  sleep,
  wait,
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
