// Task: drives a generator coroutine on the loop, with nested coroutines run inline (asyncio tasks.py).

import { LOOP_INTERNALS, _loop_of, type _LoopInternals } from './loop_internals.js';
import { FromWrapper, Return, iscoroutine } from './coroutines.js';
import { AbstractEventLoop } from './events.js';
import type { ExceptionContext } from './exception_handler.js';
import { get_running_loop } from './event_loop_policy.js';
import { CancelledError, RuntimeError } from './exceptions.js';
import { coroutine_name, repr } from './format_helpers.js';
import { Future, FutureExtra, wrap_future, type FutureOptions } from './futures.js';
import { is_thenable } from './thenable.js';
import { check_options, type OptionSpec } from './options.js';

/**
 * A task factory, set with `loop.set_task_factory()`: `create_task()` calls it
 * with the loop, the coroutine and the options it was given (a name), and
 * names the task it returns.
 */
export type TaskFactory = (
  loop: AbstractEventLoop,
  coro: Generator<unknown, unknown, unknown>,
  options?: CreateTaskOptions,
) => Future<unknown>;

/**
 * Options of `loop.create_task()` and `create_task()`: asyncio's keyword-only `name`.
 *
 * @example
 * const task = create_task(fetch_page(url), { name: `fetch ${url}` });
 */
export interface CreateTaskOptions {
  /** The task's name (`task.get_name()`); default `'Task-N'`. */
  name?: string | null;
}

/** Marks "no exception to throw in" for `_step`, since any value can be thrown. */
const NO_EXC: unknown = Symbol('no exception');

type Gen = Generator<unknown, unknown, unknown>;

const TASK_OPTION_KEYS: readonly string[] = /* @__PURE__ */ Object.freeze([
  'loop',
  'name',
  'eager_start',
]);

/**
 * Options of `new Task()`: asyncio's keyword-only `loop`, `name` and
 * `eager_start` (asyncio 3.12).
 *
 * @example
 * const task = new Task(worker(), { loop, name: 'worker-1' });
 */
export interface TaskOptions extends FutureOptions {
  /** The task's name; default `'Task-N'`, N counting the unnamed tasks made so far. */
  name?: string | null;
  /**
   * Run the coroutine's first step now, inside the constructor, if the loop
   * is running: a coroutine that finishes without waiting makes a task that
   * is done when the constructor returns, and is never scheduled. Default `false`.
   */
  eager_start?: boolean | null;
}

/** asyncio's keyword `loop`, for the functions that also take it by position. */
interface LoopOption {
  /** The loop to look at; default: the running loop. */
  loop?: AbstractEventLoop | null;
}

const LOOP_OPTION: OptionSpec = { loop: ['object', 'null'] };

/** The loop of `loop` or `{loop}`; default: the current loop. */
function loop_argument(
  where: string,
  arg: AbstractEventLoop | LoopOption | null | undefined,
): _LoopInternals {
  if (arg instanceof AbstractEventLoop) return _loop_of(arg, `${where}()`);
  return _loop_of(check_options(where, arg, LOOP_OPTION).loop, `${where}()`);
}

/**
 * What few tasks need, kept out of the Task itself (as `FutureExtra` is out
 * of the Future) so that the many tasks that are never cancelled and only
 * wait on timers and tasks stay small.
 * @internal
 */
export class TaskExtra extends FutureExtra {
  /** How many cancellations were requested and not yet `uncancel()`ed. */
  cancels_requested = 0;
  /** The `CancelledError` that ended the coroutine, handed to awaiters as it was. */
  cancelled_exc: CancelledError | null = null;
  /**
   * Set by a scope task (TaskGroup) that ends with an error while a
   * cancellation its awaiter passed on to it is pending: the awaiter gets the
   * error, then is cancelled again at its next yield, as asyncio re-cancels
   * the parent task of a group.
   */
  recancel_awaiter = false;
  /** Not reported if collected while pending (the tasks the loop makes itself). */
  quiet_if_destroyed = false;
  /**
   * Set once the task waits on a future the loop does not hold: from then on
   * the loop holds the task weakly (its `_weak_tasks`), instead of in its list
   * of pending tasks, so that a task nothing references can be collected.
   * Tasks that only ever wait on timers and tasks never pay for it.
   */
  weak_ref: WeakRef<Task<unknown>> | null = null;
}

