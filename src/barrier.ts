// Barrier: a fixed number of tasks wait for each other at a synchronization point (asyncio 3.11 locks.Barrier).
//
// asyncio builds its Barrier on a Condition; this one hands out plain Futures
// (`_BarrierWaiter`, a `_Waiter`), as the locks do. The states are asyncio's:
//
//   filling   - waiters arrive; the one that makes `parties` trips the barrier;
//   draining  - the round's waiters leave; newcomers block until all have left;
//   resetting - after reset(): the round's waiters leave with
//               BrokenBarrierError; newcomers block until all have left;
//   broken    - after abort(): every waiter, present and future, fails.
//
// A waiter of the round "leaves" when its outcome is delivered (its caller
// resumes, or looks at it), which is where asyncio's wait() decrements its
// count, or when it is cancelled. Until then it counts in `_count`, so a
// reset() or abort() reaches waiters that were released but have not resumed
// yet, as in asyncio. Waiters blocked while the barrier drained enter it in a
// callback once it is empty, as asyncio's wake up from the Condition: the task
// that left last runs on first, and a reset() it makes finds the barrier empty.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import type { AbstractEventLoop } from './events.js';
import { BrokenBarrierError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future } from './futures.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import { _Waiter, _is_options, _multiple_values } from './waiters.js';

/** Options of `new Barrier()`: `parties` (asyncio's positional-or-keyword argument) and `loop`. */
export interface BarrierOptions {
  /** How many tasks must call `wait()` to pass the barrier; an integer `>= 1`. */
  parties?: number;
  /** The loop the barrier belongs to; default `get_event_loop()`, at construction. */
  loop?: AbstractEventLoop | null;
}

/** asyncio's `_BarrierState` values, which its repr shows. */
type BarrierState = 'filling' | 'draining' | 'resetting' | 'broken';

const BARRIER_OPTIONS: OptionSpec = { parties: ['number'], loop: LOOP_KINDS };

function check_parties(where: string, parties: unknown): number {
  if (typeof parties !== 'number' || !Number.isInteger(parties)) {
    throw new TypeError(`${where}() parties must be an integer, got ${repr(parties)}`);
  }
  if (parties < 1) throw new ValueError('parties must be >= 1');
  return parties;
}

/**
 * The Future of one `wait()`. It resolves to the waiter's index once the
 * barrier trips, or fails with `BrokenBarrierError`; its delivery is where the
 * waiter leaves the barrier.
 * @internal
 */
class _BarrierWaiter extends _Waiter<number> {
  /** @internal */ readonly _barrier: Barrier;
  /** @internal Counted in the barrier's `_count`: arrived and not left yet. */
  _inside = false;

  constructor(barrier: Barrier) {
    super(barrier._loop, null, -1);
    this._barrier = barrier;
  }

  /** Its delivery makes it leave the barrier, which may trip it. @internal */
  override get _completes_no_future(): boolean {
    return false;
  }

  /** The outcome is about to be seen: the waiter leaves the barrier. @internal */
  override _deliver(): void {
    this._delivered = true;
    this._barrier._leave(this);
  }

  /**
   * The task that waited on this through `wait_for()`, `gather()` or
   * `shield()` was cancelled after the barrier let it through, before it
   * resumed: as for `cancel()` then, it leaves the round (it left already if
   * its outcome was delivered) and reports itself cancelled, as its task does;
   * the barrier stays in its state.
   * @internal
   */
  override _result_dropped(): void {
    if (this._state !== 'FINISHED' || this._exception !== null) return;
    this._state = 'CANCELLED';
    this._result = undefined;
    this._barrier._leave(this);
  }

  /** Fail a waiter of the round that has not resumed yet, as asyncio's wait() would. @internal */
  _break(): void {
    if (this._state === 'PENDING') {
      this.set_exception(new BrokenBarrierError('Abort or reset of barrier'));
    } else if (this._revocable()) {
      // Released but not resumed: in asyncio it re-checks the state on waking and raises.
      this._result = undefined;
      this._exception = new BrokenBarrierError('Abort or reset of barrier');
    }
  }

