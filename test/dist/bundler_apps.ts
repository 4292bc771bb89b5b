// The packed package in a fresh project: `npm pack`, an offline install into a temp folder, small apps, and builds by each bundler (test/dist/bundle_app.mjs).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { REPO_ROOT } from '../support/static_server.js';

const exec_file = promisify(execFile);

/** The environment for child npm and bundler processes: the user's, less npm's script variables and the test runner's. */
export function clean_env(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|VITE_)/i.test(key) || key === 'NODE_ENV' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

/** A file of the packed tarball, as `npm pack --json` lists it. */
export interface PackedFile {
  path: string;
  size: number;
}

/** A temp project with the packed trollius installed. */
export interface AppProject {
  /** The project folder (package.json, node_modules/, src/). */
  readonly dir: string;
  /** What `npm pack` put in the tarball. */
  readonly packed_files: readonly PackedFile[];
  /** Delete the project folder. */
  remove(): Promise<void>;
}

/** The Node app (ESM source): timers and gather, a TCP echo and a WebSocket echo over loopback. */
function node_app(header: string): string {
  return `${header}

const echo = coroutine(function* (reader, writer) {
  const data = yield From(reader.read(100));
  writer.write(data);
  yield From(writer.drain());
  writer.close();
});

const round_trip = coroutine(function* (options) {
  const server = yield From(start_server(echo, '127.0.0.1', 0, options));
  const port = server.sockets[0].getsockname()[1];
  const [reader, writer] = yield From(open_connection('127.0.0.1', port, options));
  writer.write(new TextEncoder().encode('ping'));
  const reply = new TextDecoder().decode(yield From(reader.read(100)));
  writer.close();
  server.close();
  yield From(server.wait_closed());
  throw new Return(reply);
});

const main = coroutine(function* () {
  const slept = yield From(gather(sleep(0.01, { result: 'a' }), sleep(0, { result: 'b' })));
  const tcp = yield From(round_trip({}));
  const websocket = yield From(round_trip({ websocket: true }));
  throw new Return({ slept, tcp, websocket });
});

run(main).then(
  (result) => console.log(JSON.stringify(result)),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
`;
}

const NODE_NAMES = 'From, Return, coroutine, gather, open_connection, run, sleep, start_server';

/** What the Node app prints. */
export const NODE_APP_RESULT = { slept: ['a', 'b'], tcp: 'ping', websocket: 'ping' };

/** The browser app: timers and gather, and a Unix socket the browser backend refuses. */
const BROWSER_APP = `import { From, Return, coroutine, gather, open_unix_connection, run, sleep } from 'trollius';

const main = coroutine(function* () {
  const slept = yield From(gather(sleep(0.01, { result: 'a' }), sleep(0, { result: 'b' })));
  let unix;
  try {
    yield From(open_unix_connection('/nonexistent/trollius.sock'));
    unix = 'connected';
  } catch (err) {
    unix = err.name;
  }
  throw new Return({ slept, unix });
});

run(main).then(
  (results) => {
    globalThis.__result = { done: true, results, error: null };
  },
  (err) => {
    globalThis.__result = { done: true, results: null, error: String((err && err.stack) || err) };
  },
);
`;

/** What the browser app leaves in window.__result.results. */
export const BROWSER_APP_RESULT = {
  slept: ['a', 'b'],
  unix: 'NotImplementedError', // the browser backend has no Unix sockets; Node's would say FileNotFoundError
};

/** vite's default entry: index.html at the project root. */
const VITE_INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>trollius app (vite)</title>
    <script type="module" src="./src/browser_app.js"></script>
  </head>
  <body></body>
</html>
`;

/** A page that loads one classic script (esbuild's IIFE, webpack's main.js). */
export function script_page(src: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>trollius app</title>
    <script src="${src}"></script>
  </head>
  <body></body>
</html>
`;
}

async function run_npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec_file('npm', args, {
    cwd,
    env: clean_env(),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/**
 * Pack the repository (dist/ must be built: `npm pack --ignore-scripts` skips the
 * prepack build) and ws, and install both tarballs into a new temp project with
 * `npm install --offline`: no registry, no source tree.
 */
export async function make_app_project(): Promise<AppProject> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'trollius-app-'));
  const tarballs = path.join(root, 'tarballs');
  const dir = path.join(root, 'app');
  await mkdir(tarballs);
  await mkdir(path.join(dir, 'src'), { recursive: true });
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const pack = ['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs];
    // ws, the one dependency, from the repository's node_modules: no registry needed.
    const [trollius_json, ws_json] = await Promise.all([
      run_npm(pack, REPO_ROOT),
      run_npm([...pack, path.join(REPO_ROOT, 'node_modules/ws')], REPO_ROOT),
    ]);
    const [trollius] = JSON.parse(trollius_json) as [{ filename: string; files: PackedFile[] }];
    const [ws] = JSON.parse(ws_json) as [{ filename: string }];
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'trollius-app', private: true, type: 'module' }, null, 2),
    );
    await run_npm(
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        path.join(tarballs, trollius.filename),
        path.join(tarballs, ws.filename),
      ],
      dir,
    );
    await Promise.all([
      writeFile(path.join(dir, 'src/node_app.js'), node_app(`import { ${NODE_NAMES} } from 'trollius';`)),
      writeFile(
        path.join(dir, 'src/node_app.cjs'),
        node_app(`'use strict';\nconst { ${NODE_NAMES} } = require('trollius');`),
      ),
      writeFile(path.join(dir, 'src/browser_app.js'), BROWSER_APP),
      writeFile(path.join(dir, 'index.html'), VITE_INDEX),
    ]);
    return { dir, packed_files: trollius.files, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** The bundler set-ups of test/dist/bundle_app.mjs. */
export type BundlerTarget =
  | 'rollup'
  | 'esbuild'
  | 'esbuild-browser'
  | 'esbuild-node'
  | 'esbuild-node-esm'
  | 'webpack'
  | 'vite';

/** What one build produced. */
export interface BuiltApp {
  /** The output JS files (absolute). */
  files: string[];
  /** The files of the trollius package that went into the bundle, e.g. `dist/trollius.node.mjs`. */
  trollius: string[];
  /** The bundler's warnings. */
  warnings: string[];
}

/** Build the project's app with one bundler, into `out`, in a child Node process. */
export async function build_app(
  target: BundlerTarget,
  project: AppProject,
  out: string,
): Promise<BuiltApp> {
  const driver = path.join(REPO_ROOT, 'test/dist/bundle_app.mjs');
  const { stdout } = await exec_file(process.execPath, [driver, target, project.dir, out], {
    cwd: REPO_ROOT,
    env: clean_env(),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as BuiltApp;
}

/** Run a Node program in the project; its exit status and output. */
export async function run_node(
  project: AppProject,
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec_file(process.execPath, args, {
      cwd: project.dir,
      env: clean_env(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      status: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? e.message,
    };
  }
}
