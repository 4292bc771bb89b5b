// The browser bundles in Debian's Chromium: the IIFE (plain and minified) via <script> and the ES module via import load cleanly and export the node bundle's names.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { export_names, import_node_esm } from '../support/bundles.js';
import { launch_chromium } from '../support/chromium.js';
import { REPO_ROOT, start_static_server, type StaticServer } from '../support/static_server.js';

/** What a test page leaves in window.__result. */
interface PageResult {
  done: boolean;
  found: boolean;
  names: string[];
  error: string | null;
  /** Only the minified IIFE's page: a coroutine's result and a repr, run through the global. */
  ran?: string;
  repr?: string;
}

/**
 * build/pages/iife.min.html: loads dist/trollius.browser.iife.min.js as iife.html loads the
 * plain IIFE, then runs a coroutine through the global and takes a repr (names survive minifying).
 */
const MIN_IIFE_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>trollius: minified IIFE bundle</title>
    <script src="/dist/trollius.browser.iife.min.js"></script>
  </head>
  <body>
    <script>
      const found = typeof globalThis.trollius === 'object' && globalThis.trollius !== null;
      const report = (fields) => {
        window.__result = {
          done: true,
          found,
          names: found ? Object.keys(globalThis.trollius).sort() : [],
          error: null,
          ...fields,
        };
      };
      if (!found) report({});
      else
        trollius
          .run(() => trollius.sleep(0.01, { result: 'slept' }))
          .then(
            (ran) => report({ ran, repr: String(new trollius.Lock()) }),
            (err) => report({ error: String(err) }),
          );
    </script>
  </body>
</html>
`;

let server: StaticServer | undefined;
let browser: Browser | undefined;
let node_names: string[];

beforeAll(async () => {
  node_names = export_names(await import_node_esm());
  await mkdir(path.join(REPO_ROOT, 'build/pages'), { recursive: true });
  await writeFile(path.join(REPO_ROOT, 'build/pages/iife.min.html'), MIN_IIFE_PAGE);
  server = await start_static_server();
  browser = await launch_chromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open a page of the static server (e.g. /pages/iife.html), wait for its result, and collect every error it raised. */
async function run_page(url_path: string): Promise<{ result: PageResult; problems: string[] }> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  try {
    const response = await page.goto(`${server!.url}${url_path}`);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => (window as { __result?: PageResult }).__result?.done, null, {
      timeout: 30_000,
    });
    const result = await page.evaluate(() => (window as { __result?: PageResult }).__result!);
    return { result, problems };
  } finally {
    await page.close();
  }
}

describe('browser bundles in Chromium', () => {
  it('dist/trollius.browser.iife.js defines the global `trollius` with the node bundle’s exports', async () => {
    const { result, problems } = await run_page('/pages/iife.html');
    expect(problems).toEqual([]);
    expect(result.error).toBeNull();
    expect(result.found).toBe(true);
    expect(result.names).toEqual(node_names);
  });

  it('dist/trollius.browser.iife.min.js defines the same global `trollius`, which runs a coroutine and keeps class names', async () => {
    const { result, problems } = await run_page('/build/pages/iife.min.html');
    expect(problems).toEqual([]);
    expect(result.error).toBeNull();
    expect(result.found).toBe(true);
    expect(result.names).toEqual(node_names);
    expect(result.ran).toBe('slept');
    expect(result.repr).toBe('<Lock [unlocked]>');
  });

  it('dist/trollius.browser.mjs imports as an ES module with the node bundle’s exports', async () => {
    const { result, problems } = await run_page('/pages/esm.html');
    expect(problems).toEqual([]);
    expect(result.error).toBeNull();
    expect(result.found).toBe(true);
    expect(result.names).toEqual(node_names);
  });

  it('runs Debian Chromium through playwright-core', () => {
    expect(browser!.version()).toMatch(/^\d+\./);
  });
});
