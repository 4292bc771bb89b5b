// Future: a result that arrives later, with done callbacks scheduled on the loop (asyncio futures.py).

import { LOOP_INTERNALS, _loop_of, type _LoopInternals } from './loop_internals.js';
import type { AbstractEventLoop } from './events.js';
import { CancelledError, InvalidStateError } from './exceptions.js';
import { created_at, extract_stack, repr } from './format_helpers.js';
import { LazyPromise } from './lazy_promise.js';
import { is_thenable } from './thenable.js';
import { queue_microtask } from './microtask.js';

type State = 'PENDING' | 'CANCELLED' | 'FINISHED';

/**
 * A done callback: called with the future, through `loop.call_soon`, once it
 * is done. (Declared method-style so that `Future<number>` stays assignable
 * to `Future<unknown>`.)
 */
export type DoneCallback<T> = {
  /** Called with the future once it is done. */
  bivariant(future: Future<T>): unknown;
}['bivariant'];

/** Options of `new Future()`: asyncio's keyword-only `loop`. */
export interface FutureOptions {
  /** The loop the future belongs to; default `get_event_loop()`. */
  loop?: AbstractEventLoop | null;
}

/**
 * What `yield* From(x)` delegates to: an iterable that yields the awaited
 * object to the Task once and returns the value the Task sends back.
 */
export interface YieldFrom<T> {
  /** The iterator `yield*` runs: it yields the awaited object once and returns its result. */
  [Symbol.iterator](): Iterator<unknown, T, unknown>;
}

/**
 * A task waiting on a future: it is queued itself when the future is done,
 * instead of through a done callback and a Handle (no allocation per wakeup).
 * Its run then takes the outcome from the future it waits on.
 * @internal
 */
export interface Waiter {
  _run(): void;
}

/**
 * What few futures need, kept out of the Future itself so that the many that
 * never need it stay small (one Future is made per await): the `cancel()`
 * message and, in debug mode, where the future was made.
 * @internal
 */
export class FutureExtra {
  cancel_message: string | null = null;
  source_traceback: string | null = null;
}

const FUTURE_OPTION_KEYS: readonly string[] = /* @__PURE__ */ Object.freeze(['loop']);

/**
 * The loop of a Future's or Task's options, checked: an unknown key or a
 * `loop` that is not an event loop is a `TypeError` (asyncio's keyword-only
 * arguments). Inline rather than `check_options()`: one Future is made per
 * await on the hot path, and its options have one or two keys.
 * @internal
 */
function options_loop(
  future: Future<unknown>,
  options: { loop?: AbstractEventLoop | null } | undefined,
): _LoopInternals {
  const kind = future._kind();
  if (options === undefined || options === null) return _loop_of(null, kind + '()');
  for (const key in options) {
    if (!future._option_keys.includes(key)) {
      throw new TypeError(`${kind}() got an unexpected keyword argument '${key}'`);
    }
  }
  return _loop_of(options.loop, kind + '()');
}

/** Held by the finalization registry for a failed future nobody looked at. */
interface UnretrievedException {
  loop: _LoopInternals;
  kind: string;
  exception: unknown;
  source_traceback: string | null;
}

// A future whose exception was never retrieved is reported when it is
// garbage-collected (asyncio: Future.__del__). Only failed futures register.
const unretrieved = /* @__PURE__ */ new FinalizationRegistry<UnretrievedException>((held) => {
  const context: Parameters<_LoopInternals['call_exception_handler']>[0] = {
    message: `${held.kind} exception was never retrieved`,
    exception: held.exception,
  };
  if (held.source_traceback) context.source_traceback = held.source_traceback;
  held.loop.call_exception_handler(context);
});

/**
 * A result that is not available yet (asyncio's `Future`).
 *
 * Done callbacks never run inline: completing the future schedules each one
 * with `loop.call_soon(cb, future)`, in registration order. A Future is a lazy
 * thenable, so `await fut` works in an `async function`; it makes no Promise
 * until `then` is called, so a failed future nobody awaits never becomes an
 * unhandled rejection (it is reported as "exception was never retrieved").
 * `yield From(fut)` and `yield* fut` wait for it in a coroutine.
 */
