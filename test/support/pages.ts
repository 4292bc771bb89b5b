// Run a test page in Chromium: open it, wait (bounded) for window.__result.done, and collect the page's errors.
import type { Browser } from 'playwright-core';

/** What every test page leaves in window.__result. */
export interface PageOutcome<R> {
  done: boolean;
  results: R;
  error: string | null;
}

/**
 * Open `url`, wait at most `timeout` ms for `window.__result.done`, and return
 * the result with every page error, failed request and console error (those
 * matching `allow` excepted).
 */
export async function run_page<R>(
  browser: Browser,
  url: string,
  { timeout = 30_000, allow = [] as RegExp[] } = {},
): Promise<{ outcome: PageOutcome<R>; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const allowed = (text: string): boolean => allow.some((re) => re.test(text));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allowed(msg.text())) {
      problems.push(`console.error: ${msg.text()}`);
    }
  });
  page.on('requestfailed', (req) => {
    if (!allowed(req.url())) problems.push(`request failed: ${req.url()}`);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => (window as { __result?: { done: boolean } }).__result?.done,
      null,
      { timeout },
    );
    const outcome = await page.evaluate(
      () => (window as unknown as { __result: PageOutcome<R> }).__result,
    );
    return { outcome, problems };
  } finally {
    await page.close();
  }
}
