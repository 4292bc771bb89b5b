// Task: drives a generator coroutine on the loop, with nested coroutines run inline (asyncio tasks.py).

import type { BaseEventLoop } from './base_events.js';
import { FromWrapper, Return, iscoroutine } from './coroutines.js';
import { get_event_loop, type AbstractEventLoop } from './events.js';
import { CancelledError, RuntimeError } from './exceptions.js';
import { coroutine_name, repr } from './format_helpers.js';
import { Future, is_thenable, wrap_future, type FutureOptions } from './futures.js';

/** Marks "no exception to throw in" for `_step`, since any value can be thrown. */
const NO_EXC: unknown = Symbol('no exception');

type Gen = Generator<unknown, unknown, unknown>;

/**
 * Run a coroutine on the loop (asyncio's `Task`, a Future subclass).
 *
 * The task steps its coroutine with `next`/`throw`. What the coroutine yields
 * decides what happens next:
 * - a Future (or Task): the task sleeps until it is done, then resumes with its
 *   result, or throws its exception at the yield point;
 * - a coroutine object: it runs inside this task, on a stack of generators,
 *   with no extra loop iteration, as `yield from` does (not as a sub-Task);
 * - a Promise or thenable: waited for like a Future;
 * - `null`/`undefined`: the task resumes on the next loop iteration;
 * - a Lock, Semaphore or Condition: acquired, resuming with a guard;
 * - anything else: a `RuntimeError` mentioning "bad yield" is thrown in.
 *
 * `cancel()` throws `CancelledError` into the coroutine at its yield point,
 * after cancelling the future it waits on. A coroutine that catches the
 * cancellation may go on and finish normally.
 */
export class Task<T = unknown> extends Future<T> {
  /** @internal The root coroutine. */ _coro: Gen;
  /** @internal Generators being run, the root first; the last one is running. */ _stack: Gen[];
  /** @internal The future this task waits on. */ _fut_waiter: Future<unknown> | null = null;
  /** @internal Throw `CancelledError` in at the next step. */ _must_cancel = false;
  /** @internal Report if collected while pending (off for tasks the loop made itself). */
  _log_destroy_pending = true;

  // Made once per task so that scheduling a step allocates no closure.
  private readonly _step_soon = (): void => this._step(undefined, NO_EXC);
  /** @internal */
  readonly _wakeup = (future: Future<unknown>): void => {
    if (future._state === 'FINISHED') {
      if (future._exception === null) {
        this._step(future._result, NO_EXC);
      } else {
        future._retrieved();
        this._step(undefined, future._exception);
      }
    } else {
      this._step(undefined, new CancelledError());
    }
  };

  constructor(coro: Generator<unknown, T, unknown>, options?: FutureOptions) {
    if (!iscoroutine(coro)) {
      throw new TypeError(`a coroutine was expected, got ${repr(coro)}`);
    }
    super(options);
    this._coro = coro as Gen;
    this._stack = [coro as Gen];
    this._loop._call_soon(this._step_soon, null);
    this._loop._tasks.add(this as Task<unknown>);
  }

  /** The task whose step is running on `loop` (default: the current loop), or `null`. */
  static current_task(loop?: AbstractEventLoop | null): Task<unknown> | null {
    return ((loop ?? get_event_loop()) as BaseEventLoop)._current_task;
  }

  /** The pending tasks of `loop` (default: the current loop). */
  static all_tasks(loop?: AbstractEventLoop | null): Set<Task<unknown>> {
    return new Set(((loop ?? get_event_loop()) as BaseEventLoop)._tasks);
  }

  /**
   * Request cancellation: `CancelledError` is thrown into the coroutine at its
   * yield point on its next step. Returns `false` if the task is already done.
   * Right after this call `cancelled()` is still `false`; it becomes `true` if
   * the coroutine lets the `CancelledError` escape.
   */
  override cancel(): boolean {
    this._retrieved();
    if (this._state !== 'PENDING') return false;
    // If the waited-on future accepts the cancellation, _wakeup throws
    // CancelledError in; it may be a task that ignores it, so keep waiting.
    if (this._fut_waiter !== null && this._fut_waiter.cancel()) return true;
    this._must_cancel = true;
    return true;
  }

  /** @internal */
  override _kind(): string {
    return 'Task';
  }

