// WorkerPoolExecutor: run functions on worker threads (Node) or Web Workers (browsers), asyncio's executor contract.

import { ConcurrentFuture } from './concurrent_future.js';
import './disposal.js'; // the types of Symbol.dispose and Symbol.asyncDispose (see there)
import { Deque } from './deque.js';
import type { Executor } from './executor.js';
import { RuntimeError, ValueError, WorkerCrashedError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { get_platform, type ModuleURL, type Platform, type RawWorker } from './platform.js';
import { worker_error } from './worker_errors.js';
import { OUTCOME_TAG, worker_main, type ErrorRecord, type OutcomeMessage } from './worker_main.js';

/** Options of `new WorkerPoolExecutor()`. */
export interface WorkerPoolExecutorOptions {
  /** How many workers may run at once (default: the host's CPU count). Workers start as work arrives. */
  max_workers?: number | null;
  /**
   * A module every worker imports: a path or a URL string, or a `URL`
   * (`new URL('./work.mjs', import.meta.url)`); browsers resolve a string
   * against the page. `submit('name', ...args)` calls its export `name`: the way to
   * use imports and state that lives across calls in a worker.
   */
  module?: string | ModuleURL | null;
  /**
   * Let `cancel()` stop work that is already running, by terminating its
   * worker (the pool starts another). Off by default: as with asyncio's
   * thread pools, running work then finishes and its result is dropped.
   */
  cancel_running?: boolean;
}

/** Options of `shutdown()`. */
export interface ExecutorShutdownOptions {
  /** In the object form, `shutdown({wait, cancel_futures})`: the positional `wait` (default `true`). */
  wait?: boolean;
  /** Cancel the work that has not started (with `cancel_running`, stop the running work too). */
  cancel_futures?: boolean;
}

interface Job {
  readonly future: ConcurrentFuture<unknown>;
  readonly target: ((...args: never[]) => unknown) | string;
  readonly args: unknown[];
  readonly id: number;
}

interface PoolWorker {
  readonly raw: RawWorker;
  /** Ids of the functions whose source this worker has compiled. */
  readonly known: Set<number>;
  job: Job | null;
}

// Each function gets an id the first time it is submitted; a worker receives its source once.
const function_ids = new WeakMap<object, number>();
let next_function_id = 0;
let next_job_id = 0;

/**
 * An executor whose workers are Node worker threads or browser Web Workers
 * (asyncio's `ThreadPoolExecutor`/`ProcessPoolExecutor`): CPU-bound work runs
 * on other cores while the loop keeps serving.
 *
 * Work is a self-contained function, sent as source text (it cannot use
 * variables around it; its arguments and result are structured-cloned), or
 * the name of an export of the pool's `module`. Each `submit()` returns a
 * `ConcurrentFuture`; `loop.run_in_executor(pool, fn, ...args)` and
 * `to_thread()` give a loop Future instead. Idle workers do not keep a Node
 * process alive.
 *
 * @example
 * await using pool = new WorkerPoolExecutor({ max_workers: 2 });
 * const digest = yield* From(loop.run_in_executor(pool, sha256, bytes));
 */
export class WorkerPoolExecutor implements Executor, Disposable, AsyncDisposable {
  /** How many workers may run at once. */
  readonly max_workers: number;
  private readonly _platform: Platform;
  private readonly _main: string;
  private readonly _module_href: string | null;
  private readonly _cancel_running: boolean;
  private readonly _queue = new Deque<Job>();
  private readonly _workers = new Set<PoolWorker>();
  private readonly _idle: PoolWorker[] = [];
  private _shutdown = false;
  private _stopped: Promise<void> | null = null;
  private _on_stopped: (() => void) | null = null;

  constructor(options: WorkerPoolExecutorOptions = {}) {
    const platform = get_platform();
    const max_workers = options.max_workers ?? platform.cpu_count();
    if (typeof max_workers !== 'number' || !Number.isInteger(max_workers)) {
      throw new TypeError(`max_workers must be an integer, got ${repr(max_workers)}`);
    }
    if (max_workers <= 0) throw new ValueError('max_workers must be greater than 0');
    if (!platform.has_workers) {
      throw new RuntimeError(
        'this host cannot start workers (no worker_threads or Web Workers); ' +
          'use SynchronousExecutor to run functions on the loop',
      );
    }
    this.max_workers = max_workers;
    this._platform = platform;
    this._module_href =
      options.module === undefined || options.module === null
        ? null
        : platform.module_url(options.module);
    this._main = `(channel) => (${worker_main.toString()})(channel, ${JSON.stringify(this._module_href)})`;
    this._cancel_running = options.cancel_running ?? false;
  }

  /**
   * Schedule `fn(...args)` on a worker and return its future. `fn` is a
   * self-contained function, or (with `module`) the name of an export. What
   * cannot run in a worker fails the future with a `TypeError` that says why.
   * Throws `RuntimeError` after `shutdown()`.
   */
  submit<A extends unknown[], R>(
    fn: ((...args: A) => R) | string,
    ...args: A
  ): ConcurrentFuture<Awaited<R>> {
    if (this._shutdown) throw new RuntimeError('cannot schedule new futures after shutdown');
    if (typeof fn !== 'function' && typeof fn !== 'string') {
      throw new TypeError(`fn must be a function or the name of an export, got ${repr(fn)}`);
    }
    if (typeof fn === 'string' && this._module_href === null) {
      throw new TypeError(
        `submit(${JSON.stringify(fn)}) calls an export of the pool's module, and this pool has none: ` +
          'pass {module} to new WorkerPoolExecutor()',
      );
    }
    const future = new ConcurrentFuture<Awaited<R>>();
    const job: Job = {
      future: future as ConcurrentFuture<unknown>,
      target: fn,
      args,
      id: next_job_id++,
    };
    if (this._cancel_running) future._cancel_running = () => this._stop_running(job);
    this._queue.push(job);
    this._dispatch();
    return future;
  }

  /**
   * `fn` applied to each item of the iterables (in step, as `zip` does), on
   * the workers at once; yields the results in order. A failed call throws
   * when its result is reached; leaving the loop early cancels the rest.
   */
  async *map<R>(
    fn: ((...args: never[]) => R) | string,
    ...iterables: Iterable<unknown>[]
  ): AsyncGenerator<Awaited<R>, void, undefined> {
    const iterators = iterables.map((iterable) => iterable[Symbol.iterator]());
    const futures: ConcurrentFuture<Awaited<R>>[] = [];
    for (;;) {
      const steps = iterators.map((it) => it.next());
      if (steps.length === 0 || steps.some((step) => step.done)) break;
      futures.push(
        this.submit(fn as (...args: unknown[]) => R, ...steps.map((step) => step.value as unknown)),
      );
    }
    let next = 0;
    try {
      for (; next < futures.length; next++) yield await futures[next]!;
    } finally {
      for (let i = next; i < futures.length; i++) futures[i]!.cancel();
    }
  }

  /**
   * Take no more work and stop the workers once the queued work is done.
   * `cancel_futures` cancels the queued work instead. Also callable as
   * `shutdown({wait, cancel_futures})`. The returned Promise
   * resolves once every worker has stopped; with `wait` false it resolves at once.
   */
  shutdown(
    wait: boolean | ExecutorShutdownOptions = true,
    options: ExecutorShutdownOptions = {},
  ): Promise<void> {
    if (typeof wait === 'object' && wait !== null) {
      options = wait;
      wait = wait.wait ?? true;
    }
    this._shutdown = true;
    if (options.cancel_futures) {
      while (this._queue.length > 0) this._queue.shift()!.future.cancel();
      if (this._cancel_running) for (const worker of this._workers) worker.job?.future.cancel();
    }
    this._stopped ??= new Promise((resolve) => (this._on_stopped = resolve));
    this._dispatch();
    return wait ? this._stopped : Promise.resolve();
  }

  /** `using pool = ...`: shut down at scope exit without waiting. */
  [Symbol.dispose](): void {
    void this.shutdown(false);
  }

  /** `await using pool = ...`: shut down at scope exit and wait for the workers to stop. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown(true);
  }

  toString(): string {
    const state = this._shutdown ? 'shutdown' : `workers=${this._workers.size}/${this.max_workers}`;
    return `<WorkerPoolExecutor ${state} queued=${this._queue.length}>`;
  }

  /** Hand queued work to idle workers, start workers while there is work, stop idle ones after shutdown. */
  private _dispatch(): void {
    while (this._queue.length > 0) {
      let worker = this._idle.pop();
      if (worker === undefined) {
        if (this._workers.size >= this.max_workers) break;
        try {
          worker = this._start_worker();
        } catch (error) {
          const job = this._queue.shift()!;
          if (job.future.set_running_or_notify_cancel()) {
            job.future.set_exception(
              new WorkerCrashedError('could not start a worker', { cause: error }),
            );
          }
          continue;
        }
      }
      const job = this._queue.shift()!;
      if (job.future.set_running_or_notify_cancel()) this._send(worker, job);
      else this._idle.push(worker);
    }
    if (this._shutdown && this._queue.length === 0) this._stop_idle_workers();
  }

  private _start_worker(): PoolWorker {
    const raw = this._platform.start_worker(this._main);
    const worker: PoolWorker = { raw, known: new Set(), job: null };
    raw.on_message = (message) => this._on_outcome(worker, message);
    raw.on_exit = (reason) => this._on_exit(worker, reason);
    this._workers.add(worker);
    return worker;
  }

  private _send(worker: PoolWorker, job: Job): void {
    const { target } = job;
    let source: string | null = null;
    let key: number | string = target as string;
    if (typeof target === 'function') {
      key = function_ids.get(target) ?? function_ids.set(target, next_function_id++).get(target)!;
      if (!worker.known.has(key)) {
        try {
          source = function_source(target);
        } catch (error) {
          job.future.set_exception(error as Error);
          this._idle.push(worker);
          return;
        }
      }
    }
    try {
      worker.raw.post([job.id, key, source, job.args]);
    } catch (error) {
      job.future.set_exception(
        new TypeError(
          `the arguments of ${describe(target)} cannot be sent to a worker: ${sentence(error)} ` +
            '(arguments are structured-cloned: no functions, no class instances with methods)',
          { cause: error },
        ),
      );
      this._idle.push(worker);
      return;
    }
    if (source !== null) worker.known.add(key as number);
    worker.job = job;
    worker.raw.ref();
  }

  private _on_outcome(worker: PoolWorker, message: unknown): void {
    if (!Array.isArray(message) || message[0] !== OUTCOME_TAG) return; // a job's own postMessage
    const [, id, outcome, value] = message as OutcomeMessage;
    const job = worker.job;
    if (job === null || job.id !== id) return;
    worker.job = null;
    worker.raw.unref();
    if (!job.future.done()) {
      if (outcome === 0) job.future.set_result(value);
      else
        job.future.set_exception(worker_error(outcome, value as ErrorRecord, describe(job.target)));
    }
    this._idle.push(worker);
    this._dispatch();
  }

  private _on_exit(worker: PoolWorker, reason: Error): void {
    this._forget(worker);
    const job = worker.job;
    if (job !== null && !job.future.done()) {
      job.future.set_exception(
        new WorkerCrashedError(
          `the worker running ${describe(job.target)} stopped: ${reason.message} (the pool starts another)`,
          { cause: reason },
        ),
      );
    }
    this._dispatch();
    this._check_stopped();
  }

  /** `cancel()` on a running job, with `cancel_running`: terminate its worker; the pool replaces it. */
  private _stop_running(job: Job): boolean {
    for (const worker of this._workers) {
      if (worker.job !== job) continue;
      this._forget(worker);
      void worker.raw.terminate().then(() => this._check_stopped());
      queueMicrotask(() => this._dispatch());
      return true;
    }
    return false;
  }

  private _stop_idle_workers(): void {
    const idle = this._idle.splice(0);
    for (const worker of idle) this._forget(worker);
    if (idle.length === 0) this._check_stopped();
    else
      void Promise.all(idle.map((worker) => worker.raw.terminate())).then(() =>
        this._check_stopped(),
      );
  }

  private _forget(worker: PoolWorker): void {
    this._workers.delete(worker);
    const at = this._idle.indexOf(worker);
    if (at >= 0) this._idle.splice(at, 1);
    worker.raw.on_message = () => {};
    worker.raw.on_exit = () => {};
    worker.raw.unref();
  }

  private _check_stopped(): void {
    if (this._shutdown && this._workers.size === 0 && this._queue.length === 0)
      this._on_stopped?.();
  }
}

/** A function's source text, or a `TypeError` when it has none a worker could compile. */
function function_source(fn: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new TypeError(
      `${describe(fn)} cannot be sent to a worker: it has no source text (a built-in, bound or host ` +
        'function); submit a function written in JavaScript, or an export of a worker module',
    );
  }
  return source;
}

/** An error's message without its final period, to go inside a sentence. */
export function sentence(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/\.$/, '');
}

/** How messages name the work. */
function describe(target: ((...args: never[]) => unknown) | string): string {
  if (typeof target === 'string') return `export ${JSON.stringify(target)}`;
  return target.name ? `${target.name}()` : 'the anonymous function';
}
