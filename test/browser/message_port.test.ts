// MessagePort streams in Chromium: the page talks to a module Worker (ESM bundle) and a classic Worker (IIFE via importScripts).
import { describe, expect, it } from 'vitest';

import { run_page, use_chromium_pages } from '../support/pages.js';

const pages = use_chromium_pages();

describe('open_message_port(connect_worker(worker)) in Chromium', () => {
  it('round-trips lines with a module Worker and a classic Worker, transferring the buffers, then closes by EOF', async () => {
    const { outcome, problems } = await run_page<Record<string, string[]>>(
      pages.browser(),
      pages.url('/pages/workers.html'),
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
