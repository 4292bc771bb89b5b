// Synchronization primitives for coroutines: Lock, Event, Condition, Semaphore, BoundedSemaphore (asyncio locks.py).
//
// Every waiting method (acquire, wait, hold) returns a plain Future, with no
// Task per call. A permit is handed straight to the oldest waiter when it is
// released, so waiters are served in FIFO order and nobody can barge in.
//
// Cancellation is lossless. A waiter's Future is a `_Waiter`: cancelling it
// while it waits removes it from the queue; cancelling it after it was
// granted a permit but before whoever waits on it has resumed (its done
// callbacks have not run yet) revokes the grant, and the permit goes to the
// next waiter. This closes the window where asyncio 3.5 loses a lock: a task
// cancelled in the same iteration as the release that woke it.

import type { BaseEventLoop } from './base_events.js';
import { get_event_loop, type AbstractEventLoop } from './events.js';
import { RuntimeError, ValueError } from './exceptions.js';
import { Future } from './futures.js';
import { LockGuard, _Waiter, type Releasable } from './waiters.js';

export { LockGuard } from './waiters.js';

/** Options of the lock constructors: asyncio's keyword-only `loop`. */
export interface LockOptions {
  /** The loop the primitive belongs to; default `get_event_loop()`, at construction. */
  loop?: AbstractEventLoop | null;
}

type LockEntry = _Waiter<unknown>;

function loop_of(options: LockOptions | null | undefined): BaseEventLoop {
  return (options?.loop ?? get_event_loop()) as BaseEventLoop;
}

/** A plain `{loop}` object passed where an optional positional argument could be. */
function is_options(x: unknown): x is LockOptions {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function waiters_info(extra: string, waiters: number): string {
  return waiters > 0 ? `${extra},waiters:${waiters}` : extra;
}

/**
 * A mutual-exclusion lock for coroutines (asyncio's `Lock`).
 *
 * `acquire()` resolves to `true` once the lock is held; `release()` hands it
 * to the oldest waiter, or unlocks it. Waiters are served in FIFO order.
 * Scoped use, Trollius' `with (yield From(lock)):`, is `using`:
 *
 * @example
 * const lock = new Lock();
 * const update = coroutine(function* () {
 *   using held = yield* From(lock);      // released when the block exits
 *   yield From(write_record());
 * });
 * // in an async function:
 * // await using held = await lock.hold();
 */
export class Lock implements Releasable {
  /** @internal */ _loop: BaseEventLoop;
  /** @internal Acquirers still waiting, oldest first. */ _waiters = new Set<LockEntry>();
  /** @internal */ _locked = false;

  /** @param options - `loop`: default `get_event_loop()`. */
  constructor(options?: LockOptions | null) {
    this._loop = loop_of(options);
  }

  /** Whether the lock is held (or was just handed to a waiter that has not resumed yet). */
  locked(): boolean {
    return this._locked;
  }

  /**
   * A Future resolving to `true` once the lock is acquired. Cancelling it
   * (or the task waiting on it) gives up the place in the queue.
   */
  acquire(): Future<true> {
    return this._enqueue(new _Waiter<true>(this._loop, this, true));
  }

  /**
   * A Future resolving to a `LockGuard` once the lock is acquired: the
   * async-function form of scoped use, `await using held = await lock.hold()`.
   */
  hold(): Future<LockGuard> {
    return this._enqueue(new _Waiter(this._loop, this, new LockGuard(this)));
  }

  /** What `yield From(lock)` waits for: `hold()`. The Task calls it. */
  _acquire_guard(): Future<LockGuard> {
    return this.hold();
  }

  /**
   * Release the lock: the oldest waiter gets it, or it becomes unlocked.
   * Throws `RuntimeError('Lock is not acquired.')` if it is not locked.
   */
  release(): void {
    if (!this._locked) throw new RuntimeError('Lock is not acquired.');
    this._wake_next();
  }

  /** Take the lock at once if it is free and nobody waits; else queue. @internal */
  _enqueue<W extends LockEntry>(waiter: W): W {
    if (!this._locked && this._waiters.size === 0) {
      this._locked = true;
      waiter._grant();
    } else {
      this._waiters.add(waiter);
    }
    return waiter;
  }

  /** Hand the lock to the oldest waiter, or unlock. @internal */
  _wake_next(): void {
    for (const waiter of this._waiters) {
      this._waiters.delete(waiter);
      if (waiter._state === 'PENDING') {
        waiter._grant();
        return;
      }
    }
    this._locked = false;
  }

  /** @internal */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean): void {
    if (granted) this._wake_next();
    else this._waiters.delete(waiter);
  }

  toString(): string {
    return `<${this.constructor.name} [${waiters_info(this._locked ? 'locked' : 'unlocked', this._waiters.size)}]>`;
  }
}

