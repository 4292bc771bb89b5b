// BaseEventLoop: the ready queue, the timer queue, one iteration, and running on a host that cannot block.

import {
  MAX_ITERATIONS_BETWEEN_CLOCK_CHECKS,
  MAX_SECONDS_PER_TURN,
  MIN_CANCELLED_TIMER_HANDLES_FRACTION,
  MIN_SCHEDULED_TIMER_HANDLES,
} from './constants.js';
import { iscoroutine, iscoroutinefunction } from './coroutines.js';
import { Deque } from './deque.js';
import { AbstractEventLoop } from './events.js';
import {
  BaseDefaultEventLoopPolicy,
  _mark_running,
  _set_default_policy_factory,
  _set_running_loop,
} from './event_loop_policy.js';
import { Handle, TimerHandle, type Runnable } from './handles.js';
import { RuntimeError } from './exceptions.js';
import {
  call_exception_handler,
  log_exception_context,
  type ExceptionContext,
  type ExceptionHandler,
} from './exception_handler.js';
import * as signals from './signals.js';
import { check_options, type OptionSpec } from './options.js';
import { LOOP_INTERNALS } from './loop_internals.js';
import { install_io_methods } from './loop_io_forwarders.js';
import { StalledAwaits } from './stalled_awaits.js';
import {
  SynchronousExecutor,
  type Executor,
  type ShutdownDefaultExecutorOptions,
} from './executor.js';
import { repr } from './format_helpers.js';
import { Future, isfuture, wrap_future } from './futures.js';
import { is_thenable } from './thenable.js';
import { queue_microtask } from './microtask.js';
import { TimerQueue } from './timer_queue.js';
import { logger } from './log.js';
import { get_platform, type Platform, type TimerToken } from './platform.js';
import type { HostResource } from './raw_transport.js';
import { ensure_future } from './task_helpers.js';
import { Task, awaiting, type CreateTaskOptions, type TaskFactory } from './tasks.js';

const CREATE_TASK_OPTIONS: OptionSpec = { name: ['string', 'number', 'null'] };
const SHUTDOWN_OPTIONS: OptionSpec = { timeout: ['number', 'null'] };

function completes_no_future(runnable: Runnable): boolean {
  return runnable._completes_no_future === true;
}

function stop_loop_when_done(future: Future<unknown>): void {
  future._loop.stop();
}

/**
 * The event loop (asyncio's `BaseEventLoop`), running on top of the host's own
 * loop: it cannot block, so `run_forever()` and `run_until_complete()` return
 * Promises, and each iteration is started by the platform's scheduler hook.
 *
 * Ordering is asyncio's: `call_soon` callbacks run FIFO; one iteration runs
 * only the callbacks that were ready when it began (those they schedule run in
 * the next one); timers run when due, equal deadlines in scheduling order.
 */
export class BaseEventLoop extends AbstractEventLoop {
  /** @internal Carries the internal contract (see loop_internals.ts). */
  readonly [LOOP_INTERNALS] = true as const;
  /** Callbacks taking longer than this many seconds are logged in debug mode. */
  slow_callback_duration = 0.1;

  /** @internal */ _ready = new Deque<Runnable>();
  /** @internal */ _scheduled = new TimerQueue<TimerHandle>();
  /** @internal */ _timer_cancelled_count = 0;
  /** @internal */ _debug = false;
  /** @internal The task whose step is running. */ _current_task: Task<unknown> | null = null;
  /**
   * @internal The most recent pending task; pending tasks form a doubly-linked
   * list through `_newer`/`_older` (cheaper than a Set for 100k short tasks).
   */
  _newest_task: Task<unknown> | null = null;
  /** @internal Pending tasks the loop holds weakly: those waiting on a future it does not hold. */
  readonly _weak_tasks = new Set<WeakRef<Task<unknown>>>();
  /** @internal See `_LoopInternals._host_resources`. */
  readonly _host_resources = new Set<HostResource>();
  /** @internal Set when a Promise was settled: end the batch so its reactions run. */
  _yield_to_microtasks = false;
  /** @internal */ _clock_resolution: number;
  /** @internal */ readonly _platform: Platform;

