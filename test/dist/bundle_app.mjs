// Build one small app with one bundler at its defaults; run by test/dist/bundler_apps.ts in a child process, so no test-runner setting (NODE_ENV=test…) leaks in.
//
// Usage: node test/dist/bundle_app.mjs <target> <project dir> <output dir>
//
// Only the entry and where the output goes are given; resolution is each bundler's own
// default (webpack also skips minifying, and vite gets a relative `base` so the page can be
// served from a sub-folder: neither changes which file of a package is picked).
// Prints one JSON line: { files: the output JS files, trollius: the package files bundled,
// warnings: what the bundler warned about }.
import path from 'node:path';

const [target, project, out] = process.argv.slice(2);
if (!target || !project || !out) {
  console.error('usage: node test/dist/bundle_app.mjs <target> <project dir> <output dir>');
  process.exit(2);
}
const NODE_ENTRY = path.join(project, 'src/node_app.js');
const BROWSER_ENTRY = path.join(project, 'src/browser_app.js');

/** The JS files of the installed trollius package among the bundle's inputs (paths relative to it). */
function trollius_files(inputs) {
  const marker = `${path.sep}node_modules${path.sep}trollius${path.sep}`;
  const found = new Set();
  for (const input of inputs) {
    const file = path.resolve(project, input);
    const at = file.indexOf(marker);
    if (at >= 0 && /\.[mc]?js$/.test(file)) found.add(file.slice(at + marker.length).split(path.sep).join('/'));
  }
  return [...found].sort();
}

async function rollup_default() {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const warnings = [];
  const bundle = await rollup({
    input: NODE_ENTRY,
    plugins: [nodeResolve()],
    onwarn: (warning) => warnings.push(warning.message),
  });
  const file = path.join(out, 'app.mjs');
  await bundle.write({ file });
  await bundle.close();
  return { files: [file], trollius: trollius_files(bundle.watchFiles), warnings };
}

async function esbuild_app(entry, file, options) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    outfile: file,
    metafile: true,
    logLevel: 'silent',
    ...options,
  });
  return {
    files: [file],
    trollius: trollius_files(Object.keys(result.metafile.inputs)),
    warnings: result.warnings.map((w) => w.text),
  };
}

async function webpack_default() {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        context: project,
        entry: './src/browser_app.js',
        output: { path: out },
        optimization: { minimize: false }, // minifying 500 kB takes 10 s and picks nothing
        performance: { hints: false },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join('\n'));
  return {
    files: [path.join(out, 'main.js')],
    trollius: trollius_files(stats.compilation.fileDependencies),
    warnings: info.warnings.map((w) => w.message),
  };
}

async function vite_default() {
  const vite = await import('vite');
  const warnings = [];
  const logger = vite.createLogger('warn');
  const result = await vite.build({
    root: project,
    configFile: false,
    base: './',
    logLevel: 'warn',
    customLogger: {
      ...logger,
      warn: (msg) => warnings.push(msg),
      warnOnce: (msg) => warnings.push(msg),
    },
    build: { outDir: out, emptyOutDir: true },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  return {
    files: chunks.map((c) => path.join(out, c.fileName)),
    trollius: trollius_files(chunks.flatMap((c) => c.moduleIds)),
    warnings,
  };
}

const TARGETS = {
  // rollup + @rollup/plugin-node-resolve without options; rollup's default output (ES module)
  rollup: rollup_default,
  // esbuild's default platform is "browser" (an IIFE)
  esbuild: () => esbuild_app(BROWSER_ENTRY, path.join(out, 'app.js'), {}),
  'esbuild-browser': () =>
    esbuild_app(BROWSER_ENTRY, path.join(out, 'app.js'), { platform: 'browser' }),
  // --platform=node writes CommonJS by default
  'esbuild-node': () => esbuild_app(NODE_ENTRY, path.join(out, 'app.cjs'), { platform: 'node' }),
  'esbuild-node-esm': () =>
    esbuild_app(NODE_ENTRY, path.join(out, 'app.mjs'), { platform: 'node', format: 'esm' }),
  webpack: webpack_default,
  vite: vite_default,
};

const build = TARGETS[target];
if (!build) {
  console.error(`unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await build()));
