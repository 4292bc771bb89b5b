// A worker module for WorkerPoolExecutor's browser tests: its exports are called by name, with imports and state kept across calls in a worker.
import * as T from '/dist/trollius.browser.mjs';

let calls = 0;

/** The URL this module was loaded from (the pool resolved it against the page or worker that made it). */
export function module_url() {
  return import.meta.url;
}

/** How many times this worker has been called (state lives as long as the worker). */
export function count_calls() {
  return ++calls;
}

export async function add_later(a, b) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return a + b;
}

/** An import at work in the worker: trollius runs its own event loop there. */
export function gather_on_a_loop(values) {
  return T.run(async () => {
    const doubled = async (x) => {
      await T.sleep(0);
      return x * 2;
    };
    return T.gather(...values.map((x) => doubled(x)));
  });
}

export const not_a_function = 42;
