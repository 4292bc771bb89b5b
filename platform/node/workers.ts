// Node backend: worker threads for WorkerPoolExecutor (start_worker, cpu_count, module_url).
//
// Usage: these become `node_platform.start_worker`, `.cpu_count` and `.module_url`.
// @see https://nodejs.org/api/worker_threads.html#class-worker

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ModuleURL, RawWorker } from '../../src/platform.js';

import { node_worker_threads } from './builtins.js';

/** The CPUs this process may use (`os.availableParallelism()`). */
export function cpu_count(): number {
  return availableParallelism();
}

/** A URL as is; a path (relative to the working directory) as a `file:` URL. */
export function module_url(module: string | ModuleURL): string {
  if (typeof module !== 'string') return module.href;
  const is_url = /^[a-z][a-z\d+.-]+:/i.test(module) && !path.isAbsolute(module);
  return is_url ? new URL(module).href : pathToFileURL(path.resolve(module)).href;
}

/** A worker thread running `main` with `parentPort` as its channel; unreferenced until `ref()`. */
export function start_worker(main: string): RawWorker {
  const { Worker } = node_worker_threads();
  const worker = new Worker(
    // Not require(): the worker inherits the parent's flags, and `--input-type=module` makes this an ES module.
    `const { parentPort } = process.getBuiltinModule('node:worker_threads');\n` +
      `(${main})({ post: (m) => parentPort.postMessage(m), listen: (f) => parentPort.on('message', f), ` +
      `import: (href) => import(href) });`,
    { eval: true },
  );
  worker.unref();
  let uncaught: Error | null = null;
  let terminated = false;
  const raw: RawWorker = {
    on_message: () => {},
    on_exit: () => {},
    post: (message) => worker.postMessage(message),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    async terminate() {
      terminated = true;
      await worker.terminate();
    },
  };
  worker.on('message', (message) => raw.on_message(message));
  worker.on('error', (error) => (uncaught = error));
  worker.on('messageerror', (error) => {
    uncaught = new Error(`a message from the worker could not be received: ${error.message}`);
    void worker.terminate();
  });
  worker.on('exit', (code) => {
    if (!terminated) raw.on_exit(uncaught ?? new Error(`it exited with code ${code}`));
  });
  return raw;
}
