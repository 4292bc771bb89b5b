// A module Worker that imports the ESM bundle and runs to_thread() and WorkerPoolExecutor from inside itself (nested workers), then posts its results to the page.
/* global self */
import * as T from '/dist/trollius.browser.mjs';

import { settle } from './worker_pool_harness.mjs';
import { meet_then_count_primes, where_am_i, worker_id } from './worker_pool_jobs.mjs';

/** Ends its worker mid-job. */
function close_the_worker() {
  self.close();
  return 'unreachable';
}

async function scenario() {
  const outer = worker_id(); // this worker's own id, to compare with the nested workers' ids
  const on_the_loop = await T.run(async () => {
    const loop = T.get_running_loop();
    const two = new T.WorkerPoolExecutor({ max_workers: 2 });
    const secret = 7;
    try {
      return {
        where: await T.to_thread(where_am_i),
        together: await T.gather(
          loop.run_in_executor(two, meet_then_count_primes, 'meet-nested', 'a', 'b', 100_000),
          loop.run_in_executor(two, meet_then_count_primes, 'meet-nested', 'b', 'a', 100_000),
        ),
        closure: await settle(
          T,
          T.to_thread(() => secret + 1),
        ),
        crash: await settle(T, T.to_thread(close_the_worker)),
        after_crash: await settle(
          T,
          T.to_thread((x) => x * 2, 21),
        ),
      };
    } finally {
      await two.shutdown();
    }
  });
  // Resolved against this worker's script URL (/pages/worker_pool_nested.mjs).
  const pool = new T.WorkerPoolExecutor({ max_workers: 1, module: 'worker_pool_module.mjs' });
  const module_url = await pool.submit('module_url');
  const counts = [await pool.submit('count_calls'), await pool.submit('count_calls')];
  let shutdown_resolved = false;
  await pool.shutdown().then(() => (shutdown_resolved = true));
  return {
    scope: self.constructor.name,
    outer,
    ...on_the_loop,
    module_url,
    counts,
    shutdown_resolved,
  };
}

scenario().then(
  (results) => self.postMessage({ results }),
  (error) => self.postMessage({ error: String(error && error.stack ? error.stack : error) }),
);
