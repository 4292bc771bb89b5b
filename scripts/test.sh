#!/usr/bin/env bash
# The one full test command (`npm test`): Chromium, typecheck, lint, format, build, every vitest project, one summary line.
#
# Static checks (typecheck, lint, format) all run even when one fails, and so do the
# tests after them, so one run shows every problem; a missing browser or a failed
# build stops the run at once, since the tests after it cannot mean anything.
# The last line is "N passed, N failed, N skipped" (a failed check counts as one
# failure); the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Plain text in logs (CI, redirects): vitest, rollup and prettier colour their output otherwise.
if [ ! -t 1 ]; then
  export NO_COLOR=1
  unset FORCE_COLOR
fi

failed_steps=()

step() {
  echo
  echo "==> $1"
}

abort() {
  echo "test.sh: $1 failed; stopping." >&2
  node scripts/test-summary.mjs --no-report "$1"
  exit 1
}

step 'chromium (scripts/ensure-chromium.sh)'
bash scripts/ensure-chromium.sh || abort 'ensure-chromium'

step 'typecheck (tsc -b: src, platform/node, platform/browser, test)'
npm run -s typecheck || failed_steps+=('typecheck')

step 'lint (eslint)'
npm run -s lint || failed_steps+=('lint')

step 'format (prettier --check)'
npm run -s format:check || failed_steps+=('format:check')

step 'docs (typedoc: API reference in build/docs/; broken links and undocumented exports fail)'
npm run -s docs || failed_steps+=('docs')

step 'build (rollup -c)'
npm run -s build || abort 'build'

step 'package (scripts/check-package.mjs: npm pack, publint, attw)'
npm run -s lint:package || failed_steps+=('lint:package')

step 'API report (scripts/api-report.mjs: api/trollius.api.md lists what dist/trollius.d.ts publishes)'
node scripts/api-report.mjs || failed_steps+=('api-report')

step 'tests (vitest: unit, node, dist, browser)'
mkdir -p build
rm -f build/vitest.json
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json=build/vitest.json
vitest_rc=$?

step 'unit tests again in debug mode (TROLLIUSDEBUG=1, as Trollius runs its suite)'
TROLLIUSDEBUG=1 NO_COLOR=1 npx vitest run --project unit --reporter=dot || failed_steps+=('unit (TROLLIUSDEBUG=1)')

echo
node scripts/test-summary.mjs --vitest-exit="$vitest_rc" "${failed_steps[@]}"
summary_rc=$?
if [ "$vitest_rc" -ne 0 ] || [ "$summary_rc" -ne 0 ]; then
  exit 1
fi