export class Future<T = unknown> implements PromiseLike<T>, YieldFrom<T> {
  /** @internal */ _state: State = 'PENDING';
  /** @internal */ _result: T | undefined = undefined;
  /** @internal `null` when there is none. */ _exception: unknown = null;
  /** @internal */ _loop: _LoopInternals;
  // Done callbacks and waiting tasks, in registration order: the first in its
  // own slot (most futures have exactly one, a waiting task), the rest in an array.
  /** @internal */ _callback0: DoneCallback<T> | Waiter | null = null;
  /** @internal */ _callbacks: (DoneCallback<T> | Waiter)[] | null = null;
  /** @internal */ _log_traceback = false;
  /** @internal State few futures need (see `FutureExtra`); `null` until one is needed. */
  _extra: FutureExtra | null = null;

  /**
   * @param options - `loop`: the loop the future belongs to (default: the
   *   current loop).
   */
  constructor(options?: FutureOptions);
  /**
   * Internal callers pass their loop itself: one Future is made per await,
   * so they skip checking an options object.
   * @internal
   */
  constructor(options?: FutureOptions | _LoopInternals);
  constructor(options?: FutureOptions | _LoopInternals) {
    this._loop =
      options !== undefined && options !== null && LOOP_INTERNALS in options
        ? (options as _LoopInternals)
        : options_loop(this, options as FutureOptions | undefined);
    if (this._loop._debug) this._source_traceback = extract_stack();
  }

  /** @internal The rare state, made on first use (a Task makes a `TaskExtra`). */
  _make_extra(): FutureExtra {
    return (this._extra ??= new FutureExtra());
  }

  /**
   * Whether the loop itself keeps a pending future of this class alive (a
   * sleep's timer, a task in its list): a task waiting on one needs no weak
   * registration. Subclasses override the getter. @internal
   */
  get _held_by_loop(): boolean {
    return false;
  }

  /** @internal The keys the constructor's options may have. */
  get _option_keys(): readonly string[] {
    return FUTURE_OPTION_KEYS;
  }

  /** @internal Where the future was made, in debug mode. */
  get _source_traceback(): string | null {
    return this._extra === null ? null : this._extra.source_traceback;
  }
  /** @internal */
  set _source_traceback(stack: string | null) {
    this._make_extra().source_traceback = stack;
  }

  /** @internal What `cancel(msg)` was given: the message of the `CancelledError` it leads to. */
  get _cancel_message(): string | null {
    return this._extra === null ? null : this._extra.cancel_message;
  }
  /** @internal */
  set _cancel_message(msg: string | null) {
    if (msg !== null || this._extra !== null) this._make_extra().cancel_message = msg;
  }

  /** The loop this future belongs to. */
  get_loop(): AbstractEventLoop {
    return this._loop;
  }

  /**
   * Cancel the future and schedule its callbacks. Returns `false` if it was
   * already done or cancelled, else `true`. `msg` becomes the message of the
   * `CancelledError` that `result()` and its awaiters get (asyncio 3.9).
   */
  cancel(msg?: string | null): boolean {
    if (this._state !== 'PENDING') return false;
    this._state = 'CANCELLED';
    if (msg !== undefined && msg !== null) this._cancel_message = String(msg);
    this._schedule_callbacks();
    return true;
  }

  /** The `CancelledError` a cancelled future raises, with the `cancel()` message. @internal */
  _make_cancelled_error(): CancelledError {
    return new CancelledError(this._cancel_message ?? '');
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    return this._state === 'CANCELLED';
  }

  /** Whether the future has a result, an exception, or was cancelled. */
  done(): boolean {
    return this._state !== 'PENDING';
  }

  /**
   * The result; throws the exception if one was set, `CancelledError` if
   * cancelled, and `InvalidStateError` if not done yet.
   */
  result(): T {
    if (this._state === 'CANCELLED') throw this._make_cancelled_error();
    if (this._state === 'PENDING') throw new InvalidStateError('Result is not ready.');
    this._retrieved();
    if (this._exception !== null) throw this._exception;
    return this._result as T;
  }

