// Task helpers: ensure_future, sleep, gather, wait, wait_for, as_completed, shield (asyncio tasks.py).

import type { BaseEventLoop } from './base_events.js';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './constants.js';
import { FromWrapper, iscoroutine, type Awaitable } from './coroutines.js';
import { AbstractEventLoop, get_event_loop, type Runnable, type TimerHandle } from './events.js';
import { TimeoutError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future, is_thenable, wrap_future, type DoneCallback, type Waiter } from './futures.js';
import { check_options, type OptionSpec } from './options.js';
import type { Task } from './tasks.js';

/** The `loop` option most helpers take (asyncio's keyword-only `loop`). */
export interface LoopOption {
  loop?: AbstractEventLoop | null;
}

/** The result type of an awaitable. */
export type ResultOf<A> =
  A extends Future<infer T>
    ? T
    : A extends Generator<unknown, infer T, unknown>
      ? T
      : A extends PromiseLike<infer T>
        ? T
        : unknown;

// What each helper's options object may hold: asyncio's keyword arguments.
const LOOP_KINDS = ['object', 'null'] as const;
const TIMEOUT_KINDS = ['number', 'null'] as const;
const LOOP_OPTIONS: OptionSpec = { loop: LOOP_KINDS };
const SLEEP_OPTIONS: OptionSpec = { result: ['any'], loop: LOOP_KINDS };
const GATHER_OPTIONS: OptionSpec = { return_exceptions: ['boolean'], loop: LOOP_KINDS };
const WAIT_OPTIONS: OptionSpec = {
  timeout: TIMEOUT_KINDS,
  return_when: ['string'],
  loop: LOOP_KINDS,
};
const TIMEOUT_OPTIONS: OptionSpec = { timeout: TIMEOUT_KINDS, loop: LOOP_KINDS };

/** Whether `x` is an object literal (or `Object.create(null)`): what an options object is. */
function is_plain_object(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Python's error for a parameter given both by position and by keyword. */
function multiple_values(where: string, name: string): TypeError {
  return new TypeError(`${where}() got multiple values for argument '${name}'`);
}

/** Check a timeout: seconds, or `null`/`undefined` for none. */
function check_timeout(where: string, timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(
      `${where}() timeout must be a number of seconds or null, got ${repr(timeout)}`,
    );
  }
  return timeout;
}

/**
 * A Future whose cancellation also runs a cleanup (cancels a timer, a child).
 * @internal
 */
class CancelHookFuture<T> extends Future<T> {
  constructor(
    loop: AbstractEventLoop,
    private readonly _on_cancel: () => void,
    /** The future whose result this one carries, if any: a dropped result goes back to it. */
    private readonly _source: Future<unknown> | null = null,
  ) {
    super({ loop });
  }

  override cancel(msg?: string | null): boolean {
    if (!super.cancel(msg)) return false;
    this._on_cancel();
    return true;
  }

  override _result_dropped(): void {
    this._source?._result_dropped();
  }
}

/**
 * Wrap a coroutine in a Task, a Promise in a Future; return a Future as it is.
 * Throws `TypeError` for anything else.
 */
export function ensure_future<T>(coro_or_future: Future<T>, options?: LoopOption): Future<T>;
export function ensure_future<T>(
  coro_or_future: Generator<unknown, T, unknown>,
  options?: LoopOption,
): Task<T>;
export function ensure_future<T>(coro_or_future: Awaitable<T>, options?: LoopOption): Future<T>;
export function ensure_future(coro_or_future: unknown, options?: LoopOption): Future<unknown>;
export function ensure_future(coro_or_future: unknown, options?: LoopOption): Future<unknown> {
  const loop =
    options === undefined
      ? null
      : (check_options('ensure_future', options, LOOP_OPTIONS).loop ?? null);
  return _ensure_future(coro_or_future, loop);
}

