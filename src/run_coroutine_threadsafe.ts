// run_coroutine_threadsafe(): hand a coroutine to a loop from code that does not run on it (asyncio tasks.py).

import { ConcurrentFuture } from './concurrent_future.js';
import { iscoroutine } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import type { Future } from './futures.js';
import { _ensure_future } from './task_helpers.js';

/**
 * Submit `coro` to `loop` from outside it (asyncio's
 * `run_coroutine_threadsafe`): a DOM event handler, another library's
 * callback, code that runs while the loop is idle. The coroutine becomes a
 * Task at the loop's next iteration; the returned `ConcurrentFuture` gets its
 * outcome, and can be awaited or given done callbacks. Cancelling it cancels
 * the task. JavaScript has no threads sharing a loop, so "threadsafe" only
 * means "from anywhere".
 *
 * @example
 * button.onclick = () => {
 *   run_coroutine_threadsafe(save(form), loop).then(() => status.textContent = 'saved');
 * };
 */
export function run_coroutine_threadsafe<T>(
  coro: Generator<unknown, T, unknown>,
  loop: AbstractEventLoop,
): ConcurrentFuture<T> {
  if (!iscoroutine(coro)) throw new TypeError('A coroutine object is required');
  const future = new ConcurrentFuture<T>();
  loop.call_soon_threadsafe(() => {
    try {
      chain(_ensure_future(coro, loop) as Future<T>, future);
    } catch (exc) {
      // A task factory that throws: the caller's future fails, and the loop reports it too.
      if (future.set_running_or_notify_cancel()) future.set_exception(exc as Error);
      throw exc;
    }
  });
  return future;
}

/**
 * Copy the task's outcome to `future` once it is done. Cancelling `future`
 * cancels the task at the loop's next iteration, as asyncio does from
 * another thread.
 */
function chain<T>(task: Future<T>, future: ConcurrentFuture<T>): void {
  future.add_done_callback(() => {
    if (future.cancelled()) task.get_loop().call_soon_threadsafe(() => task.cancel());
  });
  task.add_done_callback(() => {
    if (task.cancelled()) future.cancel();
    if (!future.set_running_or_notify_cancel()) return;
    const exception = task.exception();
    if (exception !== null) future.set_exception(exception as Error);
    else future.set_result(task.result());
  });
}
