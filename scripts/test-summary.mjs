// Prints the closing line "N passed, N failed, N skipped" from vitest's JSON report (build/vitest.json).
//
// Vitest's own summary ("Tests  12 passed (12)") is not a line CI recognises.
// Usage: node scripts/test-summary.mjs [--no-report] [--vitest-exit=N] [failed-step ...]
// Each failed step named on the command line (typecheck, lint, ...) counts as one
// failure; --no-report means the tests never ran (a missing report is otherwise a
// failure); a non-zero --vitest-exit with no failed test in the report counts as one
// failure. Exits 1 if anything failed.
import { existsSync, readFileSync } from 'node:fs';

const REPORT = 'build/vitest.json';
const args = process.argv.slice(2);
const no_report = args.includes('--no-report');
const vitest_exit = Number(args.find((a) => a.startsWith('--vitest-exit='))?.split('=')[1] ?? 0);
const failed_steps = args.filter((a) => !a.startsWith('--'));

let passed = 0;
let failed = failed_steps.length;
let skipped = 0;

if (!no_report) {
  if (existsSync(REPORT)) {
    const v = JSON.parse(readFileSync(REPORT, 'utf8'));
    passed += v.numPassedTests;
    failed += v.numFailedTests;
    // a test file that failed to load has no test results: count it as one failure
    failed += v.testResults.filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
    if ((v.success === false || vitest_exit !== 0) && failed === failed_steps.length) {
      failed += 1; // vitest failed for another reason (an unhandled error, no test files, ...)
    }
    skipped += v.numPendingTests + v.numTodoTests;
  } else {
    console.log(`test-summary: ${REPORT} is missing (vitest did not finish)`);
    failed += 1;
  }
}

if (failed_steps.length > 0) console.log(`failed checks: ${failed_steps.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
