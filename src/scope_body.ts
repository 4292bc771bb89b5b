// The body of a scope (task_group, timeout, run): a generator, coroutine or async function, run inside a Task.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { iscoroutine } from './coroutines.js';
import { _get_running_loop } from './event_loop_policy.js';
import { RuntimeError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { is_thenable } from './thenable.js';
import { Task } from './tasks.js';

/**
 * What a scope function takes: a function of the scope's manager returning a
 * coroutine object (a generator or coroutine function), a Promise (an `async`
 * function), a Future, or a plain value.
 *
 * @example
 * const body: ScopeBody<TaskGroup, Generator<unknown, number, unknown>> = function* (tg) {
 *   tg.create_task(worker());
 *   return 1;
 * };
 */
export type ScopeBody<M, R> = (manager: M) => R;

/**
 * The result type of a scope whose body returns `R`: a generator's return
 * type, or what a Promise or Future resolves to.
 *
 * @example
 * type A = BodyResult<Generator<unknown, string, unknown>>; // string
 * type B = BodyResult<Promise<number>>; // number
 */
export type BodyResult<R> = R extends Generator<unknown, infer T, unknown> ? T : Awaited<R>;

/** Throw `TypeError` at the call unless `body` is a function. @internal */
export function check_body(where: string, body: unknown, manager: string): void {
  if (typeof body !== 'function') {
    throw new TypeError(
      `${where}() needs a function taking the ${manager} (a generator, coroutine or async function), got ${repr(body)}`,
    );
  }
}

/** The running loop a scope's task goes on; outside one, a `RuntimeError` naming `run()`. @internal */
export function scope_loop(where: string): _LoopInternals {
  const loop = _get_running_loop();
  if (loop === null) {
    throw new RuntimeError(
      `${where}() needs a running event loop: call it from a coroutine or async function that run() runs`,
    );
  }
  return _loop_of(loop, `${where}()`);
}

/**
 * Call `body(manager)` inside the running task and wait for what it returns:
 * a coroutine object runs inline in this task (so cancelling the task reaches
 * it at its yield point), a Promise or Future is waited for, a plain value is
 * the result.
 * @internal
 */
export function* run_body<M, R>(
  body: ScopeBody<M, R>,
  manager: M,
): Generator<unknown, BodyResult<R>, unknown> {
  const result: unknown = body(manager);
  if (iscoroutine(result) || is_thenable(result)) return (yield result) as BodyResult<R>;
  return result as BodyResult<R>;
}

/**
 * The task a scope's body runs in. asyncio runs the body inline in the
 * caller's task, so a cancellation that comes after the body ended reaches
 * the caller at its next await, and what the body returned (an item got, a
 * lock acquired) is not lost: the caller takes the result.
 * @internal
 */
export class _ScopeTask<T> extends Task<T> {
  override _result_droppable(): boolean {
    return false;
  }
}