/** Numbers the unnamed tasks: `Task-1`, `Task-2`, ... (formatted only when asked for). */
let unnamed_tasks = 0;

/**
 * `Future`'s own `add_done_callback`: a subclass that overrides it gets called
 * (tracing libraries do). Read in a function marked pure: esbuild keeps a bare
 * property read, which a getter could make a side effect.
 */
const FUTURE_ADD_DONE_CALLBACK = /* @__PURE__ */ (() => Future.prototype.add_done_callback)();

/** What the registry keeps of a weakly held task: enough to report it, nothing that holds it. */
interface WeaklyHeldTask {
  loop: _LoopInternals;
  ref: WeakRef<Task<unknown>>;
  repr: string;
  source_traceback: string | null;
  report: boolean;
}

// A pending task that nothing references any more is collected, as asyncio's
// tasks are (its _all_tasks is a WeakSet), and reported as Task.__del__ does.
const collected_pending_tasks = /* @__PURE__ */ new FinalizationRegistry<WeaklyHeldTask>((held) => {
  held.loop._weak_tasks.delete(held.ref);
  if (!held.report) return;
  const context: ExceptionContext = {
    message: 'Task was destroyed but it is pending!',
    task: held.repr,
  };
  if (held.source_traceback) context.source_traceback = held.source_traceback;
  held.loop.call_exception_handler(context);
});

/**
 * Run a coroutine on the loop (asyncio's `Task`, a Future subclass).
 *
 * The task steps its coroutine with `next`/`throw`. What the coroutine yields
 * decides what happens next:
 * - a Future (or Task): the task sleeps until it is done, then resumes with its
 *   result, or throws its exception at the yield point;
 * - a coroutine object: it runs inside this task, on a stack of generators,
 *   with no extra loop iteration, as `yield from` does (not as a sub-Task);
 * - a Promise or thenable: waited for like a Future;
 * - `null`/`undefined`: the task resumes on the next loop iteration;
 * - a Lock, Semaphore or Condition: acquired, resuming with a guard;
 * - anything else: a `RuntimeError` mentioning "bad yield" is thrown in.
 *
 * `cancel()` throws `CancelledError` into the coroutine at its yield point,
 * after cancelling the future it waits on. A coroutine that catches the
 * cancellation may go on and finish normally.
 */
export class Task<T = unknown> extends Future<T> {
  /** @internal Cancellation counts, weak holding and more: see `TaskExtra`. */
  declare _extra: TaskExtra | null;
  /** @internal The root coroutine; `null` once the task finished in its eager step. */
  _coro: Gen | null;
  /** @internal The generator being run: the root, or the innermost nested coroutine. */ _gen: Gen;
  /**
   * @internal `_gen`'s `next`, read once per generator. Read at each step, it
   * would be a megamorphic lookup: each coroutine function gives its
   * generators a prototype, so a shape, of their own (5% of a task switch).
   */
  _send: Gen['next'];
  /** @internal The generators that wait for `_gen` to return, outermost first; `null` until one nests. */
  _parents: Gen[] | null = null;
  /**
   * @internal The future this task waits on; once it is done, the task is
   * queued and its next step takes the future's outcome.
   */
  _fut_waiter: Future<unknown> | null = null;
  /** @internal Throw `CancelledError` in at the next step. */ _must_cancel = false;
  /** @internal The name given, or the N of the default name `'Task-N'`. */ _name: string | number;
  /** The callback `_wait_for` gives a Future subclass (see `_wakeup_callback()`). */
  declare private _wakeup: (() => void) | undefined;
  /** @internal Neighbours in the loop's list of pending tasks. */ _newer: Task<unknown> | null =
    null;
  /** @internal */ _older: Task<unknown> | null = null;
  // What the next step sends or throws in when it is not woken by a future.
  private _next_value: unknown = undefined;
  private _next_exc: unknown = NO_EXC;

