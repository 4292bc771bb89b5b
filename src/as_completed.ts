// as_completed(): the futures' outcomes in completion order, as an iterator and an async iterator (asyncio 3.13 tasks.py).

import type { Awaitable } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { get_event_loop } from './event_loop_policy.js';
import type { TimerHandle } from './handles.js';
import { TimeoutError } from './exceptions.js';
import { Future, type DoneCallback, type Waiter } from './futures.js';
import { check_options } from './options.js';
import {
  TIMEOUT_OPTIONS,
  _ensure_future,
  check_iterable,
  check_timeout,
  copy_state,
  type LoopOption,
} from './task_helpers.js';

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
  /** `for await (const fut of as_completed(fs))`: each Future once it is done, in completion order. */
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
