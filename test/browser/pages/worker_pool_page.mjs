// The script of the worker_pool*.html pages: runs the scenario of worker_pool.mjs named by ?scenario= or by the
// page's <html data-scenario>, bounded to 20 s, and leaves the outcome in window.__result for the test.
/* global location, document, window */
const name =
  new URLSearchParams(location.search).get('scenario') ?? document.documentElement.dataset.scenario;
try {
  const { bounded } = await import('./worker_pool_harness.mjs');
  const { run_scenario } = await import('./worker_pool.mjs');
  const results = await bounded(run_scenario(name), 20, `scenario ${name}`);
  window.__result = { done: true, results, error: null };
} catch (err) {
  window.__result = {
    done: true,
    results: null,
    error: String(err && err.stack ? err.stack : err),
  };
}
