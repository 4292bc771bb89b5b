// Synchronization primitives for coroutines: Lock and Event (asyncio locks.py); see condition.ts and semaphores.ts for the rest.
//
// Every waiting method of the primitives (acquire, wait, hold; here, in
// condition.ts and in semaphores.ts) returns a plain Future, with no Task per
// call. A permit is handed straight to the oldest waiter when it is released,
// so waiters are served in FIFO order and nobody can barge in.
//
// Cancellation is lossless. A waiter's Future is a `_Waiter`: cancelling it
// while it waits removes it from the queue; cancelling it after it was
// granted a permit but before whoever waits on it has resumed (its done
// callbacks have not run yet) revokes the grant, and the permit goes to the
// next waiter. This closes the window where asyncio 3.5 loses a lock: a task
// cancelled in the same iteration as the release that woke it.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { Deque } from './deque.js';
import type { AbstractEventLoop } from './events.js';
import { RuntimeError } from './exceptions.js';
import type { Future } from './futures.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import { LockGuard, _Waiter, _next_pending, type Releasable } from './waiters.js';

export { LockGuard } from './waiters.js';

/** Options of the lock constructors: asyncio's keyword-only `loop`. */
export interface LockOptions {
  /** The loop the primitive belongs to; default `get_event_loop()`, at construction. */
  loop?: AbstractEventLoop | null;
}

const LOOP_OPTIONS: OptionSpec = { loop: LOOP_KINDS };

/** A waiting `acquire()` or `hold()` of a Lock or a Semaphore. @internal */
export type _LockEntry = _Waiter<unknown>;

/** The loop of a primitive's `{loop}` options, checked. */
function loop_of(where: string, options: LockOptions | null | undefined): _LoopInternals {
  return _loop_of(check_options(where, options, LOOP_OPTIONS).loop, `${where}()`);
}

/** The inside of a primitive's repr: its state, then its waiters if any. @internal */
export function _waiters_info(extra: string, waiters: number): string {
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
  /** @internal */ _loop: _LoopInternals;
  /** @internal Acquirers still waiting, oldest first. */ _waiters = new Deque<_LockEntry>(1);
  /** @internal */ _locked = false;

  /** @param options - `loop`: default `get_event_loop()`. */
  constructor(options?: LockOptions | null) {
    this._loop = loop_of(new.target.name, options);
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
  _enqueue<W extends _LockEntry>(waiter: W): W {
    if (!this._locked && this._waiters.length === 0) {
      this._locked = true;
      waiter._grant();
    } else {
      this._waiters.push(waiter);
    }
    return waiter;
  }

  /** Hand the lock to the oldest waiter, or unlock. @internal */
  _wake_next(): void {
    const waiter = _next_pending(this._waiters);
    if (waiter !== undefined) waiter._grant();
    else this._locked = false;
  }

  /** @internal */
  _waiter_cancelled(waiter: _Waiter<unknown>, granted: boolean): void {
    if (granted) this._wake_next();
    else this._waiters.remove(waiter);
  }

  /** The repr, as asyncio's: `<Lock [locked,waiters:1]>`. */
  toString(): string {
    return `<${this.constructor.name} [${_waiters_info(this._locked ? 'locked' : 'unlocked', this._waiters.length)}]>`;
  }
}

/**
 * A flag coroutines can wait for (asyncio's `Event`): `set()` wakes every
 * waiter, and `wait()` returns at once while the flag is set.
 */
export class Event {
  /** @internal */ _loop: _LoopInternals;
  /** @internal Waiting, oldest first. */ _waiters = new Set<_Waiter<true>>();
  /** @internal */ _value = false;

  /** @param options - `loop`: default `get_event_loop()`. */
  constructor(options?: LockOptions | null) {
    this._loop = loop_of(new.target.name, options);
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

  /** The repr, as asyncio's: `<Event [set]>`. */
  toString(): string {
    return `<${this.constructor.name} [${_waiters_info(this._value ? 'set' : 'unset', this._waiters.size)}]>`;
  }
}
