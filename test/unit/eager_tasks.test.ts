// Eager tasks: eager_task_factory, create_eager_task_factory and Task's eager_start (CPython 3.13 test_eager_task_factory.py).
import { beforeEach, describe, expect, it } from 'vitest';

import {
  CancelledError,
  ExceptionGroup,
  From,
  OSError,
  Task,
  all_tasks,
  coroutine,
  create_eager_task_factory,
  current_task,
  eager_task_factory,
  gather,
  sleep,
  task_group,
  type TaskFactory,
  type TaskOptions,
} from '../../src/index.js';
import { staggered_race } from '../../src/staggered.js';
import { TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

/** Finishes without waiting: done within its eager step. */
const quick = coroutine(function* () {
  return 'finished without blocking';
});

/** Waits first: pending after its eager step. */
const blocking = coroutine(function* () {
  yield From(sleep(0.1));
  return 'finished after blocking';
});

/** A Task subclass, to check that the factory makes tasks of the class it was given. */
class MyTask<T> extends Task<T> {}

const FACTORIES = [
  ['eager_task_factory', () => eager_task_factory as TaskFactory, Task],
  ['create_eager_task_factory(MyTask)', () => create_eager_task_factory(MyTask), MyTask],
] as const;

for (const [label, make_factory, task_class] of FACTORIES)
  describe(`a loop whose task factory is ${label}`, () => {
    beforeEach(() => {
      loop.set_task_factory(make_factory());
    });

    it('makes its tasks with the factory', async () => {
      const noop = coroutine(function* () {});
      const run = coroutine(function* () {
        const task = loop.create_task(noop());
        expect(task).toBeInstanceOf(task_class);
        yield From(task);
      });
      await loop.run_until_complete(run());
    });

    it('runs the first step inside create_task(): a coroutine that does not wait is done at once', async () => {
      const run = coroutine(function* () {
        const task = loop.create_task(quick());
        expect(task.done()).toBe(true);
        return yield* From(task);
      });
      expect(await loop.run_until_complete(run())).toBe('finished without blocking');
    });

    it('lets the eager step complete a future the creator then awaits', async () => {
      const set_result = coroutine(function* (fut: { set_result(v: string): void }, value: string) {
        fut.set_result(value);
      });
      const run = coroutine(function* () {
        const fut = loop.create_future<string>();
        const task = loop.create_task(set_result(fut, 'my message'));
        expect(task.done()).toBe(true);
        return yield* From(fut);
      });
      expect(await loop.run_until_complete(run())).toBe('my message');
    });

    it('leaves a task that waits pending, and finishes it on the loop', async () => {
      const run = coroutine(function* () {
        const task = loop.create_task(blocking());
        expect(task.done()).toBe(false);
        const result = yield* From(task);
        expect(task.done()).toBe(true);
        return result;
      });
      expect(await loop.run_until_complete(run())).toBe('finished after blocking');
    });

    it('drops the coroutine of a task that finished eagerly: get_coro() is null (gh-122332)', async () => {
      const run = coroutine(function* () {
        const done_eagerly = loop.create_task(quick());
        expect(done_eagerly.get_coro()).toBeNull();
        const coro = blocking();
        const waiting = loop.create_task(coro);
        expect(waiting.get_coro()).toBe(coro);
        yield From(waiting);
        expect(waiting.get_coro()).toBe(coro);
      });
      await loop.run_until_complete(run());
    });

    it('cannot cancel a task that finished eagerly', async () => {
      const run = coroutine(function* () {
        const task = loop.create_task(quick());
        expect(task.cancel()).toBe(false);
        const result = yield* From(task);
        expect(task.cancelled()).toBe(false);
        return result;
      });
      expect(await loop.run_until_complete(run())).toBe('finished without blocking');
    });

    it('cancels a task that waits after its eager step, with the message', async () => {
      const run = coroutine(function* () {
        const task = loop.create_task(blocking());
        task.cancel('cancellation message');
        expect(task.cancelling()).toBeGreaterThan(0);
        yield From(task);
      });
      const error = await loop.run_until_complete(run()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as CancelledError).message).toBe('cancellation message');
    });

    it('is the current task during its eager step, and the creator is current again after it', async () => {
      let seen_in_step: Task<unknown> | null = null;
      const child = coroutine(function* () {
        seen_in_step = current_task();
        yield From(sleep(0.1));
        expect(current_task()).toBe(seen_in_step);
      });
      const run = coroutine(function* () {
        const creator = current_task();
        const task = loop.create_task(child());
        expect(seen_in_step).toBe(task);
        expect(current_task()).toBe(creator);
        yield From(task);
      });
      await loop.run_until_complete(run());
    });

    it('is in all_tasks() during its eager step, and out of it once it finished there', async () => {
      let seen_in_step: Set<Task<unknown>> | null = null;
      const child = coroutine(function* () {
        seen_in_step = all_tasks();
      });
      const run = coroutine(function* () {
        const task = loop.create_task(child());
        expect(seen_in_step!.has(task)).toBe(true);
        expect(all_tasks().has(task)).toBe(false);
        yield null;
      });
      await loop.run_until_complete(run());
    });

    it('stays in all_tasks() while it waits after its eager step', async () => {
      let seen_in_step: Set<Task<unknown>> | null = null;
      const child = coroutine(function* (
        fut1: Task<unknown> | object,
        fut2: { set_result(v: null): void },
      ) {
        seen_in_step = all_tasks();
        yield From(fut1 as never);
        fut2.set_result(null);
      });
      const run = coroutine(function* () {
        const fut1 = loop.create_future<null>();
        const fut2 = loop.create_future<null>();
        const task = loop.create_task(child(fut1, fut2));
        expect(seen_in_step!.has(task)).toBe(true);
        expect(all_tasks().has(task)).toBe(true);
        fut1.set_result(null);
        yield From(fut2);
        expect(all_tasks().has(task)).toBe(false);
      });
      await loop.run_until_complete(run());
    });

    it('names the task before its eager step', async () => {
      let name_in_step: string | null = null;
      const child = coroutine(function* () {
        name_in_step = current_task()!.get_name();
      });
      const run = coroutine(function* () {
        const task = loop.create_task(child(), { name: 'eager one' });
        expect(task.get_name()).toBe('eager one');
      });
      await loop.run_until_complete(run());
      expect(name_in_step).toBe('eager one');
    });

    it('starts tasks made before the loop runs on the loop, as usual', async () => {
      const task = loop.create_task(quick());
      expect(task.done()).toBe(false);
      expect(await loop.run_until_complete(task)).toBe('finished without blocking');
    });
  });

