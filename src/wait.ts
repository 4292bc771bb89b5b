// wait() and wait_for(): wait for futures with a condition or a deadline (asyncio tasks.py).

import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './constants.js';
import type { Awaitable } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { get_event_loop } from './event_loop_policy.js';
import type { Runnable, TimerHandle } from './handles.js';
import { TimeoutError, ValueError } from './exceptions.js';
import { Future } from './futures.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import {
  TIMEOUT_KINDS,
  TIMEOUT_OPTIONS,
  _ensure_future,
  check_iterable,
  check_timeout,
  copy_state,
  is_plain_object,
  multiple_values,
  type LoopOption,
} from './task_helpers.js';

const WAIT_OPTIONS: OptionSpec = {
  timeout: TIMEOUT_KINDS,
  return_when: ['string'],
  loop: LOOP_KINDS,
};

/** Options of `wait()`. */
export interface WaitOptions extends LoopOption {
  /** Seconds to wait at most; `null` waits as long as `return_when` needs. */
  timeout?: number | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (the default). */
  return_when?: typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
}

/** What `wait()` resolves to: the futures that are done, and the others. */
type DoneAndPending<T> = [Set<Future<T>>, Set<Future<T>>];

/** Whether `f`, just done, ends a `wait()` for `return_when` (asyncio's `_on_completion` test). */
function ends_wait(f: Future<unknown>, return_when: string): boolean {
  if (return_when === FIRST_COMPLETED) return true;
  return return_when === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null;
}

/**
 * The Future `wait()` returns while something is pending. When the condition
 * holds or the time is up, it sorts the futures and sets its result; then,
 * in the next iteration and right before its awaiters resume, it sorts them
 * again (it queues itself just before the callbacks its result queues). So,
 * as in asyncio's `_wait`, where the sort happens when the waiting coroutine
 * resumes, a future that finished meanwhile (in the same iteration as the
 * first one, or as the timeout) is in `done`, and none in `pending` is done.
 */
class WaitFuture<T> extends Future<DoneAndPending<T>> implements Runnable {
  private _timer: TimerHandle | null = null;

  constructor(
    loop: AbstractEventLoop,
    private readonly _fs: Set<Future<T>>,
    /** How many futures are still pending. */
    private _counter: number,
    private readonly _return_when: string,
    timeout: number | null,
  ) {
    super({ loop });
    for (const f of _fs) if (!f.done()) f.add_done_callback(this._on_completion);
    if (timeout !== null) this._timer = loop.call_later(timeout, release_waiter, this);
  }

  private readonly _on_completion = (f: Future<T>): void => {
    if (--this._counter <= 0 || ends_wait(f, this._return_when)) this._release();
  };

  /** The condition holds or the time is up. @internal */
  _release(): void {
    if (this._state !== 'PENDING') return;
    this._cleanup();
    this._loop._schedule(this);
    this.set_result(split_done(this._fs));
  }

  /** Right before the awaiters resume: move what finished since to `done`. @internal */
  _run(): void {
    const sets = this._result;
    if (this._state !== 'FINISHED' || sets === undefined) return;
    const [done, pending] = sets;
    for (const f of pending) {
      if (f.done()) {
        pending.delete(f);
        done.add(f);
      }
    }
  }

  override cancel(msg?: string | null): boolean {
    if (!super.cancel(msg)) return false;
    this._cleanup();
    return true;
  }

  private _cleanup(): void {
    this._timer?.cancel();
    for (const f of this._fs) f.remove_done_callback(this._on_completion);
  }
}

function release_waiter(waiter: { _release(): void }): void {
  waiter._release();
}

function split_done<T>(fs: Set<Future<T>>): DoneAndPending<T> {
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const f of fs) (f.done() ? done : pending).add(f);
  return [done, pending];
}

/**
 * Wait for the futures and coroutines of `fs` and resolve to `[done, pending]`,
 * two Sets. It never raises `TimeoutError` and never cancels anything: on
 * timeout, whatever is not done is in `pending`.
 *
 * The sets are made when the waiting task resumes, as in asyncio: a future
 * that finishes in the same iteration as the one that ended the wait (or as
 * the timeout) is in `done`. If the condition already holds at the call,
 * the returned Future is done at once, and a task waiting on it goes on
 * without a loop iteration.
 *
 * @example
 * const [done, pending] = yield* From(wait(tasks, { timeout: 5, return_when: FIRST_COMPLETED }));
 */
