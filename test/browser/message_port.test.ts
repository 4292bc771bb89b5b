// MessagePort streams in Chromium: the page talks to a module Worker (ESM bundle) and a classic Worker (IIFE via importScripts).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launch_chromium } from '../support/chromium.js';
import { run_page } from '../support/pages.js';
import { start_static_server, type StaticServer } from '../support/static_server.js';

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

describe('open_message_port(connect_worker(worker)) in Chromium', () => {
  it('round-trips lines with a module Worker and a classic Worker, transferring the buffers, then closes by EOF', async () => {
    const { outcome, problems } = await run_page<Record<string, string[]>>(
      browser!,
      `${server!.url}/pages/workers.html`,
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    expect(outcome.results['module']).toEqual([
      'module: HELLO\n',
      'transferred',
      'module: WORKER\n',
      'transferred',
      'eof:0',
    ]);
    expect(outcome.results['classic']).toEqual([
      'classic: HELLO\n',
      'transferred',
      'classic: WORKER\n',
      'transferred',
      'eof:0',
    ]);
  });
});
