// run_coroutine_threadsafe(): a coroutine handed to a loop from outside it (CPython 3.13 test_tasks.py RunCoroutineThreadsafeTests).
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  ConcurrentFuture,
  From,
  Task,
  coroutine,
  current_task,
  run_coroutine_threadsafe,
  sleep,
  type ExceptionContext,
} from '../../src/index.js';
import { TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

/** Add after a sleep; `cancel` makes the coroutine cancel its own task first. */
const add = coroutine(function* (a: number, b: number, cancel = false) {
  yield From(sleep(0.05));
  if (cancel) current_task()!.cancel();
  return a + b;
});

/** Keep the loop running until `future` is done (a second of loop time at most), as a program's main task would. */
const run_until_done = coroutine(function* (future: { done(): boolean }) {
  for (let i = 0; i < 100 && !future.done(); i++) yield From(sleep(0.01));
});

describe('run_coroutine_threadsafe()', () => {
  it('runs the coroutine in a task of the loop and hands over its result (test_run_coroutine_threadsafe)', async () => {
    const running = loop.run_until_complete(sleep(1, null, { loop }));
    const future = run_coroutine_threadsafe(add(1, 2), loop);
    expect(future).toBeInstanceOf(ConcurrentFuture);
    expect(await future).toBe(3);
    await running;
  });

  it('starts the task at the next iteration, not inside the call', async () => {
    let task: Task<unknown> | null = null;
    const where = coroutine(function* () {
      task = current_task();
      return 'ran';
    });
    const future = run_coroutine_threadsafe(where(), loop);
    expect(task).toBeNull();
    await loop.run_until_complete(run_until_done(future));
    expect(task).toBeInstanceOf(Task);
    expect(future.result()).toBe('ran');
  });

  it("hands over the coroutine's exception (test_run_coroutine_threadsafe_with_exception)", async () => {
    const fail = coroutine(function* () {
      yield From(sleep(0.01));
      throw new RangeError('Invalid!');
    });
    const future = run_coroutine_threadsafe(fail(), loop);
    await loop.run_until_complete(run_until_done(future));
    expect(future.exception()).toBeInstanceOf(RangeError);
    await expect(future).rejects.toThrow('Invalid!');
  });

  it('cancels the task when the future is cancelled', async () => {
    let finished = false;
    const slow = coroutine(function* () {
      yield From(sleep(10));
      finished = true;
    });
    const future = run_coroutine_threadsafe(slow(), loop);
    const main = coroutine(function* () {
      yield From(sleep(0.01));
      const [task] = [...Task.all_tasks(loop)].filter((t) => t !== current_task());
      expect(future.cancel()).toBe(true);
      // Cancelled at the next iteration, as asyncio does from another thread.
      expect(task!.cancelling()).toBe(0);
      yield From(sleep(0.01));
      expect(task!.cancelled()).toBe(true);
    });
    await loop.run_until_complete(main());
    expect(finished).toBe(false);
    await expect(future).rejects.toBeInstanceOf(CancelledError);
  });

  it('cancels the future when the task is cancelled (test_run_coroutine_threadsafe_task_cancelled)', async () => {
    const future = run_coroutine_threadsafe(add(1, 2, true), loop);
    await loop.run_until_complete(run_until_done(future));
    expect(future.cancelled()).toBe(true);
  });

  it('fails the future and reports to the loop when the task factory throws (test_run_coroutine_threadsafe_task_factory_exception)', async () => {
    const contexts: ExceptionContext[] = [];
    loop.set_exception_handler((_loop, context) => contexts.push(context));
    const broken = new ReferenceError('no such factory');
    let future: ConcurrentFuture<number> | null = null;
    const main = coroutine(function* () {
      loop.set_task_factory(() => {
        throw broken;
      });
      future = run_coroutine_threadsafe(add(1, 2), loop);
      yield null; // the factory throws at this iteration
      loop.set_task_factory(null);
      yield From(run_until_done(future));
    });
    await loop.run_until_complete(main());
    expect(future!.exception()).toBe(broken);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.exception).toBe(broken);
  });

  it('refuses anything but a coroutine object', () => {
    const not_a_coroutine = sleep(0, null, { loop });
    expect(() => run_coroutine_threadsafe(not_a_coroutine as never, loop)).toThrow(
      new TypeError('A coroutine object is required'),
    );
  });
});