/**
 * A flag coroutines can wait for (asyncio's `Event`): `set()` wakes every
 * waiter, and `wait()` returns at once while the flag is set.
 */
export class Event {
  /** @internal */ _loop: BaseEventLoop;
  /** @internal Waiting, oldest first. */ _waiters = new Set<_Waiter<true>>();
  /** @internal */ _value = false;

  /** @param options - `loop`: default `get_event_loop()`. */
  constructor(options?: LockOptions | null) {
    this._loop = loop_of(options);
  }

  /** Whether the flag is set. */
  is_set(): boolean {
    return this._value;
  }

  /** Set the flag and wake every waiter. */
  set(): void {
    if (this._value) return;
    this._value = true;
    for (const waiter of this._waiters) if (waiter._state === 'PENDING') waiter._grant();
    this._waiters.clear();
  }

  /** Reset the flag: later `wait()` calls block until the next `set()`. */
  clear(): void {
    this._value = false;
  }

  /** A Future resolving to `true` once the flag is set (at once if it is). */
  wait(): Future<true> {
    const waiter = new _Waiter<true>(this._loop, this, true);
    if (this._value) waiter._grant();
    else this._waiters.add(waiter);
    return waiter;
  }

  /** @internal */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean): void {
    if (!granted) this._waiters.delete(waiter as _Waiter<true>);
  }

  toString(): string {
    return `<${this.constructor.name} [${waiters_info(this._value ? 'set' : 'unset', this._waiters.size)}]>`;
  }
}

/**
 * The Future of `Condition.wait()`. It waits for a notification, then for the
 * lock; cancelled, it still re-acquires the lock before it becomes cancelled.
 * @internal
 */
class _ConditionWaiter extends _Waiter<true> {
  /** @internal */ readonly _cond: Condition;
  /** @internal Cancelled by its consumer: becomes cancelled once it holds the lock. */
  _cancelling = false;

  constructor(cond: Condition) {
    super(cond._loop, null, true);
    this._cond = cond;
  }

  /** The lock is granted: finish, cancelled or not. @internal */
  override _grant(): void {
    if (this._cancelling) this._cancel_now();
    else this.set_result(true);
  }

  /**
   * Request cancellation: it takes effect once the lock is re-acquired, as in
   * asyncio (the waiting task gets `CancelledError` holding the lock). A
   * notification this waiter received goes to the next waiter instead.
   */
  override cancel(msg?: string | null): boolean {
    const cond = this._cond;
    if (this._state === 'PENDING') {
      if (!this._cancelling) {
        this._cancelling = true;
        this._cancel_message = msg ?? null;
        // Not notified yet: stop waiting and queue for the lock.
        if (cond._waiters.delete(this)) cond._lock._enqueue(this);
        // Notified and queued for the lock: the notification would be lost.
        else cond._notify(1);
      }
      return true;
    }
    if (!this._revocable()) return false;
    // Notified and holding the lock, but nobody saw it: cancelled, still holding it.
    this._state = 'CANCELLED';
    this._cancel_message = msg ?? null;
    this._result = undefined;
    cond._notify(1);
    return true;
  }
}

/**
 * The Future of `Condition.wait_for()`: a loop of `wait()`s, driven by done
 * callbacks instead of a Task.
 * @internal
 */
class _PredicateWaiter<R> extends _Waiter<R> {
  /** @internal */ readonly _cond: Condition;
  /** @internal */ readonly _predicate: () => R;
  /** @internal The wait() in progress. */ _inner: _ConditionWaiter | null = null;
  /** @internal The result came after a notification (not from the first check). */
  _notified = false;

  constructor(cond: Condition, predicate: () => R) {
    super(cond._loop, null, undefined as R);
    this._cond = cond;
    this._predicate = predicate;
    const result = predicate();
    if (result) this.set_result(result);
    else this._wait();
  }

  /** Wait for the next notification (throws if the lock is not held). @internal */
  private _wait(): void {
    const inner = this._cond.wait() as _ConditionWaiter;
    this._inner = inner;
    inner.add_done_callback(this._on_wakeup);
  }

  /** A wait() ended, holding the lock again: check the predicate. @internal */
  private readonly _on_wakeup = (inner: Future<true>): void => {
    this._inner = null;
    if (this._state !== 'PENDING') return;
    if (inner._state === 'CANCELLED') {
      this._cancel_now();
      return;
    }
    try {
      const result = this._predicate();
      if (result) {
        this._notified = true;
        this.set_result(result);
      } else {
        this._wait();
      }
    } catch (error) {
      this.set_exception(error);
    }
  };

