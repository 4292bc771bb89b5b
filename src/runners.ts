// run() and Runner: the front door, a fresh loop per program, and nothing left running after it (asyncio 3.11 runners.py).

import { THREAD_JOIN_TIMEOUT } from './constants.js';
import { iscoroutine } from './coroutines.js';
import './disposal.js'; // the types of Symbol.dispose and Symbol.asyncDispose (see there)
import { AbstractEventLoop } from './events.js';
import {
  BaseDefaultEventLoopPolicy,
  _any_loop_running,
  get_event_loop_policy,
  new_event_loop,
} from './event_loop_policy.js';
import { RuntimeError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future } from './futures.js';
import { is_thenable } from './thenable.js';
import { check_options, type OptionSpec } from './options.js';
import { run_body, type BodyResult } from './scope_body.js';
import { gather } from './task_helpers.js';
import { all_tasks, awaiting } from './tasks.js';

/**
 * Options of `new Runner()` and `run()`.
 *
 * @example
 * await run(main(), { debug: true, loop_factory: () => new BaseEventLoop() });
 */
export interface RunnerOptions {
  /** Set the loop's debug mode (`null`: leave it as `TROLLIUSDEBUG` made it). */
  debug?: boolean | null;
  /**
   * Make the loop: a function, or a loop class such as `EventLoop` (called
   * with `new`, as asyncio's `loop_factory=asyncio.EventLoop`). Default:
   * `new_event_loop()`, which is then made the current loop.
   */
  loop_factory?: (() => AbstractEventLoop) | (new () => AbstractEventLoop) | null;
}

const RUNNER_OPTIONS: OptionSpec = {
  debug: ['boolean', 'null'],
  loop_factory: ['function', 'null'],
};

/**
 * What `run()` and `Runner.run()` take: a coroutine object, a Future or
 * Promise, or a function making one.
 *
 * @example
 * const mains: RunMain<number>[] = [compute(), Promise.resolve(1), async () => 2, () => compute()];
 */
export type RunMain<T> =
  | Generator<unknown, T, unknown>
  | Future<T>
  | PromiseLike<T>
  | (() => Generator<unknown, T, unknown> | PromiseLike<T> | T);

/**
 * The result type of `run(main)`.
 *
 * @example
 * type R = RunResult<() => Promise<string>>; // string
 */
export type RunResult<M> = M extends () => infer R ? BodyResult<R> : BodyResult<M>;

function check_main(where: string, main: unknown): void {
  if (typeof main === 'function' || iscoroutine(main) || is_thenable(main)) return;
  throw new TypeError(
    `${where}() needs a coroutine, a Future, a Promise or a function making one, got ${repr(main)}`,
  );
}

/** Make `loop` the current loop, and return how to put back the one before. */
function make_current(loop: AbstractEventLoop): () => void {
  const policy = get_event_loop_policy();
  if (policy instanceof BaseDefaultEventLoopPolicy) {
    const saved = policy._save_current();
    policy.set_event_loop(loop);
    return () => policy._restore_current(saved);
  }
  policy.set_event_loop(loop);
  return () => policy.set_event_loop(null);
}

/**
 * A loop for several `run()` calls in one context (asyncio 3.11's `Runner`):
 * the loop is made on the first `run()` or `get_loop()`, kept between runs,
 * and `close()` cancels what is left, shuts the default executor down, closes
 * the loop and puts back the current loop from before.
 *
 * @example
 * await using runner = new Runner({ debug: true });
 * await runner.run(setup());
 * await runner.run(async () => { await serve(); });
 * // here runner.close() ran: no task is left, the loop is closed
 */
export class Runner {
  private _state: 'created' | 'initialized' | 'closed' = 'created';
  private _loop: AbstractEventLoop | null = null;
  private _restore: (() => void) | null = null;
  private _closing: Promise<void> | null = null;
  private readonly _debug: boolean | null;
  private readonly _loop_factory: (() => AbstractEventLoop) | null;

  constructor(options?: RunnerOptions) {
    const checked = check_options('Runner', options, RUNNER_OPTIONS);
    this._debug = checked.debug ?? null;
    this._loop_factory = as_function(checked.loop_factory ?? null);
  }

  /** The runner's loop, made now if need be. */
  get_loop(): AbstractEventLoop {
    this._lazy_init();
    return this._loop!;
  }

  /**
   * Run `main` on the runner's loop until it is done, and resolve to its
   * result (reject with its exception). `main` is a coroutine object, a
   * Future or Promise, or a function taking no arguments that is called in
   * a task of the running loop: the form for `async` functions.
   *
   * @example
   * const answer = await runner.run(coroutine(function* () { return 42; })());
   */
  run<M extends RunMain<unknown>>(main: M): Promise<RunResult<M>> {
    check_main('Runner.run', main);
    if (_any_loop_running()) {
      throw new RuntimeError('Runner.run() cannot be called from a running event loop');
    }
    this._lazy_init();
    const loop = this._loop!;
    if (main instanceof Future && main._loop !== loop && !main.done()) {
      throw new RuntimeError(
        `run() got ${main}, which belongs to another event loop: pass a function that makes it, as in run(() => sleep(1))`,
      );
    }
    return loop.run_until_complete(loop.create_task(main_coroutine(main))) as Promise<RunResult<M>>;
  }

