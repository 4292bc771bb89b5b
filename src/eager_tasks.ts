// Eager task factories (asyncio 3.12): tasks whose first step runs inside create_task().

import type { AbstractEventLoop } from './events.js';
import { repr } from './format_helpers.js';
import { Task, type CreateTaskOptions, type TaskFactory, type TaskOptions } from './tasks.js';

/**
 * What makes the tasks of `create_eager_task_factory()`: a `Task` subclass
 * (called with `new`) or a function, either taking the coroutine and
 * `TaskOptions` (with `loop` and `eager_start: true`) as `Task` does.
 */
export type TaskConstructor =
  | (new (coro: Generator<unknown, unknown, unknown>, options: TaskOptions) => Task<unknown>)
  | ((coro: Generator<unknown, unknown, unknown>, options: TaskOptions) => Task<unknown>);

type TaskClass = Extract<TaskConstructor, abstract new (...args: never) => unknown>;
type TaskFunction = Exclude<TaskConstructor, TaskClass>;

/**
 * A task factory whose tasks start eagerly (asyncio 3.12): each task's first
 * step runs inside `create_task()` when the loop is running, so a coroutine
 * that finishes without waiting (a cache hit, say) never goes through the
 * loop, and one that waits has already started. Install it with
 * `loop.set_task_factory(eager_task_factory)`.
 *
 * @example
 * loop.set_task_factory(eager_task_factory);
 * const task = loop.create_task(lookup(key)); // done here if lookup() did not wait
 */
export function eager_task_factory<T>(
  loop: AbstractEventLoop,
  coro: Generator<unknown, T, unknown>,
  options?: CreateTaskOptions,
): Task<T> {
  return new Task(coro, { loop, name: options?.name ?? null, eager_start: true });
}

/**
 * A task factory that makes eager tasks with `custom_task_constructor`
 * instead of `Task` (asyncio 3.12): it is given the coroutine and the task
 * options, with `loop` and `eager_start: true`, and must return a `Task`.
 *
 * @example
 * class TracedTask<T> extends Task<T> {}
 * loop.set_task_factory(create_eager_task_factory(TracedTask));
 */
export function create_eager_task_factory(custom_task_constructor: TaskConstructor): TaskFactory {
  if (typeof custom_task_constructor !== 'function') {
    throw new TypeError(
      `custom_task_constructor must be a callable, got ${repr(custom_task_constructor)}`,
    );
  }
  const is_task_class =
    custom_task_constructor === Task || custom_task_constructor.prototype instanceof Task;
  return (loop, coro, options) => {
    const task_options: TaskOptions = { ...options, loop, eager_start: true };
    return is_task_class
      ? new (custom_task_constructor as TaskClass)(coro, task_options)
      : (custom_task_constructor as TaskFunction)(coro, task_options);
  };
}
