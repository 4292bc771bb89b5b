// The core in Chromium (dist/trollius.browser.mjs): Futures, Tasks, cancellation, wait_for, gather, Lock, Queue, the MessageChannel scheduler.
import { describe, expect, it } from 'vitest';

import { run_page, use_chromium_pages } from '../support/pages.js';

const pages = use_chromium_pages();

interface CoreResults {
  main: string;
  future: string;
  gather: number[];
  cancel: string[];
  wait_for: [boolean, boolean] | string;
  lock: string;
  queue: number[];
  iterations_ms: number;
}

describe('the core in a Chromium page', () => {
  it('runs Futures, Tasks, cancellation, wait_for, gather, a Lock and a Queue as asyncio does', async () => {
    const { outcome, problems } = await run_page<CoreResults>(
      pages.browser(),
      pages.url('/pages/core.html'),
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    const r = outcome.results;
    expect(r.main).toBe('ok');
    expect(r.future).toBe('host');
    expect(r.gather).toEqual([3, 7]);
    expect(r.cancel).toEqual(['cancelled', 'CancelledError']);
    expect(r.wait_for).toEqual([true, true]);
    expect(r.lock).toBe('a+ a- b+ b- c+ c-');
    expect(r.queue).toEqual([0, 1, 2, 3, 4]);
    // 200 bare yields through the MessageChannel scheduler: far below 200 x 4 ms of setTimeout(0).
    expect(r.iterations_ms).toBeLessThan(800);
  });
});