  /**
   * Advance the coroutine with a value or an exception, running nested
   * coroutines inline until something must be waited for.
   * @internal
   */
  _step(value: unknown, exc: unknown): void {
    if (this._state !== 'PENDING') {
      throw new RuntimeError(`_step(): already done: ${this}, ${repr(value)}, ${repr(exc)}`);
    }
    if (this._must_cancel) {
      if (!(exc instanceof CancelledError)) exc = new CancelledError();
      this._must_cancel = false;
    }
    this._fut_waiter = null;
    const loop = this._loop;
    const previous = loop._current_task;
    loop._current_task = this as Task<unknown>;
    try {
      this._run(value, exc);
    } finally {
      loop._current_task = previous;
    }
  }

  private _run(value: unknown, exc: unknown): void {
    const stack = this._stack;
    for (;;) {
      const gen = stack[stack.length - 1]!;
      let step: IteratorResult<unknown, unknown>;
      try {
        step = exc === NO_EXC ? gen.next(value) : gen.throw(exc);
      } catch (error) {
        stack.pop();
        if (error instanceof Return) {
          error.raised = true;
          value = error.value;
          exc = NO_EXC;
        } else {
          value = undefined;
          exc = error;
        }
        if (stack.length === 0) return this._finish(value, exc);
        continue;
      }
      if (step.done === true) {
        stack.pop();
        value = step.value;
        exc = NO_EXC;
        if (stack.length === 0) return this._finish(value, NO_EXC);
        continue;
      }
      let yielded = step.value;
      if (yielded instanceof FromWrapper) yielded = yielded.obj;
      if (yielded instanceof Future) return this._wait_for(yielded);
      if (iscoroutine(yielded)) {
        stack.push(yielded);
        value = undefined;
        exc = NO_EXC;
        continue;
      }
      if (yielded === null || yielded === undefined) {
        this._loop._call_soon(this._step_soon, null);
        return;
      }
      if (is_thenable(yielded)) return this._wait_for(wrap_future(yielded, { loop: this._loop }));
      const acquire = (yielded as { _acquire_guard?: unknown })._acquire_guard;
      if (typeof acquire === 'function') {
        return this._wait_for((acquire as () => Future<unknown>).call(yielded));
      }
      return this._throw_soon(new RuntimeError(`Task got bad yield: ${repr(yielded)}`));
    }
  }

  private _wait_for(future: Future<unknown>): void {
    if (future._loop !== this._loop) {
      return this._throw_soon(
        new RuntimeError(`Task ${this} got Future ${future} attached to a different loop`),
      );
    }
    if (future === (this as Future<unknown>)) {
      return this._throw_soon(new RuntimeError(`Task cannot await on itself: ${this}`));
    }
    future.add_done_callback(this._wakeup);
    this._fut_waiter = future;
    if (this._must_cancel && future.cancel()) this._must_cancel = false;
  }

  private _throw_soon(error: Error): void {
    this._loop._call_soon((e: unknown) => this._step(undefined, e), [error]);
  }

  private _finish(value: unknown, exc: unknown): void {
    this._loop._tasks.delete(this as Task<unknown>);
    if (exc === NO_EXC) this.set_result(value as T);
    else if (exc instanceof CancelledError) super.cancel();
    else this.set_exception(exc);
  }

  /** @internal */
  override _repr_info(): string[] {
    const info = super._repr_info();
    if (this._must_cancel) info[0] = 'cancelling';
    const top = this._stack[this._stack.length - 1];
    const where = this._state === 'PENDING' ? 'running' : 'done';
    info.splice(1, 0, `coro=<${coroutine_name(top ?? this._coro)}() ${where}>`);
    if (this._fut_waiter !== null) info.splice(2, 0, `wait_for=${this._fut_waiter}`);
    return info;
  }
}

/** The task running on `loop` (default: the current loop), or `null` (asyncio 3.7's `current_task`). */
export function current_task(loop?: AbstractEventLoop | null): Task<unknown> | null {
  return Task.current_task(loop);
}

/** The pending tasks of `loop` (default: the current loop), as a `Set` (asyncio 3.7's `all_tasks`). */
export function all_tasks(loop?: AbstractEventLoop | null): Set<Task<unknown>> {
  return Task.all_tasks(loop);
}