  /**
   * Cancel: the wait() in progress re-acquires the lock first, as a
   * cancelled `wait()` does. A result nobody saw yet is dropped, and the
   * notification that produced it goes to the next waiter.
   */
  override cancel(msg?: string | null): boolean {
    if (this._state === 'PENDING') {
      if (this._inner !== null) return this._inner.cancel(msg);
      this._cancel_message = msg ?? null;
      this._cancel_now();
      return true;
    }
    if (!this._revocable()) return false;
    this._state = 'CANCELLED';
    this._cancel_message = msg ?? null;
    this._result = undefined;
    if (this._notified) this._cond._notify(1);
    return true;
  }
}

/**
 * A condition variable (asyncio's `Condition`): coroutines holding its lock
 * `wait()` until another one holding it calls `notify()`.
 *
 * `wait()` releases the lock, waits for a notification, and re-acquires the
 * lock before it resolves, even when it is cancelled (the waiting task then
 * gets `CancelledError` with the lock held). `yield From(cond)` and
 * `cond.hold()` acquire its lock as for a `Lock`.
 *
 * @example
 * const consumer = coroutine(function* () {
 *   using held = yield* From(cond);
 *   yield From(cond.wait_for(() => items.length > 0));
 *   return items.shift();
 * });
 */
export class Condition implements Releasable {
  /** @internal */ _loop: BaseEventLoop;
  /** @internal */ readonly _lock: Lock;
  /** @internal Waiting for a notification, oldest first. */
  _waiters = new Set<_ConditionWaiter>();