describe('a task group whose child fails while it is being created (gh-128550)', () => {
  class MyError extends Error {}

  for (const eager of [true, false]) {
    it(`cancels the task that created it, at its next wait (${eager ? 'eager' : 'scheduled'} tasks)`, async () => {
      if (eager) loop.set_task_factory(eager_task_factory);
      let ran = false;
      let cancelled_at: number | null = null;
      const third = coroutine(function* () {
        throw new MyError('third task failed');
      });
      const main = coroutine(function* () {
        yield* From(
          task_group(function* (tg) {
            const second = coroutine(function* () {
              tg.create_task(third());
              let waits = 0;
              try {
                yield From(sleep(0)); // eager tasks cancel here
                waits++;
                yield From(sleep(0)); // scheduled tasks cancel here
                waits++;
              } catch (e) {
                if (!(e instanceof CancelledError)) throw e;
                cancelled_at = waits;
              }
              ran = true;
            });
            tg.create_task(second());
          }),
        );
      });
      const error = await loop.run_until_complete(main()).catch((e: unknown) => e);
      expect(ran).toBe(true);
      expect(cancelled_at).toBe(eager ? 0 : 1);
      expect(error).toBeInstanceOf(ExceptionGroup);
      const [first] = (error as ExceptionGroup).exceptions;
      expect(first).toBeInstanceOf(MyError);
    });
  }
});

describe('staggered_race() with eager tasks (gh-124309)', () => {
  beforeEach(() => {
    loop.set_task_factory(eager_task_factory);
  });

  const sleep_then = (delay: number, value: string) =>
    coroutine(function* () {
      yield From(sleep(delay));
      return value;
    });

  it('lets the fastest attempt win while a later one fails', async () => {
    const fail = coroutine(function* () {
      yield From(sleep(0));
      throw new OSError('no good');
    });
    const race = staggered_race(
      loop,
      [sleep_then(2, 'sleep2'), sleep_then(1, 'sleep1'), fail],
      0.25,
      () => {},
    );
    expect(await loop.run_until_complete(race)).toBe('sleep1');
  });

  it('starts the next attempt at once when one fails in its eager step, with no delay', async () => {
    const started: string[] = [];
    const fail = coroutine(function* () {
      started.push('fail');
      throw new OSError('no good');
    });
    const sleeper = (delay: number, value: string) =>
      coroutine(function* () {
        started.push(value);
        yield From(sleep(delay));
        return value;
      });
    const race = staggered_race(
      loop,
      [fail, sleeper(1, 'sleep1'), sleeper(0, 'sleep0')],
      Infinity,
      () => {},
    );
    expect(await loop.run_until_complete(race)).toBe('sleep1');
    expect(started).toEqual(['fail', 'sleep1']);
  });
});

