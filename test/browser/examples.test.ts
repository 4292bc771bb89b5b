// The README's <script> tag program (docs/examples/script_tag.html) in Chromium, loading the built IIFE bundle from dist/.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { use_chromium_pages } from '../support/pages.js';
import { REPO_ROOT } from '../support/static_server.js';

const pages = use_chromium_pages();

describe('docs/examples in a page', () => {
  it('script_tag.html runs a coroutine through the global `trollius` and shows its result', async () => {
    const page = await pages.browser().newPage();
    const problems: string[] = [];
    const logged: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
      else logged.push(msg.text());
    });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    // The static server answers /dist/ but not /docs/: serve the example from the file, at
    // the address where its relative ../../dist/ script path lands on the server's /dist/.
    const html = readFileSync(path.join(REPO_ROOT, 'docs/examples/script_tag.html'), 'utf8');
    await page.route('**/docs/examples/script_tag.html', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204, body: '' }));
    try {
      await page.goto(pages.url('/docs/examples/script_tag.html'));
      await page.waitForFunction(() => document.getElementById('out')?.textContent !== '…', null, {
        timeout: 10_000,
      });
      expect(await page.textContent('#out')).toBe('hello, browser');
      expect(logged).toContain('hello, browser');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
