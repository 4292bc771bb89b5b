// npm run bench:size: what an app bundled for browsers keeps of trollius (esbuild and rollup, minified, gzipped).
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
//
// esbuild puts a module in the first chunk when the package's entry re-exports
// it, even if the app uses none of it, as soon as the I/O chunk needs it (the
// exported error, transport and TLS classes); rollup (which vite builds with)
// places each module by what uses it. Both are shown.
//
// "rollup, no text" is rollup's first load again with every string literal
// emptied (messages, reprs, log lines): what the code alone weighs, a floor
// that no rewording of messages can go below.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import terser from '@rollup/plugin-terser';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { parseAst } from 'rollup/parseAst';

const here = path.dirname(fileURLToPath(import.meta.url));
const BROWSER_BUILD = path.join(here, '..', 'dist', 'trollius.browser.mjs');

/** Each app's source, and the target for what a page loads first (esbuild, min+gzip). */
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
const TARGET_KB = {
  'small app (coroutine, From, sleep, gather, Queue)': 10,
  'everything the browser build exports': 25,
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
  const bytes = new Map(
    result.outputFiles
      .filter((f) => f.path.endsWith('.js'))
      .map((f) => [path.relative(here, f.path), f.contents]),
  );
  return { bytes, outputs: result.metafile.outputs };
}

/** The same with rollup and terser: the output chunks, by file name, with their static imports. */
async function bundle_rollup(source) {
  const bundle = await rollup({
    input: 'app',
    plugins: [
      {
        name: 'app-and-trollius',
        resolveId: (id) => (id === 'app' ? id : id === 'trollius' ? BROWSER_BUILD : null),
        load: (id) => (id === 'app' ? source : null),
      },
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
  await bundle.close();
  const bytes = new Map(output.map((chunk) => [chunk.fileName, Buffer.from(chunk.code)]));
  const outputs = Object.fromEntries(
    output.map((chunk) => [
      chunk.fileName,
      {
        entryPoint: chunk.isEntry ? chunk.fileName : undefined,
        imports: chunk.imports.map((path) => ({ path, kind: 'import-statement' })),
      },
    ]),
  );
  return { bytes, outputs };
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

/** `code` with the contents of every string and template literal removed. */
function without_text(code) {
  const ranges = [];
  const visit = (node) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.type === 'Literal' && typeof node.value === 'string') {
      ranges.push([node.start + 1, node.end - 1]);
    } else if (node.type === 'TemplateElement') {
      ranges.push([node.start, node.end]);
    }
    for (const key of Object.keys(node)) if (key !== 'type') visit(node[key]);
  };
  visit(parseAst(code));
  ranges.sort((a, b) => b[0] - a[0]);
  for (const [start, end] of ranges) code = code.slice(0, start) + code.slice(end);
  return code;
}

/** The same outputs with their text removed (see `without_text`). */
function textless(bytes) {
  return new Map(
    [...bytes].map(([file, code]) => [file, Buffer.from(without_text(code.toString('utf8')))]),
  );
}

const kb = ({ min, gzip }) => `${(gzip / 1024).toFixed(1)} KB (${(min / 1024).toFixed(1)} KB min)`;

/** The first load and the rest of one split build. */
function split_sizes({ bytes, outputs }) {
  const first = first_load(outputs);
  const lazy = [...bytes.keys()].filter((file) => !first.has(file));
  return [size(bytes, first), size(bytes, lazy), size(textless(bytes), first)];
}

console.log(
  '| app (min+gzip) | esbuild: first load | target | esbuild: I/O chunk | rollup: first load | rollup: I/O chunk | esbuild, one file | rollup: first load, no text |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, source] of Object.entries(APPS)) {
  const [esbuild_first, esbuild_lazy] = split_sizes(await bundle(source, true));
  const [rollup_first, rollup_lazy, rollup_first_textless] = split_sizes(
    await bundle_rollup(source),
  );
  const whole = await bundle(source, false);
  const target = TARGET_KB[name];
  const met = esbuild_first.gzip <= target * 1024 ? 'met' : '**not met**';
  const cells = [kb(esbuild_first), `≤ ${target} KB: ${met}`, kb(esbuild_lazy), kb(rollup_first)];
  cells.push(kb(rollup_lazy), kb(size(whole.bytes, whole.bytes.keys())), kb(rollup_first_textless));
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
