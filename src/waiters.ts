// The lossless waiter Future, LockGuard and the option helpers shared by the locks, queues and barrier.
//
// A `_Waiter` is the Future a waiting method returns. Cancelling it while it
// waits removes it from its owner's queue; cancelling it after it was granted
// a permit or an item but before whoever waits on it resumed (its done
// callbacks have not run yet) revokes the grant, and the permit or item goes
// to the next waiter. A task that waited on it through `wait_for()`,
// `gather()` or `shield()` and is cancelled after the grant, before it
// resumed, drops the result: the waiter then hands the grant back the same way
// (`_result_dropped()`), unless the grant can no longer be taken back (an item
// already put, see `_result_droppable()`).

import type { _LoopInternals } from './loop_internals.js';
import './disposal.js'; // the types of Symbol.dispose and Symbol.asyncDispose (see there)
import type { Deque } from './deque.js';
import { Future, type DoneCallback, type Waiter } from './futures.js';
import { Handle, type Runnable } from './handles.js';

/**
 * Whether an argument is an object literal (or `Object.create(null)`): an
 * options object passed where an optional positional argument could be.
 * @internal
 */
export function _is_options(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A parameter given both by position and in the options object: Python's
 * `TypeError` for a keyword argument that repeats a positional one.
 * @internal
 */
export function _multiple_values(where: string, name: string): TypeError {
  return new TypeError(`${where}() got multiple values for argument '${name}'`);
}

/**
 * Take the oldest waiter that still waits off a FIFO of waiters (a Deque, not
 * a Set: taking the first item of a Set costs V8 a few hundred nanoseconds).
 * @internal
 */
export function _next_pending<W extends Future<unknown>>(waiters: Deque<W>): W | undefined {
  while (waiters.length > 0) {
    const waiter = waiters.shift()!;
    if (waiter._state === 'PENDING') return waiter;
  }
  return undefined;
}

/** What a `_Waiter` tells its owner when it is cancelled. @internal */
export interface _WaiterOwner {
  /**
   * `granted` is false for a waiter cancelled while it waited, true for one
   * whose grant (`value`: a permit, a queue item) was revoked before anyone saw it.
   */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean, value: unknown): void;
}

/**
 * The Future a primitive hands out to one waiter.
 *
 * Its first done callback, registered at construction and so run right
 * before those of whoever waits on it, marks its outcome delivered; so does
 * any look at the outcome (`done()`, `cancelled()`, `result()`, `exception()`,
 * `then()`). Done, the waiter queues itself alone, as a waiting task does: its
 * turn delivers the outcome, then runs the done callbacks and waiting tasks
 * registered after it, in order, where the loop would have run them (one
 * ready entry per grant, no Handle for itself). Until then a granted waiter can still be cancelled: `cancel()`
 * turns it into a cancelled Future (the done callbacks already scheduled read
 * the state when they run) and gives the grant back to its owner. Nobody can
 * tell the difference from a waiter cancelled just before the grant.
 * @internal
 */
export class _Waiter<T> extends Future<T> implements Waiter {
  /** @internal Its done callbacks have started: the outcome is seen. */
  _delivered = false;
  /** @internal Told about cancellations; `null` when the subclass handles them. */
  readonly _owner: _WaiterOwner | null;
  /** @internal What `_grant()` resolves the waiter to. */
  readonly _value: T;
  /** The done callbacks after its own, from its completion until its turn runs them. */
  private _after: (DoneCallback<T> | Waiter)[] | null = null;

  constructor(loop: _LoopInternals, owner: _WaiterOwner | null, value: T) {
    super(loop);
    this._owner = owner;
    this._value = value;
    this._push_callback(this);
  }

  /** Queue itself alone; its turn runs the other done callbacks (see the class). @internal */
  override _schedule_callbacks(): void {
    this._after = this._callbacks;
    this._callback0 = this._callbacks = null;
    this._loop._schedule(this);
  }

  /** Its turn: deliver the outcome, then run what waited on it, in order. @internal */
  _run(): void {
    this._deliver();
    const after = this._after;
    if (after === null) return;
    this._after = null;
    for (let i = 0; i < after.length; i++) {
      const entry = after[i]!;
      if (typeof entry === 'function') new Handle(entry, [this], this._loop)._run();
      else entry._run();
    }
  }

  /**
   * Delivering only marks the outcome seen, so the turn completes no Future
   * unless what waited on it may (a task); subclasses whose delivery does
   * more (a put() puts its item in) say `false`. @internal
   */
  get _completes_no_future(): boolean {
    const after = this._after;
    if (after === null) return true;
    for (const entry of after) {
      if (typeof entry === 'function' || (entry as Runnable)._completes_no_future !== true) {
        return false;
      }
    }
    return true;
  }