/** `ensure_future()` with the loop already checked (`null`: the current one). */
function _ensure_future(x: unknown, loop: AbstractEventLoop | null): Future<unknown> {
  if (x instanceof FromWrapper) x = x.obj;
  if (x instanceof Future) {
    if (loop !== null && x._loop !== loop) {
      throw new ValueError('loop argument must agree with Future');
    }
    return x;
  }
  if (iscoroutine(x)) return (loop ?? get_event_loop()).create_task(x);
  if (is_thenable(x)) return wrap_future(x, { loop: loop ?? get_event_loop() });
  throw new TypeError(`An asyncio.Future, a coroutine or an awaitable is required, got ${repr(x)}`);
}

/**
 * What `sleep()` returns: a Future that sets its own result when its timer
 * fires, and cancels its timer when cancelled. It allocates no closure and,
 * for `sleep(0)`, no Handle: the loop runs the future itself.
 */
class SleepFuture<T> extends Future<T> implements Runnable {
  /** @internal */ _timer: TimerHandle | null = null;

  constructor(
    loop: AbstractEventLoop,
    private readonly _value: T,
  ) {
    super({ loop });
  }

  /**
   * A zero-delay sleep's turn in the ready queue, one iteration after
   * `sleep(0)`: set the result and resume the waiting tasks right here, as
   * if each had queued itself (asyncio's bare `yield`), rather than queueing
   * them for one more iteration. Done callbacks still go through `call_soon`.
   * @internal
   */
  _run(): void {
    if (this._state !== 'PENDING') return; // cancelled: its waiters are queued already
    const first = this._callback0;
    const rest = this._callbacks;
    this._callback0 = this._callbacks = null;
    this.set_result(this._value); // nothing registered: schedules nothing
    if (first === null) return;
    let args = this._wake_now(first, null);
    if (rest !== null) for (let i = 0; i < rest.length; i++) args = this._wake_now(rest[i]!, args);
  }

  private _wake_now(entry: DoneCallback<T> | Waiter, args: unknown[] | null): unknown[] | null {
    if (typeof entry === 'function') {
      args ??= [this];
      this._loop._call_soon(entry, args);
    } else {
      entry._run();
    }
    return args;
  }

  /** The timer fired: set the result, which queues the waiters. @internal */
  _expire(): void {
    if (this._state === 'PENDING') this.set_result(this._value);
  }

  override cancel(msg?: string | null): boolean {
    if (!super.cancel(msg)) return false;
    this._timer?.cancel();
    return true;
  }
}

// A sleep is held by the loop (its ready queue or timer heap) until it is over:
// a task waiting on one needs no weak registration (see Task._hold_weakly).
SleepFuture.prototype._held_by_loop = true;

function wake_sleeper(future: SleepFuture<unknown>): void {
  future._expire();
}

/**
 * Options of `sleep()`: asyncio's `result` and `loop` keywords.
 *
 * @example
 * yield From(sleep(0.1, { loop }));              // resolves to null
 * const v = yield* From(sleep(0.1, { result: 'done', loop }));
 */
export interface SleepOptions<T = unknown> extends LoopOption {
  /** What the sleep resolves to (default `null`). */
  result?: T;
}

/**
 * Whether the second argument of `sleep()` is its options: an object literal
 * whose keys are all `result` or `loop` (at least one), or whose `loop` is an
 * event loop (then its other keys are checked, and a typo is an error).
 */
function is_sleep_options(x: unknown): x is SleepOptions {
  if (!is_plain_object(x)) return false;
  if (x.loop instanceof AbstractEventLoop) return true;
  let keys = 0;
  for (const key in x) {
    if (key !== 'result' && key !== 'loop') return false;
    keys++;
  }
  return keys > 0;
}

/**
 * A Future that resolves to `result` (default `null`) after `delay` seconds.
 * Cancelling it (or the task waiting on it) also cancels its timer.
 * `sleep(0)` resumes the waiting task after one loop iteration, as asyncio's
 * bare `yield` does (so does `yield null`).
 *
 * The options may come third, `sleep(delay, result, {loop})`, or second,
 * `sleep(delay, {result, loop})`, since `result` is optional too. A second
 * argument is taken as the options when it is an object literal whose keys
 * are all `result` or `loop` (at least one), or whose `loop` is an event
 * loop: `sleep(0.1, {loop})` waits and resolves to `null`, and
 * `sleep(0.1, {loop, reslt: 1})` is a `TypeError`. Anything else in that
 * place is the result, an object literal of other keys included. To resolve
 * to an object literal of only those keys, say so: `sleep(d, {result: obj})`
 * or `sleep(d, obj, {})` (with a third argument, the second is always the
 * result).
 *
 * @example
 * yield From(sleep(0.5));
 * const word = yield* From(sleep(0.1, 'woke', { loop }));
 */