  /**
   * @param lock - the lock to use (default: a new `Lock`); it must belong to
   *   the same loop, else `ValueError('loop argument must agree with lock')`.
   * @param options - `loop`: default `get_event_loop()`.
   */
  constructor(lock?: Lock | null, options?: LockOptions | null);
  constructor(options?: LockOptions | null);
  constructor(lock?: Lock | LockOptions | null, options?: LockOptions | null) {
    if (is_options(lock)) {
      options = lock;
      lock = null;
    }
    this._loop = loop_of(options);
    if (lock === null || lock === undefined) {
      lock = new Lock({ loop: this._loop });
    } else if (!(lock instanceof Lock)) {
      throw new TypeError(`Condition() needs a Lock, got ${String(lock)}`);
    } else if (lock._loop !== this._loop) {
      throw new ValueError('loop argument must agree with lock');
    }
    this._lock = lock;
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /** Acquire the underlying lock: a Future resolving to `true`. */
  acquire(): Future<true> {
    return this._lock.acquire();
  }

  /** Release the underlying lock (`RuntimeError('Lock is not acquired.')` if not held). */
  release(): void {
    this._lock.release();
  }

  /** Acquire the underlying lock; resolves to a guard, for `await using`. */
  hold(): Future<LockGuard> {
    return this._lock.hold();
  }

  /** What `yield From(cond)` waits for: `hold()`. The Task calls it. */
  _acquire_guard(): Future<LockGuard> {
    return this._lock.hold();
  }

  /**
   * Release the lock, wait for `notify()`, re-acquire the lock; resolves to
   * `true`. Throws `RuntimeError('cannot wait on un-acquired lock')` at once
   * if the lock is not held.
   */
  wait(): Future<true> {
    if (!this.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
    const waiter = new _ConditionWaiter(this);
    this._waiters.add(waiter);
    this._lock.release();
    return waiter;
  }

  /**
   * Wait until `predicate()` is truthy and resolve to its value: check it
   * now, then after each notification, with the lock held (asyncio's
   * `while not predicate(): yield from cond.wait()`). The first check runs
   * at the call, so a throwing predicate, or a false one without the lock
   * (`RuntimeError('cannot wait on un-acquired lock')`), throws there; a
   * later throw fails the Future, with the lock held. Cancelled, it behaves
   * as a cancelled `wait()`.
   */
  wait_for<R>(predicate: () => R): Future<R> {
    if (typeof predicate !== 'function') {
      throw new TypeError(`wait_for() needs a predicate function, got ${String(predicate)}`);
    }
    return new _PredicateWaiter(this, predicate);
  }

  /**
   * Wake up to `n` waiters (default 1), oldest first. Each resumes once it has
   * re-acquired the lock. Throws `RuntimeError('cannot notify on un-acquired lock')`
   * if the lock is not held.
   */
  notify(n = 1): void {
    if (!this.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    this._notify(n);
  }

  /** Wake every waiter (`RuntimeError` if the lock is not held). */
  notify_all(): void {
    this.notify(this._waiters.size);
  }

  /** Wake up to `n` waiters: each queues for the lock. @internal */
  _notify(n: number): void {
    let woken = 0;
    for (const waiter of this._waiters) {
      if (woken >= n) break;
      this._waiters.delete(waiter);
      if (waiter._state !== 'PENDING') continue;
      woken++;
      this._lock._enqueue(waiter);
    }
  }

  toString(): string {
    return `<${this.constructor.name} [${waiters_info(this.locked() ? 'locked' : 'unlocked', this._waiters.size)}]>`;
  }
}

/**
 * A counter of permits (asyncio's `Semaphore`): `acquire()` takes one,
 * waiting while there is none; `release()` gives one back, to the oldest
 * waiter if there is one. `release()` may raise the count above its initial
 * value; `BoundedSemaphore` forbids that.
 *
 * @example
 * const slots = new Semaphore(3);
 * const fetch_one = coroutine(function* (url: string) {
 *   using held = yield* From(slots);    // at most 3 at once
 *   return yield* From(fetch(url));
 * });
 */
export class Semaphore implements Releasable {
  /** @internal */ _loop: BaseEventLoop;
  /** @internal Free permits. */ _value: number;
  /** @internal Acquirers still waiting, oldest first. */ _waiters = new Set<LockEntry>();

  /**
   * @param value - the initial number of permits (default 1); a negative one
   *   throws `ValueError('Semaphore initial value must be >= 0')`.
   * @param options - `loop`: default `get_event_loop()`.
   */
  constructor(value?: number | null, options?: LockOptions | null);
  constructor(options?: LockOptions | null);
  constructor(value?: number | LockOptions | null, options?: LockOptions | null) {
    if (is_options(value)) {
      options = value;
      value = null;
    }
    value ??= 1;
    if (typeof value !== 'number') {
      throw new TypeError(`Semaphore initial value must be a number, got ${String(value)}`);
    }
    if (!(value >= 0)) throw new ValueError('Semaphore initial value must be >= 0');
    this._value = value;
    this._loop = loop_of(options);
  }

  /** Whether no permit is free (`acquire()` would wait). */
  locked(): boolean {
    return this._value === 0;
  }

  /** A Future resolving to `true` once a permit is taken. */
  acquire(): Future<true> {
    return this._enqueue(new _Waiter<true>(this._loop, this, true));
  }

  /** A Future resolving to a guard once a permit is taken, for `await using`. */
  hold(): Future<LockGuard> {
    return this._enqueue(new _Waiter(this._loop, this, new LockGuard(this)));
  }

  /** What `yield From(sem)` waits for: `hold()`. The Task calls it. */
  _acquire_guard(): Future<LockGuard> {
    return this.hold();
  }

  /** Give a permit back: to the oldest waiter, else to the counter. */
  release(): void {
    this._wake_next();
  }

  /** @internal */
  _enqueue<W extends LockEntry>(waiter: W): W {
    if (this._value > 0 && this._waiters.size === 0) {
      this._value--;
      waiter._grant();
    } else {
      this._waiters.add(waiter);
    }
    return waiter;
  }

  /** Hand a permit to the oldest waiter, or count it free. @internal */
  _wake_next(): void {
    for (const waiter of this._waiters) {
      this._waiters.delete(waiter);
      if (waiter._state === 'PENDING') {
        waiter._grant();
        return;
      }
    }
    this._value++;
  }

  /** @internal */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean): void {
    if (granted) this._wake_next();
    else this._waiters.delete(waiter);
  }

  toString(): string {
    const extra = this.locked() ? 'locked' : `unlocked,value:${this._value}`;
    return `<${this.constructor.name} [${waiters_info(extra, this._waiters.size)}]>`;
  }
}

/**
 * A `Semaphore` that refuses to be released more often than acquired
 * (asyncio's `BoundedSemaphore`): `release()` throws
 * `ValueError('BoundedSemaphore released too many times')` when every permit
 * is already free.
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal The initial value: the most permits there can be. */
  readonly _bound_value: number;

  /**
   * @param value - the number of permits (default 1).
   * @param options - `loop`: default `get_event_loop()`.
   */
  constructor(value?: number | null, options?: LockOptions | null);
  constructor(options?: LockOptions | null);
  constructor(value?: number | LockOptions | null, options?: LockOptions | null) {
    super(value as number | null | undefined, options);
    this._bound_value = this._value;
  }

  /** Give a permit back; `ValueError` if that would exceed the initial value. */
  override release(): void {
    if (this._value >= this._bound_value) {
      throw new ValueError('BoundedSemaphore released too many times');
    }
    super.release();
  }
}
