// npm run bench:size: what an app bundled for browsers keeps of trollius (esbuild, minified, gzipped).
//
// Two apps are bundled from dist/trollius.browser.mjs as a user's bundler would
// take it: a small one using five names, and one keeping everything the
// package exports. The targets: the small app at most 10 KB, everything
// at most 25 KB (min+gzip), for what a page loads first.
//
// The browser build loads its host I/O (WebSocket, MessagePort and Blob
// transports, the loop's network, pipe, TLS and process methods) through a
// dynamic import on the first I/O call. With code splitting (esbuild
// --splitting; vite, webpack and rollup by default) that is a chunk of its own,
// fetched only by a program that does I/O: "first load" counts what the page
// loads at start, "I/O chunk" what the first I/O call adds. "one file" is
// esbuild without splitting, which inlines the dynamic import.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const BROWSER_BUILD = path.join(here, '..', 'dist', 'trollius.browser.mjs');

const APPS = {
  'small app (coroutine, From, sleep, gather, Queue)': `
    import { coroutine, From, sleep, gather, Queue } from 'trollius';
    const queue = new Queue();
    const worker = coroutine(function* (n) {
      yield From(sleep(0.01));
      yield From(queue.put(n));
    });
    export const main = coroutine(function* () {
      yield From(gather(worker(1), worker(2)));
      return queue.qsize();
    });`,
  'everything the browser build exports': `
    import * as trollius from 'trollius';
    export const all = trollius;`,
};

/** `source` bundled for browsers and minified: the output files, by path, with their static imports. */
async function bundle(source, splitting) {
  const result = await build({
    stdin: { contents: source, loader: 'js', resolveDir: here },
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    outdir: path.join(here, 'out'), // nothing is written: only names the outputs
    metafile: true,
    alias: { trollius: BROWSER_BUILD },
    absWorkingDir: here, // the metafile's paths are relative to it
    logLevel: 'error',
  });
  const bytes = new Map(result.outputFiles.map((f) => [path.relative(here, f.path), f.contents]));
  return { bytes, outputs: result.metafile.outputs };
}

/** Minified and gzipped size of some outputs, gzipped one by one as a server sends them. */
function size(bytes, files) {
  let min = 0;
  let gzip = 0;
  for (const file of files) {
    min += bytes.get(file).length;
    gzip += gzipSync(bytes.get(file), { level: 9 }).length;
  }
  return { min, gzip };
}

/** The entry's output and every output it imports statically, transitively: what a page loads at start. */
function first_load(outputs) {
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint !== undefined);
  const files = new Set([entry]);
  for (const file of files) {
    for (const { path: imported, kind } of outputs[file].imports) {
      if (kind === 'import-statement') files.add(imported);
    }
  }
  return files;
}

const kb = ({ min, gzip }) => `${(gzip / 1024).toFixed(1)} KB (${(min / 1024).toFixed(1)} KB min)`;
console.log('| app (min+gzip) | first load | I/O chunk | one file, no splitting |');
console.log('|---|---|---|---|');
for (const [name, source] of Object.entries(APPS)) {
  const split = await bundle(source, true);
  const outputs = Object.keys(split.outputs).filter((file) => file.endsWith('.js'));
  const first = first_load(split.outputs);
  const lazy = outputs.filter((file) => !first.has(file));
  const whole = await bundle(source, false);
  console.log(
    `| ${name} | ${kb(size(split.bytes, first))} | ${kb(size(split.bytes, lazy))} | ${kb(size(whole.bytes, whole.bytes.keys()))} |`,
  );
}
