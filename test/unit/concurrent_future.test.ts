// ConcurrentFuture (concurrent.futures.Future) and its chaining to loop Futures by wrap_future() (asyncio test_futures.py).
import { afterEach, describe, expect, it } from 'vitest';

import { ConcurrentFuture } from '../../src/concurrent_future.js';
import { CancelledError, InvalidStateError, RuntimeError } from '../../src/exceptions.js';
import { wrap_future } from '../../src/futures.js';
import { logger, type LogRecord } from '../../src/log.js';
import { TestLoop, run_briefly } from '../support/test_loop.js';

describe('ConcurrentFuture', () => {
  it('goes from pending to running to finished, as an executor drives it', () => {
    const future = new ConcurrentFuture<number>();
    expect([future.running(), future.done()]).toEqual([false, false]);
    expect(() => future.result()).toThrow(new InvalidStateError('Result is not ready.'));
    expect(future.set_running_or_notify_cancel()).toBe(true);
    expect(future.running()).toBe(true);
    expect(() => future.set_running_or_notify_cancel()).toThrow(RuntimeError);
    future.set_result(42);
    expect([future.running(), future.done(), future.result(), future.exception()]).toEqual([
      false,
      true,
      42,
      null,
    ]);
    expect(() => future.set_result(43)).toThrow(InvalidStateError);
    expect(String(future)).toBe('<ConcurrentFuture state=finished returned 42>');
  });

  it('can be cancelled only before it runs; the executor then learns not to run it', () => {
    const queued = new ConcurrentFuture<number>();
    expect(queued.cancel()).toBe(true);
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    expect(queued.set_running_or_notify_cancel()).toBe(false);
    expect(() => queued.result()).toThrow(CancelledError);

    const running = new ConcurrentFuture<number>();
    running.set_running_or_notify_cancel();
    expect(running.cancel()).toBe(false);
    running.set_exception(new RangeError('no'));
    expect(running.cancel()).toBe(false);
    expect(running.exception()).toEqual(new RangeError('no'));
    expect(() => running.result()).toThrow(RangeError);
  });

  it('runs done callbacks as it settles, or at once when already done, and logs one that throws', () => {
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    try {
      const future = new ConcurrentFuture<string>();
      const seen: string[] = [];
      future.add_done_callback((f) => seen.push(`first ${f.result()}`));
      future.add_done_callback(() => {
        throw new Error('callback bug');
      });
      future.set_result('x');
      future.add_done_callback((f) => seen.push(`late ${f.result()}`));
      expect(seen).toEqual(['first x', 'late x']);
      expect(records.map((r) => r.message)).toEqual([
        "exception calling callback for <ConcurrentFuture state=finished returned 'x'>",
      ]);
    } finally {
      logger.set_handler(null);
    }
  });

  it('is awaitable: it resolves, rejects, or rejects with CancelledError', async () => {
    const ok = new ConcurrentFuture<number>();
    ok.set_result(1);
    expect(await ok).toBe(1);
    const failed = new ConcurrentFuture<number>();
    failed.set_exception(new TypeError('bad'));
    await expect(failed).rejects.toThrow(TypeError);
    const cancelled = new ConcurrentFuture<number>();
    cancelled.cancel();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('wrap_future(ConcurrentFuture)', () => {
  let loop: TestLoop;
  afterEach(() => loop.close());

  it('copies the result or the exception into a loop Future', async () => {
    loop = new TestLoop();
    const source = new ConcurrentFuture<number>();
    const wrapped = wrap_future(source, { loop });
    source.set_running_or_notify_cancel();
    source.set_result(5);
    expect(wrapped.result()).toBe(5);

    const failing = new ConcurrentFuture<number>();
    const wrapped_failure = wrap_future(failing, { loop });
    failing.set_exception(new RangeError('out'));
    expect(wrapped_failure.exception()).toEqual(new RangeError('out'));
    await run_briefly(loop);
  });

  it('cancelling the loop Future cancels the work that has not started, and the other way round', async () => {
    loop = new TestLoop();
    const queued = new ConcurrentFuture<number>();
    const wrapped = wrap_future(queued, { loop });
    wrapped.cancel();
    await run_briefly(loop);
    expect(queued.cancelled()).toBe(true);

    const source = new ConcurrentFuture<number>();
    const follower = wrap_future(source, { loop });
    source.cancel();
    expect(follower.cancelled()).toBe(true);
  });

  it('cancelling the loop Future of running work leaves the work to finish', async () => {
    loop = new TestLoop();
    const running = new ConcurrentFuture<number>();
    running.set_running_or_notify_cancel();
    const wrapped = wrap_future(running, { loop });
    wrapped.cancel();
    await run_briefly(loop);
    expect(running.cancelled()).toBe(false);
    running.set_result(1);
    expect(wrapped.cancelled()).toBe(true);
  });
});
