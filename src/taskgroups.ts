// TaskGroup and task_group(): a scope whose child tasks cannot outlive it (asyncio 3.11 taskgroups.py).

import type { _LoopInternals } from './loop_internals.js';
import type { CreateTaskOptions } from './tasks.js';
import { ExceptionGroup } from './exception_group.js';
import { CancelledError, RuntimeError } from './exceptions.js';
import type { Future } from './futures.js';
import {
  _ScopeTask,
  check_body,
  run_body,
  scope_loop,
  type BodyResult,
  type ScopeBody,
} from './scope_body.js';
import { Task } from './tasks.js';

/** Marks "the body raised nothing", since any value can be thrown. */
const NO_ERROR: unknown = Symbol('no error');

/**
 * A group of child tasks (asyncio 3.11's `TaskGroup`), made by `task_group()`
 * for the duration of its body.
 *
 * The scope ends only when every child is done. The first child that fails
 * cancels the other children and the body; the scope then fails with an
 * `ExceptionGroup` of every failure. A cancellation from outside cancels the
 * children too, and the scope ends with `CancelledError` once they are done.
 * A child's result stays in its Task, also when the group failed later.
 *
 * @example
 * try {
 *   yield* From(task_group(function* (tg) {
 *     tg.create_task(fetch(1));
 *     tg.create_task(fetch(2));
 *   }));
 * } catch (e) {
 *   if (!(e instanceof ExceptionGroup)) throw e;
 *   const [resets, others] = e.split(ConnectionResetError);
 *   if (others !== null) throw others;
 * }
 */
export class TaskGroup {
  private _entered = false;
  private _exiting = false;
  private _aborting = false;
  private _loop: _LoopInternals | null = null;
  private _parent_task: Task<unknown> | null = null;
  /** The group cancelled the body itself: that cancellation is not reported. */
  private _parent_cancel_requested = false;
  private readonly _tasks = new Set<Task<unknown>>();
  private _errors: unknown[] = [];
  /** Resolved when the last child is done, while the exit waits for them. */
  private _on_completed_fut: Future<boolean> | null = null;

  /**
   * Start `coro` (a coroutine object, Future or Promise) as a child task and
   * return the Task. Refused with `RuntimeError` once the group is finished
   * or shutting down (a child failed, or the scope was cancelled); a refused
   * coroutine object is closed, so its `finally` blocks run.
   *
   * @example
   * yield* From(task_group(function* (tg) {
   *   tg.create_task(download(url), { name: 'download' });
   * }));
   */
  create_task<T>(
    coro: Generator<unknown, T, unknown> | Future<T> | PromiseLike<T>,
    options?: CreateTaskOptions,
  ): Task<T> {
    let refusal: string | null = null;
    if (!this._entered) refusal = 'has not been entered';
    else if (this._exiting && this._tasks.size === 0) refusal = 'is finished';
    else if (this._aborting) refusal = 'is shutting down';
    if (refusal !== null) {
      close_coroutine(coro);
      throw new RuntimeError(`TaskGroup ${this} ${refusal}`);
    }
    const task = this._loop!.create_task(coro, options);
    // A task done already (an eager task that did not wait) is handled through
    // its done callback too, at the next iteration: handled now, a failure would
    // abort the group before the task that created it (an eager child still
    // inside its own create_task()) is one of the group's (asyncio gh-128550).
    this._tasks.add(task as Task<unknown>);
    task.add_done_callback(this._on_task_done);
    return task;
  }

  /**
   * Cancel the group (CPython 3.15, gh-108951): every child that is not done
   * and the body are cancelled, and the scope then ends without
   * `CancelledError`; `task_group()` resolves to `null` unless the body had
   * already returned. Idempotent, and a no-op once the group is finished.
   *
   * @example
   * yield* From(task_group(function* (tg) {
   *   tg.create_task(serve());
   *   yield From(shutdown_requested.wait());
   *   tg.cancel(); // stop serving: the scope ends quietly
   * }));
   */
  cancel(): void {
    if (!this._entered || (this._exiting && this._tasks.size === 0)) return;
    if (!this._aborting) this._abort();
    if (this._parent_task !== null && !this._parent_cancel_requested) {
      this._parent_cancel_requested = true;
      this._parent_task.cancel();
    }
  }

  /** The repr, as asyncio's: `<TaskGroup tasks=2 entered>`. */
  toString(): string {
    const info = [''];
    if (this._tasks.size > 0) info.push(`tasks=${this._tasks.size}`);
    if (this._errors.length > 0) info.push(`errors=${this._errors.length}`);
    if (this._aborting) info.push('cancelling');
    else if (this._entered) info.push('entered');
    return `<TaskGroup${info.join(' ')}>`;
  }

  /** Enter the scope: `task` runs the body. @internal */
  _enter(task: Task<unknown>): void {
    if (this._entered) throw new RuntimeError(`TaskGroup ${this} has already been entered`);
    this._loop = task._loop;
    this._parent_task = task;
    this._entered = true;
  }

