// A newcomer's first program, run as a script against the built bundles: an await with no loop running says how to fix it.
import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/static_server.js';

/** Run a script with Node from the repository root; what it printed and how it ended. */
function run_script(flag: '--input-type=module' | '--input-type=commonjs', script: string) {
  const child = spawnSync(process.execPath, [flag, '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const ADVICE = /can never finish: its event loop is not running\. Run the program with run\(\)/;

describe('awaiting trollius with no loop running', () => {
  it('ESM: warns and names run() before Node ends the unsettled top-level await', () => {
    const { status, stderr } = run_script(
      '--input-type=module',
      `import { sleep } from 'trollius';
       await sleep(0.05);
       console.log('never printed');`,
    );
    expect(stderr).toMatch(ADVICE);
    expect(status).toBe(13); // Node's exit code for an unsettled top-level await
  });

  it('CommonJS: warns and names run() instead of exiting without a word', () => {
    const { status, stdout, stderr } = run_script(
      '--input-type=commonjs',
      `const { gather, sleep } = require('trollius');
       (async () => { await gather(sleep(0.05), sleep(0.01)); console.log('never printed'); })();`,
    );
    expect(stderr).toMatch(ADVICE);
    expect(stdout).toBe('');
    expect(status).toBe(0);
  });

  it('the same program wrapped in run() works and warns about nothing', () => {
    const { status, stdout, stderr } = run_script(
      '--input-type=module',
      `import { run, sleep } from 'trollius';
       console.log(await run(async () => { await sleep(0.05); return 'slept'; }));`,
    );
    expect(stdout).toBe('slept\n');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
