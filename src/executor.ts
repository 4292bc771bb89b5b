// Executors for run_in_executor: the Executor interface, and the default one that runs the function at once, in the loop's own thread (Trollius' fallback executor).

import type { Future } from './futures.js';

/**
 * What `run_in_executor` accepts: any object whose `submit(fn, ...args)`
 * returns a Future or a Promise of `fn(...args)` (concurrent.futures' shape).
 */
export interface Executor {
  /** Start `fn(...args)` and return a Promise or Future of its result (`concurrent.futures`' `submit`). */
  submit<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...args: A
  ): PromiseLike<Awaited<R>> | Future<Awaited<R>>;
  /** Stop taking work; with `wait`, the returned Promise (if any) settles once running work is done. */
  shutdown?(wait?: boolean): void | PromiseLike<void>;
}

/** The keyword form of `loop.shutdown_default_executor(timeout)`. */
export interface ShutdownDefaultExecutorOptions {
  /** Seconds to wait at most for the executor's work; `null` (the default): no limit. */
  timeout?: number | null;
}

/**
 * Run each submitted function synchronously and return a Promise of its
 * outcome. It is what Trollius falls back to without `concurrent.futures`:
 * JavaScript has no threads to share the loop's memory with, so a blocking
 * function blocks the loop. Pass another `Executor` (a worker pool, say) to
 * `loop.set_default_executor()` to run functions elsewhere.
 */
export class SynchronousExecutor implements Executor {
  private _shutdown = false;

  /** Call `fn(...args)` now; a Promise of its result or its exception. After `shutdown()`, an `Error`. */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
    if (this._shutdown) throw new Error('cannot schedule new futures after shutdown');
    return new Promise<Awaited<R>>((resolve) => resolve(fn(...args) as Awaited<R>));
  }

  shutdown(_wait = true): void {
    this._shutdown = true;
  }
}
