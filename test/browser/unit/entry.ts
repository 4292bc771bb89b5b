// The core unit tests, bundled for a Chromium page against the browser backend (see test/browser/unit_tests.test.ts).
import '../../../platform/browser/index.js';

// Not here: pipe_transports.test.ts, since a browser's loop refuses pipes at the call
// (platform/browser/unsupported.ts; test/browser/unsupported_io.test.ts).

import '../../unit/as_completed.test.js';
import '../../unit/barrier.test.js';
import '../../unit/condition.test.js';
import '../../unit/coroutines.test.js';
import '../../unit/deque_heap.test.js';
import '../../unit/eager_tasks.test.js';
import '../../unit/events.test.js';
import '../../unit/exception_group.test.js';
import '../../unit/futures.test.js';
import '../../unit/locks.test.js';
import '../../unit/queue_shutdown.test.js';
import '../../unit/queues.test.js';
import '../../unit/run_coroutine_threadsafe.test.js';
import '../../unit/runners.test.js';
import '../../unit/semaphores.test.js';
import '../../unit/stream_reader.test.js';
import '../../unit/task_bookkeeping.test.js';
import '../../unit/task_helpers.test.js';
import '../../unit/task_helpers_options.test.js';
import '../../unit/taskgroups.test.js';
import '../../unit/tasks.test.js';
import '../../unit/timeouts.test.js';
import '../../unit/wait.test.js';

import { collected_tests } from './vitest_shim.js';

/** What the page reports: every test with its outcome. */
export interface PageTestResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  error?: string;
}

/** Run every collected test in order, each bounded by a timeout. */
export async function run_all(timeout_ms = 10_000): Promise<PageTestResult[]> {
  const results: PageTestResult[] = [];
  for (const test of collected_tests()) {
    if (test.skip) {
      results.push({ name: test.name, status: 'skipped' });
      continue;
    }
    try {
      await Promise.race([
        test.run(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`timed out after ${timeout_ms} ms`)), timeout_ms),
        ),
      ]);
      results.push({ name: test.name, status: 'passed' });
    } catch (error) {
      results.push({
        name: test.name,
        status: 'failed',
        error: String((error as Error)?.stack ?? error),
      });
    }
  }
  return results;
}
