// The browser bundles in Debian's Chromium: the IIFE via <script> and the ES module via import load cleanly and export the node bundle's names.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { export_names, import_node_esm } from '../support/bundles.js';
import { launch_chromium } from '../support/chromium.js';
import { start_static_server, type StaticServer } from '../support/static_server.js';

/** What a test page leaves in window.__result. */
interface PageResult {
  done: boolean;
  found: boolean;
  names: string[];
  error: string | null;
}

let server: StaticServer | undefined;
let browser: Browser | undefined;
let node_names: string[];

beforeAll(async () => {
  node_names = export_names(await import_node_esm());
  server = await start_static_server();
  browser = await launch_chromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open a page under test/browser/pages/, wait for its result, and collect every error it raised. */
async function run_page(name: string): Promise<{ result: PageResult; problems: string[] }> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  try {
    const response = await page.goto(`${server!.url}/pages/${name}`);
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
    const { result, problems } = await run_page('iife.html');
    expect(problems).toEqual([]);
    expect(result.error).toBeNull();
    expect(result.found).toBe(true);
    expect(result.names).toEqual(node_names);
  });

  it('dist/trollius.browser.mjs imports as an ES module with the node bundle’s exports', async () => {
    const { result, problems } = await run_page('esm.html');
    expect(problems).toEqual([]);
    expect(result.error).toBeNull();
    expect(result.found).toBe(true);
    expect(result.names).toEqual(node_names);
  });

  it('runs Debian Chromium through playwright-core', () => {
    expect(browser!.version()).toMatch(/^\d+\./);
  });
});