describe('how many tasks are scheduled, eager or not', () => {
  /** Set a factory that counts the tasks it makes that do not start eagerly. */
  function count_scheduled_tasks(eager: boolean): { count: number } {
    const counter = { count: 0 };
    const counting_task = (coro: Generator<unknown, unknown, unknown>, options: TaskOptions) => {
      if (!options.eager_start) counter.count++;
      return new Task(coro, options);
    };
    loop.set_task_factory(
      eager
        ? create_eager_task_factory(counting_task)
        : (l, coro, options) => counting_task(coro, { ...options, loop: l }),
    );
    return counter;
  }

  const awaitable_chain = coroutine(function* (depth: number): Generator<unknown, number, unknown> {
    if (depth === 0) return 0;
    return 1 + (yield* From(awaitable_chain(depth - 1)));
  });

  const recursive_taskgroups = coroutine(function* (width: number, depth: number) {
    if (depth === 0) return;
    yield From(
      task_group(function* (tg) {
        for (let i = 0; i < width; i++) tg.create_task(recursive_taskgroups(width, depth - 1));
      }),
    );
  });

  const recursive_gather = coroutine(function* (
    width: number,
    depth: number,
  ): Generator<unknown, void, unknown> {
    if (depth === 0) return;
    const children = Array.from({ length: width }, () => recursive_gather(width, depth - 1));
    yield From(gather(...children));
  });

  const CASES = [
    [false, 781], // 1 + 5 + 5^2 + 5^3 + 5^4
    [true, 0],
  ] as const;
  for (const [eager, expected] of CASES)
    describe(eager ? 'eager tasks' : 'tasks scheduled as usual', () => {
      it('a chain of nested coroutines runs in the one task run_until_complete() makes', async () => {
        const counter = count_scheduled_tasks(eager);
        expect(await loop.run_until_complete(awaitable_chain(100))).toBe(100);
        expect(counter.count).toBe(eager ? 0 : 1);
      });

      it(`recursive task groups schedule ${expected} tasks`, async () => {
        const counter = count_scheduled_tasks(eager);
        await loop.run_until_complete(recursive_taskgroups(5, 4));
        expect(counter.count).toBe(expected);
      });

      it(`recursive gathers schedule ${expected} tasks`, async () => {
        const counter = count_scheduled_tasks(eager);
        await loop.run_until_complete(recursive_gather(5, 4));
        expect(counter.count).toBe(expected);
      });
    });
});

describe('Task eager_start', () => {
  it('runs the first step in the constructor when the loop is running', async () => {
    const steps: string[] = [];
    const child = coroutine(function* () {
      steps.push('first step');
      yield null;
      steps.push('second step');
    });
    const run = coroutine(function* () {
      const task = new Task(child(), { loop, eager_start: true });
      steps.push('constructed');
      yield From(task);
    });
    await loop.run_until_complete(run());
    expect(steps).toEqual(['first step', 'constructed', 'second step']);
  });

  it('is off by default, and a loop that is not running schedules the task as usual', () => {
    const steps: string[] = [];
    const child = coroutine(function* () {
      steps.push('step');
    });
    new Task(child(), { loop, eager_start: true }).cancel();
    new Task(child(), { loop }).cancel();
    expect(steps).toEqual([]);
  });

  it('fails the task with what the eager step throws, as a scheduled step would', async () => {
    const boom = coroutine(function* () {
      throw new RangeError('boom');
    });
    const run = coroutine(function* () {
      const task = new Task(boom(), { loop, eager_start: true });
      expect(task.done()).toBe(true);
      expect(task.exception()).toBeInstanceOf(RangeError);
    });
    await loop.run_until_complete(run());
  });

  it('refuses a constructor that is not a function', () => {
    expect(() => create_eager_task_factory(42 as never)).toThrow(
      new TypeError('custom_task_constructor must be a callable, got 42'),
    );
  });
});
