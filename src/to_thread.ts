// to_thread(): run a function off the loop (asyncio 3.9), on a worker where the host has workers.

import { get_running_loop } from './event_loop_policy.js';
import { wrap_future, type Future } from './futures.js';
import { repr } from './format_helpers.js';
import { iscoroutinefunction } from './coroutines.js';
import { SynchronousExecutor } from './executor.js';
import { _loop_of } from './loop_internals.js';
import { WorkerPoolExecutor } from './worker_pool_executor.js';

const AsyncFunction = /* @__PURE__ */ Object.getPrototypeOf(async () => {}) as object;

/**
 * Run `fn(...args)` on a worker thread (Node) or Web Worker (browsers) and
 * return a Future of its result, so the loop keeps serving meanwhile
 * (asyncio's `to_thread`). It uses the running loop's own worker pool (one
 * worker per CPU, started as needed, shut down by `run()` or
 * `loop.shutdown_default_executor()`), or the executor given to
 * `loop.set_default_executor()`. Where the host has no workers the function
 * runs on the loop, as `run_in_executor(null, fn)` does.
 *
 * `fn` travels as source text: it must be self-contained (no closures); its
 * arguments and result are structured-cloned. A function that cannot run in
 * a worker fails the Future with a `TypeError` that says why. `fn` may be
 * `async`: the worker awaits it.
 *
 * @example
 * const digest = yield From(to_thread(sha256_hex, bytes));
 */
export function to_thread<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: A
): Future<Awaited<R>> {
  const loop = _loop_of(get_running_loop(), 'to_thread');
  if (typeof fn !== 'function') {
    throw new TypeError(`a callable object was expected by to_thread(), got ${repr(fn)}`);
  }
  // An async function is welcome (its worker awaits it); a generator-based coroutine cannot run there.
  if (iscoroutinefunction(fn) && Object.getPrototypeOf(fn) !== AsyncFunction) {
    throw new TypeError(
      `to_thread() cannot run the coroutine function ${fn.name}: use create_task()`,
    );
  }
  const executor = loop._executor_for_to_thread(() =>
    loop._platform.has_workers ? new WorkerPoolExecutor() : new SynchronousExecutor(),
  );
  return wrap_future(executor.submit(fn, ...args), { loop }) as Future<Awaited<R>>;
}