  private _closed = false;
  private _running = false;
  private _stopping = false;
  /** A host turn is running or requested: no need to wake the loop. */
  private _awake = false;
  private _turn_started = 0;
  /** When the loop last ran out of work (the clock's reading). */
  private _idle_since = -Infinity;
  private _iterations_this_turn = 0;
  /** The iteration count of this turn at which to look at the clock again. */
  private _next_clock_check = 1;
  private _host_timer: TimerToken | null = null;
  private _host_timer_when = Infinity;
  private _timer_seq = 0;
  private _on_stopped: (() => void) | null = null;
  private _exception_handler: ExceptionHandler | null = null;
  private _task_factory: TaskFactory | null = null;
  private _default_executor: Executor | null = null;
  /** `set_default_executor()` chose `_default_executor` (else it is the synchronous one, made on first use). */
  private _default_executor_chosen = false;
  /** The worker pool `to_thread()` made for this loop. */
  private _worker_pool: Executor | null = null;
  private _executor_shutdown_called = false;
  /** @internal Futures awaited while the loop was not running, until the platform's hang check. */
  readonly _stalled_awaits = new StalledAwaits(this);

  /** A loop on the host backend the bundle installed. */
  constructor();
  /**
   * @param platform the host backend; default: the one the bundle installed.
   * @internal
   */
  constructor(platform?: Platform);
  constructor(platform: Platform = get_platform()) {
    super();
    this._platform = platform;
    this._clock_resolution = platform.clock_resolution;
    this._scheduled.advance(platform.monotonic());
    this.set_debug(Boolean(platform.getenv('TROLLIUSDEBUG')));
  }

  override toString(): string {
    return `<${this.constructor.name} running=${this._running} closed=${this._closed} debug=${this._debug}>`;
  }

  // ---- running and stopping ------------------------------------------------

  override run_forever(): Promise<void> {
    this._check_closed();
    if (this._running) throw new RuntimeError('This event loop is already running');
    this._running = true;
    _mark_running(this, true);
    return new Promise<void>((resolve) => {
      this._on_stopped = resolve;
      this._idle_since = -Infinity; // a new run starts a new turn
      this._wake();
    });
  }

  override run_until_complete<T>(
    future: Future<T> | PromiseLike<T> | Generator<unknown, T, unknown>,
  ): Promise<T> {
    this._check_closed();
    if (this._running) throw new RuntimeError('This event loop is already running');
    const new_task = !isfuture(future);
    const fut = ensure_future(future, { loop: this }) as Future<T>;
    if (new_task && fut instanceof Task) fut._make_extra().quiet_if_destroyed = true;
    fut.add_done_callback(stop_loop_when_done);
    return this.run_forever().then(() => {
      fut.remove_done_callback(stop_loop_when_done);
      if (!fut.done()) throw new RuntimeError('Event loop stopped before Future completed.');
      return fut.result();
    });
  }

  override stop(): void {
    this._stopping = true;
    if (this._running && !this._awake) this._wake();
  }

  override is_running(): boolean {
    return this._running;
  }

  override is_closed(): boolean {
    return this._closed;
  }

  override close(): void {
    if (this._running) throw new RuntimeError('Cannot close a running event loop');
    if (this._closed) return;
    this._closed = true;
    this._ready.clear();
    this._scheduled.clear();
    this._timer_cancelled_count = 0;
    this._disarm_host_timer();
    for (const executor of this._take_executors()) executor.shutdown?.(false);
    signals._close_signal_handlers(this);
    // Nothing this loop opened may keep the process alive or leak a descriptor.
    for (const resource of [...this._host_resources]) resource._close_at_loop_close();
    this._host_resources.clear();
  }

  // ---- scheduling -----------------------------------------------------------