  /** The exception, or `null` if the future has a result; throws like `result()` otherwise. */
  exception(): unknown {
    if (this._state === 'CANCELLED') throw this._make_cancelled_error();
    if (this._state === 'PENDING') throw new InvalidStateError('Exception is not set.');
    this._retrieved();
    return this._exception;
  }

  /** Call `fn(future)` once the future is done, through `loop.call_soon` (at once if already done). */
  add_done_callback(fn: DoneCallback<T>): void {
    if (this._state !== 'PENDING') this._loop._call_soon(fn, [this]);
    else this._push_callback(fn);
  }

  /** Queue `waiter` once the future is done (at once if it is). @internal */
  _add_waiter(waiter: Waiter): void {
    if (this._state !== 'PENDING') this._loop._schedule(waiter);
    else this._push_callback(waiter);
  }

  /** Register a done callback or waiting task of a pending future. @internal */
  _push_callback(entry: DoneCallback<T> | Waiter): void {
    if (this._callback0 === null) this._callback0 = entry;
    else if (this._callbacks === null) this._callbacks = [entry];
    else this._callbacks.push(entry);
  }

  /** Every done callback and waiting task, in registration order. @internal */
  _callback_entries(): (DoneCallback<T> | Waiter)[] {
    if (this._callback0 === null) return [];
    return this._callbacks === null ? [this._callback0] : [this._callback0, ...this._callbacks];
  }

  /** Remove every registration of `fn`; returns how many were removed. */
  remove_done_callback(fn: DoneCallback<T>): number {
    const entries = this._callback_entries();
    const kept = entries.filter((cb) => cb !== fn);
    const removed = entries.length - kept.length;
    if (removed > 0) {
      this._callback0 = kept[0] ?? null;
      this._callbacks = kept.length > 1 ? kept.slice(1) : null;
    }
    return removed;
  }

  /** Mark the future done with a result and schedule its callbacks. */
  set_result(result: T): void {
    if (this._state !== 'PENDING') throw new InvalidStateError(`${this._state}: ${this}`);
    this._result = result;
    this._state = 'FINISHED';
    this._schedule_callbacks();
  }

  /**
   * Mark the future done with an exception and schedule its callbacks. An
   * error class is instantiated, as asyncio does. Anything but an object (an
   * `Error`, usually) is refused with `TypeError`, as asyncio refuses what is
   * not an exception.
   */
  set_exception(exception: unknown): void {
    if (this._state !== 'PENDING') throw new InvalidStateError(`${this._state}: ${this}`);
    if (typeof exception === 'function') exception = new (exception as new () => unknown)();
    if (exception === null || typeof exception !== 'object') {
      throw new TypeError(`invalid exception object: ${repr(exception)}`);
    }
    this._set_exception(exception);
  }

  /**
   * Fail with whatever was thrown, as it is: JavaScript code may throw any
   * value, and a task or a combinator passes on what it caught.
   * @internal
   */
  _set_exception(exception: unknown): void {
    if (this._state !== 'PENDING') throw new InvalidStateError(`${this._state}: ${this}`);
    // null marks "no exception" here, so neither it nor undefined can be stored as one.
    if (exception === undefined || exception === null) {
      exception = new Error(`threw ${String(exception)}`);
    }
    this._exception = exception;
    this._state = 'FINISHED';
    this._schedule_callbacks();
    this._log_traceback = true;
    // V8 keeps an error's stack frames, receivers included (often this very
    // future or its task), until `stack` is first read. Reading it now stops
    // the registry's held value from keeping the future alive.
    if (exception instanceof Error) void exception.stack;
    unretrieved.register(
      this,
      {
        loop: this._loop,
        kind: this._kind(),
        exception,
        source_traceback: this._source_traceback,
      },
      this,
    );
  }

  /** Set the result unless the future was cancelled (used by timers). @internal */
  _set_result_unless_cancelled(result: T): void {
    if (this._state === 'PENDING') this.set_result(result);
  }

