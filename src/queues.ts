// Queues for coroutines: Queue (alias JoinableQueue), PriorityQueue, LifoQueue (asyncio queues.py).
//
// get(), put() and join() return plain Futures (no Task per call). Items and
// free slots are handed straight to the oldest waiter, so getters and putters
// are served in FIFO order, and cancellation never loses or duplicates an item
// (see `_Waiter` in waiters.ts): a get() cancelled after it was handed an item
// that nobody saw gives the item to the next getter, or back to the front of
// the queue; a put() cancelled before its item went in adds nothing, and its
// slot goes to the next putter. A put() whose item went in stays done: a task
// cancelled after that, before it resumed, takes the result (see
// `_PutWaiter._result_droppable`). shutdown() (asyncio 3.13) fails the
// waiters with QueueShutDown; an item on its way to a getter when
// shutdown(true) drains the queue is drained with it, as it would still be in
// asyncio's queue.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { Deque } from './deque.js';
import type { AbstractEventLoop } from './events.js';
import { QueueEmpty, QueueFull, QueueShutDown, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { LOOP_KINDS, check_options, type OptionSpec } from './options.js';
import { heap_pop, heap_push } from './queue_ordering.js';
import {
  _Waiter,
  _is_options,
  _multiple_values,
  _next_pending,
  type _WaiterOwner,
} from './waiters.js';

export { _py_lt } from './queue_ordering.js';

/**
 * Options of the queue constructors: `maxsize` (asyncio's positional-or-keyword
 * argument) and the keyword-only `loop`.
 */
export interface QueueOptions {
  /** The most items the queue holds; `<= 0` (the default) means no limit. */
  maxsize?: number | null;
  /** The loop the queue belongs to; default `get_event_loop()`, at construction. */
  loop?: AbstractEventLoop | null;
}

const QUEUE_OPTIONS: OptionSpec = { maxsize: ['number', 'null'], loop: LOOP_KINDS };

/** What a queue keeps its items in: `_init` makes it, `_put`/`_get` use it. */
export interface QueueStorage<T> extends Iterable<T> {
  /** How many items it holds. */
  readonly length: number;
}

/**
 * The Future of a `put()`. A free slot is reserved for it (at once, or when
 * one frees up), and the item goes in when its outcome is delivered: right
 * before the waiting task resumes. A put() cancelled before that adds
 * nothing and hands the slot on, so it never adds an item its caller was told
 * it did not add.
 * @internal
 */
class _PutWaiter<T> extends _Waiter<null> {
  /** @internal */ readonly _queue: Queue<T>;
  /** @internal */ readonly _item: T;
  /** @internal A slot is reserved for it: the item goes in on delivery. */
  _slot = false;

  constructor(queue: Queue<T>, item: T) {
    super(queue._loop, queue._putter_owner, null);
    this._queue = queue;
    this._item = item;
  }

  /**
   * Once its item went in, a put() cannot be taken back (a getter may have
   * the item already): a task cancelled after that, before it resumed, must
   * take the result rather than report `CancelledError` for an item that is
   * in the queue.
   * @internal
   */
  override _result_droppable(): boolean {
    return !this._delivered;
  }

  /** Dropped before its item went in: the put adds nothing and hands its slot on. @internal */
  override _result_dropped(): void {
    if (!this._delivered) super._result_dropped();
  }

  /** Grant the reserved slot. @internal */
  _grant_slot(): void {
    this._slot = true;
    this._queue._reserved++;
    this.set_result(null);
  }

  /** Its delivery puts the item in, which may complete a waiting get(). @internal */
  override get _completes_no_future(): boolean {
    return false;
  }

  /** @internal */
  override _deliver(): void {
    this._delivered = true;
    if (!this._slot || this._state !== 'FINISHED') return;
    this._slot = false;
    const queue = this._queue;
    queue._reserved--;
    try {
      // Shut down before the caller resumed: asyncio's put() would now raise.
      if (queue._is_shutdown) throw new QueueShutDown();
      queue._put_internal(this._item);
    } catch (error) {
      // An item the storage refuses (an incomparable PriorityQueue entry):
      // the put() fails with the error instead.
      this._exception = error;
    }
    // The slot is free again if the storage refused the item or a waiting
    // getter took it straight away: it goes to the next putter.
    queue._wake_putters();
  }
}

/**
 * The Future of a `get()`. Items handed to it are counted until its outcome
 * is delivered, so that `shutdown(true)` can drain them too.
 * @internal
 */
class _GetWaiter<T> extends _Waiter<T> {
  /** @internal */ readonly _queue: Queue<T>;

  constructor(queue: Queue<T>) {
    super(queue._loop, queue._getter_owner, undefined as T);
    this._queue = queue;
  }

  /** Hand it an item. @internal */
  _hand(item: T): void {
    this._queue._handed++;
    this.set_result(item);
  }

  /** @internal (Called again by its done callback after an early look: once is enough.) */
  override _deliver(): void {
    if (this._delivered) return;
    this._delivered = true;
    if (this._state !== 'FINISHED' || this._exception !== null) return;
    const queue = this._queue;
    queue._handed--;
    // shutdown(true) came before the caller resumed: the item was drained.
    if (queue._shutdown_immediate) {
      this._result = undefined;
      this._exception = new QueueShutDown();
    }
  }
}

/** Options of `Queue.shutdown()`: asyncio's `immediate`. */
export interface QueueShutdownOptions {
  /** Drain the queue and fail every `get()` at once (default `false`). */
  immediate?: boolean;
}

/**
 * A queue for coordinating producer and consumer coroutines (asyncio's
 * `Queue`; Trollius' `JoinableQueue` is the same class).
 *
 * With `maxsize <= 0` (the default) it is unbounded; otherwise `put()` waits
 * while it holds `maxsize` items. `get()` waits while it is empty. Items and
 * free slots go to waiters in FIFO order. Every item put counts as an
 * unfinished task until `task_done()` is called for it; `join()` waits for
 * that count to reach zero.
 *
 * A `put()` reserves a slot (at once, or when one frees up, oldest first) and
 * its item goes in when the caller resumes, within one loop iteration; until
 * then `full()` counts the reserved slot, so `put_nowait()` cannot overtake
 * it, and `qsize()` does not count the item yet. A `get()` takes its item at
 * once. Cancelled before its caller resumed, a `put()` adds nothing and a
 * `get()` gives its item to the next getter, or back to the front of the
 * queue (even past `maxsize`, as asyncio 3.5.0 does).
 *
 * `shutdown()` (asyncio 3.13) ends the queue: puts fail with `QueueShutDown`,
 * gets once the queue is empty, or at once with `shutdown(true)`.
 *
 * Subclasses may override the storage hooks `_init`, `_put`, `_get` and
 * `_put_it_back`, as in asyncio.
 *
 * @example
 * const q = new Queue<string>(10);
 * const producer = coroutine(function* () {
 *   for (const line of lines) yield From(q.put(line));
 * });
 * const consumer = coroutine(function* () {
 *   for (;;) {
 *     const line = yield* From(q.get());
 *     handle(line);
 *     q.task_done();
 *   }
 * });
 */
export class Queue<T = unknown> {
  /** @internal */ _loop: _LoopInternals;
  /** @internal */ _maxsize: number;
  /** @internal The items; made by `_init`. */ _queue!: QueueStorage<T>;
  /** @internal get() calls waiting, oldest first. */ _getters = new Deque<_GetWaiter<T>>(1);
  /** @internal Items handed to get() calls that have not resumed yet. */ _handed = 0;
  /** @internal `shutdown()` was called (asyncio's `_is_shutdown`). */ _is_shutdown = false;
  /** @internal `shutdown(true)` was called. */ _shutdown_immediate = false;
  /** @internal put() calls waiting for a slot, oldest first. */
  _putters = new Deque<_PutWaiter<T>>(1);
  /** @internal Slots reserved for put() calls that have not resumed yet. */ _reserved = 0;
  /** @internal Items put and not yet marked done. */ _unfinished_tasks = 0;
  /** @internal join() calls waiting. */ _join_waiters = new Set<_Waiter<null>>();
  /** @internal */ readonly _getter_owner: _WaiterOwner;
  /** @internal */ readonly _putter_owner: _WaiterOwner;
  /** @internal */ readonly _join_owner: _WaiterOwner;

  /**
   * @param maxsize - the most items it holds; `<= 0` (the default) means no limit.
   * @param options - `loop`: default `get_event_loop()`; `maxsize`, when it is
   *   not given by position (`new Queue({maxsize: 10})`).
   */
  constructor(maxsize?: number | null, options?: QueueOptions | null);
  constructor(options?: QueueOptions | null);
  constructor(maxsize?: number | QueueOptions | null, options?: QueueOptions | null) {
    const where = new.target.name;
    if (options === undefined && _is_options(maxsize)) {
      options = maxsize;
      maxsize = null;
    }
    const checked = check_options(where, options, QUEUE_OPTIONS);
    if (checked.maxsize !== undefined && checked.maxsize !== null) {
      if (maxsize !== undefined && maxsize !== null) throw _multiple_values(where, 'maxsize');
      maxsize = checked.maxsize;
    }
    maxsize ??= 0;
    if (typeof maxsize !== 'number') {
      throw new TypeError(`maxsize must be a number, got ${repr(maxsize)}`);
    }
    this._loop = _loop_of(checked.loop, `${where}()`);
    this._maxsize = maxsize;
    this._getter_owner = {
      _waiter_cancelled: (waiter, granted, item) => {
        if (!granted) this._getters.remove(waiter as _GetWaiter<T>);
        else this._item_dropped(item as T, !waiter._delivered);
      },
    };
    this._putter_owner = {
      _waiter_cancelled: (waiter, granted) => {
        if (!granted) {
          this._putters.remove(waiter as _PutWaiter<T>);
          return;
        }
        const putter = waiter as _PutWaiter<T>;
        if (putter._slot) {
          putter._slot = false;
          this._reserved--;
        }
        this._wake_putters();
      },
    };
    this._join_owner = {
      _waiter_cancelled: (waiter, granted) => {
        if (!granted) this._join_waiters.delete(waiter as _Waiter<null>);
      },
    };
    this._init(maxsize);
  }

  // ---- storage hooks (overridable, as in asyncio) ------------------------------

  /** Make the storage: a ring buffer (asyncio uses `collections.deque`). */
  protected _init(_maxsize: number): void {
    this._queue = new Deque<T>(3);
  }

  /** Remove and return the next item (called only when the storage is not empty). */
  protected _get(): T {
    return (this._queue as Deque<T>).shift() as T;
  }

  /** Store an item. */
  protected _put(item: T): void {
    (this._queue as Deque<T>).push(item);
  }

  /** Store an item a cancelled `get()` gives back, so that it comes out next. */
  protected _put_it_back(item: T): void {
    (this._queue as Deque<T>).unshift(item);
  }

  // ---- state -----------------------------------------------------------------

  /** Number of items in the queue. */
  qsize(): number {
    return this._queue.length;
  }

  /** The most items the queue holds; `<= 0` means no limit. */
  get maxsize(): number {
    return this._maxsize;
  }

  /** Whether the queue holds no item. */
  empty(): boolean {
    return this._queue.length === 0;
  }

  /**
   * Whether the queue holds `maxsize` items (counting slots reserved for
   * waiting `put()` calls); always `false` when `maxsize <= 0`.
   */
  full(): boolean {
    if (!(this._maxsize > 0)) return false;
    return this._queue.length + this._reserved >= this._maxsize;
  }

  // ---- put --------------------------------------------------------------------

  /**
   * Put an item, waiting for a free slot while the queue is full; resolves to
   * `null` once the item is in. The item goes in when the caller resumes (or
   * first looks at the Future): a put() cancelled before that adds nothing.
   */
  put(item: T): Future<null> {
    const putter = new _PutWaiter<T>(this, item);
    if (this._is_shutdown) putter.set_exception(new QueueShutDown());
    else if (this._putters.length === 0 && !this.full()) putter._grant_slot();
    else this._putters.push(putter);
    return putter;
  }

  /**
   * Put an item at once; throws `QueueShutDown` after `shutdown()`, `QueueFull`
   * if there is no free slot.
   */
  put_nowait(item: T): void {
    if (this._is_shutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._put_internal(item);
  }

  /** Store an item, count it, and hand it to the oldest getter. @internal */
  _put_internal(item: T): void {
    this._put(item);
    this._unfinished_tasks++;
    const getter = _next_pending(this._getters);
    if (getter !== undefined) getter._hand(this._get());
  }

  /** Reserve free slots for the oldest waiting putters. @internal */
  _wake_putters(): void {
    const putters = this._putters;
    while (putters.length > 0 && !this.full()) {
      const putter = putters.shift()!;
      if (putter._state === 'PENDING') putter._grant_slot();
    }
  }

  // ---- get --------------------------------------------------------------------

  /**
   * Remove and return an item, waiting while the queue is empty. Cancelled
   * after an item was handed to it, the item goes to the next getter or back
   * to the front of the queue. Fails with `QueueShutDown` once the queue is
   * shut down and empty.
   */
  get(): Future<T> {
    const getter = new _GetWaiter<T>(this);
    if (this._getters.length === 0 && !this.empty()) getter._hand(this.get_nowait());
    else if (this._is_shutdown) getter.set_exception(new QueueShutDown());
    else this._getters.push(getter);
    return getter;
  }

  /**
   * Remove and return an item at once; throws `QueueEmpty` if there is none
   * (`QueueShutDown` if the queue is also shut down).
   */
  get_nowait(): T {
    if (this.empty()) throw this._is_shutdown ? new QueueShutDown() : new QueueEmpty();
    const item = this._get();
    this._wake_putters();
    return item;
  }

  /**
   * A get() gave up an item its caller never took: before it resumed
   * (`in_transit`), or because the task that resumed was cancelled. @internal
   */
  _item_dropped(item: T, in_transit: boolean): void {
    if (in_transit) this._handed--;
    if (!this._shutdown_immediate) return this._give_back(item);
    // Drained: an item in transit was counted by shutdown(true) already.
    if (!in_transit) this._tasks_drained(1);
  }

  /** An item a cancelled get() never delivered: to the next getter, or back in front. @internal */
  _give_back(item: T): void {
    const getter = _next_pending(this._getters);
    if (getter !== undefined) getter._hand(item);
    else this._put_it_back(item);
  }

  // ---- shutdown (asyncio 3.13) ------------------------------------------------

  /**
   * Shut the queue down: `put()` and `put_nowait()` fail with `QueueShutDown`
   * from now on, and so do `get()` and `get_nowait()` once the queue is
   * empty. Every blocked `put()` and `get()` fails with `QueueShutDown`.
   *
   * With `immediate` (`shutdown(true)` or `shutdown({immediate: true})`), the
   * queue is drained as well, items already handed to a `get()` whose caller
   * has not resumed included: each drained item counts as done, which may
   * resolve `join()`.
   *
   * @example
   * // producer side: no more items; consumers end after the last one
   * q.shutdown();
   * // consumer side
   * try { for (;;) handle(yield* From(q.get())); }
   * catch (e) { if (!(e instanceof QueueShutDown)) throw e; }
   */
  shutdown(immediate?: boolean | QueueShutdownOptions | null): void {
    const drain = shutdown_flag(immediate);
    this._is_shutdown = true;
    if (drain) this._drain();
    for (const getter of this._getters) {
      if (getter._state === 'PENDING') getter.set_exception(new QueueShutDown());
    }
    this._getters.clear();
    for (const putter of this._putters) {
      if (putter._state === 'PENDING') putter.set_exception(new QueueShutDown());
    }
    this._putters.clear();
  }

  /** Empty the queue for `shutdown(true)`; the items count as done. @internal */
  _drain(): void {
    let drained = 0;
    while (!this.empty()) {
      this._get();
      drained++;
    }
    // Items on their way to a get() are drained as they reach it (see _GetWaiter).
    if (!this._shutdown_immediate) drained += this._handed;
    this._shutdown_immediate = true;
    this._tasks_drained(drained);
  }

  /** Count `n` drained items as done, as asyncio's shutdown does. @internal */
  _tasks_drained(n: number): void {
    this._unfinished_tasks = Math.max(0, this._unfinished_tasks - n);
    if (this._unfinished_tasks === 0) this._wake_joiners();
  }

  // ---- join -------------------------------------------------------------------

  /**
   * Mark one item as processed: call it once per item taken with `get()`.
   * When every item put has been marked, `join()` calls resolve. Throws
   * `ValueError('task_done() called too many times')` when no item is unfinished.
   */
  task_done(): void {
    if (this._unfinished_tasks <= 0) throw new ValueError('task_done() called too many times');
    this._unfinished_tasks--;
    if (this._unfinished_tasks === 0) this._wake_joiners();
  }

  /** Resolve every join(). @internal */
  _wake_joiners(): void {
    for (const waiter of this._join_waiters) if (waiter._state === 'PENDING') waiter._grant();
    this._join_waiters.clear();
  }

  /**
   * A Future resolving to `null` once every item put has been marked with
   * `task_done()` (at once if none is unfinished).
   */
  join(): Future<null> {
    const waiter = new _Waiter<null>(this._loop, this._join_owner, null);
    if (this._unfinished_tasks === 0) waiter._grant();
    else this._join_waiters.add(waiter);
    return waiter;
  }

  // ---- repr -------------------------------------------------------------------

  /** `maxsize=N[ _queue=[...]][ _getters[N]][ _putters[N]][ tasks=N]`, as asyncio. @internal */
  _format(): string {
    let result = `maxsize=${repr(this._maxsize)}`;
    if (this._queue.length > 0) result += ` _queue=[${Array.from(this._queue, repr).join(', ')}]`;
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinished_tasks > 0) result += ` tasks=${this._unfinished_tasks}`;
    if (this._is_shutdown) result += ' shutdown';
    return result;
  }

  /** The repr, as asyncio's: `<Queue maxsize=0 _queue=[1, 2] tasks=2>`. */
  toString(): string {
    return `<${this.constructor.name} ${this._format()}>`;
  }
}

const SHUTDOWN_OPTIONS: OptionSpec = { immediate: ['boolean'] };

/** `shutdown()`'s argument: a boolean, or `{immediate}`; a wrong type or key is a TypeError. */
function shutdown_flag(immediate: boolean | QueueShutdownOptions | null | undefined): boolean {
  if (immediate === null || immediate === undefined) return false;
  if (typeof immediate === 'object') {
    const options = immediate as QueueShutdownOptions;
    immediate = check_options('shutdown', options, SHUTDOWN_OPTIONS).immediate ?? false;
  }
  if (typeof immediate !== 'boolean') {
    throw new TypeError(`shutdown() immediate must be a boolean, got ${repr(immediate)}`);
  }
  return immediate;
}

/** Trollius' name for `Queue` (asyncio < 3.5): the same class. */
export { Queue as JoinableQueue };

/**
 * A queue that returns the smallest item first (asyncio's `PriorityQueue`,
 * a binary heap ordered as Python's `heapq`).
 *
 * Items are compared the way Python compares them: numbers (and bigints,
 * booleans) by value, strings by code point, arrays as tuples (element by
 * element, a shorter prefix first), `Uint8Array`s as bytes, `Date`s by time,
 * and objects through their `__lt__(other)` method if they have one. Comparing
 * anything else, such as a number with a string, throws a `TypeError`, as
 * Python does; the queue is left unchanged.
 *
 * @example
 * const jobs = new PriorityQueue<[number, string]>();
 * jobs.put_nowait([2, 'later']);
 * jobs.put_nowait([1, 'first']);
 * jobs.get_nowait(); // [1, 'first']
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  declare _queue: T[];

  protected override _init(_maxsize: number): void {
    this._queue = [];
  }

  protected override _put(item: T): void {
    heap_push(this._queue, item);
  }

  protected override _get(): T {
    return heap_pop(this._queue);
  }

  protected override _put_it_back(item: T): void {
    heap_push(this._queue, item);
  }
}

/** A queue that returns the most recently added item first (asyncio's `LifoQueue`). */
export class LifoQueue<T = unknown> extends Queue<T> {
  declare _queue: T[];

  protected override _init(_maxsize: number): void {
    this._queue = [];
  }

  protected override _put(item: T): void {
    this._queue.push(item);
  }

  protected override _get(): T {
    return this._queue.pop() as T;
  }

  protected override _put_it_back(item: T): void {
    this._queue.push(item);
  }
}