  /** Give the waiter what it waits for. @internal */
  _grant(): void {
    this.set_result(this._value);
  }

  /** The outcome is about to be seen. @internal */
  _deliver(): void {
    this._delivered = true;
  }

  /** Cancel as a plain Future does, without telling the owner. @internal */
  _cancel_now(): void {
    super.cancel();
  }

  /** Deliver the outcome if it is there and nobody has seen it yet. @internal */
  _observe(): void {
    if (!this._delivered && this._state === 'FINISHED') this._deliver();
  }

  /** Whether the wait is over. Seeing that it is makes the outcome final. */
  override done(): boolean {
    if (this._state === 'PENDING') return false;
    this._observe();
    return true;
  }

  /** Whether the wait was cancelled. Asking makes the outcome final. */
  override cancelled(): boolean {
    this._observe();
    return this._state === 'CANCELLED';
  }

  /** What the waiter was granted. Reading it makes the outcome final. */
  override result(): T {
    this._observe();
    return super.result();
  }

  /** The waiter's exception, if any. Reading it makes the outcome final. */
  override exception(): unknown {
    this._observe();
    return super.exception();
  }

  /**
   * `await` makes the outcome final at once, so an async function resumes
   * only after the grant took effect.
   */
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this._observe();
    return super.then(onfulfilled, onrejected);
  }

  /**
   * Whether a task cancelled before it took the grant may throw the result
   * away: a permit or an item got can always be handed back. A put() whose
   * item went in cannot (`_PutWaiter`); a Task asking this before it drops a
   * result then takes the result instead, and is cancelled at its next
   * suspension point.
   * @internal
   */
  override _result_droppable(): boolean {
    return true;
  }

  /**
   * The task that waited on this (directly, or through `wait_for`/`gather`/
   * `shield`) was cancelled before taking the grant: hand the permit or item
   * on, as a cancellation before the grant would have. The waiter reports
   * itself cancelled from then on, as its consumer does.
   * @internal
   */
  override _result_dropped(): void {
    if (this._state !== 'FINISHED' || this._exception !== null || this._owner === null) return;
    const value = this._result;
    this._state = 'CANCELLED';
    this._result = undefined;
    this._owner._waiter_cancelled(this as _Waiter<unknown>, true, value);
  }

  /** Whether the waiter was granted something nobody has seen yet. @internal */
  _revocable(): boolean {
    return this._state === 'FINISHED' && !this._delivered && this._exception === null;
  }

  /**
   * Cancel the wait. A waiter still waiting leaves its queue; one granted a
   * permit or an item that no one has seen yet is cancelled all the same and
   * the permit or item goes to the next waiter. Returns `false` once the
   * outcome was delivered.
   */
  override cancel(msg?: string | null): boolean {
    if (this._state === 'PENDING') {
      super.cancel(msg);
      this._owner?._waiter_cancelled(this as _Waiter<unknown>, false, undefined);
      return true;
    }
    if (!this._revocable()) return false;
    const value = this._result;
    this._state = 'CANCELLED';
    this._cancel_message = msg ?? null;
    this._result = undefined;
    this._owner?._waiter_cancelled(this as _Waiter<unknown>, true, value);
    return true;
  }
}

/** Anything a guard can release: a Lock, a Semaphore, a Condition. */
export interface Releasable {
  release(): void;
}

/**
 * What `yield From(lock)`, `yield* From(lock)` and `lock.hold()` give once the
 * lock (or semaphore, or condition) is acquired: it releases it once, at the
 * end of a `using` / `await using` scope, or when `release()` is called
 * (Trollius' `_ContextManager`, the value of `with (yield From(lock)):`).
 *
 * A guard releases at most once: after the first `release()` or dispose,
 * further calls do nothing, so releasing early inside a `using` scope is safe.
 *
 * @example
 * const worker = coroutine(function* () {
 *   using held = yield* From(lock);   // acquired here
 *   yield From(sleep(1));
 * });                                 // released here: on return, exception or cancellation
 */
export class LockGuard implements Disposable, AsyncDisposable {
  /** @internal What to release; `null` once released. */
  _lock: Releasable | null;

  /** @internal Made by the primitive, granted with the permit. */
  constructor(lock: Releasable) {
    this._lock = lock;
  }

  /** Whether this guard already released its lock. */
  get released(): boolean {
    return this._lock === null;
  }

  /** Release the lock, unless this guard already did. */
  release(): void {
    const lock = this._lock;
    if (lock === null) return;
    this._lock = null;
    lock.release();
  }

  /** `using held = ...` calls this at scope exit: same as `release()`. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using held = ...` calls this at scope exit: releases at once. */
  [Symbol.asyncDispose](): Promise<void> {
    try {
      this.release();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  toString(): string {
    return `<LockGuard ${this._lock === null ? 'released' : `of ${String(this._lock)}`}>`;
  }
}