  /** @param options - `loop`, `name` and `eager_start`. */
  constructor(coro: Generator<unknown, T, unknown>, options?: TaskOptions);
  /**
   * Internal callers pass their loop itself (an unnamed task, no options
   * object to check).
   * @internal
   */
  constructor(coro: Generator<unknown, T, unknown>, options?: TaskOptions | _LoopInternals);
  constructor(coro: Generator<unknown, T, unknown>, options?: TaskOptions | _LoopInternals) {
    if (!iscoroutine(coro)) {
      throw new TypeError(`a coroutine was expected, got ${repr(coro)}`);
    }
    const given =
      options === undefined || options === null || LOOP_INTERNALS in options ? null : options;
    const name = given?.name;
    super(options);
    this._coro = coro as Gen;
    this._gen = coro as Gen;
    this._send = coro.next;
    if (name === undefined || name === null) {
      this._name = ++unnamed_tasks;
    } else {
      this._name = String(name);
    }
    const eager = Boolean(given?.eager_start) && this._loop.is_running();
    // The task queues itself for its steps: no Handle, no closure.
    if (!eager) this._loop._schedule(this);
    // Link into the loop's list of pending tasks (see all_tasks()).
    const newest = this._loop._newest_task;
    this._older = newest;
    if (newest !== null) newest._newer = this as Task<unknown>;
    this._loop._newest_task = this as Task<unknown>;
    if (eager) this._eager_start();
  }

  /**
   * asyncio 3.12's eager start: the first step runs now, as the current task
   * of the loop, then the task that was current (the one creating this task,
   * if any) is current again. A task done by then is out of `all_tasks()`.
   */
  private _eager_start(): void {
    this._step(undefined, NO_EXC);
    if (this._state !== 'PENDING') this._coro = null;
  }

  /** @internal */
  override get _option_keys(): readonly string[] {
    return TASK_OPTION_KEYS;
  }

  /** The task whose step is running on `loop` (default: the current loop), or `null`. */
  static current_task(loop?: AbstractEventLoop | LoopOption | null): Task<unknown> | null {
    return loop_argument('current_task', loop)._current_task;
  }

  /** The pending tasks of `loop` (default: the current loop). */
  static all_tasks(loop?: AbstractEventLoop | LoopOption | null): Set<Task<unknown>> {
    const base = loop_argument('all_tasks', loop);
    const tasks = new Set<Task<unknown>>();
    for (let task = base._newest_task; task !== null; task = task._older) tasks.add(task);
    for (const ref of base._weak_tasks) {
      const task = ref.deref();
      if (task !== undefined) tasks.add(task);
    }
    return tasks;
  }

  /**
   * The coroutine the task runs (asyncio 3.8), or `null` for a task that
   * finished in its eager step (asyncio 3.12: see `eager_task_factory`).
   */
  get_coro(): Generator<unknown, T, unknown> | null {
    return this._coro as Generator<unknown, T, unknown> | null;
  }

  /** The task's name: the one given, or `'Task-N'`. */
  get_name(): string {
    const name = this._name;
    return typeof name === 'string' ? name : `Task-${name}`;
  }

  /** Rename the task (any value is converted to a string, as asyncio's `str(value)`). */
  set_name(value: unknown): void {
    this._name = String(value);
  }

  /**
   * Request cancellation: `CancelledError` (with `msg` as its message, `''`
   * without one) is thrown into the coroutine at its yield point on its next
   * step. Returns `false` if the task is already done. Right after this call
   * `cancelled()` is still `false`; it becomes `true` if the coroutine lets
   * the `CancelledError` escape. Each call counts a request (see `cancelling()`).
   */
  override cancel(msg?: string | null): boolean {
    this._retrieved();
    if (this._state !== 'PENDING') return false;
    this._make_extra().cancels_requested++;
    // If the waited-on future accepts the cancellation, the wakeup throws
    // CancelledError in; it may be a task that ignores it, so keep waiting.
    if (this._fut_waiter !== null && this._fut_waiter.cancel(msg)) return true;
    this._must_cancel = true;
    this._cancel_message = msg === undefined || msg === null ? null : String(msg);
    return true;
  }

