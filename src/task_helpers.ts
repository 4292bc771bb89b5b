// Task helpers: ensure_future, sleep, gather, wait, wait_for, as_completed, shield (asyncio tasks.py).

import type { BaseEventLoop } from './base_events.js';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './constants.js';
import { FromWrapper, iscoroutine, type Awaitable } from './coroutines.js';
import {
  get_event_loop,
  type AbstractEventLoop,
  type Handle,
  type Runnable,
  type TimerHandle,
} from './events.js';
import { TimeoutError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future, is_thenable, wrap_future } from './futures.js';
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
  let x = coro_or_future;
  if (x instanceof FromWrapper) x = x.obj;
  const loop = options?.loop;
  if (x instanceof Future) {
    if (loop && x._loop !== loop) throw new ValueError('loop argument must agree with Future');
    return x;
  }
  if (iscoroutine(x)) return (loop ?? get_event_loop()).create_task(x);
  if (is_thenable(x)) return wrap_future(x, { loop: loop ?? get_event_loop() });
  throw new TypeError(`An asyncio.Future, a coroutine or an awaitable is required, got ${repr(x)}`);
}

/**
 * What `sleep()` returns: a Future that sets its own result when its timer
 * fires (or, for a zero delay, when the loop runs it), and cancels its timer
 * when cancelled. It allocates no closure and, for `sleep(0)`, no Handle.
 */
class SleepFuture<T> extends Future<T> implements Runnable {
  /** @internal */ _timer: TimerHandle | null = null;

  constructor(
    loop: AbstractEventLoop,
    private readonly _value: T,
  ) {
    super({ loop });
  }

  /** Set the result unless cancelled: the loop runs this when the sleep is over. @internal */
  _run(): void {
    if (this._state === 'PENDING') this.set_result(this._value);
  }

  override cancel(msg?: string | null): boolean {
    if (!super.cancel(msg)) return false;
    this._timer?.cancel();
    return true;
  }
}

function wake_sleeper(future: SleepFuture<unknown>): void {
  future._run();
}

/**
 * A Future that resolves to `result` after `delay` seconds. Cancelling it (or
 * the task waiting on it) also cancels its timer. `sleep(0)` resumes the
 * waiting task after one loop iteration.
 */
export function sleep<T = null>(delay: number, result?: T, options?: LoopOption): Future<T> {
  if (typeof delay !== 'number' || Number.isNaN(delay)) {
    throw new TypeError(`sleep() delay must be a number of seconds, got ${repr(delay)}`);
  }
  const loop = (options?.loop ?? get_event_loop()) as BaseEventLoop;
  const future = new SleepFuture<T>(loop, (result === undefined ? null : result) as T);
  if (delay <= 0) loop._schedule(future);
  else future._timer = loop.call_later(delay, wake_sleeper, future);
  return future;
}

/** Options of `gather()`. */
export interface GatherOptions extends LoopOption {
  /** Put exceptions (and `CancelledError`s) in the result list instead of failing. */
  return_exceptions?: boolean;
}

function is_options(x: unknown): x is GatherOptions {
  return (
    x !== null &&
    typeof x === 'object' &&
    !(x instanceof Future) &&
    !(x instanceof FromWrapper) &&
    !iscoroutine(x) &&
    !is_thenable(x) &&
    !Array.isArray(x)
  );
}

/**
 * Run awaitables concurrently and resolve to the list of their results, in
 * argument order: `gather(a, b, c)` or `gather([a, b, c], {return_exceptions})`.
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
  options?: GatherOptions,
): Future<{ [K in keyof A]: ResultOf<A[K]> }>;
export function gather<A extends unknown[]>(
  ...awaitables: A
): Future<{ [K in keyof A]: ResultOf<A[K]> }>;
export function gather(...args: unknown[]): Future<unknown[]> {
  let items: unknown[];
  let options: GatherOptions = {};
  if (Array.isArray(args[0]) && (args.length === 1 || (args.length === 2 && is_options(args[1])))) {
    items = args[0] as unknown[];
    options = (args[1] as GatherOptions | undefined) ?? {};
  } else {
    items = args;
    if (items.length > 0 && is_options(items[items.length - 1]))
      options = items.pop() as GatherOptions;
  }
  const return_exceptions = options.return_exceptions === true;
  if (items.length === 0) {
    const empty = new Future<unknown[]>({ loop: options.loop ?? get_event_loop() });
    empty.set_result([]);
    return empty;
  }

  const futures = new Map<unknown, Future<unknown>>();
  let loop = options.loop ?? null;
  for (const item of items) {
    if (futures.has(item)) continue;
    // Coroutines go to the loop of the futures before them, as in asyncio.
    const future = item instanceof Future ? item : ensure_future(item, { loop });
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

/**
 * Wait for the futures and coroutines of `fs` and resolve to `[done, pending]`,
 * two Sets. It never raises `TimeoutError` and never cancels anything: on
 * timeout, whatever is not done is in `pending`.
 */
