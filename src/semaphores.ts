// Semaphore and BoundedSemaphore: counters of permits for coroutines (asyncio locks.py).
//
// Their acquires are `_Waiter` Futures handed permits in FIFO order, and
// cancellation loses no permit, as for Lock (see locks.ts).

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { Deque } from './deque.js';
import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { _waiters_info, type LockOptions, type _LockEntry } from './locks.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import {
  LockGuard,
  _Waiter,
  _next_pending,
  _is_options,
  _multiple_values,
  type Releasable,
} from './waiters.js';

/** Options of `new Semaphore()` and `new BoundedSemaphore()`: `value` and `loop`. */
export interface SemaphoreOptions extends LockOptions {
  /** The initial number of permits (default 1). */
  value?: number | null;
}

const SEMAPHORE_OPTIONS: OptionSpec = { value: ['number', 'null'], loop: LOOP_KINDS };

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
  /** @internal */ _loop: _LoopInternals;
  /** @internal Free permits. */ _value: number;
  /** @internal Acquirers still waiting, oldest first. */ _waiters = new Deque<_LockEntry>(1);

  /**
   * @param value - the initial number of permits (default 1); a negative one
   *   throws `ValueError('Semaphore initial value must be >= 0')`.
   * @param options - `loop`: default `get_event_loop()`; `value`, when it is
   *   not given by position (`new Semaphore({value: 3})`).
   */
  constructor(value?: number | null, options?: SemaphoreOptions | null);
  constructor(options?: SemaphoreOptions | null);
  constructor(value?: number | SemaphoreOptions | null, options?: SemaphoreOptions | null) {
    const where = new.target.name;
    if (options === undefined && _is_options(value)) {
      options = value;
      value = null;
    }
    const checked = check_options(where, options, SEMAPHORE_OPTIONS);
    if (checked.value !== undefined && checked.value !== null) {
      if (value !== undefined && value !== null) throw _multiple_values(where, 'value');
      value = checked.value;
    }
    value ??= 1;
    if (typeof value !== 'number') {
      throw new TypeError(`Semaphore initial value must be a number, got ${repr(value)}`);
    }
    if (!(value >= 0)) throw new ValueError('Semaphore initial value must be >= 0');
    this._value = value;
    this._loop = _loop_of(checked.loop, `${where}()`);
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
  _enqueue<W extends _LockEntry>(waiter: W): W {
    if (this._value > 0 && this._waiters.length === 0) {
      this._value--;
      waiter._grant();
    } else {
      this._waiters.push(waiter);
    }
    return waiter;
  }

  /** Hand a permit to the oldest waiter, or count it free. @internal */
  _wake_next(): void {
    const waiter = _next_pending(this._waiters);
    if (waiter !== undefined) waiter._grant();
    else this._value++;
  }

  /** @internal */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean): void {
    if (granted) this._wake_next();
    else this._waiters.remove(waiter);
  }

  toString(): string {
    const extra = this.locked() ? 'locked' : `unlocked,value:${this._value}`;
    return `<${this.constructor.name} [${_waiters_info(extra, this._waiters.length)}]>`;
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
   * @param options - `loop`: default `get_event_loop()`; `value`, when it is
   *   not given by position (`new BoundedSemaphore({value: 3})`).
   */
  constructor(value?: number | null, options?: SemaphoreOptions | null);
  constructor(options?: SemaphoreOptions | null);
  constructor(value?: number | SemaphoreOptions | null, options?: SemaphoreOptions | null) {
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
