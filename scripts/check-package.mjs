// The package as npm publishes it: pack dist/ (built beforehand) and check the tarball with publint and attw.
//
// Usage: node scripts/check-package.mjs   (after `npm run build`; npm test runs it as a static check)
//
// The tarball goes to build/pack/, packed with --ignore-scripts so `prepack` does not
// build a second time. Exit status 1 if publint reports a warning or an error, or attw
// (@arethetypeswrong/cli) a problem, except the two findings accepted below.
//
// Accepted, both about `./iife` and `./iife.min`: these are classic <script> files that
// define the global `trollius`, not modules, and export nothing.
// - publint reads the IIFE's `(function (exports) { exports.x = … })({})` wrapper as
//   CommonJS in a "type": "module" package. Loaded by a <script> tag, neither applies.
// - attw flags require('trollius/iife') as resolving to ESM (a .js file in a "type":
//   "module" package): true, harmless (Node >= 20.19, our engines, can require() ESM),
//   and there is nothing to import from a script.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pack_dir = path.join(root, 'build/pack');
const IIFE_SUBPATHS = ['./iife', './iife.min'];
let failed = false;

// --- pack ---
rmSync(pack_dir, { recursive: true, force: true });
mkdirSync(pack_dir, { recursive: true });
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', pack_dir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // npm's warnings about this machine's config are noise here
  }),
);
const tarball = path.join(pack_dir, packed.filename);
console.log(`packed ${path.relative(root, tarball)}: ${packed.files.length} files`);
for (const file of packed.files) console.log(`  ${file.path}`);

// --- publint ---
const bytes = readFileSync(tarball);
const lint = await publint({
  pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
  level: 'warning',
});
const iife_format_false_positive = (msg) =>
  msg.code === 'FILE_INVALID_FORMAT' &&
  msg.path[0] === 'exports' &&
  IIFE_SUBPATHS.includes(msg.path[1]) &&
  msg.args.actualFormat === 'CJS';
const accepted_lint = lint.messages.filter(iife_format_false_positive);
const lint_problems = lint.messages.filter((msg) => !iife_format_false_positive(msg));
for (const msg of lint_problems) {
  console.log(`publint ${msg.type}: ${formatMessage(msg, lint.pkg, { color: false })}`);
}
if (lint_problems.length > 0) failed = true;
console.log(
  `publint: ${lint_problems.length} warnings or errors` +
    (accepted_lint.length > 0
      ? ` (accepted: the IIFE read as CommonJS, ${accepted_lint.length})`
      : ''),
);

// --- attw ---
const attw = spawnSync(
  path.join(root, 'node_modules/.bin/attw'),
  [tarball, '--no-definitely-typed', '--format', 'json'],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
let analysis;
try {
  analysis = JSON.parse(attw.stdout).analysis;
} catch {
  console.log(`attw failed to run (exit ${attw.status}):\n${attw.stderr}`);
  process.exit(1);
}
const iife_requires_esm = (problem) =>
  problem.kind === 'CJSResolvesToESM' &&
  IIFE_SUBPATHS.includes(problem.entrypoint) &&
  problem.resolutionKind === 'node16-cjs';
const accepted_attw = analysis.problems.filter(iife_requires_esm);
const attw_problems = analysis.problems.filter((problem) => !iife_requires_esm(problem));
for (const [subpath, entry] of Object.entries(analysis.entrypoints)) {
  const modes = Object.entries(entry.resolutions).map(([mode, { resolution }]) => {
    const file = resolution?.fileName?.replace(/^\/node_modules\/trollius\//, '') ?? 'none';
    return `${mode} -> ${file}`;
  });
  console.log(`attw types of ${subpath}: ${modes.join(', ')}`);
}
for (const problem of attw_problems) {
  const where = [problem.entrypoint, problem.resolutionKind].filter(Boolean).join(' ');
  console.log(
    `attw problem: ${problem.kind}${where ? ` (${where})` : ''}: ` +
      `https://github.com/arethetypeswrong/arethetypeswrong.github.io/blob/main/docs/problems/${problem.kind}.md`,
  );
}
if (attw_problems.length > 0) failed = true;
console.log(
  `attw: ${attw_problems.length} problems` +
    (accepted_attw.length > 0
      ? ` (accepted: require() of the IIFE resolves to ESM, ${accepted_attw.length})`
      : ''),
);

process.exit(failed ? 1 : 0);