export function sleep<T = null>(delay: number, options: SleepOptions<T>): Future<T>;
export function sleep<T = null>(delay: number, result?: T, options?: SleepOptions<T>): Future<T>;
export function sleep(delay: number, result?: unknown, options?: SleepOptions): Future<unknown> {
  if (typeof delay !== 'number') {
    throw new TypeError(`sleep() delay must be a number of seconds, got ${repr(delay)}`);
  }
  if (Number.isNaN(delay)) throw new ValueError('Invalid delay: NaN');
  let loop: AbstractEventLoop | null | undefined = null;
  if (options === undefined && is_sleep_options(result)) {
    options = result;
    result = undefined;
  }
  if (options !== undefined) {
    const checked = check_options('sleep', options, SLEEP_OPTIONS);
    if (checked.result !== undefined) {
      if (result !== undefined) throw multiple_values('sleep', 'result');
      result = checked.result;
    }
    loop = checked.loop;
  }
  const running = (loop ?? get_event_loop()) as BaseEventLoop;
  const future = new SleepFuture<unknown>(running, result === undefined ? null : result);
  if (delay <= 0) running._schedule(future);
  else future._timer = running.call_later(delay, wake_sleeper, future);
  return future;
}

/** Options of `gather()`. */
export interface GatherOptions extends LoopOption {
  /** Put exceptions (and `CancelledError`s) in the result list instead of failing. */
  return_exceptions?: boolean;
}

/** Whether an argument of `gather()` is its options: an object literal that is not a thenable. */
function is_gather_options(x: unknown): x is GatherOptions {
  return is_plain_object(x) && !is_thenable(x);
}

/**
 * Run awaitables concurrently and resolve to the list of their results, in
 * argument order: `gather(a, b, c)` or `gather([a, b, c], {return_exceptions})`.
 * In the first form, a last argument that is an object literal is the options.
 *
 * Without `return_exceptions`, the first exception (or cancellation) of a
 * child becomes the gather's exception. Cancelling the gather cancels every
 * child that is not done; the gather then fails with `CancelledError`.
 *
 * @example
 * const [a, b] = yield* From(gather(fetch('a'), fetch('b')));
 */
export function gather<A extends readonly unknown[]>(
  awaitables: [...A],
  options?: GatherOptions | null,
): Future<{ [K in keyof A]: ResultOf<A[K]> }>;
export function gather<A extends unknown[]>(
  ...awaitables: A
): Future<{ [K in keyof A]: ResultOf<A[K]> }>;
export function gather(...args: unknown[]): Future<unknown[]> {
  let items = args;
  let options: GatherOptions | null | undefined;
  const n = args.length;
  if (
    n > 0 &&
    Array.isArray(args[0]) &&
    (n === 1 ||
      (n === 2 && (args[1] === undefined || args[1] === null || is_gather_options(args[1]))))
  ) {
    items = args[0] as unknown[];
    options = args[1] as GatherOptions | null | undefined;
  } else if (n > 0 && is_gather_options(args[n - 1])) {
    options = args.pop() as GatherOptions;
  }
  let loop: AbstractEventLoop | null = null;
  let return_exceptions = false;
  if (options !== undefined && options !== null) {
    const checked = check_options('gather', options, GATHER_OPTIONS);
    loop = checked.loop ?? null;
    return_exceptions = checked.return_exceptions === true;
  }
  if (items.length === 0) {
    const empty = new Future<unknown[]>({ loop: loop ?? get_event_loop() });
    empty.set_result([]);
    return empty;
  }

  const futures = new Map<unknown, Future<unknown>>();
  for (const item of items) {
    if (futures.has(item)) continue;
    // Coroutines go to the loop of the futures before them, as in asyncio.
    const future = item instanceof Future ? item : _ensure_future(item, loop);
    if (loop === null) loop = future._loop;
    else if (future._loop !== loop)
      throw new ValueError('futures are tied to different event loops');
    futures.set(item, future);
  }
  const children = items.map((item) => futures.get(item)!);
  const outer = new GatheringFuture(children, loop!);
  const results = new Array<unknown>(children.length);
  let finished = 0;

  children.forEach((child, index) => {
    child.add_done_callback((fut: Future<unknown>) => {
      if (outer.done()) {
        if (!fut.cancelled()) fut._retrieved();
        return;
      }
      let result: unknown;
      if (fut._state === 'CANCELLED') {
        result = fut._make_cancelled_error();
        if (!return_exceptions) return outer.set_exception(result);
      } else if (fut._exception !== null) {
        result = fut._exception;
        fut._retrieved();
        if (!return_exceptions) return outer.set_exception(result);
      } else {
        result = fut._result;
      }
      results[index] = result;
      if (++finished === children.length) outer.set_result(results);
    });
  });
  return outer;
}