  /** Schedule every done callback, in registration order. @internal */
  _schedule_callbacks(): void {
    const first = this._callback0;
    if (first === null) return;
    const rest = this._callbacks;
    this._callback0 = null;
    this._callbacks = null;
    let args = this._dispatch(first, null);
    if (rest !== null) for (let i = 0; i < rest.length; i++) args = this._dispatch(rest[i]!, args);
  }

  /** Queue one entry: a waiting task itself, a function through call_soon (sharing `args`). */
  private _dispatch(entry: DoneCallback<T> | Waiter, args: unknown[] | null): unknown[] | null {
    if (typeof entry === 'function') {
      args ??= [this];
      this._loop._call_soon(entry, args);
    } else {
      this._loop._schedule(entry);
    }
    return args;
  }

  /**
   * A task waiting on this future was cancelled after the future finished but
   * before the task could take the result, so the result is thrown away.
   * Futures whose result is a resource (a lock's permit, a queue's item)
   * override this to hand it back; futures made of others pass it on.
   * @internal
   */
  _result_dropped(): void {}

  /**
   * Whether a task cancelled after this future finished, before it took the
   * result, may throw the result away (it then calls `_result_dropped()` and
   * raises `CancelledError`). A result that can no longer be taken back (an
   * item already put in a queue, a scope body that ran) says `false`: the
   * task takes it, and is cancelled at its next suspension point.
   * @internal
   */
  _result_droppable(): boolean {
    return true;
  }

  /** Mark the exception as seen, so it is not reported at collection. @internal */
  _retrieved(): void {
    if (this._log_traceback) {
      this._log_traceback = false;
      unretrieved.unregister(this);
    }
  }

  /** 'Future' or 'Task', for messages. @internal */
  _kind(): string {
    return 'Future';
  }

  /**
   * Promise interop: settle a new Promise with the outcome once the future is
   * done (a cancellation rejects with `CancelledError`). The Promise is made
   * only if it is used: `await fut` drops it (see `LazyPromise`).
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const reaction = new ThenReaction(this, onfulfilled, onrejected);
    if (this._state !== 'PENDING') {
      queue_microtask(() => reaction._settle());
    } else {
      this._push_callback(reaction);
      // Only a running loop settles it: with none, the await may wait forever.
      if (!this._loop.is_running()) this._loop._stalled_awaits.add(this);
    }
    return reaction;
  }

  /** `yield* fut` inside a coroutine waits for the future and evaluates to its result. */
  [Symbol.iterator](): Iterator<unknown, T, unknown> {
    return new FutureIterator<T>(this);
  }

  /** @internal */
  _repr_info(): string[] {
    const info = [this._state.toLowerCase()];
    if (this._state === 'FINISHED') {
      info.push(
        this._exception !== null
          ? `exception=${repr(this._exception)}`
          : `result=${repr(this._result)}`,
      );
    }
    const callbacks = this._callback_entries();
    if (callbacks.length > 0) {
      const names = callbacks.map((cb) =>
        typeof cb === 'function'
          ? (cb.name || 'anonymous') + '()'
          : `${cb.constructor.name}._wakeup()`,
      );
      info.push(
        `cb=[${names.length > 2 ? `${names[0]}, <${names.length - 2} more>, ${names.at(-1)}` : names.join(', ')}]`,
      );
    }
    return info;
  }

  toString(): string {
    return `<${this.constructor.name} ${this._repr_info().join(' ')}${created_at(this._source_traceback)}>`;
  }
}

/**
 * What `then()` registers on a pending future and returns: queued on the loop
 * like a waiting task once the future is done (no Handle, no closure), it
 * calls the callbacks and settles itself, then ends the loop's batch so that
 * the awaiting code resumes first.
 */
class ThenReaction<T, R1, R2> extends LazyPromise<R1 | R2> implements Waiter {
  constructor(
    private readonly _future: Future<T>,
    private readonly _onfulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined,
    private readonly _onrejected: ((reason: unknown) => R2 | PromiseLike<R2>) | null | undefined,
  ) {
    super();
  }

  _run(): void {
    this._settle();
    this._future._loop._yield_to_microtasks = true;
  }

  get _completes_no_future(): boolean {
    return true;
  }

