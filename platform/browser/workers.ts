// Browser backend: Web Workers for WorkerPoolExecutor (start_worker, cpu_count, module_url).
//
// Usage: these become `browser_platform.start_worker`, `.cpu_count` and `.module_url`.
// @see https://html.spec.whatwg.org/multipage/workers.html#dedicated-workers-and-the-worker-interface

import { NotImplementedError } from '../../src/exceptions.js';
import type { ModuleURL, RawWorker } from '../../src/platform.js';

/** What a worker posts when its code calls `close()`, which browsers do not report to the parent. */
const CLOSING = 'trollius:worker-closing';

/** One blob URL per worker program, made once (a module worker cannot be started from a string). */
const program_urls = new Map<string, string>();

/** Whether this page or worker can start Web Workers. */
export const has_workers = typeof Worker === 'function';

/** The CPUs the browser reports (`navigator.hardwareConcurrency`). */
export function cpu_count(): number {
  return globalThis.navigator?.hardwareConcurrency || 1;
}

/** A URL, resolved against the page's (or the worker's) base URL. */
export function module_url(module: string | ModuleURL): string {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  return new URL(typeof module === 'string' ? module : module.href, base).href;
}

function program_url(main: string): string {
  let url = program_urls.get(main);
  if (url === undefined) {
    const program =
      `const close = self.close.bind(self);\n` +
      `self.close = () => { self.postMessage(${JSON.stringify(CLOSING)}); close(); };\n` +
      `(${main})({ post: (m) => self.postMessage(m), ` +
      `listen: (f) => self.addEventListener('message', (e) => f(e.data)), import: (href) => import(href) });`;
    url = URL.createObjectURL(new Blob([program], { type: 'text/javascript' }));
    program_urls.set(main, url);
  }
  return url;
}

/** A module Web Worker running `main` with its global scope as the channel. */
export function start_worker(main: string): RawWorker {
  if (!has_workers) {
    throw new NotImplementedError('this browser context cannot start Web Workers (no Worker)');
  }
  const worker = new Worker(program_url(main), { type: 'module' });
  let stopped = false;
  const stop = (reason: Error): void => {
    if (stopped) return;
    stopped = true;
    worker.terminate();
    raw.on_exit(reason);
  };
  const raw: RawWorker = {
    on_message: () => {},
    on_exit: () => {},
    post: (message) => worker.postMessage(message),
    ref: () => {},
    unref: () => {},
    terminate() {
      stopped = true;
      worker.terminate();
      return Promise.resolve();
    },
  };
  worker.onmessage = (event) => {
    if (event.data === CLOSING) stop(new Error('it called close()'));
    else raw.on_message(event.data);
  };
  // An uncaught error (or a worker that failed to load): browsers keep such a worker, the pool does not.
  worker.onerror = (event) => {
    event.preventDefault();
    const reason =
      event.message || 'it failed to load (a Content-Security-Policy must allow worker-src blob:)';
    stop(new Error(reason));
  };
  worker.onmessageerror = () => stop(new Error('a message from the worker could not be received'));
  return raw;
}
