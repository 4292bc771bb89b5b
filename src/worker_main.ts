// The program a WorkerPoolExecutor's workers run: sent to each worker as source text, so it is self-contained.

import type { WorkerChannel } from './platform.js';

/** A job as the pool posts it: the function's id, its source the first time this worker sees it, its arguments. */
export type JobMessage = [
  id: number,
  target: number | string,
  source: string | null,
  args: unknown[],
];

/**
 * How a job ended, as the worker reports it (`worker_main` writes the numbers
 * themselves: it cannot see this module).
 */
export const Outcome = {
  /** The function returned (or its Promise resolved) this value. */
  returned: 0,
  /** The function threw (or its Promise rejected) this error. */
  raised: 1,
  /** The value cannot be sent back (structured clone failed). */
  not_cloneable: 2,
  /** The function's source does not compile on its own. */
  not_compilable: 3,
  /** The worker module has no such export. */
  no_export: 4,
  /** The worker module failed to load. */
  import_failed: 5,
} as const;

/** The first item of every outcome message: what a job posts to the parent itself is not one. */
export const OUTCOME_TAG = 'trollius:outcome';

/** A job's outcome as the worker posts it; errors travel as records (their class does not survive cloning everywhere). */
export type OutcomeMessage = [tag: typeof OUTCOME_TAG, id: number, outcome: number, value: unknown];

/** An error as it crosses from the worker. */
export interface ErrorRecord {
  name: string;
  message: string;
  stack: string;
}

/**
 * Runs in the worker: compile each function once (by the id the pool gave
 * it), run one job at a time as they arrive, post each outcome. With
 * `module_href`, string targets name exports of that module.
 *
 * Everything it uses is defined inside it: `Function.prototype.toString`
 * sends it, not its module.
 */
export function worker_main(channel: WorkerChannel, module_href: string | null): void {
  // Marks the pool's messages apart from any a job posts to the parent itself (keep equal to OUTCOME_TAG below).
  const OUTCOME_TAG = 'trollius:outcome';
  const compiled = new Map<number, (...args: unknown[]) => unknown>();
  const loading = module_href === null ? null : channel.import(module_href);
  loading?.catch(() => {}); // reported with each job that needs it

  const record = (error: unknown): ErrorRecord =>
    error instanceof Error
      ? { name: error.name, message: error.message, stack: String(error.stack ?? '') }
      : { name: 'Error', message: String(error), stack: '' };

  const report = (id: number, outcome: number, value: unknown): void => {
    try {
      channel.post([OUTCOME_TAG, id, outcome, value]);
    } catch (error) {
      channel.post([OUTCOME_TAG, id, 2, record(error)]);
    }
  };

  // Method shorthand (`name(x) { ... }`) is not an expression on its own: retry it as an object member.
  const compile = (source: string): ((...args: unknown[]) => unknown) => {
    try {
      return new Function(`return (${source});`)() as (...args: unknown[]) => unknown;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      const holder = new Function(`return ({${source}});`)() as Record<string, unknown>;
      return Object.values(holder)[0] as (...args: unknown[]) => unknown;
    }
  };

  const finish = (id: number, result: unknown): void => {
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => report(id, 0, value),
        (error: unknown) => report(id, 1, record(error)),
      );
    } else {
      report(id, 0, result);
    }
  };

  const run_export = async (id: number, name: string, args: unknown[]): Promise<void> => {
    let exports: Record<string, unknown>;
    try {
      exports = await (loading as Promise<Record<string, unknown>>); // the pool sends names only with a module
    } catch (error) {
      report(id, 5, record(error));
      return;
    }
    const fn = exports[name];
    if (typeof fn !== 'function') {
      report(
        id,
        4,
        record(new TypeError(`${module_href} has no exported function ${JSON.stringify(name)}`)),
      );
      return;
    }
    try {
      finish(id, (fn as (...args: unknown[]) => unknown)(...args));
    } catch (error) {
      report(id, 1, record(error));
    }
  };

  channel.listen((message) => {
    const [id, target, source, args] = message as JobMessage;
    if (typeof target === 'string') {
      void run_export(id, target, args);
      return;
    }
    let fn = compiled.get(target);
    if (fn === undefined) {
      try {
        fn = compile(source as string);
      } catch (error) {
        report(id, 3, record(error));
        return;
      }
      compiled.set(target, fn);
    }
    try {
      finish(id, fn(...args));
    } catch (error) {
      report(id, 1, record(error));
    }
  });
}
