// The packed package as a user gets it, in Node: what the tarball holds, Node's own import/require, and rollup's and esbuild's Node builds of a small app, each run.
//
// One `npm pack` + offline install per file (test/dist/bundler_apps.ts); the browser
// builds (esbuild, webpack, vite) run in Chromium in test/browser/bundlers.test.ts.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  build_app,
  make_app_project,
  NODE_APP_RESULT,
  run_node,
  type AppProject,
  type BundlerTarget,
} from './bundler_apps.js';

let project: AppProject;

beforeAll(async () => {
  project = await make_app_project();
}, 120_000);

afterAll(async () => {
  await project?.remove();
});

/** The package.json of the repository (what was packed). */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  sideEffects: string[];
};

describe('npm pack', () => {
  it('ships the bundles, their maps, the types, LICENSE, README.md and package.json, and nothing else', () => {
    const [modules, others] = partition(
      project.packed_files.map((f) => f.path).sort(),
      (file) => file.startsWith('dist/browser/'),
    );
    // The browser ESM build's modules, each with its map.
    const scripts = modules.filter((file) => file.endsWith('.mjs'));
    expect(scripts).toContain('dist/browser/src/base_events.mjs');
    expect(modules).toEqual(scripts.flatMap((file) => [file, `${file}.map`]).sort());
    expect(others).toEqual([
      'LICENSE',
      'README.md',
      'dist/trollius.browser.iife.d.ts',
      'dist/trollius.browser.iife.js',
      'dist/trollius.browser.iife.js.map',
      'dist/trollius.browser.iife.min.js',
      'dist/trollius.browser.iife.min.js.map',
      'dist/trollius.browser.mjs',
      'dist/trollius.browser.mjs.map',
      'dist/trollius.d.cts',
      'dist/trollius.d.ts',
      'dist/trollius.node.cjs',
      'dist/trollius.node.cjs.map',
      'dist/trollius.node.mjs',
      'dist/trollius.node.mjs.map',
      'package.json',
    ]);
  });

  it('marks the shipped files with top-level effects, and only those, as having side effects', () => {
    const scripts = project.packed_files
      .map((f) => f.path)
      .filter((p) => /\.(m|c)?js$/.test(p))
      .sort();
    const read = (file: string): string =>
      readFileSync(path.join(project.dir, 'node_modules/trollius', file), 'utf8');
    // The bundles' entries, each of which installs its backend...
    const entries = scripts.filter((file) => !file.startsWith('dist/browser/'));
    expect(entries).toEqual([
      'dist/trollius.browser.iife.js',
      'dist/trollius.browser.iife.min.js',
      'dist/trollius.browser.mjs',
      'dist/trollius.node.cjs',
      'dist/trollius.node.mjs',
    ]);
    for (const file of entries) expect(read(file), file).toContain('install_platform');
    // ...and the browser build's loop module: the default policy and the loop's I/O forwarders.
    expect(read('dist/browser/src/base_events.mjs')).toMatch(/^install_io_methods\(/m);
    expect([...pkg.sideEffects].sort()).toEqual(
      [...entries, 'dist/browser/src/base_events.mjs'].map((p) => `./${p}`).sort(),
    );
  });
});

/** The items of `list` for which `test` holds, and the others. */
function partition<T>(list: T[], test: (item: T) => boolean): [T[], T[]] {
  return [list.filter(test), list.filter((item) => !test(item))];
}

describe('Node, no bundler', () => {
  it('resolves import and require to the Node bundles, and ./iife, ./iife.min to the scripts', async () => {
    const esm = await run_node(project, [
      '--input-type=module',
      '-e',
      `console.log(JSON.stringify(['trollius', 'trollius/iife', 'trollius/iife.min'].map((s) => import.meta.resolve(s).replace(/^.*\\/node_modules\\/trollius\\//, ''))))`,
    ]);
    expect(esm.stderr).toBe('');
    expect(JSON.parse(esm.stdout)).toEqual([
      'dist/trollius.node.mjs',
      'dist/trollius.browser.iife.js',
      'dist/trollius.browser.iife.min.js',
    ]);
    const cjs = await run_node(project, [
      '--input-type=commonjs',
      '-e',
      `console.log(require.resolve('trollius').replace(/^.*\\/node_modules\\/trollius\\//, ''))`,
    ]);
    expect(cjs.stdout.trim()).toBe('dist/trollius.node.cjs');
  });

  it.each([
    ['import (ESM)', 'src/node_app.js'],
    ['require (CommonJS)', 'src/node_app.cjs'],
  ])('%s: the app runs timers, a TCP echo and a WebSocket echo', async (_how, file) => {
    const { status, stdout, stderr } = await run_node(project, [file]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(NODE_APP_RESULT);
  }, 30_000);
});

describe('bundlers targeting Node, built with their defaults and run in Node', () => {
  it.each([
    // rollup + @rollup/plugin-node-resolve(): conditions default/module/import, no "node",
    // no "browser": the "import" fallback, the Node build. ws is loaded at run time.
    ['rollup', 'app.mjs'],
    // esbuild --platform=node: the "node" condition; CommonJS output by default.
    ['esbuild-node', 'app.cjs'],
    ['esbuild-node-esm', 'app.mjs'],
  ] as const)(
    '%s bundles dist/trollius.node.mjs and the app runs',
    async (target: BundlerTarget, file) => {
      const out = path.join(project.dir, 'out', target);
      const built = await build_app(target, project, out);
      expect(built.warnings).toEqual([]);
      expect(built.trollius).toEqual(['dist/trollius.node.mjs']);
      expect(built.files).toEqual([path.join(out, file)]);
      const { status, stdout, stderr } = await run_node(project, [built.files[0]!]);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(JSON.parse(stdout)).toEqual(NODE_APP_RESULT);
    },
    60_000,
  );
});

describe('types of the installed package', () => {
  it('`/// <reference types="trollius/iife" />` types the global `trollius` of a <script> page', async () => {
    const file = path.join(project.dir, 'src/page_script.mts');
    await writeFile(
      file,
      `/// <reference types="trollius/iife" />
const fut: Promise<number> = trollius.run(() => trollius.sleep(0.1, { result: 1 }));
// @ts-expect-error -- not a trollius export
trollius.no_such_name();
export { fut };
`,
    );
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      strict: true,
      noEmit: true,
      types: [],
      skipLibCheck: true, // test/dist/bundles.test.ts checks the .d.ts itself
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 30_000);
});