  /**
   * Cancel the wait: a waiter still filling leaves and the count goes down; a
   * blocked one leaves its queue; one released but not resumed leaves the
   * round. The barrier stays in its state, as asyncio documents.
   */
  override cancel(msg?: string | null): boolean {
    if (this._state === 'PENDING') {
      this._cancel_message = msg ?? null;
      this._cancel_now();
      this._barrier._waiter_cancelled(this);
      return true;
    }
    if (!this._revocable()) return false;
    this._state = 'CANCELLED';
    this._cancel_message = msg ?? null;
    this._result = undefined;
    this._barrier._leave(this);
    return true;
  }
}

/**
 * A barrier for a fixed number of tasks (asyncio 3.11's `Barrier`, the
 * asyncio equivalent of `threading.Barrier`): each task calls `wait()`, and
 * they are all released together once `parties` of them wait.
 *
 * `wait()` resolves to a different index for each task of a round, from 0 to
 * `parties - 1` (the task that trips the barrier gets `parties - 1`). While
 * the released tasks leave (the "draining" state) newcomers wait for the next
 * round. `reset()` sends the waiting tasks away with `BrokenBarrierError` and
 * empties the barrier for reuse; `abort()` breaks it: every current and later
 * `wait()` fails with `BrokenBarrierError` until `reset()`.
 *
 * Cancelling a waiter (or the task waiting on it) takes it out of the
 * barrier, which stays in its state: while filling, `n_waiting` goes down by
 * one. asyncio's `async with barrier as index` is `const index = yield
 * From(barrier.wait())`.
 *
 * @example
 * const barrier = new Barrier(3);
 * const worker = coroutine(function* (name: string) {
 *   yield From(prepare(name));
 *   const index = yield* From(barrier.wait());   // all three continue together
 *   if (index === 0) console.log('everyone is ready');
 * });
 * // in an async function:
 * // const index = await barrier.wait();
 */
export class Barrier {
  /** @internal */ _loop: _LoopInternals;
  /** @internal */ readonly _parties: number;
  /** @internal */ _state: BarrierState = 'filling';
  /** @internal Waiters inside: filling, or released and not left yet (asyncio's `_count`). */
  _count = 0;
  /** @internal Waiting for the round to fill, in arrival order. */
  _filling = new Set<_BarrierWaiter>();
  /** @internal Arrived while draining or resetting: they enter when the barrier is empty. */
  _blocked = new Set<_BarrierWaiter>();
  /** @internal The round released last: the waiters that have not left yet. */
  _released = new Set<_BarrierWaiter>();
  /** @internal `_unblock` is scheduled. */ _unblocking = false;

  /**
   * @param parties - how many tasks must wait to pass; an integer `>= 1`,
   *   else `ValueError('parties must be >= 1')` (`TypeError` for a non-integer).
   * @param options - `loop`: default `get_event_loop()`.
   */
  constructor(parties: number, options?: Omit<BarrierOptions, 'parties'> | null);
  constructor(options: BarrierOptions);
  constructor(parties: number | BarrierOptions, options?: BarrierOptions | null) {
    const where = new.target.name;
    let count: unknown = parties;
    if (options === undefined && _is_options(parties)) {
      options = parties;
      count = undefined;
    }
    const checked = check_options(where, options, BARRIER_OPTIONS);
    if (checked.parties !== undefined) {
      if (count !== undefined && count !== null) throw _multiple_values(where, 'parties');
      count = checked.parties;
    }
    this._parties = check_parties(where, count);
    this._loop = _loop_of(checked.loop, `${where}()`);
  }

  /** How many tasks must call `wait()` to pass the barrier. */
  get parties(): number {
    return this._parties;
  }

  /** How many tasks wait for the barrier to fill (0 unless it is filling). */
  get n_waiting(): number {
    return this._state === 'filling' ? this._count : 0;
  }

  /** Whether the barrier is broken (after `abort()`, until `reset()`). */
  get broken(): boolean {
    return this._state === 'broken';
  }

