// Bundle the core unit tests for a browser page (rolldown), with vitest's API served by a small shim.
import path from 'node:path';

import { build } from 'rolldown';

import { REPO_ROOT } from './static_server.js';

/** Where the bundle goes; the static server serves it as /build/browser-unit/tests.mjs. */
export const UNIT_BUNDLE = path.join(REPO_ROOT, 'build/browser-unit/tests.mjs');

/** Build test/browser/unit/entry.ts for the browser, `vitest` resolved to the shim. */
export async function build_unit_bundle(): Promise<string> {
  await build({
    input: path.join(REPO_ROOT, 'test/browser/unit/entry.ts'),
    platform: 'browser',
    resolve: { alias: { vitest: path.join(REPO_ROOT, 'test/browser/unit/vitest_shim.ts') } },
    // The test files are imported for their side effects (registering tests), which
    // package.json's `sideEffects` (about the published bundles) would drop.
    treeshake: { moduleSideEffects: [{ test: /./, sideEffects: true }] },
    // keepNames: reprs use constructor names, which the bundle must not rename (Event -> Event$1).
    // One file: the browser entry's dynamic import of its host I/O is inlined.
    output: { file: UNIT_BUNDLE, format: 'es', keepNames: true, codeSplitting: false },
    logLevel: 'warn',
  });
  return UNIT_BUNDLE;
}
