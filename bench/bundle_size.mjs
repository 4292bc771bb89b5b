// npm run bench:size: what an app bundled for browsers keeps of trollius (esbuild, minified, gzipped).
//
// Two apps are bundled from dist/trollius.browser.mjs as a user's bundler would
// take it: a small one using five names, and one keeping everything the
// package exports. The targets: the small app at most 10 KB, everything
// at most 25 KB (min+gzip).
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

/** Bytes of `source` bundled for browsers, minified, and gzipped. */
async function measure(source) {
  const result = await build({
    stdin: { contents: source, loader: 'js', resolveDir: here },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    alias: { trollius: BROWSER_BUILD },
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('| app | minified | min+gzip |');
console.log('|---|---|---|');
for (const [name, source] of Object.entries(APPS)) {
  const { min, gzip } = await measure(source);
  console.log(`| ${name} | ${kb(min)} | ${kb(gzip)} |`);
}