export function wait<T>(
  fs: Iterable<Awaitable<T>>,
  options?: WaitOptions,
): Future<DoneAndPending<T>> {
  let timeout: number | null = null;
  let return_when: string = ALL_COMPLETED;
  let loop: AbstractEventLoop | null = null;
  if (options !== undefined) {
    const checked = check_options('wait', options, WAIT_OPTIONS);
    timeout = check_timeout('wait', checked.timeout);
    return_when = checked.return_when ?? ALL_COMPLETED;
    loop = checked.loop ?? null;
  }
  const items = new Set(check_iterable(fs, 'wait'));
  if (items.size === 0) throw new ValueError('Set of coroutines/Futures is empty.');
  if (
    return_when !== FIRST_COMPLETED &&
    return_when !== FIRST_EXCEPTION &&
    return_when !== ALL_COMPLETED
  ) {
    throw new ValueError(`Invalid return_when value: ${return_when}`);
  }
  const running = loop ?? get_event_loop();
  const futures = new Set<Future<T>>();
  for (const item of items) futures.add(_ensure_future(item, running) as Future<T>);

  let pending = 0;
  let ended = false;
  for (const f of futures) {
    if (!f.done()) pending++;
    else if (!ended) ended = ends_wait(f, return_when);
  }
  if (pending === 0 || ended) {
    const result = new Future<DoneAndPending<T>>({ loop: running });
    result.set_result(split_done(futures));
    return result;
  }
  return new WaitFuture(running, futures, pending, return_when, timeout);
}

/** Options of `wait_for()`: the `timeout` may come here instead of second. */
export interface WaitForOptions extends LoopOption {
  /** Seconds to wait at most; `null` waits as long as needed. */
  timeout?: number | null;
}

/**
 * What `wait_for()` returns. Cancelling it cancels the inner future, and it
 * ends when the inner one does, as a task awaiting the inner future would
 * (asyncio's wait_for() awaits the cancelled inner future): a Condition.wait()
 * re-acquires its lock first, a task runs its cleanup first, and an inner
 * future that can no longer be cancelled (done, or a granted waiter already
 * delivered) makes `cancel()` return false. A dropped result goes back to the
 * inner future.
 * @internal
 */
class WaitForFuture<T> extends Future<T> {
  /** @internal `cancel()` was called: the inner future's cancellation is not the timeout's. */
  _cancel_requested = false;

  constructor(
    loop: AbstractEventLoop,
    private readonly _inner: Future<T>,
  ) {
    super({ loop });
  }

  override cancel(msg?: string | null): boolean {
    if (this._state !== 'PENDING') return false;
    this._cancel_requested = true;
    return this._inner.cancel(msg);
  }

  /** The inner future ended cancelled: so does this one. @internal */
  _cancel_now(msg: string | null): void {
    super.cancel(msg);
  }

  override _result_droppable(): boolean {
    return this._inner._result_droppable();
  }

  override _result_dropped(): void {
    this._inner._result_dropped();
  }
}

/**
 * Wait for one awaitable at most `timeout` seconds. On timeout the awaitable
 * is cancelled and the result fails with `TimeoutError`; cancelling the
 * result cancels the awaitable too. A `null` timeout waits as long as needed.
 * The timeout may be given in the options instead: `wait_for(x, {timeout: 5})`
 * (asyncio's `wait_for(x, timeout=5)`).
 *
 * @example
 * try { yield From(wait_for(reader.readline(), 5)); }
 * catch (e) { if (e instanceof TimeoutError) ... }
 */
export function wait_for<T>(fut: Awaitable<T>, options: WaitForOptions): Future<T>;
export function wait_for<T>(
  fut: Awaitable<T>,
  timeout: number | null | undefined,
  options?: WaitForOptions,
): Future<T>;
export function wait_for<T>(
  fut: Awaitable<T>,
  timeout?: number | null | WaitForOptions,
  options?: WaitForOptions,
): Future<T> {
  if (options === undefined && is_plain_object(timeout)) {
    options = timeout;
    timeout = undefined;
  }
  let loop: AbstractEventLoop | null = null;
  if (options !== undefined) {
    const checked = check_options('wait_for', options, TIMEOUT_OPTIONS);
    if (checked.timeout !== undefined) {
      if (timeout !== undefined) throw multiple_values('wait_for', 'timeout');
      timeout = checked.timeout;
    }
    loop = checked.loop ?? null;
  }
  const delay = check_timeout('wait_for', timeout);
  const inner = _ensure_future(fut, loop ?? get_event_loop()) as Future<T>;
  if (delay === null) return inner;
  const running = inner._loop;

  // The inner future, cancelled by the timeout or through the outer one, may
  // take a while to end: the outer one ends when it does.
  let timed_out = false;
  const on_done = (f: Future<T>): void => {
    if (outer.done()) return;
    timer.cancel();
    if (f._state !== 'CANCELLED') copy_state(f, outer);
    else if (timed_out && !outer._cancel_requested) outer.set_exception(new TimeoutError());
    else outer._cancel_now(f._cancel_message);
  };
  const outer = new WaitForFuture<T>(running, inner);
  const on_timeout = (): void => {
    if (outer.done() || inner._state !== 'PENDING') return;
    timed_out = true;
    inner.cancel();
  };
  // Decide one iteration later, as asyncio's waiter does: a completion in the
  // same iteration as the timeout wins (Tulip #201).
  const timer = running.call_later(delay, () => running.call_soon(on_timeout));
  inner.add_done_callback(on_done);
  return outer;
}
