// ConcurrentFuture: the loop-free Future an executor's submit() returns (concurrent.futures.Future).

import { CancelledError, InvalidStateError, RuntimeError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { logger } from './log.js';

type State = 'PENDING' | 'RUNNING' | 'CANCELLED' | 'FINISHED';

/**
 * The outcome of work handed to an executor (Python's
 * `concurrent.futures.Future`): bound to no event loop, settled by the
 * executor, awaitable as a Promise. `loop.run_in_executor()` and
 * `wrap_future()` turn it into a loop Future, and cancelling that one cancels
 * this one.
 *
 * Unlike a loop Future, its done callbacks run as soon as it settles, and
 * `cancel()` fails once the work has started (unless its executor can stop
 * running work: `WorkerPoolExecutor({cancel_running: true})`).
 */
export class ConcurrentFuture<T> implements PromiseLike<T> {
  private _state: State = 'PENDING';
  private _result: T | undefined = undefined;
  private _exception: Error | undefined = undefined;
  private _callbacks: ((future: ConcurrentFuture<T>) => void)[] = [];
  /** @internal Set by an executor that can stop this work once it runs: it stops it and returns whether it did. */
  _cancel_running: (() => boolean) | null = null;

  /**
   * Cancel the work: `true` if it is now cancelled (it had not started, or it
   * was already cancelled), `false` if it is running or done.
   */
  cancel(): boolean {
    if (this._state === 'CANCELLED') return true;
    if (this._state === 'FINISHED') return false;
    if (this._state === 'RUNNING' && !this._cancel_running?.()) return false;
    this._state = 'CANCELLED';
    this._settle();
    return true;
  }

  /** Whether the work was cancelled. */
  cancelled(): boolean {
    return this._state === 'CANCELLED';
  }

  /** The work is running now. */
  running(): boolean {
    return this._state === 'RUNNING';
  }

  /** Cancelled or finished. */
  done(): boolean {
    return this._state === 'CANCELLED' || this._state === 'FINISHED';
  }

  /**
   * The work's result; throws its exception, `CancelledError`, or
   * `InvalidStateError` while it is not done (Python's `result()` would block:
   * await the future instead).
   */
  result(): T {
    this._check_done();
    if (this._exception !== undefined) throw this._exception;
    return this._result as T;
  }

  /** The work's exception (`null` if it returned); throws as `result()` does when it has none yet. */
  exception(): Error | null {
    this._check_done();
    return this._exception ?? null;
  }

  /** Call `fn(this)` once done: at once if it already is. An error `fn` throws is logged. */
  add_done_callback(fn: (future: ConcurrentFuture<T>) => void): void {
    if (this.done()) this._call(fn);
    else this._callbacks.push(fn);
  }

  /**
   * For executors: mark the work as started, or return `false` if it was
   * cancelled while queued (then it must not run).
   */
  set_running_or_notify_cancel(): boolean {
    if (this._state === 'CANCELLED') return false;
    if (this._state !== 'PENDING')
      throw new RuntimeError(`Future in unexpected state: ${this._state}`);
    this._state = 'RUNNING';
    return true;
  }

  /** For executors: the work returned `result`. */
  set_result(result: T): void {
    this._check_not_done();
    this._result = result;
    this._state = 'FINISHED';
    this._settle();
  }

  /** For executors: the work failed with `exception`. */
  set_exception(exception: Error): void {
    this._check_not_done();
    this._exception = exception;
    this._state = 'FINISHED';
    this._settle();
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const settled = new Promise<T>((resolve, reject) => {
      this.add_done_callback(() => {
        if (this._state === 'CANCELLED') reject(new CancelledError());
        else if (this._exception !== undefined) reject(this._exception);
        else resolve(this._result as T);
      });
    });
    return settled.then(onfulfilled, onrejected);
  }

  toString(): string {
    const outcome =
      this._state !== 'FINISHED'
        ? ''
        : this._exception !== undefined
          ? ` raised ${this._exception.name}`
          : ` returned ${repr(this._result)}`;
    return `<ConcurrentFuture state=${this._state.toLowerCase()}${outcome}>`;
  }

  private _check_done(): void {
    if (this._state === 'CANCELLED') throw new CancelledError();
    if (this._state !== 'FINISHED') throw new InvalidStateError('Result is not ready.');
  }

  private _check_not_done(): void {
    if (this.done()) throw new InvalidStateError(`${this._state}: ${this.toString()}`);
  }

  private _settle(): void {
    const callbacks = this._callbacks;
    this._callbacks = [];
    for (const fn of callbacks) this._call(fn);
  }

  private _call(fn: (future: ConcurrentFuture<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      logger.error(`exception calling callback for ${this.toString()}`, { exc_info: error });
    }
  }
}
