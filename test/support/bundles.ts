// Helpers for the tests of the built bundles: where dist/ is, and how to load the Node builds and list their exports.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_ROOT } from './static_server.js';

/** The build output folder. */
export const DIST = path.join(REPO_ROOT, 'dist');

/** The fixed bundle file names of DESIGN.md. */
export const BUNDLES = {
  node_esm: 'trollius.node.mjs',
  node_cjs: 'trollius.node.cjs',
  browser_esm: 'trollius.browser.mjs',
  browser_iife: 'trollius.browser.iife.js',
  types: 'trollius.d.ts',
  types_cjs: 'trollius.d.cts',
} as const;

/** Absolute path of a file in dist/. */
export function dist_path(file: string): string {
  return path.join(DIST, file);
}

/** Import dist/trollius.node.mjs (a runtime path, so typecheck does not need dist/ to exist). */
export async function import_node_esm(): Promise<Record<string, unknown>> {
  const url = pathToFileURL(dist_path(BUNDLES.node_esm)).href;
  return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
}

/** require() dist/trollius.node.cjs through Node's own CommonJS loader. */
export function require_node_cjs(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  return require(dist_path(BUNDLES.node_cjs)) as Record<string, unknown>;
}

/** The sorted own enumerable export names of a module namespace or exports object. */
export function export_names(module: object): string[] {
  return Object.keys(module).sort();
}