  /**
   * How many cancellation requests are pending: `cancel()` calls not yet
   * matched by `uncancel()` (asyncio 3.11). `TaskGroup` and `timeout()` use
   * it to tell their own cancellation from one that came from outside.
   */
  cancelling(): number {
    return this._extra === null ? 0 : this._extra.cancels_requested;
  }

  /**
   * Take back one cancellation request and return how many remain (asyncio
   * 3.11). When none remains, a cancellation not yet delivered is dropped
   * (asyncio 3.13). Code that catches a `CancelledError` it caused itself
   * calls this, so that an outer scope still sees only its own requests.
   */
  uncancel(): number {
    const extra = this._extra;
    if (extra === null) return 0;
    if (extra.cancels_requested > 0) {
      extra.cancels_requested--;
      if (extra.cancels_requested === 0) this._must_cancel = false;
    }
    return extra.cancels_requested;
  }

  /** Cancel again, keeping the count: a pending request outlived the error that came first. */
  private _recancel(): void {
    if (this._state !== 'PENDING' || this.cancelling() === 0) return;
    this._extra!.cancels_requested--;
    this.cancel();
  }

  /** @internal */
  override _make_cancelled_error(): CancelledError {
    const exc = this._extra === null ? null : this._extra.cancelled_exc;
    return exc ?? super._make_cancelled_error();
  }

  /** @internal */
  override _kind(): string {
    return 'Task';
  }

  /**
   * Run the next step, from the loop's ready queue: resume with the outcome
   * of the future that woke the task, or with what was queued.
   * @internal
   */
  _run(): void {
    if (this._state !== 'PENDING') {
      this._loop.call_exception_handler({ message: `_step(): already done: ${this}`, task: this });
      return;
    }
    const future = this._fut_waiter;
    if (future !== null) {
      this._fut_waiter = null;
      if (future._state === 'CANCELLED') {
        return this._step(undefined, future._make_cancelled_error());
      }
      if (future._exception === null) {
        if (this._must_cancel) {
          // Cancelled after the future finished: the result never reaches the
          // coroutine, so let the future hand back what it held (a permit, an
          // item). One that cannot be handed back (an item put) is taken, and
          // the cancellation waits for the next suspension point.
          if (!future._result_droppable()) return this._resume(future._result);
          future._result_dropped();
        }
        return this._step(future._result, NO_EXC);
      }
      future._retrieved();
      this._step(undefined, future._exception);
      if (future instanceof Task && future._extra?.recancel_awaiter === true) this._recancel();
      return;
    }
    const value = this._next_value;
    const exc = this._next_exc;
    this._next_value = undefined;
    this._next_exc = NO_EXC;
    this._step(value, exc);
  }

  /**
   * Advance the coroutine with a value or an exception, running nested
   * coroutines inline until something must be waited for.
   * @internal
   */
  _step(value: unknown, exc: unknown): void {
    if (this._must_cancel) {
      if (!(exc instanceof CancelledError)) exc = super._make_cancelled_error();
      this._must_cancel = false;
    }
    const loop = this._loop;
    const previous = loop._current_task;
    loop._current_task = this as Task<unknown>;
    try {
      this._drive(value, exc);
    } finally {
      loop._current_task = previous;
    }
  }

  /** Advance the coroutine with a result it must see, keeping a pending cancellation. */
  private _resume(value: unknown): void {
    const loop = this._loop;
    const previous = loop._current_task;
    loop._current_task = this as Task<unknown>;
    try {
      this._drive(value, NO_EXC);
    } finally {
      loop._current_task = previous;
    }
  }