  _settle(): void {
    const future = this._future;
    try {
      if (future._state === 'FINISHED' && future._exception === null) {
        const result = future._result as T;
        this._fulfil(this._onfulfilled ? this._onfulfilled(result) : (result as unknown as R1));
        return;
      }
      future._retrieved();
      const error =
        future._state === 'CANCELLED' ? future._make_cancelled_error() : future._exception;
      if (this._onrejected) this._fulfil(this._onrejected(error));
      else this._fail(error);
    } catch (err) {
      this._fail(err);
    }
  }

  override toString(): string {
    return `<then() of ${this._future}>`;
  }
}

/** The iterator behind `yield* fut`: yields the future once, returns what the Task sends back. */
class FutureIterator<T> implements Iterator<unknown, T, unknown> {
  private _started = false;
  constructor(private readonly _future: Future<T>) {}

  next(value?: unknown): IteratorResult<unknown, T> {
    if (this._started) return { done: true, value: value as T };
    this._started = true;
    return { done: false, value: this._future };
  }

  throw(error?: unknown): IteratorResult<unknown, T> {
    throw error;
  }

  return(value?: T): IteratorResult<unknown, T> {
    return { done: true, value: value as T };
  }
}

/** Whether `obj` is a trollius Future (or Task). */
export function isfuture(obj: unknown): obj is Future<unknown> {
  return obj instanceof Future;
}

/**
 * What `concurrent.futures.Future` offers and `wrap_future` chains to: an
 * executor's future (`ConcurrentFuture`), bound to no loop.
 */
export interface ConcurrentFutureLike<T> extends PromiseLike<T> {
  /** Cancel the work if it has not started; whether it is now cancelled. */
  cancel(): boolean;
  /** Whether the work was cancelled. */
  cancelled(): boolean;
  /** The work's result, once done without an exception. */
  result(): T;
  /** The work's exception once done (`null` or `undefined` if none). */
  exception(): unknown;
  /** Call `fn` once the work is done. */
  add_done_callback(fn: () => void): void;
}

function is_concurrent_future<T>(obj: PromiseLike<T>): obj is ConcurrentFutureLike<T> {
  const candidate = obj as Partial<ConcurrentFutureLike<T>>;
  return (
    typeof candidate.cancel === 'function' && typeof candidate.add_done_callback === 'function'
  );
}

/**
 * Wrap a Promise (or any thenable) in a Future of `loop`; a Future is returned
 * unchanged. Cancelling the wrapper cannot stop a Promise: its outcome is
 * then ignored. An executor's future (`ConcurrentFuture`) is chained both
 * ways, as asyncio does: cancelling the wrapper cancels it (work not yet
 * started never runs), and its cancellation cancels the wrapper.
 */
export function wrap_future<T>(
  future: PromiseLike<T> | Future<T>,
  options?: FutureOptions,
): Future<T> {
  if (future instanceof Future) return future;
  if (!is_thenable(future)) {
    throw new TypeError(`wrap_future() needs a Future or a Promise, got ${repr(future)}`);
  }
  const wrapper = new Future<T>(options);
  if (is_concurrent_future(future)) {
    chain_concurrent_future(future, wrapper);
    return wrapper;
  }
  future.then(
    (value) => {
      if (wrapper._state === 'PENDING') wrapper.set_result(value);
    },
    (error: unknown) => {
      if (wrapper._state === 'PENDING') {
        wrapper._set_exception(error ?? new Error(`Promise rejected with ${String(error)}`));
      }
    },
  );
  return wrapper;
}

function chain_concurrent_future<T>(source: ConcurrentFutureLike<T>, wrapper: Future<T>): void {
  wrapper.add_done_callback(() => {
    if (wrapper.cancelled()) source.cancel();
  });
  source.add_done_callback(() => {
    if (wrapper._state !== 'PENDING' || wrapper._loop.is_closed()) return;
    if (source.cancelled()) {
      wrapper.cancel();
      return;
    }
    const exception = source.exception();
    if (exception !== null && exception !== undefined) wrapper._set_exception(exception);
    else wrapper.set_result(source.result());
  });
}