/** The Future `gather()` returns: cancelling it cancels the children. */
class GatheringFuture extends Future<unknown[]> {
  constructor(
    private readonly _children: Future<unknown>[],
    loop: AbstractEventLoop,
  ) {
    super({ loop });
  }

  override cancel(msg?: string | null): boolean {
    if (this.done()) return false;
    for (const child of this._children) child.cancel(msg);
    return true;
  }

  override _result_dropped(): void {
    for (const child of new Set(this._children)) child._result_dropped();
  }
}

/** Options of `wait()`. */
export interface WaitOptions extends LoopOption {
  /** Seconds to wait at most; `null` waits as long as `return_when` needs. */
  timeout?: number | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (the default). */
  return_when?: typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
}

function check_iterable(fs: unknown, name: string): Iterable<unknown> {
  if (
    fs instanceof Future ||
    iscoroutine(fs) ||
    is_thenable(fs) ||
    fs === null ||
    typeof fs !== 'object'
  ) {
    throw new TypeError(`expect a list of futures, not ${describe_type(fs)}`);
  }
  if (typeof (fs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${name}() expects an iterable of futures, not ${describe_type(fs)}`);
  }
  return fs as Iterable<unknown>;
}

function describe_type(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as { constructor?: { name?: string } }).constructor?.name ?? 'object';
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

/** Copy `source`'s outcome into `target`: result, exception or cancellation. */
function copy_state<T>(source: Future<T>, target: Future<T>): void {
  if (source._state === 'CANCELLED') target.cancel(source._cancel_message);
  else if (source._exception !== null) {
    source._retrieved();
    target.set_exception(source._exception);
  } else target.set_result(source._result as T);
}

/** Options of `wait_for()`: the `timeout` may come here instead of second. */
export interface WaitForOptions extends LoopOption {
  /** Seconds to wait at most; `null` waits as long as needed. */
  timeout?: number | null;
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

  const on_done = (f: Future<T>): void => {
    if (outer.done()) return;
    timer.cancel();
    copy_state(f, outer);
  };
  const outer = new CancelHookFuture<T>(
    running,
    () => {
      timer.cancel();
      inner.remove_done_callback(on_done);
      inner.cancel();
    },
    inner,
  );
  const on_timeout = (): void => {
    if (outer.done()) return;
    if (inner.done()) return copy_state(inner, outer);
    inner.remove_done_callback(on_done);
    inner.cancel();
    outer.set_exception(new TimeoutError());
  };
  // Decide one iteration later, as asyncio's waiter does: a completion in the
  // same iteration as the timeout wins (Tulip #201).
  const timer = running.call_later(delay, () => running.call_soon(on_timeout));
  inner.add_done_callback(on_done);
  return outer;
}

/**
 * What `as_completed()` returns. As an iterator, it gives one Future per
 * distinct awaitable: whichever of them is waited on first resolves like the
 * first awaitable to finish, the next one waited on like the next, and so on
 * (asyncio 3.13 hands out coroutines that take from a queue when awaited).
 * As an async iterator (asyncio 3.13), it gives the awaitables' own Futures,
 * each once it is done, in completion order. Both draw from the same
 * sequence, so a loop that breaks off can be resumed by either kind of loop.
 */
export interface AsCompletedIterator<T> extends IterableIterator<Future<T>> {
  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>>;
}

/** Options of `as_completed()`. */
export interface AsCompletedOptions extends LoopOption {
  /** Seconds after which what is still pending fails with `TimeoutError`; `null`: no limit. */
  timeout?: number | null;
}

/** What waits for the next completion (`null`: the time is up); `false` if it no longer wants it. */
interface Taker<T> {
  _take(f: Future<T> | null): boolean;
}

/**
 * Shared state of an `as_completed()` iteration (asyncio 3.13's
 * `_AsCompletedIterator`): a queue of completions and a queue of takers,
 * matched first come, first served.
 */
class AsCompleted<T> implements AsCompletedIterator<T> {
  /** Completions no taker has had yet, in order; `null` stands for one timed out. */
  private readonly _done: (Future<T> | null)[] = [];
  /** What waits for a completion, in the order it started waiting. */
  private readonly _takers: Taker<T>[] = [];
  /** How many more Futures the iteration hands out. */
  private _todo_left: number;
  /** @internal */ _timer: TimerHandle | null = null;

  constructor(
    private readonly _todo: Set<Future<T>>,
    private readonly _loop: AbstractEventLoop,
    timeout: number | null,
  ) {
    this._todo_left = _todo.size;
    for (const f of _todo) f.add_done_callback(this._on_done);
    if (timeout !== null && _todo.size > 0) {
      this._timer = _loop.call_later(timeout, this._on_timeout);
    }
  }

  private readonly _on_done = (f: Future<T>): void => {
    if (!this._todo.delete(f)) return; // the timeout came first
    this._put(f);
    if (this._todo.size === 0) this._timer?.cancel();
  };

  // Every awaitable still pending counts as one completion that fails with TimeoutError.
  private readonly _on_timeout = (): void => {
    for (const f of this._todo) {
      f.remove_done_callback(this._on_done);
      this._put(null);
    }
    this._todo.clear();
  };

  private _put(item: Future<T> | null): void {
    while (this._takers.length > 0) if (this._takers.shift()!._take(item)) return;
    this._done.push(item);
  }

  /** `taker` starts waiting: it gets the oldest completion not taken, or the next one. @internal */
  _claim(taker: Taker<T>): void {
    if (this._done.length === 0) this._takers.push(taker);
    else if (taker._take(this._done[0]!)) this._done.shift();
  }

  /** `taker` stopped waiting (cancelled): the completion it would have had goes to the next. @internal */
  _unclaim(taker: Taker<T>): void {
    const index = this._takers.indexOf(taker);
    if (index >= 0) this._takers.splice(index, 1);
  }

  next(): IteratorResult<Future<T>, undefined> {
    if (this._todo_left <= 0) return { done: true, value: undefined };
    this._todo_left--;
    return { done: false, value: new NextCompletion<T>(this, this._loop) };
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>> {
    const next = (): Promise<IteratorResult<Future<T>, undefined>> => {
      if (this._todo_left <= 0) return Promise.resolve({ done: true, value: undefined });
      this._todo_left--;
      // A loop Future, so that the awaiting code resumes within the loop's iteration.
      const slot = new NextDone<T>({ loop: this._loop });
      this._claim(slot);
      return slot.then(iterator_step);
    };
    const view: AsyncIterableIterator<Future<T>> = {
      next,
      [Symbol.asyncIterator]: () => view,
    };
    return view;
  }
}

function iterator_step<T>(value: T): IteratorResult<T, undefined> {
  return { done: false, value };
}

/**
 * What the plain iterator of `as_completed()` hands out: a Future that takes
 * the next completion once something waits on it (a task, `await`, a done
 * callback), as asyncio's coroutine takes from its queue once awaited.
 */
class NextCompletion<T> extends Future<T> implements Taker<T> {
  private _waited_on = false;

  constructor(
    private readonly _iteration: AsCompleted<T>,
    loop: AbstractEventLoop,
  ) {
    super({ loop });
  }

  /** Every way of waiting on a Future registers here. @internal */
  override _push_callback(entry: DoneCallback<T> | Waiter): void {
    super._push_callback(entry);
    if (this._waited_on) return;
    this._waited_on = true;
    this._iteration._claim(this);
  }

  /** @internal */
  _take(f: Future<T> | null): boolean {
    if (this._state !== 'PENDING') return false;
    if (f === null) this.set_exception(new TimeoutError());
    else copy_state(f, this);
    return true;
  }

  override cancel(msg?: string | null): boolean {
    if (!super.cancel(msg)) return false;
    this._iteration._unclaim(this);
    return true;
  }
}

/** One step of the async iterator of `as_completed()`: the next awaitable's own Future, once done. */
class NextDone<T> extends Future<Future<T>> implements Taker<T> {
  /** @internal */
  _take(f: Future<T> | null): boolean {
    if (this._state !== 'PENDING') return false;
    if (f === null) this.set_exception(new TimeoutError());
    else this.set_result(f);
    return true;
  }
}

/**
 * Iterate over the awaitables of `fs` in completion order (asyncio's
 * `as_completed`); duplicates count once, coroutines become Tasks and
 * Promises Futures.
 *
 * - As an iterator (`for (const next of as_completed(fs))`), it gives one
 *   new Future per awaitable, to wait on in turn: the first one waited on
 *   resolves like whichever awaitable finishes first, and so on, whatever
 *   order the Futures were handed out in. After `timeout` seconds, the ones
 *   still pending fail with `TimeoutError`.
 * - As an async iterator (`for await (const f of as_completed(fs))`, asyncio
 *   3.13), it gives the awaitables' own Futures and Tasks, each once it is
 *   done. After `timeout` seconds, the next step throws `TimeoutError`
 *   (Futures done before that still come first). TypeScript may type the
 *   loop variable as the result rather than the Future (it types what a
 *   `for await` gets as awaited); `await f` is right either way.
 *
 * Neither form cancels anything on timeout.
 *
 * @example
 * for (const next of as_completed([a, b, c])) {
 *   const result = yield From(next);
 * }
 * // in an async function:
 * for await (const done of as_completed([a, b, c], { timeout: 10 })) {
 *   console.log(await done);   // `done` is a's, b's or c's own Future, already done
 * }
 */
export function as_completed<T>(
  fs: Iterable<Awaitable<T>>,
  options?: AsCompletedOptions,
): AsCompletedIterator<T> {
  let timeout: number | null = null;
  let loop: AbstractEventLoop | null = null;
  if (options !== undefined) {
    const checked = check_options('as_completed', options, TIMEOUT_OPTIONS);
    timeout = check_timeout('as_completed', checked.timeout);
    loop = checked.loop ?? null;
  }
  const items = new Set(check_iterable(fs, 'as_completed'));
  const running = loop ?? get_event_loop();
  const todo = new Set<Future<T>>();
  for (const item of items) todo.add(_ensure_future(item, running) as Future<T>);
  return new AsCompleted(todo, running, timeout);
}

/**
 * Protect an awaitable from cancellation: cancelling the returned Future (or
 * the task awaiting it) leaves the inner one running. If the inner one is
 * cancelled, the outer one is too.
 */
export function shield<T>(arg: Awaitable<T>, options?: LoopOption): Future<T> {
  const loop =
    options === undefined ? null : (check_options('shield', options, LOOP_OPTIONS).loop ?? null);
  const inner = _ensure_future(arg, loop) as Future<T>;
  if (inner.done()) return inner;
  const outer = new Future<T>({ loop: inner._loop });
  inner.add_done_callback((f: Future<T>) => {
    if (outer.cancelled()) {
      if (!f.cancelled()) f._retrieved();
      return;
    }
    copy_state(f, outer);
  });
  return outer;
}