  /**
   * Wait until `parties` tasks wait, then resolve to this task's index
   * (0 to `parties - 1`, a different one for each task of the round). Fails
   * with `BrokenBarrierError` if the barrier is broken, or is aborted or reset
   * while this task waits.
   */
  wait(): Future<number> {
    const waiter = new _BarrierWaiter(this);
    if (this._state === 'broken') {
      waiter.set_exception(new BrokenBarrierError('Barrier aborted'));
    } else if (this._state === 'filling') {
      this._enter(waiter);
    } else {
      this._blocked.add(waiter);
    }
    return waiter;
  }

  /**
   * Return the barrier to its empty, filling state. Tasks waiting at it (or
   * released but not resumed yet) get `BrokenBarrierError`; tasks that arrive
   * meanwhile wait for the next round. Takes effect at the call; the Future
   * it returns (asyncio's is a coroutine) is already resolved to `null`.
   */
  reset(): Future<null> {
    if (this._count > 0) {
      this._state = 'resetting';
      this._break_waiters();
    } else {
      this._state = 'filling';
      this._schedule_unblock();
    }
    return this._done_future();
  }

  /**
   * Break the barrier: every task waiting at it, and every later `wait()`,
   * gets `BrokenBarrierError` until `reset()`. Use it when a party cannot go
   * on, so the others do not wait forever. Takes effect at the call; the
   * Future it returns is already resolved to `null`.
   */
  abort(): Future<null> {
    this._state = 'broken';
    this._break_waiters();
    for (const waiter of this._blocked)
      waiter.set_exception(new BrokenBarrierError('Barrier aborted'));
    this._blocked.clear();
    return this._done_future();
  }

  /** A waiter arrives in a filling barrier; the last one trips it. @internal */
  _enter(waiter: _BarrierWaiter): void {
    waiter._inside = true;
    this._count++;
    this._filling.add(waiter);
    if (this._filling.size === this._parties) this._release();
  }

  /**
   * Trip the barrier: release the round, indexes in arrival order (asyncio
   * numbers arrivals; counting only those still there keeps them distinct
   * when one was cancelled).
   * @internal
   */
  _release(): void {
    this._state = 'draining';
    let index = 0;
    for (const waiter of this._filling) {
      this._released.add(waiter);
      waiter.set_result(index++);
    }
    this._filling.clear();
  }

  /** Fail every waiter of the barrier that has not resumed yet. @internal */
  _break_waiters(): void {
    for (const waiter of this._filling) waiter._break();
    this._filling.clear();
    for (const waiter of this._released) waiter._break();
  }

  /**
   * A waiter leaves: delivered or cancelled. The last one to leave a
   * drained or reset barrier makes it fill again (asyncio's `_exit`).
   * @internal
   */
  _leave(waiter: _BarrierWaiter): void {
    if (!waiter._inside) return;
    waiter._inside = false;
    this._released.delete(waiter);
    this._count--;
    if (this._count === 0 && (this._state === 'draining' || this._state === 'resetting')) {
      this._state = 'filling';
      this._schedule_unblock();
    }
  }

  /** A waiter was cancelled before its round was released. @internal */
  _waiter_cancelled(waiter: _BarrierWaiter): void {
    if (this._blocked.delete(waiter)) return;
    if (this._filling.delete(waiter)) this._leave(waiter);
  }

  /** Let the blocked waiters in soon, unless that is already planned. @internal */
  _schedule_unblock(): void {
    if (this._blocked.size === 0 || this._unblocking) return;
    this._unblocking = true;
    this._loop.call_soon(this._unblock);
  }

  /**
   * Let the waiters that arrived while the barrier drained in, oldest first,
   * while it fills (a round they complete makes the rest wait again).
   * @internal
   */
  readonly _unblock = (): void => {
    this._unblocking = false;
    for (const waiter of this._blocked) {
      if (this._state !== 'filling') return;
      this._blocked.delete(waiter);
      this._enter(waiter);
    }
  };

  /** @internal */
  _done_future(): Future<null> {
    const done = new Future<null>(this._loop);
    done.set_result(null);
    return done;
  }

  /** The repr, as asyncio's: `<Barrier [filling, waiters:1/3]>`. */
  toString(): string {
    const extra = this.broken
      ? this._state
      : `${this._state}, waiters:${this.n_waiting}/${this._parties}`;
    return `<${this.constructor.name} [${extra}]>`;
  }
}
