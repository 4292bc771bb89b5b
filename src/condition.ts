// Condition: a condition variable for coroutines, over a Lock (asyncio locks.py Condition).
//
// Its waits are `_Waiter` Futures as those of locks.ts, and as lossless: a
// cancelled wait() re-acquires the lock before it ends, and a notification
// its waiter can no longer use goes to the next waiter.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { Deque } from './deque.js';
import { RuntimeError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { Lock, _waiters_info, type LockOptions } from './locks.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import {
  _Waiter,
  _is_options,
  _multiple_values,
  _next_pending,
  type LockGuard,
  type Releasable,
} from './waiters.js';

/** Options of `new Condition()`: its `lock` (asyncio's positional-or-keyword argument) and `loop`. */
export interface ConditionOptions extends LockOptions {
  /** The lock to use (default: a new `Lock`). */
  lock?: Lock | null;
}

/** Options of `Condition.notify()`: asyncio's `n`. */
export interface NotifyOptions {
  /** How many waiters to wake at most (default 1). */
  n?: number;
}

/** Options of `Condition.wait_for()`: asyncio's `predicate`. */
export interface ConditionWaitForOptions<R> {
  /** What to wait for: a function whose truthy result ends the wait. */
  predicate: () => R;
}

const CONDITION_OPTIONS: OptionSpec = { lock: ['object', 'null'], loop: LOOP_KINDS };
const NOTIFY_OPTIONS: OptionSpec = { n: ['number'] };
const WAIT_FOR_OPTIONS: OptionSpec = { predicate: ['function'] };

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
        if (cond._waiters.remove(this)) cond._lock._enqueue(this);
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

  /**
   * The task that waited on this through `wait_for()`, `gather()` or
   * `shield()` was cancelled after the wait ended, before it resumed: it gets
   * `CancelledError` holding the lock, as a cancelled `wait()` does, and the
   * notification goes to the next waiter (asyncio 3.13 notifies another one
   * when wait() raises after it was woken).
   * @internal
   */
  override _result_dropped(): void {
    if (this._state !== 'FINISHED' || this._exception !== null) return;
    this._state = 'CANCELLED';
    this._result = undefined;
    this._cond._notify(1);
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
      this._cancel_message = inner._cancel_message;
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

  /**
   * The task that waited on this through `wait_for()`, `gather()` or
   * `shield()` was cancelled before it resumed: as for `cancel()` after the
   * result, the notification that produced it goes to the next waiter.
   * @internal
   */
  override _result_dropped(): void {
    if (this._state !== 'FINISHED' || this._exception !== null) return;
    this._state = 'CANCELLED';
    this._result = undefined;
    if (this._notified) this._cond._notify(1);
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
  /** @internal */ _loop: _LoopInternals;
  /** @internal */ readonly _lock: Lock;
  /** @internal Waiting for a notification, oldest first. */
  _waiters = new Deque<_ConditionWaiter>(1);

  /**
   * @param lock - the lock to use (default: a new `Lock`); it must belong to
   *   the same loop, else `ValueError('loop argument must agree with lock')`.
   * @param options - `loop`: default `get_event_loop()`; `lock`, when it is
   *   not given by position (`new Condition({lock, loop})`).
   */
  constructor(lock?: Lock | null, options?: ConditionOptions | null);
  constructor(options?: ConditionOptions | null);
  constructor(lock?: Lock | ConditionOptions | null, options?: ConditionOptions | null) {
    const where = new.target.name;
    if (options === undefined && _is_options(lock)) {
      options = lock;
      lock = null;
    }
    const checked = check_options(where, options, CONDITION_OPTIONS);
    if (checked.lock !== undefined && checked.lock !== null) {
      if (lock !== undefined && lock !== null) throw _multiple_values(where, 'lock');
      lock = checked.lock;
    }
    this._loop = _loop_of(checked.loop, `${where}()`);
    if (lock === null || lock === undefined) {
      lock = new Lock({ loop: this._loop });
    } else if (!(lock instanceof Lock)) {
      throw new TypeError(`${where}() needs a Lock, got ${repr(lock)}`);
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
    this._waiters.push(waiter);
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
  wait_for<R>(predicate: (() => R) | ConditionWaitForOptions<R>): Future<R> {
    if (_is_options(predicate)) {
      const options = predicate as ConditionWaitForOptions<R>;
      predicate = check_options('wait_for', options, WAIT_FOR_OPTIONS).predicate as () => R;
    }
    if (typeof predicate !== 'function') {
      throw new TypeError(`wait_for() needs a predicate function, got ${repr(predicate)}`);
    }
    return new _PredicateWaiter(this, predicate);
  }

  /**
   * Wake up to `n` waiters (default 1; `notify(2)` or `notify({n: 2})`),
   * oldest first. Each resumes once it has re-acquired the lock. Throws
   * `RuntimeError('cannot notify on un-acquired lock')` if the lock is not held.
   */
  notify(n: number | NotifyOptions = 1): void {
    if (typeof n !== 'number') n = notify_count(n);
    if (!this.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    this._notify(n);
  }

  /** Wake every waiter (`RuntimeError` if the lock is not held). */
  notify_all(): void {
    this.notify(this._waiters.length);
  }

  /** Wake up to `n` waiters: each queues for the lock. @internal */
  _notify(n: number): void {
    for (let woken = 0; woken < n; woken++) {
      const waiter = _next_pending(this._waiters);
      if (waiter === undefined) return;
      this._lock._enqueue(waiter);
    }
  }

  toString(): string {
    return `<${this.constructor.name} [${_waiters_info(this.locked() ? 'locked' : 'unlocked', this._waiters.length)}]>`;
  }
}

/** The count of `notify()` given as options, checked. */
function notify_count(options: NotifyOptions): number {
  if (!_is_options(options)) {
    throw new TypeError(`notify() argument 'n' must be a number, not ${repr(options)}`);
  }
  return check_options<NotifyOptions>('notify', options, NOTIFY_OPTIONS).n ?? 1;
}
