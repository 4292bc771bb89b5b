// Run a test page in Chromium: open it, wait (bounded) for window.__result.done, and collect the page's errors; set up Chromium and the page server per file.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

import { launch_chromium } from './chromium.js';
import { start_static_server, type StaticServer } from './static_server.js';

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

/** A test file's Chromium and static server: started before its tests, stopped after them. */
export interface ChromiumPages {
  /** The browser (only inside tests). */
  browser(): Browser;
  /** The address of `path` on the static server, e.g. `url('/pages/core.html')`. */
  url(path: string): string;
}

/** Start the static server and Chromium in `beforeAll`, and close both in `afterAll`. */
export function use_chromium_pages(): ChromiumPages {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await start_static_server();
    browser = await launch_chromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    browser: () => browser!,
    url: (path) => `${server!.url}${path}`,
  };
}
