// The core unit tests (Futures, Tasks, cancellation, helpers, locks, queues) run again in a Chromium page, on the browser backend.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launch_chromium } from '../support/chromium.js';
import { run_page } from '../support/pages.js';
import { start_static_server, type StaticServer } from '../support/static_server.js';
import { build_unit_bundle } from '../support/unit_bundle.js';
import type { PageTestResult } from './unit/entry.js';

let server: StaticServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  await build_unit_bundle();
  server = await start_static_server();
  browser = await launch_chromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the core unit tests in Chromium', () => {
  it('pass in the page against the browser backend (MessageChannel scheduler)', async () => {
    const { outcome, problems } = await run_page<PageTestResult[]>(
      browser!,
      `${server!.url}/pages/unit.html`,
      { timeout: 50_000 },
    );
    expect(outcome.error).toBeNull();
    const failed = outcome.results.filter((r) => r.status === 'failed');
    expect(failed).toEqual([]);
    // Every file of test/browser/unit/entry.ts ran (260 tests today), not just a few; only the
    // tests that need Node's `process`, a forced GC, or per-file stack frames are skipped.
    const passed = outcome.results.filter((r) => r.status === 'passed');
    expect(passed.length).toBeGreaterThanOrEqual(250);
    const skipped = outcome.results.filter((r) => r.status === 'skipped').map((r) => r.name);
    expect(new Set(skipped)).toEqual(
      new Set([
        'Handle > records where it was created in debug mode (test_handle_source_traceback)',
        'Promise interop > makes no Promise, so no unhandled rejection, for a failed future nobody awaits',
        'reprs > show where the future was created in debug mode (test_future_source_traceback)',
        '"exception was never retrieved" (FUT-5) > is reported for a collected future whose exception nobody read',
        '"exception was never retrieved" (FUT-5) > is not reported once result() or exception() was called',
        'tasks are held weakly, as asyncio holds them in a WeakSet > collects a pending task that nothing references and reports it (test_task_destroyed_pending)',
        'tasks are held weakly, as asyncio holds them in a WeakSet > keeps a task alive while something can still wake it, and reports nothing',
      ]),
    );
    expect(problems).toEqual([]);
  });
});