export function wait<T>(
  fs: Iterable<Awaitable<T>>,
  options?: WaitOptions,
): Future<[Set<Future<T>>, Set<Future<T>>]> {
  const items = new Set(check_iterable(fs, 'wait'));
  if (items.size === 0) throw new ValueError('Set of coroutines/Futures is empty.');
  const return_when = options?.return_when ?? ALL_COMPLETED;
  if (
    return_when !== FIRST_COMPLETED &&
    return_when !== FIRST_EXCEPTION &&
    return_when !== ALL_COMPLETED
  ) {
    throw new ValueError(`Invalid return_when value: ${String(return_when)}`);
  }
  const loop = options?.loop ?? get_event_loop();
  const futures = new Set<Future<T>>();
  for (const item of items) futures.add(ensure_future(item as Awaitable<T>, { loop }));
  const timeout = options?.timeout ?? null;

  const split = (): [Set<Future<T>>, Set<Future<T>>] => {
    const done = new Set<Future<T>>();
    const pending = new Set<Future<T>>();
    for (const f of futures) (f.done() ? done : pending).add(f);
    return [done, pending];
  };
  const already = [...futures].filter((f) => f.done());
  let remaining = futures.size - already.length;
  if (
    remaining === 0 ||
    (return_when === FIRST_COMPLETED && already.length > 0) ||
    (return_when === FIRST_EXCEPTION &&
      already.some((f) => !f.cancelled() && f._exception !== null))
  ) {
    const result = new Future<[Set<Future<T>>, Set<Future<T>>]>({ loop });
    result.set_result(split());
    return result;
  }

  let timer: Handle | null = null;
  const cleanup = (): void => {
    if (timer !== null) timer.cancel();
    for (const f of futures) f.remove_done_callback(on_done);
  };
  const waiter = new CancelHookFuture<[Set<Future<T>>, Set<Future<T>>]>(loop, cleanup);
  const finish = (): void => {
    if (waiter.done()) return;
    cleanup();
    waiter.set_result(split());
  };
  const on_done = (f: Future<T>): void => {
    remaining--;
    if (
      remaining === 0 ||
      return_when === FIRST_COMPLETED ||
      (return_when === FIRST_EXCEPTION && !f.cancelled() && f._exception !== null)
    ) {
      finish();
    }
  };
  for (const f of futures) if (!f.done()) f.add_done_callback(on_done);
  if (timeout !== null) timer = loop.call_later(timeout, finish);
  return waiter;
}

/** Copy `source`'s outcome into `target`: result, exception or cancellation. */
function copy_state<T>(source: Future<T>, target: Future<T>): void {
  if (source._state === 'CANCELLED') target.cancel(source._cancel_message);
  else if (source._exception !== null) {
    source._retrieved();
    target.set_exception(source._exception);
  } else target.set_result(source._result as T);
}

/**
 * Wait for one awaitable at most `timeout` seconds. On timeout the awaitable
 * is cancelled and the result fails with `TimeoutError`; cancelling the
 * result cancels the awaitable too. A `null` timeout waits as long as needed.
 *
 * @example
 * try { yield From(wait_for(reader.readline(), 5)); }
 * catch (e) { if (e instanceof TimeoutError) ... }
 */
