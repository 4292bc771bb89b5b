// Task helpers: ensure_future, sleep, gather, shield, and what wait.ts and as_completed.ts share (asyncio tasks.py).

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { FromWrapper, iscoroutine, type Awaitable } from './coroutines.js';
import { AbstractEventLoop } from './events.js';
import { get_event_loop } from './event_loop_policy.js';
import type { Runnable, TimerHandle } from './handles.js';
import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future, wrap_future, type DoneCallback, type Waiter } from './futures.js';
import { is_thenable } from './thenable.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import type { Task } from './tasks.js';

/** The `loop` option most helpers take (asyncio's keyword-only `loop`). */
export interface LoopOption {
  /** The loop to use (asyncio's deprecated `loop` keyword); default: the running or current loop. */
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
/** @internal */
/** @internal */
export const TIMEOUT_KINDS = ['number', 'null'] as const;
const LOOP_OPTIONS: OptionSpec = { loop: LOOP_KINDS };
const SLEEP_OPTIONS: OptionSpec = { result: ['any'], loop: LOOP_KINDS };
const GATHER_OPTIONS: OptionSpec = { return_exceptions: ['boolean'], loop: LOOP_KINDS };
/** @internal */
export const TIMEOUT_OPTIONS: OptionSpec = { timeout: TIMEOUT_KINDS, loop: LOOP_KINDS };

/** Whether `x` is an object literal (or `Object.create(null)`): what an options object is. */
export function is_plain_object(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Python's error for a parameter given both by position and by keyword. */
export function multiple_values(where: string, name: string): TypeError {
  return new TypeError(`${where}() got multiple values for argument '${name}'`);
}

/** Check a timeout: seconds, or `null`/`undefined` for none. */
export function check_timeout(where: string, timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(
      `${where}() timeout must be a number of seconds or null, got ${repr(timeout)}`,
    );
  }
  return timeout;
}

/** What `shield()` returns: a result its awaiter dropped goes back to the inner future. @internal */
class ShieldFuture<T> extends Future<T> {
  constructor(private readonly _inner: Future<T>) {
    super(_inner._loop);
  }

  override _result_droppable(): boolean {
    return this._inner._result_droppable();
  }

  override _result_dropped(): void {
    this._inner._result_dropped();
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
export function _ensure_future(x: unknown, loop: AbstractEventLoop | null): Future<unknown> {
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
    loop: _LoopInternals,
    private readonly _value: T,
  ) {
    super(loop);
  }

  /**
   * A sleep is held by the loop (its ready queue or timer heap) until it is
   * over: a task waiting on one needs no weak registration (see Task._hold_weakly).
   * @internal
   */
  override get _held_by_loop(): boolean {
    return true;
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
  const running = _loop_of(loop, 'sleep()');
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
  const outer = new GatheringFuture(children, children[0]!._loop);
  const results = new Array<unknown>(children.length);
  let finished = 0;

  const on_child_done = (fut: Future<unknown>, index: number): void => {
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
      if (!return_exceptions) return outer._set_exception(result);
    } else {
      result = fut._result;
    }
    results[index] = result;
    if (++finished === children.length) outer.set_result(results);
  };
  const done_already: number[] = [];
  children.forEach((child, index) => {
    if (child.done()) done_already.push(index);
    else child.add_done_callback((fut: Future<unknown>) => on_child_done(fut, index));
  });
  // Children done already (eager tasks that did not wait, finished futures)
  // count at once, as in asyncio 3.12: a gather of only those is done when it returns.
  for (const index of done_already) on_child_done(children[index]!, index);
  return outer;
}

/** The Future `gather()` returns: cancelling it cancels the children. */
class GatheringFuture extends Future<unknown[]> {
  constructor(
    private readonly _children: Future<unknown>[],
    loop: _LoopInternals,
  ) {
    super(loop);
  }

  override cancel(msg?: string | null): boolean {
    if (this.done()) return false;
    for (const child of this._children) child.cancel(msg);
    return true;
  }

  /** Droppable only if every child's result is: a gather's results go back all or none. */
  override _result_droppable(): boolean {
    for (const child of this._children) {
      if (child._state === 'FINISHED' && child._exception === null && !child._result_droppable()) {
        return false;
      }
    }
    return true;
  }

  override _result_dropped(): void {
    for (const child of new Set(this._children)) child._result_dropped();
  }
}

export function check_iterable(fs: unknown, name: string): Iterable<unknown> {
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

/** Copy `source`'s outcome into `target`: result, exception or cancellation. */
export function copy_state<T>(source: Future<T>, target: Future<T>): void {
  if (source._state === 'CANCELLED') target.cancel(source._cancel_message);
  else if (source._exception !== null) {
    source._retrieved();
    target._set_exception(source._exception);
  } else target.set_result(source._result as T);
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
  const outer = new ShieldFuture<T>(inner);
  inner.add_done_callback((f: Future<T>) => {
    if (outer.cancelled()) {
      if (!f.cancelled()) f._retrieved();
      return;
    }
    copy_state(f, outer);
  });
  return outer;
}
