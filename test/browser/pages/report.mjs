// The end of most test pages: how the page's run ended, left in window.__result for test/support/pages.ts.
/* global window */

/** Wait for `running`, then report the `results` the page gathered, with the error that ended it, if any. */
export async function report_when_done(running, results) {
  try {
    await running;
    window.__result = { done: true, results, error: null };
  } catch (err) {
    window.__result = { done: true, results, error: String(err && err.stack ? err.stack : err) };
  }
}
