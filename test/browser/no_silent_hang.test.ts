// An await on a Future whose loop is not running, in Chromium: a warning naming run() instead of a silent hang.
import { describe, expect, it } from 'vitest';

import { run_page, use_chromium_pages } from '../support/pages.js';

const pages = use_chromium_pages();

interface HangResults {
  settled: boolean;
  warned: string[];
  ran: string;
  later_warnings: number;
}

describe('awaiting trollius with no loop running, in a page', () => {
  it('warns once, naming run(), and the same await under run() works', async () => {
    const { outcome, problems } = await run_page<HangResults>(
      pages.browser(),
      pages.url('/pages/no_silent_hang.html'),
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    const r = outcome.results;
    expect(r.settled).toBe(false);
    expect(r.warned).toHaveLength(1);
    expect(r.warned[0]).toMatch(
      /^trollius WARNING: An await of <SleepFuture pending .*> can never finish: its event loop is not running\. Run the program with run\(\)/,
    );
    expect(r.ran).toBe('slept');
    expect(r.later_warnings).toBe(0);
  });
});
