// A classic Worker that loads the IIFE bundle with importScripts and runs to_thread() and WorkerPoolExecutor from inside itself (nested blob module workers), then posts its results to the page.
/* global self, importScripts, trollius */
importScripts('/dist/trollius.browser.iife.js');
const T = trollius;

// The work: self-contained functions (each is sent to a nested worker as source text).
function where_am_i() {
  self.__test_worker_id ??= crypto.randomUUID();
  return { scope: self.constructor.name, worker: self.__test_worker_id };
}

async function settle(thenable) {
  try {
    return { value: await thenable };
  } catch (error) {
    return {
      error: {
        name: error.name,
        message: error.message,
        is_type_error: error instanceof TypeError,
      },
    };
  }
}

async function scenario() {
  self.__test_worker_id ??= crypto.randomUUID();
  const outer = self.__test_worker_id;
  const on_the_loop = await T.run(async () => {
    const secret = 7;
    return {
      where: await T.to_thread(where_am_i),
      sum: await T.to_thread((a, b) => a + b, 2, 3),
      closure: await settle(T.to_thread(() => secret + 1)),
    };
  });
  // Resolved against this worker's script URL (/pages/worker_pool_nested_classic.js).
  const pool = new T.WorkerPoolExecutor({ max_workers: 1, module: 'worker_pool_module.mjs' });
  const counts = [await pool.submit('count_calls'), await pool.submit('count_calls')];
  let shutdown_resolved = false;
  await pool.shutdown().then(() => (shutdown_resolved = true));
  return { scope: self.constructor.name, outer, ...on_the_loop, counts, shutdown_resolved };
}

scenario().then(
  (results) => self.postMessage({ results }),
  (error) => self.postMessage({ error: String(error && error.stack ? error.stack : error) }),
);
