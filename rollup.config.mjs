// Builds the five fixed bundles of DESIGN.md: node ESM + CJS, browser ESM + IIFE (+ a minified IIFE), and one bundled .d.ts (+ .d.cts, + the IIFE global's .d.ts).
//
// The backend is chosen by the entry file, not by resolver tricks:
// platform/node/index.ts and platform/browser/index.ts each install their
// Platform and re-export src/index.ts. The types come from src/index.ts alone, so
// both hosts share one public surface.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

import { browser_hygiene } from './scripts/bundle_hygiene.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));
const banner = `/*! ${pkg.name} ${pkg.version} */`;

/**
 * Transpile TypeScript with the layer's own tsconfig (node: @types/node; browser: DOM lib).
 *
 * Type errors are `npm run typecheck`'s job (it runs first in `npm test`); `noCheck`
 * keeps the build fast and its log free of the same diagnostics printed twice.
 */
const ts = (tsconfig) =>
  typescript({
    tsconfig,
    compilerOptions: {
      composite: false,
      incremental: false,
      noCheck: true,
      // declarations come only from the rollup-plugin-dts pass below
      declaration: false,
      declarationMap: false,
      sourceMap: true,
      inlineSources: true, // dist/ ships without src/: the maps carry the TypeScript sources
      // Absolute: the plugin resolves these against the tsconfig's folder, not the cwd.
      // outDir = rootDir keeps each emitted file beside its source (in memory only), so
      // the relative `sources` in TypeScript's maps resolve correctly for rollup.
      rootDir: root,
      outDir: root,
    },
  });

/** Unresolvable imports become errors: nothing may be silently left as an external import. */
function onwarn(warning, warn) {
  if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(warning.message);
  warn(warning);
}

/** Write dist/trollius.d.cts, a copy of dist/trollius.d.ts for `require` consumers (TS NodeNext). */
function copy_dts_to_dcts() {
  return {
    name: 'copy-dts-to-dcts',
    async writeBundle() {
      await copyFile('dist/trollius.d.ts', 'dist/trollius.d.cts');
    },
  };
}

/**
 * Write dist/trollius.browser.iife.d.ts, the types of the `./iife` and `./iife.min` subpaths:
 * the global `trollius` that the IIFE defines, typed as the package's module, for page
 * scripts that say `/// <reference types="trollius/iife" />`.
 */
function write_iife_dts() {
  const text = `${banner}
// The global \`trollius\` that dist/trollius.browser.iife.js and .iife.min.js define in a page.
import type * as trollius_module from './trollius.js';

declare global {
  var trollius: typeof trollius_module;
}

export {};
`;
  return {
    name: 'write-iife-dts',
    async writeBundle() {
      await writeFile('dist/trollius.browser.iife.d.ts', text);
    },
  };
}

export default [
  // Node: ESM + CJS; node: built-ins and ws stay runtime imports.
  {
    input: 'platform/node/index.ts',
    external: ['ws', /^node:/],
    onwarn,
    plugins: [ts('platform/node/tsconfig.json')],
    output: [
      { file: 'dist/trollius.node.mjs', format: 'es', sourcemap: true, banner },
      {
        file: 'dist/trollius.node.cjs',
        format: 'cjs',
        exports: 'named',
        sourcemap: true,
        banner,
      },
    ],
  },
  // Browser: ESM + IIFE (global `trollius`, plain and minified); no externals at all.
  {
    input: 'platform/browser/index.ts',
    onwarn,
    plugins: [ts('platform/browser/tsconfig.json'), browser_hygiene()],
    output: [
      { file: 'dist/trollius.browser.mjs', format: 'es', sourcemap: true, banner },
      {
        file: 'dist/trollius.browser.iife.js',
        format: 'iife',
        name: 'trollius',
        sourcemap: true,
        banner,
      },
      // The same IIFE minified, for <script> tags from a CDN (package.json unpkg/jsdelivr).
      {
        file: 'dist/trollius.browser.iife.min.js',
        format: 'iife',
        name: 'trollius',
        sourcemap: true,
        banner,
        // Names kept: reprs and messages use class and function names (`<Lock [unlocked]>`).
        plugins: [terser({ keep_classnames: true, keep_fnames: true })],
      },
    ],
  },
  // Types: one bundled declaration file for both hosts, from the core's public surface.
  {
    input: 'src/index.ts',
    onwarn,
    plugins: [dts({ tsconfig: 'tsconfig.src.json' }), copy_dts_to_dcts(), write_iife_dts()],
    output: { file: 'dist/trollius.d.ts', format: 'es', banner },
  },
];
