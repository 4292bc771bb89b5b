// The default executor: runs the function at once, in the loop's own thread (Trollius' fallback executor).

import type { Executor } from './events.js';

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
