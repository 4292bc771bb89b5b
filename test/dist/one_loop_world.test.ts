// One loop world per process: a program that imports trollius (ESM build) while a dependency requires it (CJS build) gets one implementation, in either load order.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error -- plain JS helper shared with rollup.config.mjs, no types needed
import { registry_key } from '../../scripts/node_entry.mjs';
import { REPO_ROOT } from '../support/static_server.js';

import { EXPECTED_EXPORTS } from './expected_exports.js';

/** How each order loads the two builds: `esm` = `import('trollius')`, `cjs` = `require('trollius')`. */
const LOAD_ORDERS = {
  'the ESM build first, then the CJS build': `
    const esm = await import('trollius');
    const cjs = require('trollius');`,
  'the CJS build first, then the ESM build': `
    const cjs = require('trollius');
    const esm = await import('trollius');`,
};

interface Ended {
  status: number | null;
  /** What the script printed with `report(value)`, parsed. */
  report: unknown;
  stderr: string;
}

/**
 * Run `body` in a Node ES module script of its own, from the repository root
 * (so 'trollius' resolves through package.json "exports"), after `load` has
 * bound `esm` and `cjs`; `report(value)` prints the script's result as JSON.
 */
function run_script(load: string, body: string, { before = '' } = {}): Ended {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const report = (value) => console.log(JSON.stringify(value));
    ${before}
    ${load}
    ${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const last_line = child.stdout.trim().split('\n').at(-1) ?? '';
  return {
    status: child.status,
    report: last_line === '' ? undefined : JSON.parse(last_line),
    stderr: child.stderr,
  };
}

/** Run `body` with both builds loaded in `order`; expect a clean exit and return what it reported. */
function report_of(order: string, body: string): unknown {
  const ended = run_script(LOAD_ORDERS[order as keyof typeof LOAD_ORDERS], body);
  expect(ended.stderr).toBe('');
  expect(ended.status).toBe(0);
  return ended.report;
}

describe.each(Object.keys(LOAD_ORDERS))('with %s', (order) => {
  it('both builds export the very same objects under every name', () => {
    const report = report_of(
      order,
      `report({
        esm_names: Object.keys(esm).sort(),
        cjs_names: Object.keys(cjs).sort(),
        different: Object.keys(esm).filter((name) => esm[name] !== cjs[name]),
        worlds: Object.getOwnPropertySymbols(globalThis)
          .map((key) => Symbol.keyFor(key))
          .filter((name) => name?.startsWith('trollius.api@')),
      });`,
    );
    const names = [...EXPECTED_EXPORTS].sort();
    expect(report).toEqual({
      esm_names: names,
      cjs_names: names,
      different: [],
      worlds: [registry_key(version())],
    });
  });

  it("a Future of the CJS build's loop completes when a Task of the ESM API yields or awaits it", () => {
    const report = report_of(
      order,
      `const main = esm.coroutine(function* () {
         const loop = cjs.get_running_loop();
         const yielded = loop.create_future();
         loop.call_soon(() => yielded.set_result('yielded'));
         const first = yield esm.From(yielded);

         const awaited = loop.create_future();
         const task = esm.ensure_future((async () => await awaited)());
         loop.call_later(0.01, () => awaited.set_result('awaited'));
         const second = yield esm.From(task);

         const child = esm.create_task(esm.coroutine(function* () {
           return yield esm.From(cjs.sleep(0.01, 'slept'));
         })());
         const third = yield esm.From(child);
         return [first, second, third];
       });
       report(await esm.run(main));`,
    );
    expect(report).toEqual(['yielded', 'awaited', 'slept']);
  });

  it("errors thrown by one build are instanceof the other's classes, the OSError tree included", () => {
    const report = report_of(
      order,
      `const loop = cjs.new_event_loop();
       const caught = (f) => { try { f(); } catch (e) { return e; } return null; };

       const cancelled = loop.create_future();
       cancelled.cancel();
       const cancelled_error = caught(() => cancelled.result());

       const done = loop.create_future();
       done.set_result(1);
       const invalid_state = caught(() => done.set_result(2));

       const timed_out = await esm.run(async () => {
         try { await cjs.wait_for(esm.sleep(1), 0.01); } catch (e) { return e; }
       });

       const reset = new cjs.ConnectionResetError(104, 'Connection reset by peer');
       loop.close();
       report({
         cancelled: cancelled_error instanceof esm.CancelledError,
         invalid_state: invalid_state instanceof esm.InvalidStateError,
         timeout: timed_out instanceof esm.TimeoutError && timed_out instanceof cjs.TimeoutError,
         connection_reset: reset instanceof esm.ConnectionResetError,
         connection_error: reset instanceof esm.ConnectionError,
         os_error: reset instanceof esm.OSError,
         esm_cancelled_is_cjs: new esm.CancelledError() instanceof cjs.CancelledError,
       });`,
    );
    expect(report).toEqual({
      cancelled: true,
      invalid_state: true,
      timeout: true,
      connection_reset: true,
      connection_error: true,
      os_error: true,
      esm_cancelled_is_cjs: true,
    });
  });

  it('set_event_loop() through one build is what get_event_loop() of the other returns, and both see the same running loop and task', () => {
    const report = report_of(
      order,
      `const esm_loop = esm.new_event_loop();
       esm.set_event_loop(esm_loop);
       const cjs_sees_esm_loop = cjs.get_event_loop() === esm_loop;
       const cjs_loop = cjs.new_event_loop();
       cjs.set_event_loop(cjs_loop);
       const esm_sees_cjs_loop = esm.get_event_loop() === cjs_loop;
       const same_policy = esm.get_event_loop_policy() === cjs.get_event_loop_policy();

       const inside = await cjs_loop.run_until_complete(esm.coroutine(function* () {
         yield esm.From(cjs.sleep(0));
         return {
           running_loop: esm.get_running_loop() === cjs_loop && cjs.get_running_loop() === cjs_loop,
           current_task: esm.current_task() !== null && esm.current_task() === cjs.current_task(),
           all_tasks: [...esm.all_tasks()].every((task) => cjs.all_tasks().has(task)),
         };
       })());
       cjs.set_event_loop(null);
       esm_loop.close();
       cjs_loop.close();
       report({ cjs_sees_esm_loop, esm_sees_cjs_loop, same_policy, ...inside });`,
    );
    expect(report).toEqual({
      cjs_sees_esm_loop: true,
      esm_sees_cjs_loop: true,
      same_policy: true,
      running_loop: true,
      current_task: true,
      all_tasks: true,
    });
  });

  it.each([
    ['esm', 'cjs'],
    ['cjs', 'esm'],
  ])("run() of the %s build runs a coroutine built on the %s build's sleep, gather and Queue", (runner, other) => {
    const report = report_of(
      order,
      `const [runner, other] = [${runner}, ${other}];
       const main = other.coroutine(function* () {
         const queue = new other.Queue({ maxsize: 1 });
         const producer = other.coroutine(function* () {
           for (const item of ['a', 'b', 'c']) yield other.From(queue.put(item));
           return 'produced';
         });
         const consumer = async () => {
           const items = [];
           for (let i = 0; i < 3; i += 1) items.push(await queue.get());
           return items.join('');
         };
         return yield other.From(
           other.gather(producer(), consumer(), other.sleep(0.01, 'slept')),
         );
       });
       report(await runner.run(main));`,
    );
    expect(report).toEqual(['produced', 'abc', 'slept']);
  });
});

describe('a build that cannot share the registered one', () => {
  it('keeps its own implementation and warns, rather than exporting missing names, when an older compatible build registered first', () => {
    const ended = run_script(
      `const esm = await import('trollius');`,
      `report({
         same_as_registered: esm.Future === globalThis[key].api.Future,
         result: await esm.run(async () => await esm.sleep(0.01, 'still works')),
       });`,
      {
        before: `
          const key = Symbol.for(${JSON.stringify(registry_key(version()))});
          globalThis[key] = { version: '0.0.1-older', api: { Future: class Future {} } };`,
      },
    );
    expect(ended.report).toEqual({ same_as_registered: false, result: 'still works' });
    expect(ended.stderr).toMatch(/TROLLIUS_SEPARATE_LOOP_WORLD/);
    expect(ended.stderr).toMatch(/0\.0\.1-older/);
    expect(ended.status).toBe(0);
  });
});

/** The package's version, which names its registry key. */
function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