  /**
   * Leave the scope once the body ended with `error` (or `NO_ERROR`): wait
   * for every child, then throw what the scope ends with, if anything.
   * @internal
   */
  *_exit(error: unknown): Generator<unknown, void, unknown> {
    this._exiting = true;
    const parent = this._parent_task!;
    let propagate: CancelledError | null = error instanceof CancelledError ? error : null;
    if (error !== NO_ERROR && !this._aborting) this._abort();

    // A loop, since the wait itself can be cancelled again and again from outside.
    while (this._tasks.size > 0) {
      this._on_completed_fut ??= this._loop!.create_future<boolean>();
      try {
        yield this._on_completed_fut;
      } catch (exc) {
        if (!(exc instanceof CancelledError)) throw exc;
        if (!this._aborting) {
          // Cancelled from outside while the children finish: cancel them too.
          propagate = exc;
          this._abort();
        }
      }
      this._on_completed_fut = null;
    }

    // The group cancelled the body itself: take that request back, and if no
    // other request remains, the cancellation ends here.
    if (this._parent_cancel_requested && parent.uncancel() === 0) propagate = null;
    const errors = this._errors;
    if (propagate !== null && errors.length === 0) throw propagate;
    if (error !== NO_ERROR && !(error instanceof CancelledError)) errors.push(error);
    if (errors.length === 0) return;
    // Cancelled from outside as well: the errors come first, then the task
    // awaiting the scope is cancelled again (asyncio re-cancels the parent).
    if (parent.cancelling() > 0) parent._make_extra().recancel_awaiter = true;
    throw new ExceptionGroup('unhandled errors in a TaskGroup', errors);
  }

  private _abort(): void {
    this._aborting = true;
    for (const task of this._tasks) if (!task.done()) task.cancel();
  }

  private readonly _on_task_done = (task: Future<unknown>): void => {
    this._tasks.delete(task as Task<unknown>);
    const completed = this._on_completed_fut;
    if (completed !== null && this._tasks.size === 0 && !completed.done()) {
      completed.set_result(true);
    }
    if (task.cancelled()) return;
    const exc = task.exception();
    if (exc === null) return;
    this._errors.push(exc);
    const parent = this._parent_task!;
    if (parent.done()) {
      this._loop!.call_exception_handler({
        message: `Task ${task} has errored out but its parent task ${parent} is already completed`,
        exception: exc,
        task: task as Task<unknown>,
      });
      return;
    }
    if (!this._aborting && !this._parent_cancel_requested) {
      // Interrupt the body as well; the exit takes this cancellation back.
      this._abort();
      this._parent_cancel_requested = true;
      parent.cancel();
    }
  };
}

/** Close a coroutine that will never run, so its `finally` blocks do. */
function close_coroutine(coro: unknown): void {
  const gen = coro as { return?: unknown };
  if (
    typeof gen?.return === 'function' &&
    typeof (coro as { throw?: unknown }).throw === 'function'
  ) {
    (gen.return as () => unknown).call(coro);
  }
}

function* run_task_group<R>(
  group: TaskGroup,
  body: ScopeBody<TaskGroup, R>,
): Generator<unknown, BodyResult<R> | null, unknown> {
  group._enter(Task.current_task()!);
  let result: BodyResult<R> | null = null;
  let error: unknown = NO_ERROR;
  try {
    result = yield* run_body(body, group);
  } catch (exc) {
    error = exc;
  }
  yield* group._exit(error);
  return result;
}

/**
 * Run `body(tg)` with a new `TaskGroup` (asyncio's `async with TaskGroup() as
 * tg:`), in a Task of its own, and return a Future of the body's result.
 * The Future is done only when every child task is: the first child that
 * fails cancels the others and the body, and the Future fails with an
 * `ExceptionGroup` of the failures. Cancelling the Future (or the task
 * waiting for it) cancels the body and the children, and it ends with
 * `CancelledError` once they are done.
 *
 * The body is a generator function (cancellation reaches it at its yield
 * point, as in asyncio), a coroutine function, or an `async` function: an
 * `async` function cannot be interrupted, so a cancelled scope stops waiting
 * for it while it runs on by itself. Needs a running loop: outside one it is
 * a `RuntimeError`.
 *
 * @example
 * const [a, b] = yield* From(task_group(function* (tg) {
 *   const a = tg.create_task(fetch(1)), b = tg.create_task(fetch(2));
 *   return [a, b];
 * }));
 * console.log(a.result(), b.result());
 *
 * await task_group(async (tg) => {
 *   tg.create_task(worker());
 * });
 */
export function task_group<R>(body: ScopeBody<TaskGroup, R>): Future<BodyResult<R>> {
  check_body('task_group', body, 'TaskGroup');
  const loop = scope_loop('task_group');
  return new _ScopeTask(run_task_group(new TaskGroup(), body), { loop }) as Future<BodyResult<R>>;
}