  /**
   * Cancel every task still pending and wait for them, shut the default
   * executor down, close the loop and put back the current loop from before.
   * Idempotent; a no-op for a runner that never made its loop.
   */
  close(): Promise<void> {
    if (this._state !== 'initialized') return this._closing ?? Promise.resolve();
    this._closing ??= this._shut_down(this._loop!);
    return this._closing;
  }

  /** `await using runner = new Runner()` closes it at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Close a loop that never ran, after `run()` refused its argument. @internal */
  _discard(): void {
    if (this._state !== 'initialized') return;
    this._finish(this._loop!);
  }

  private async _shut_down(loop: AbstractEventLoop): Promise<void> {
    try {
      await cancel_all_tasks(loop);
      await loop.run_until_complete(loop.shutdown_default_executor(THREAD_JOIN_TIMEOUT));
    } finally {
      this._finish(loop);
    }
  }

  private _finish(loop: AbstractEventLoop): void {
    this._restore?.();
    this._restore = null;
    loop.close();
    this._loop = null;
    this._state = 'closed';
  }

  private _lazy_init(): void {
    if (this._state === 'closed') throw new RuntimeError('Runner is closed');
    if (this._state === 'initialized') return;
    if (this._loop_factory === null) {
      this._loop = new_event_loop();
      this._restore = make_current(this._loop);
    } else {
      this._loop = this._loop_factory();
    }
    if (this._debug !== null) this._loop.set_debug(this._debug);
    this._state = 'initialized';
  }
}

/** A loop factory as a function: a loop class (`EventLoop`) is called with `new`. */
function as_function(
  factory: (() => AbstractEventLoop) | (new () => AbstractEventLoop) | null,
): (() => AbstractEventLoop) | null {
  if (factory === null || !(factory.prototype instanceof AbstractEventLoop)) {
    return factory as (() => AbstractEventLoop) | null;
  }
  const loop_class = factory as new () => AbstractEventLoop;
  return () => new loop_class();
}

/** The coroutine of `main`'s task: a function is called inside it, with the loop running. */
function main_coroutine<T>(main: RunMain<T>): Generator<unknown, T, unknown> {
  if (typeof main === 'function')
    return run_body(main, undefined) as Generator<unknown, T, unknown>;
  if (iscoroutine(main)) return main;
  return awaiting(main);
}

/** Cancel every pending task of `loop` until none is left, reporting the ones that failed instead. */
async function cancel_all_tasks(loop: AbstractEventLoop): Promise<void> {
  for (let tasks = all_tasks(loop); tasks.size > 0; tasks = all_tasks(loop)) {
    for (const task of tasks) task.cancel();
    await loop.run_until_complete(gather([...tasks], { return_exceptions: true, loop }));
    for (const task of tasks) {
      if (task.cancelled()) continue;
      const exception = task.exception();
      if (exception === null) continue;
      loop.call_exception_handler({
        message: 'unhandled exception during run() shutdown',
        exception,
        task,
      });
    }
  }
}

/**
 * Run `main` on a new event loop and resolve to its result (asyncio 3.7's
 * `asyncio.run`): the loop is made current for the run; when `main` is done,
 * every task still pending is cancelled and awaited, the default executor is
 * shut down, the loop is closed and the previous current loop is put back,
 * also when `main` fails. `main` is a coroutine object, a Future or Promise,
 * or a function taking no arguments, called once the loop runs: the form for
 * an `async` function, whose body would otherwise start before the loop exists.
 * Refused with `RuntimeError` while a loop is running.
 *
 * @example
 * const main = coroutine(function* () {
 *   yield From(sleep(0.1));
 *   return 'done';
 * });
 * console.log(await run(main()));
 *
 * await run(async () => {
 *   await task_group(async (tg) => { tg.create_task(worker()); });
 * });
 */
export function run<M extends RunMain<unknown>>(
  main: M,
  options?: RunnerOptions,
): Promise<RunResult<M>> {
  const checked = check_options('run', options, RUNNER_OPTIONS);
  check_main('run', main);
  if (_any_loop_running()) {
    throw new RuntimeError('run() cannot be called from a running event loop');
  }
  const runner = new Runner(checked);
  let result: Promise<RunResult<M>>;
  try {
    result = runner.run(main);
  } catch (error) {
    runner._discard();
    throw error;
  }
  return settle_then_close(result, runner);
}

async function settle_then_close<T>(result: Promise<T>, runner: Runner): Promise<T> {
  try {
    return await result;
  } finally {
    await runner.close();
  }
}
