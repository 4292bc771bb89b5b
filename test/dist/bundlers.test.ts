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
    expect(project.packed_files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist/trollius.browser.core.mjs',
      'dist/trollius.browser.core.mjs.map',
      'dist/trollius.browser.iife.d.ts',
      'dist/trollius.browser.iife.js',
      'dist/trollius.browser.iife.js.map',
      'dist/trollius.browser.iife.min.js',
      'dist/trollius.browser.iife.min.js.map',
      'dist/trollius.browser.io.mjs',
      'dist/trollius.browser.io.mjs.map',
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

  it('marks the shipped files that install a backend, and only those, as having side effects', () => {
    const scripts = project.packed_files
      .map((f) => f.path)
      .filter((p) => /\.(m|c)?js$/.test(p))
      .sort();
    const installing = scripts.filter((file) =>
      readFileSync(path.join(project.dir, 'node_modules/trollius', file), 'utf8').includes(
        'install_platform(',
      ),
    );
    expect([...pkg.sideEffects].sort()).toEqual(installing.map((p) => `./${p}`));
    // The browser entry only re-exports its core chunk; the I/O chunk only exports.
    expect(installing).toEqual([
      'dist/trollius.browser.core.mjs',
      'dist/trollius.browser.iife.js',
      'dist/trollius.browser.iife.min.js',
      'dist/trollius.node.cjs',
      'dist/trollius.node.mjs',
    ]);
  });
});

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