  private _drive(value: unknown, exc: unknown): void {
    for (;;) {
      let step: IteratorResult<unknown, unknown>;
      try {
        step = exc === NO_EXC ? this._send.call(this._gen, value) : this._gen.throw(exc);
      } catch (error) {
        if (error instanceof Return) {
          error.raised = true;
          value = error.value;
          exc = NO_EXC;
        } else {
          value = undefined;
          exc = error;
        }
        if (!this._pop()) return this._finish(value, exc);
        continue;
      }
      if (step.done === true) {
        value = step.value;
        exc = NO_EXC;
        if (!this._pop()) return this._finish(value, NO_EXC);
        continue;
      }
      let yielded = step.value;
      // Futures come first: `yield fut` and `yield* fut` are the hot path.
      if (!(yielded instanceof Future) && yielded instanceof FromWrapper) yielded = yielded.obj;
      if (yielded instanceof Future) {
        if (
          yielded._state === 'PENDING' &&
          yielded._loop === this._loop &&
          !this._must_cancel &&
          yielded !== (this as Future<unknown>)
        ) {
          // A subclass's add_done_callback must see the task register.
          if (yielded.add_done_callback !== FUTURE_ADD_DONE_CALLBACK)
            return this._wait_for(yielded);
          // The hot path: sleep until the future wakes this task.
          yielded._push_callback(this);
          this._fut_waiter = yielded;
          if (!yielded._held_by_loop && !this._weakly_held()) this._hold_weakly();
          return;
        }
        // As asyncio's `yield from fut`: a future that is already done does
        // not suspend the task (a cancellation still goes through _wait_for).
        if (yielded._state === 'PENDING' || this._must_cancel || yielded._loop !== this._loop) {
          return this._wait_for(yielded);
        }
        if (yielded._state === 'CANCELLED') {
          value = undefined;
          exc = yielded._make_cancelled_error();
        } else {
          const error = yielded.exception();
          value = error === null ? yielded.result() : undefined;
          exc = error === null ? NO_EXC : error;
        }
        continue;
      }
      if (iscoroutine(yielded)) {
        (this._parents ??= []).push(this._gen);
        this._gen = yielded;
        this._send = yielded.next;
        value = undefined;
        exc = NO_EXC;
        continue;
      }
      if (yielded === null || yielded === undefined) {
        this._loop._schedule(this);
        return;
      }
      if (is_thenable(yielded)) return this._wait_for(wrap_future(yielded, { loop: this._loop }));
      const acquire = (yielded as { _acquire_guard?: unknown })._acquire_guard;
      if (typeof acquire === 'function') {
        return this._wait_for((acquire as () => Future<unknown>).call(yielded));
      }
      return this._throw_soon(new RuntimeError(`Task got bad yield: ${repr(yielded)}`));
    }
  }

  /** Return to the generator that waits for the current one; `false` at the root. */
  private _pop(): boolean {
    const parents = this._parents;
    if (parents === null || parents.length === 0) return false;
    this._gen = parents.pop()!;
    this._send = this._gen.next;
    return true;
  }

  private _wait_for(future: Future<unknown>): void {
    if (future._loop !== this._loop) {
      return this._throw_soon(
        new RuntimeError(`Task ${this} got Future ${future} attached to a different loop`),
      );
    }
    if (future === (this as Future<unknown>)) {
      return this._throw_soon(new RuntimeError(`Task cannot await on itself: ${this}`));
    }
    if (future.add_done_callback === FUTURE_ADD_DONE_CALLBACK) future._add_waiter(this);
    else future.add_done_callback(this._wakeup_callback());
    this._fut_waiter = future;
    if (!future._held_by_loop && !this._weakly_held()) this._hold_weakly();
    if (this._must_cancel && future.cancel(this._cancel_message)) this._must_cancel = false;
  }

  /** The done callback a Future subclass gets: made on first use, as few tasks need one. */
  private _wakeup_callback(): () => void {
    return (this._wakeup ??= () => this._run());
  }