export function wait_for<T>(
  fut: Awaitable<T>,
  timeout: number | null,
  options?: LoopOption,
): Future<T> {
  const loop = options?.loop ?? get_event_loop();
  const inner = ensure_future(fut, { loop });
  if (timeout === null || timeout === undefined) return inner;

  const on_done = (f: Future<T>): void => {
    if (outer.done()) return;
    timer.cancel();
    copy_state(f, outer);
  };
  const outer = new CancelHookFuture<T>(
    loop,
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
  const timer = loop.call_later(timeout, () => loop.call_soon(on_timeout));
  inner.add_done_callback(on_done);
  return outer;
}

/**
 * What `as_completed()` returns. As an iterator, it gives one Future per
 * distinct awaitable: the first resolves like whichever awaitable finishes
 * first, the second like the next one, and so on. As an async iterator
 * (asyncio 3.13), it gives the awaitables' own Futures, each once it is done,
 * in completion order. Both draw from the same sequence, so a loop that
 * breaks off can be resumed by either kind of loop.
 */
export interface AsCompletedIterator<T> extends IterableIterator<Future<T>> {
  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>>;
}

/** Shared state of an `as_completed()` iteration: the completions, in order, and the takers. */
class AsCompleted<T> implements AsCompletedIterator<T> {
  /** The awaitables' Futures that are done, in completion order. */
  private readonly _done: Future<T>[] = [];
  /** What waits for the k-th completion, for k = `_done.length`, `_done.length + 1`, … */
  private readonly _takers: ((f: Future<T> | null) => void)[] = [];
  /** How many completions next() calls have claimed. */
  private _claimed = 0;
  private _timed_out = false;
  private _timer: Handle | null = null;
  private readonly _todo: Set<Future<T>>;
  private readonly _total: number;

  constructor(
    futures: Set<Future<T>>,
    private readonly _loop: AbstractEventLoop,
    timeout: number | null,
  ) {
    this._todo = futures;
    this._total = futures.size;
    for (const f of futures) f.add_done_callback(this._on_done);
    if (timeout !== null && futures.size > 0) {
      this._timer = _loop.call_later(timeout, this._on_timeout);
    }
  }

  private readonly _on_done = (f: Future<T>): void => {
    if (!this._todo.delete(f)) return;
    this._done.push(f);
    this._takers.shift()?.(f);
    if (this._todo.size === 0) this._timer?.cancel();
  };

  // Every claim not matched by a completion yet fails with TimeoutError.
  private readonly _on_timeout = (): void => {
    for (const f of this._todo) f.remove_done_callback(this._on_done);
    this._todo.clear();
    this._timed_out = true;
    for (const take of this._takers.splice(0)) take(null);
  };

  /** Claim the next completion: `take` gets its Future, or `null` after the timeout. */
  private _claim(take: (f: Future<T> | null) => void): void {
    const k = this._claimed++;
    if (k < this._done.length) take(this._done[k]!);
    else if (this._timed_out) take(null);
    else this._takers.push(take);
  }

  next(): IteratorResult<Future<T>, undefined> {
    if (this._claimed >= this._total) return { done: true, value: undefined };
    const out = new Future<T>({ loop: this._loop });
    this._claim((f) => {
      if (f === null) out.set_exception(new TimeoutError());
      else copy_state(f, out);
    });
    return { done: false, value: out };
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>> {
    const next = (): Promise<IteratorResult<Future<T>, undefined>> => {
      if (this._claimed >= this._total) return Promise.resolve({ done: true, value: undefined });
      // A loop Future, so that the awaiting code resumes within the loop's iteration.
      const slot = new Future<Future<T>>({ loop: this._loop });
      this._claim((f) => {
        if (f === null) slot.set_exception(new TimeoutError());
        else slot.set_result(f);
      });
      return slot.then((f) => ({ done: false, value: f }));
    };
    const view: AsyncIterableIterator<Future<T>> = {
      next,
      [Symbol.asyncIterator]: () => view,
    };
    return view;
  }
}

/**
 * Iterate over the awaitables of `fs` in completion order (asyncio's
 * `as_completed`); duplicates count once, coroutines become Tasks and
 * Promises Futures.
 *
 * - As an iterator (`for (const next of as_completed(fs))`), it gives one
 *   new Future per awaitable, to wait on in turn: the first resolves like
 *   whichever awaitable finishes first, and so on. After `timeout` seconds,
 *   the ones still pending fail with `TimeoutError`.
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
  options?: { timeout?: number | null } & LoopOption,
): AsCompletedIterator<T> {
  const items = new Set(check_iterable(fs, 'as_completed'));
  const loop = options?.loop ?? get_event_loop();
  const todo = new Set<Future<T>>();
  for (const item of items) todo.add(ensure_future(item as Awaitable<T>, { loop }));
  return new AsCompleted(todo, loop, options?.timeout ?? null);
}

/**
 * Protect an awaitable from cancellation: cancelling the returned Future (or
 * the task awaiting it) leaves the inner one running. If the inner one is
 * cancelled, the outer one is too.
 */
export function shield<T>(arg: Awaitable<T>, options?: LoopOption): Future<T> {
  const inner = ensure_future(arg, options);
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