  override call_soon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    this._check_callback(callback, 'call_soon');
    return this._call_soon(callback, args);
  }

  override call_soon_threadsafe<A extends unknown[]>(
    callback: (...args: A) => unknown,
    ...args: A
  ): Handle {
    this._check_callback(callback, 'call_soon_threadsafe');
    return this._call_soon(callback, args);
  }

  override call_later<A extends unknown[]>(
    delay: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    if (typeof delay !== 'number' || Number.isNaN(delay)) {
      throw new TypeError(`delay must be a number of seconds, got ${repr(delay)}`);
    }
    this._check_callback(callback, 'call_later');
    const now = this.time();
    this._scheduled.advance(now);
    return this._call_at(now + delay, callback, args);
  }

  override call_at<A extends unknown[]>(
    when: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    if (typeof when !== 'number' || Number.isNaN(when)) {
      throw new TypeError(`when must be a loop time in seconds, got ${repr(when)}`);
    }
    this._check_callback(callback, 'call_at');
    return this._call_at(when, callback, args);
  }

  override time(): number {
    return this._platform.monotonic();
  }

  /** Queue a handle without argument checks. @internal */
  _call_soon(callback: (...args: never[]) => unknown, args: readonly unknown[] | null): Handle {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    const handle = new Handle(callback, args, this);
    this._ready.push(handle);
    if (!this._awake && this._running) this._wake();
    return handle;
  }

  /**
   * `_call_soon` for a host event (bytes a socket read): an idle loop starts
   * its turn now, inside the host's callback, instead of in a microtask right
   * after it. A connection answering one request at a time answers sooner
   * (echo at C = 1: about 10% more requests/s and 10% less CPU per request).
   * Never from a call of user code, which must return before any callback runs.
   * @internal
   */
  _call_soon_from_host(callback: (...args: never[]) => unknown, args: readonly unknown[]): void {
    if (this._awake || !this._running) {
      this._call_soon(callback, args);
      return;
    }
    if (this._closed) throw new RuntimeError('Event loop is closed');
    this._ready.push(new Handle(callback, args, this));
    this._awake = true;
    this._woken_turn();
  }

  private _call_at(
    when: number,
    callback: (...args: never[]) => unknown,
    args: readonly unknown[],
  ): TimerHandle {
    this._check_closed();
    const timer = new TimerHandle(when, this._timer_seq++, callback, args, this);
    timer._scheduled = true;
    this._scheduled.push(timer);
    if (!this._awake && this._running) this._wake();
    return timer;
  }

  private _check_callback(callback: unknown, method: string): void {
    if (typeof callback !== 'function') {
      throw new TypeError(`a callable object was expected by ${method}(), got ${repr(callback)}`);
    }
    if (iscoroutinefunction(callback) || iscoroutine(callback)) {
      throw new TypeError(`coroutines cannot be used with ${method}()`);
    }
  }

  /** Count a cancelled timer, so that the timer queue is rebuilt when too many are. @internal */
  override _timer_handle_cancelled(handle: TimerHandle): void {
    if (handle._scheduled) this._timer_cancelled_count++;
  }

  // ---- futures and tasks ----------------------------------------------------

  override create_future<T = unknown>(): Future<T> {
    return new Future<T>(this);
  }

  override create_task<T>(
    coro: Generator<unknown, T, unknown> | Future<T> | PromiseLike<T>,
    options?: CreateTaskOptions,
  ): Task<T> {
    this._check_closed();
    const name = check_options('create_task', options, CREATE_TASK_OPTIONS).name ?? null;
    const gen = coro instanceof Future || is_thenable(coro) ? awaiting(coro) : coro;
    if (this._task_factory === null)
      return new Task<T>(gen, name === null ? this : { loop: this, name });
    const task = this._task_factory(this, gen, name === null ? undefined : { name }) as Task<T>;
    // A factory that takes no options names its task here, as asyncio 3.11-3.13 do.
    if (name !== null) task.set_name(name);
    return task;
  }

  override set_task_factory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== 'function') {
      throw new TypeError('task factory must be a callable or None');
    }
    this._task_factory = factory;
  }

  override get_task_factory(): TaskFactory | null {
    return this._task_factory;
  }

  // ---- executor ---------------------------------------------------------------

  override run_in_executor<A extends unknown[], R>(
    executor: Executor | null,
    func: (...args: A) => R,
    ...args: A
  ): Future<Awaited<R>> {
    this._check_closed();
    this._check_callback(func, 'run_in_executor');
    if (executor === null || executor === undefined) {
      if (this._executor_shutdown_called) {
        throw new RuntimeError('Executor shutdown has been called');
      }
      executor = this._default_executor ??= new SynchronousExecutor();
    }
    return wrap_future(executor.submit(func, ...args), { loop: this }) as Future<Awaited<R>>;
  }

  override set_default_executor(executor: Executor | null): void {
    if (executor !== null && typeof executor?.submit !== 'function') {
      throw new TypeError('executor must have a submit(fn, ...args) method');
    }
    this._default_executor = executor;
    this._default_executor_chosen = executor !== null;
  }

  /**
   * @internal What `to_thread()` runs on: the executor `set_default_executor()`
   * chose (asyncio's rule), else this loop's own pool, made by `make_pool` on
   * first use and shut down with the default executor.
   */
  _executor_for_to_thread(make_pool: () => Executor): Executor {
    if (this._executor_shutdown_called) throw new RuntimeError('Executor shutdown has been called');
    if (this._default_executor_chosen) return this._default_executor!;
    return (this._worker_pool ??= make_pool());
  }

  override shutdown_default_executor(
    timeout: number | null | ShutdownDefaultExecutorOptions = null,
  ): Future<null> {
    if (typeof timeout === 'object' && timeout !== null) {
      const options = check_options('shutdown_default_executor', timeout, SHUTDOWN_OPTIONS);
      timeout = options.timeout ?? null;
    }
    if (timeout !== null && (typeof timeout !== 'number' || Number.isNaN(timeout))) {
      throw new TypeError(`timeout must be a number of seconds or null, got ${repr(timeout)}`);
    }
    this._executor_shutdown_called = true;
    const executors = this._take_executors();
    const stopping = executors.map((executor) => executor.shutdown?.(true)).filter(is_thenable);
    const result = this.create_future<null>();
    if (stopping.length === 0) {
      result.set_result(null);
      return result;
    }
    const give_up =
      timeout === null
        ? null
        : this.call_later(timeout, () => {
            if (result.done()) return;
            // asyncio's words, "finishing" included.
            logger.warning(
              `The executor did not finishing joining its threads within ${timeout} seconds.`,
            );
            for (const executor of executors) executor.shutdown?.(false);
            result.set_result(null);
          });
    wrap_future(Promise.all(stopping), { loop: this }).add_done_callback(() => {
      give_up?.cancel();
      if (!result.done()) result.set_result(null);
    });
    return result;
  }

  /** The default executor and the worker pool, forgotten by the loop, for shutting down. */
  private _take_executors(): Executor[] {
    const executors = [this._default_executor, this._worker_pool].filter((e) => e !== null);
    this._default_executor = this._worker_pool = null;
    this._default_executor_chosen = false;
    return executors;
  }

  // ---- errors -------------------------------------------------------------------

  override set_exception_handler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== 'function') {
      throw new TypeError(`A callable object or None is expected, got ${repr(handler)}`);
    }
    this._exception_handler = handler;
  }

  override get_exception_handler(): ExceptionHandler | null {
    return this._exception_handler;
  }

  override default_exception_handler(context: ExceptionContext): void {
    log_exception_context(context);
  }

  override call_exception_handler(context: ExceptionContext): void {
    call_exception_handler(this, this._exception_handler, context);
  }

  // ---- debug ----------------------------------------------------------------------

  override get_debug(): boolean {
    return this._debug;
  }

  override set_debug(enabled: boolean): void {
    this._debug = Boolean(enabled);
  }

  // ---- the iteration --------------------------------------------------------------

  /**
   * One iteration: purge cancelled timers, move due timers to the ready
   * queue, then run exactly the callbacks that are ready now.
   * @internal
   */
  _run_once(): void {
    const scheduled = this._scheduled;
    if (scheduled.length > 0) {
      if (
        scheduled.length > MIN_SCHEDULED_TIMER_HANDLES &&
        this._timer_cancelled_count / scheduled.length > MIN_CANCELLED_TIMER_HANDLES_FRACTION
      ) {
        scheduled.filter((timer) => {
          if (timer._cancelled) timer._scheduled = false;
          return !timer._cancelled;
        });
        this._timer_cancelled_count = 0;
      } else {
        while (scheduled.length > 0 && scheduled.peek()!._cancelled) {
          this._timer_cancelled_count--;
          scheduled.pop()!._scheduled = false;
        }
      }
      const end = this.time() + this._clock_resolution;
      scheduled.advance(end);
      while (scheduled.next_when() < end) {
        const timer = scheduled.pop()!;
        timer._scheduled = false;
        this._ready.push(timer);
      }
    }
    const ready = this._ready;
    let ntodo = ready.length;
    if (this._debug) {
      while (ntodo-- > 0) this._run_handle_debug(ready.shift()!);
      return;
    }
    while (ntodo-- > 0) ready.shift()!._run();
  }

  /** Queue an internal runnable: a Task's step, a zero-delay sleep. @internal */
  _schedule(runnable: Runnable): void {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    this._ready.push(runnable);
    if (!this._awake && this._running) this._wake();
  }

  private _run_handle_debug(handle: Runnable): void {
    const t0 = this.time();
    handle._run();
    const dt = this.time() - t0;
    if (dt >= this.slow_callback_duration) {
      logger.warning(`Executing ${handle} took ${dt.toFixed(3)} seconds`);
    }
  }

  // ---- driving the loop from the host ------------------------------------------

  /** Ask the host for a turn. */
  private _wake(): void {
    this._awake = true;
    // The loop was idle, so whatever woke it (host I/O, a timer, a settled
    // Promise) is running in a host task of its own: start the turn right
    // after it, as a microtask, rather than a whole host turn later.
    queue_microtask(this._woken_turn);
  }

  /**
   * The turn of a loop that something woke. After a real pause it is a new
   * turn. A loop that idled only briefly was woken by its own chain of
   * microtasks (an `async` function awaiting `sleep(0)` again and again):
   * that chain goes on with the turn's budget, so that it cannot starve host
   * timers and I/O, which only run once the microtasks are done.
   */
  private readonly _woken_turn = (): void => {
    const now = this._platform.monotonic();
    if (now - this._idle_since >= MAX_SECONDS_PER_TURN) this._start_turn(now);
    else if (now - this._turn_started >= MAX_SECONDS_PER_TURN) {
      this._platform.schedule(this._host_turn);
      return;
    }
    this._run_iterations();
  };

  /** A host turn: run iterations until idle, stopped, or the turn's budget is spent. */
  private readonly _host_turn = (): void => {
    this._start_turn(this._platform.monotonic());
    this._run_iterations();
  };

  private _start_turn(now: number): void {
    this._turn_started = now;
    this._iterations_this_turn = 0;
    this._next_clock_check = 1;
  }

  /** Resume a turn after letting Promise reactions run. */
  private readonly _microtask_turn = (): void => {
    this._run_iterations();
  };

  /**
   * Wait one microtask more before resuming: code resumed by a settled
   * Promise that awaits a Future at once gets its `then()` call from the
   * engine one tick later, and the loop should see that registration before
   * it completes the Future (`await sleep(0)`), else the await misses this
   * iteration and the loop goes idle. When the ready queue holds only
   * `then()` reactions and the like (two async functions handing a Future or
   * a queue item back and forth), the iteration completes no Future: it runs
   * at once.
   */
  private readonly _microtask_hop = (): void => {
    const ready = this._ready;
    if (ready.length > 0 && ready.every(completes_no_future)) this._run_iterations();
    else queue_microtask(this._microtask_turn);
  };

  private _run_iterations(): void {
    if (!this._running) {
      this._awake = false;
      return;
    }
    const previous = _set_running_loop(this);
    try {
      for (;;) {
        this._run_once();
        this._iterations_this_turn++;
        if (this._stopping) return this._finish_run();
        const budget_spent =
          this._iterations_this_turn >= this._next_clock_check && this._turn_budget_spent();
        if (this._yield_to_microtasks) {
          this._yield_to_microtasks = false;
          if (budget_spent) this._platform.schedule(this._host_turn);
          else queue_microtask(this._microtask_hop);
          return;
        }
        if (this._ready.length === 0) {
          const now = this.time();
          if (this._scheduled.next_when() >= now + this._clock_resolution) {
            this._idle_since = now;
            break;
          }
        }
        if (budget_spent) {
          this._platform.schedule(this._host_turn);
          return;
        }
      }
      this._awake = false;
      this._arm_host_timer();
    } finally {
      _set_running_loop(previous);
    }
  }

  /**
   * Whether the turn has run long enough to hand the thread back to the host.
   * The clock is read again when, at the pace so far, half of the remaining
   * time budget would be spent.
   */
  private _turn_budget_spent(): boolean {
    const iterations = this._iterations_this_turn;
    const spent = this._platform.monotonic() - this._turn_started;
    if (spent >= MAX_SECONDS_PER_TURN) return true;
    const affordable = Math.floor((MAX_SECONDS_PER_TURN - spent) / (spent / iterations) / 2);
    this._next_clock_check =
      iterations + Math.max(1, Math.min(MAX_ITERATIONS_BETWEEN_CLOCK_CHECKS, affordable));
    return false;
  }

  private _finish_run(): void {
    this._stopping = false;
    this._running = false;
    this._awake = false;
    _mark_running(this, false);
    this._disarm_host_timer();
    const on_stopped = this._on_stopped;
    this._on_stopped = null;
    on_stopped?.();
  }

  /** Sleep until the earliest timer is due (or until something wakes the loop). */
  private _arm_host_timer(): void {
    const next = this._scheduled.peek();
    if (next === undefined) return this._disarm_host_timer();
    if (this._host_timer !== null) {
      if (this._host_timer_when === next._when) return;
      this._platform.clear_timer(this._host_timer);
    }
    this._host_timer_when = next._when;
    this._host_timer = this._platform.set_timer(
      this._on_host_timer,
      Math.max(0, next._when - this.time()),
    );
  }

  private _disarm_host_timer(): void {
    if (this._host_timer === null) return;
    this._platform.clear_timer(this._host_timer);
    this._host_timer = null;
    this._host_timer_when = Infinity;
  }

  private readonly _on_host_timer = (): void => {
    this._host_timer = null;
    this._host_timer_when = Infinity;
    if (!this._running || this._awake) return;
    this._awake = true;
    this._host_turn();
  };

  /** @internal */
  _check_closed(): void {
    if (this._closed) throw new RuntimeError('Event loop is closed');
  }
}

/** The default policy: one loop per JavaScript realm, a `BaseEventLoop`. */
export class DefaultEventLoopPolicy extends BaseDefaultEventLoopPolicy {
  override new_event_loop(): BaseEventLoop {
    return new BaseEventLoop();
  }
}

// The module's two effects: get_event_loop() can make a loop, and the loop
// class carries its I/O methods (forwarders to bodies installed or loaded later).
_set_default_policy_factory(() => new DefaultEventLoopPolicy());
install_io_methods(BaseEventLoop.prototype);