  /**
   * Leave the loop's list of pending tasks for its weak set: from now on only
   * what references the task (the future it waits on, the ready queue, user
   * code) keeps it alive, as in asyncio.
   */
  private _hold_weakly(): void {
    this._unlink();
    const ref = new WeakRef<Task<unknown>>(this as Task<unknown>);
    const extra = this._make_extra();
    extra.weak_ref = ref;
    this._loop._weak_tasks.add(ref);
    const held: WeaklyHeldTask = {
      loop: this._loop,
      ref,
      repr: `<Task pending name=${repr(this.get_name())} coro=<${coroutine_name(this._coro!)}() running>>`,
      source_traceback: this._source_traceback,
      report: !extra.quiet_if_destroyed,
    };
    collected_pending_tasks.register(this, held, this);
  }

  /** Whether the loop holds this task weakly already (see `_hold_weakly`). */
  private _weakly_held(): boolean {
    const extra = this._extra;
    return extra !== null && extra.weak_ref !== null;
  }

  /** @internal */
  override _make_extra(): TaskExtra {
    return (this._extra ??= new TaskExtra());
  }

  private _throw_soon(error: Error): void {
    this._next_exc = error;
    this._loop._schedule(this);
  }

  /** Leave the loop's list of pending tasks (strongly held tasks only). */
  private _unlink(): void {
    const newer = this._newer;
    const older = this._older;
    if (newer !== null) newer._older = older;
    else this._loop._newest_task = older;
    if (older !== null) older._newer = newer;
    this._newer = this._older = null;
  }

  private _finish(value: unknown, exc: unknown): void {
    const ref = this._extra === null ? null : this._extra.weak_ref;
    if (ref === null) {
      this._unlink();
    } else {
      this._loop._weak_tasks.delete(ref);
      collected_pending_tasks.unregister(this);
    }
    if (exc === NO_EXC && this._must_cancel) {
      // Cancelled right before the coroutine returned: the task ends cancelled (asyncio).
      this._must_cancel = false;
      exc = super._make_cancelled_error();
    }
    if (exc === NO_EXC) this.set_result(value as T);
    else if (exc instanceof CancelledError) {
      this._make_extra().cancelled_exc = exc;
      super.cancel();
    } else this._set_exception(exc);
  }

  /** @internal */
  override _repr_info(): string[] {
    const info = super._repr_info();
    if (this._must_cancel) info[0] = 'cancelling';
    const where = this._state === 'PENDING' ? 'running' : 'done';
    info.splice(
      1,
      0,
      `name=${repr(this.get_name())}`,
      `coro=<${coroutine_name(this._gen)}() ${where}>`,
    );
    if (this._fut_waiter !== null) info.splice(3, 0, `wait_for=${this._fut_waiter}`);
    return info;
  }
}

/**
 * Wrap a coroutine in a Task on the running loop and schedule its first step
 * (asyncio 3.7's `create_task`). A Future or Promise is accepted too. Outside
 * a running loop: `RuntimeError('no running event loop')`.
 *
 * @example
 * const main = coroutine(function* () {
 *   const job = create_task(fetch_page(url), { name: 'fetch' });
 *   yield From(sleep(0.1));
 *   return yield* From(job);
 * });
 */
export function create_task<T>(
  coro: Generator<unknown, T, unknown> | Future<T> | PromiseLike<T>,
  options?: CreateTaskOptions,
): Task<T> {
  return get_running_loop().create_task(coro, options);
}

/** The task running on `loop` or `{loop}` (default: the current loop), or `null` (asyncio 3.7's `current_task`). */
export function current_task(loop?: AbstractEventLoop | LoopOption | null): Task<unknown> | null {
  return Task.current_task(loop);
}

/** The pending tasks of `loop` or `{loop}` (default: the current loop), as a `Set` (asyncio 3.7's `all_tasks`). */
export function all_tasks(loop?: AbstractEventLoop | LoopOption | null): Set<Task<unknown>> {
  return Task.all_tasks(loop);
}

/** A coroutine that waits for `awaitable` and returns its result. @internal */
export function* awaiting<T>(
  awaitable: Future<T> | PromiseLike<T>,
): Generator<unknown, T, unknown> {
  return (yield awaitable) as T;
}
