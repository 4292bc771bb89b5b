// LazyPromise: what Future.then() returns behaves as the Promise it stands for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CancelledError, Future } from '../../src/index.js';
import { IN_PAGE, TestLoop, run_briefly } from '../support/test_loop.js';

let loop: TestLoop;
beforeEach(() => {
  loop = new TestLoop();
});
afterEach(() => {
  loop.close();
});

describe('what Future.then() returns', () => {
  it('is a Promise, used before the future is done', async () => {
    const f = new Future<number>({ loop });
    const p = f.then((v) => v + 1);
    expect(p).toBeInstanceOf(Promise);
    expect(Object.prototype.toString.call(p)).toBe('[object Promise]');
    const seen: unknown[] = [];
    const chained = p.then((v) => seen.push(v));
    const finished = p.finally(() => seen.push('finally'));
    loop.call_soon(() => f.set_result(1));
    await loop.run_until_complete(f);
    await Promise.all([chained, finished]);
    expect(seen).toEqual([2, 'finally']);
  });

  it('is a Promise, used after the future is done and its callback ran', async () => {
    const f = new Future<number>({ loop });
    const p = f.then((v) => v * 10);
    f.set_result(2);
    await run_briefly(loop);
    await expect(p).resolves.toBe(20);
    await expect(Promise.resolve(p)).resolves.toBe(20);
    expect(await p.then((v) => v + 1)).toBe(21);
  });

  it('follows a thenable the callback returns', async () => {
    const f = new Future<number>({ loop });
    const p = f.then((v) => Promise.resolve(v * 3));
    f.set_result(2);
    await run_briefly(loop);
    await expect(p).resolves.toBe(6);
  });

  it('rejects with the exception, a CancelledError, or what a callback threw', async () => {
    const failed = new Future({ loop });
    const a = failed.then(() => 'never');
    failed.set_exception(new RangeError('r'));
    const cancelled = new Future({ loop });
    const b = cancelled.then(() => 'never');
    cancelled.cancel();
    const thrown = new Future({ loop });
    const c = thrown.then(() => {
      throw new TypeError('t');
    });
    thrown.set_result(null);
    await run_briefly(loop);
    await expect(a).rejects.toThrow(RangeError);
    await expect(b.catch((e: unknown) => e)).resolves.toBeInstanceOf(CancelledError);
    await expect(c).rejects.toThrow(TypeError);
  });

  // As the native Promise would be: then() without a rejection handler makes a
  // rejected Promise the host reports, even if nobody used what then() returned.
  it.skipIf(IN_PAGE)('a rejection nobody handles is reported by the host', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): number => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const f = new Future({ loop });
      void f.then(() => 'never');
      const error = new Error('loud');
      f.set_exception(error);
      await run_briefly(loop);
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([error]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it.skipIf(IN_PAGE)("shows in Node's console as the Promise it stands for", async () => {
    const { inspect } = await import('node:util');
    const f = new Future<number>({ loop });
    const p = f.then((v) => v + 1);
    expect(inspect(p)).toBe('Promise { <pending> }');
    f.set_result(1);
    await run_briefly(loop);
    await p;
    expect(inspect(p)).toBe('Promise { 2 }');
  });
});
