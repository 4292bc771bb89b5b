// WorkerPoolExecutor and to_thread() in Chromium: a page with the ESM bundle, the IIFE bundle, Web Workers that start their own workers, and pages under a Content-Security-Policy.
//
// Each test opens a page that runs one scenario (test/browser/pages/worker_pool*.html; the
// scenarios are in worker_pool.mjs, the work sent to workers in worker_pool_jobs.mjs) and
// reports plain data. Every page bounds itself to 20 s and run_page() waits at most 30 s.
//
// Concurrency is proven without timing and without SharedArrayBuffer (the test server sends no
// COOP/COEP headers, so pages are not crossOriginIsolated): two jobs meet on a BroadcastChannel,
// which only jobs in progress at the same time, on different workers, can do.
import { describe, expect, it } from 'vitest';

import { run_page, use_chromium_pages } from '../support/pages.js';

const pages = use_chromium_pages();

/** An error as a page reports it (worker_pool_harness.mjs: describe_error). */
interface ErrorInfo {
  /** The most specific class it is an instance of, checked with instanceof on the page. */
  class: string;
  name: string;
  message: string;
  stack: string;
  cause: ErrorInfo | null;
}

/** How a future settled, as a page reports it. */
type Settled<T = unknown> =
  { value: T; error?: undefined } | { error: ErrorInfo; value?: undefined };

/** Open `path`, expect no page error, failed request or console error (but `allow`), and return its results. */
async function open<R>(path: string, allow: RegExp[] = []): Promise<R> {
  const { outcome, problems } = await run_page<R>(pages.browser(), pages.url(path), { allow });
  expect(outcome.error).toBeNull();
  expect(problems).toEqual([]);
  return outcome.results;
}

/** Run a scenario of worker_pool.mjs in a page that loads dist/trollius.browser.mjs. */
function scenario<R>(name: string, allow: RegExp[] = []): Promise<R> {
  return open<R>(`/pages/worker_pool.html?scenario=${name}`, allow);
}

/** The error of a future that failed (and a test failure if it did not). */
function error_of(settled: Settled): ErrorInfo {
  expect(settled).toHaveProperty('error');
  return settled.error!;
}

interface Met {
  me: string;
  met: boolean;
  primes: number;
  worker: string;
}

interface WorkerSummary {
  started: number;
  terminated: number;
}

describe('WorkerPoolExecutor and to_thread() in a Chromium page (ESM bundle)', () => {
  it('to_thread() inside run() runs the work on a Web Worker and resolves a loop Future with its result', async () => {
    const r = await scenario<{
      is_loop_future: boolean;
      primes: number;
      where: { scope: string; has_document: boolean; worker: string };
      awaited_in_worker: number;
      method: number;
      named_function: number;
      page: { scope: string; has_document: boolean };
    }>('to_thread_in_run');
    expect(r.is_loop_future).toBe(true);
    expect(r.primes).toBe(1229);
    expect(r.page).toEqual({ scope: 'Window', has_document: true });
    expect(r.where).toMatchObject({ scope: 'DedicatedWorkerGlobalScope', has_document: false });
    // An async function is awaited in its worker; method shorthand and named functions compile there too.
    expect(r.awaited_in_worker).toBe(42);
    expect(r.method).toBe(8);
    expect(r.named_function).toBe(25);
  });

  it('runs two CPU-bound jobs at the same time on two workers with max_workers 2, and one after the other with max_workers 1', async () => {
    const r = await scenario<{ together: Met[]; one_at_a_time: Met[] }>('two_jobs_at_once');
    // Each job waits on a BroadcastChannel until it hears the other: both were in progress at once.
    expect(r.together.map(({ me, met, primes }) => ({ me, met, primes }))).toEqual([
      { me: 'a', met: true, primes: 17984 },
      { me: 'b', met: true, primes: 17984 },
    ]);
    expect(r.together[0]!.worker).not.toBe(r.together[1]!.worker);
    // With one worker, the first job gives up waiting before the second can start: they never meet.
    expect(r.one_at_a_time.map(({ me, met, primes }) => ({ me, met, primes }))).toEqual([
      { me: 'a', met: false, primes: 168 },
      { me: 'b', met: false, primes: 168 },
    ]);
    expect(r.one_at_a_time[0]!.worker).toBe(r.one_at_a_time[1]!.worker);
  });

  it('keeps the loop running while a job keeps its worker busy', async () => {
    const r = await scenario<{ on_a_worker: number; on_the_loop: number }>(
      'loop_runs_during_a_long_job',
    );
    // Ticks of a 5 ms ticker stamped while the job busy-waited 500 ms in its worker (about 100).
    expect(r.on_a_worker).toBeGreaterThanOrEqual(10);
    // The same busy wait through run_in_executor(null) runs on the loop: no tick gets in.
    expect(r.on_the_loop).toBe(0);
  });

  it('fails work a worker cannot run with a TypeError that says why, and the worker stays usable', async () => {
    const r = await scenario<Record<string, Settled>>('work_a_worker_cannot_run');

    const closure = error_of(r['closure']!);
    expect(closure.class).toBe('TypeError');
    expect(closure.message).toMatch(
      /^uses_secret\(\) cannot run in a worker: secret is not defined; .*no closures/,
    );
    expect(closure.cause).toMatchObject({
      class: 'ReferenceError',
      message: 'secret is not defined',
    });

    const builtin = error_of(r['builtin']!);
    expect(builtin.class).toBe('TypeError');
    expect(builtin.message).toMatch(/^max\(\) cannot be sent to a worker: it has no source text/);

    // Structured clone refuses a function and a DOM node as arguments, and a function as a result.
    const function_argument = error_of(r['function_argument']!);
    expect(function_argument.class).toBe('TypeError');
    expect(function_argument.message).toMatch(
      /^the arguments of identity\(\) cannot be sent to a worker: .*could not be cloned/,
    );
    expect(function_argument.cause).toMatchObject({
      class: 'DOMException',
      name: 'DataCloneError',
    });
    const dom_node = error_of(r['dom_node_argument']!);
    expect(dom_node.class).toBe('TypeError');
    expect(dom_node.message).toMatch(/HTMLBodyElement object could not be cloned/);
    const function_result = error_of(r['function_result']!);
    expect(function_result.class).toBe('TypeError');
    expect(function_result.message).toMatch(
      /^the result of make_fn\(\) cannot be sent back from the worker: .*could not be cloned/,
    );

    // import.meta outside a module: the source does not compile on its own in the worker.
    const not_compilable = error_of(r['not_compilable']!);
    expect(not_compilable.class).toBe('TypeError');
    expect(not_compilable.message).toMatch(
      /^module_only\(\) cannot be sent to a worker: its source does not compile on its own \(SyntaxError: /,
    );

    expect(r['still_works']).toEqual({ value: 9 });
  });

  it('brings back what the job throws with its class, message and the worker stack', async () => {
    const r = await scenario<Record<string, Settled>>('errors_come_back');
    const range_error = error_of(r['range_error']!);
    expect(range_error).toMatchObject({ class: 'RangeError', message: 'negative: -1' });
    expect(range_error.stack).toMatch(/at check_non_negative/);
    expect(error_of(r['rejected']!)).toMatchObject({ class: 'TypeError', message: 'later' });
  });

  it('fails the job of a worker that calls self.close() or throws in a timer with WorkerCrashedError, and runs the next job on a new worker', async () => {
    const r = await scenario<{
      closed: Settled;
      thrown: Settled;
      after_close: Settled<string>;
      after_throw: Settled<string>;
      workers: number;
    }>('worker_crashes');
    const closed = error_of(r.closed);
    expect(closed.class).toBe('WorkerCrashedError');
    expect(closed.message).toBe(
      'the worker running close_the_worker() stopped: it called close() (the pool starts another)',
    );
    const thrown = error_of(r.thrown);
    expect(thrown.class).toBe('WorkerCrashedError');
    expect(thrown.message).toMatch(
      /^the worker running throw_in_a_timer\(\) stopped: .*in a timer/,
    );
    expect(thrown.cause?.message).toMatch(/in a timer/);
    expect(r.after_close.value).toEqual(expect.any(String));
    expect(r.after_throw.value).toEqual(expect.any(String));
    // Three different workers: the first, and one started after each crash.
    expect(r.workers).toBe(3);
  });

  it('keeps cancelled queued work from ever running; running work cannot be cancelled and finishes', async () => {
    const r = await scenario<{
      cancel_running: boolean;
      cancel_queued: boolean;
      cancel_queued_on_loop: boolean;
      running: Settled;
      queued: Settled;
      queued_on_loop: Settled;
      ran_in_the_worker: string[];
    }>('cancel_queued_work');
    expect(r.cancel_running).toBe(false);
    expect(r.cancel_queued).toBe(true);
    expect(r.cancel_queued_on_loop).toBe(true);
    expect(r.running).toEqual({ value: 'running' });
    expect(error_of(r.queued).class).toBe('CancelledError');
    expect(error_of(r.queued_on_loop).class).toBe('CancelledError');
    // The pool's only worker logged every job it ran: neither cancelled job is there.
    expect(r.ran_in_the_worker).toEqual(['running', 'next']);
  });

  it('with cancel_running, stops a job that never ends on cancel() and on shutdown({cancel_futures})', async () => {
    const r = await scenario<{
      running: boolean;
      cancelled: boolean;
      outcome: Settled;
      next_on_a_new_worker: boolean;
      runaway: Settled;
      shutdown_resolved: boolean;
    }>('cancel_running_work');
    expect(r.running).toBe(true);
    expect(r.cancelled).toBe(true);
    expect(error_of(r.outcome).class).toBe('CancelledError');
    expect(r.next_on_a_new_worker).toBe(true);
    expect(error_of(r.runaway).class).toBe('CancelledError');
    expect(r.shutdown_resolved).toBe(true);
  });

  it('module: the workers import a module resolved against the page and run its exports by name; a missing export is a TypeError', async () => {
    const r = await scenario<{
      module_url: Settled<string>;
      counts: number[];
      add_later: Settled<number>;
      gather_on_a_loop: Settled<number[]>;
      missing_export: Settled;
      not_a_function: Settled;
      map: number[];
      without_module: Settled;
      module_fails_to_load: Settled;
    }>('worker_module', [/\/pages\/worker_pool_missing\.mjs$/]);
    expect(r.module_url.value).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/pages\/worker_pool_module\.mjs$/,
    );
    // State lives in the worker across calls; an async export is awaited; the module can use trollius.
    expect(r.counts).toEqual([1, 2]);
    expect(r.add_later).toEqual({ value: 5 });
    expect(r.gather_on_a_loop).toEqual({ value: [2, 4, 6] });
    expect(r.map).toEqual([3, 4]);

    const missing = error_of(r.missing_export);
    expect(missing.class).toBe('TypeError');
    expect(missing.message).toMatch(
      /\/pages\/worker_pool_module\.mjs has no exported function "nope"$/,
    );
    expect(error_of(r.not_a_function)).toMatchObject({
      class: 'TypeError',
      message: expect.stringMatching(/has no exported function "not_a_function"$/),
    });
    // Thrown at once by submit(): a name needs a pool with a module.
    expect(error_of(r.without_module)).toMatchObject({
      class: 'TypeError',
      message: expect.stringMatching(/this pool has none: pass \{module\}/),
    });
    // A module that cannot be loaded fails each job with RuntimeError.
    const load = error_of(r.module_fails_to_load);
    expect(load.class).toBe('RuntimeError');
    expect(load.message).toMatch(
      /^the worker could not load its module: .*\/pages\/worker_pool_missing\.mjs/,
    );
  });
});

describe('WorkerPoolExecutor.shutdown() in a Chromium page', () => {
  // Chromium cannot list a page's workers. What the page can observe: every Worker the pool
  // constructed had terminate() called (a spy subclass of Worker), and a BroadcastChannel ping
  // that a control worker answers twice gets no answer from any of the pool's workers.

  it('resolves once every worker the pool started is terminated; none answers any more, and submit() throws RuntimeError', async () => {
    const r = await scenario<{
      workers: string[];
      answering_before: string[];
      before: WorkerSummary;
      resolved: boolean;
      after: WorkerSummary;
      answering_after: string[];
      submit_after: Settled;
      text: string;
    }>('shutdown_stops_the_workers');
    expect(r.workers).toHaveLength(2);
    expect(r.answering_before).toEqual(r.workers);
    expect(r.before).toEqual({ started: 2, terminated: 0 });
    expect(r.resolved).toBe(true);
    expect(r.after).toEqual({ started: 2, terminated: 2 });
    expect(r.answering_after).toEqual([]);
    expect(error_of(r.submit_after)).toMatchObject({
      class: 'RuntimeError',
      message: 'cannot schedule new futures after shutdown',
    });
    expect(r.text).toBe('<WorkerPoolExecutor shutdown queued=0>');
  });

  it('lets the queued work run first, and resolves after every future settled', async () => {
    const r = await scenario<{
      resolved_while_running: boolean;
      settled_when_resolved: boolean[];
      results: unknown[];
      after: WorkerSummary;
    }>('shutdown_finishes_queued_work');
    expect(r.resolved_while_running).toBe(false);
    expect(r.settled_when_resolved).toEqual([true, true, true, true]);
    expect(r.results).toEqual([
      'running',
      ['running', 'queued 1'],
      ['running', 'queued 1', 'queued 2'],
      ['running', 'queued 1', 'queued 2', 'queued 3'],
    ]);
    expect(r.after).toEqual({ started: 1, terminated: 1 });
  });

  it('with cancel_futures, cancels the queued work at once and resolves once the running job finished', async () => {
    const r = await scenario<{
      queued_cancelled_at_once: boolean[];
      resolved_while_running: boolean;
      running: Settled;
      queued: Settled[];
      after: WorkerSummary;
    }>('shutdown_cancel_futures');
    expect(r.queued_cancelled_at_once).toEqual([true, true]);
    expect(r.resolved_while_running).toBe(false);
    expect(r.running).toEqual({ value: 'running' });
    expect(r.queued.map((settled) => error_of(settled).class)).toEqual([
      'CancelledError',
      'CancelledError',
    ]);
    expect(r.after).toEqual({ started: 1, terminated: 1 });
  });

  it('run() shuts down the pool to_thread() started: its workers are terminated and silent once run() resolves', async () => {
    const r = await scenario<{ workers: number; after: WorkerSummary; answering_after: string[] }>(
      'run_shuts_down_to_thread_pool',
    );
    expect(r.workers).toBeGreaterThanOrEqual(1);
    expect(r.after).toEqual({ started: r.workers, terminated: r.workers });
    expect(r.answering_after).toEqual([]);
  });
});

describe('the IIFE bundle (script tag, global trollius) in a Chromium page', () => {
  // The IIFE has no module file for workers to load: the pool starts module workers from blob: URLs.
  it.each(['iife', 'iife.min'])(
    'trollius.browser.%s.js: to_thread() runs on a worker, crashes and closures fail clearly, and a module pool runs exports',
    async (bundle) => {
      const r = await open<{
        global: string;
        where: { scope: string; has_document: boolean };
        primes: number;
        closure: { error: { name: string; message: string; is_type_error: boolean } };
        crash: { error: { name: string; is_worker_crashed: boolean } };
        after_crash: Settled<number>;
        module_url: string;
        counts: number[];
        shutdown_resolved: boolean;
      }>(`/pages/worker_pool_iife.html?bundle=${bundle}`);
      expect(r.global).toBe('object');
      expect(r.where).toMatchObject({ scope: 'DedicatedWorkerGlobalScope', has_document: false });
      expect(r.primes).toBe(1229);
      expect(r.closure.error.is_type_error).toBe(true);
      expect(r.closure.error.message).toMatch(/secret is not defined; .*no closures/);
      expect(r.crash.error).toMatchObject({ name: 'WorkerCrashedError', is_worker_crashed: true });
      expect(r.after_crash).toEqual({ value: 42 });
      expect(r.module_url).toMatch(/\/pages\/worker_pool_module\.mjs$/);
      expect(r.counts).toEqual([1, 2]);
      expect(r.shutdown_resolved).toBe(true);
    },
  );
});

describe('inside a Web Worker: the worker starts its own workers (nested)', () => {
  it('a module Worker with the ESM bundle runs to_thread(), two jobs at once, a module pool, and reports crashes and closures', async () => {
    const r = await open<{
      scope: string;
      outer: string;
      where: { scope: string; has_document: boolean; worker: string };
      together: Met[];
      closure: Settled;
      crash: Settled;
      after_crash: Settled<number>;
      module_url: string;
      counts: number[];
      shutdown_resolved: boolean;
    }>('/pages/worker_pool_nested.html?worker=module');
    expect(r.scope).toBe('DedicatedWorkerGlobalScope');
    expect(r.where).toMatchObject({ scope: 'DedicatedWorkerGlobalScope', has_document: false });
    expect(r.where.worker).not.toBe(r.outer);
    expect(r.together.map(({ met }) => met)).toEqual([true, true]);
    expect(r.together.map(({ primes }) => primes)).toEqual([9592, 9592]);
    expect(new Set([r.outer, ...r.together.map(({ worker }) => worker)]).size).toBe(3);
    expect(error_of(r.closure)).toMatchObject({
      class: 'TypeError',
      message: expect.stringMatching(/secret is not defined; .*no closures/),
    });
    expect(error_of(r.crash).class).toBe('WorkerCrashedError');
    expect(r.after_crash).toEqual({ value: 42 });
    // A relative module URL resolves against the worker's script URL.
    expect(r.module_url).toMatch(/\/pages\/worker_pool_module\.mjs$/);
    expect(r.counts).toEqual([1, 2]);
    expect(r.shutdown_resolved).toBe(true);
  });

  it('a classic Worker with the IIFE bundle (importScripts) runs to_thread() and a module pool', async () => {
    const r = await open<{
      scope: string;
      outer: string;
      where: { scope: string; worker: string };
      sum: number;
      closure: { error: { is_type_error: boolean; message: string } };
      counts: number[];
      shutdown_resolved: boolean;
    }>('/pages/worker_pool_nested.html?worker=classic');
    expect(r.scope).toBe('DedicatedWorkerGlobalScope');
    expect(r.where.scope).toBe('DedicatedWorkerGlobalScope');
    expect(r.where.worker).not.toBe(r.outer);
    expect(r.sum).toBe(5);
    expect(r.closure.error.is_type_error).toBe(true);
    expect(r.closure.error.message).toMatch(/secret is not defined/);
    expect(r.counts).toEqual([1, 2]);
    expect(r.shutdown_resolved).toBe(true);
  });
});

describe('WorkerPoolExecutor under a Content-Security-Policy in Chromium', () => {
  // Workers started from blob: URLs inherit the page's policy. Without 'unsafe-eval' a submitted
  // function cannot be compiled in the worker, but the exports of a worker module need no eval:
  // they are the way to use the pool under a strict policy.
  const no_eval = () =>
    open<{ eval_on_the_page: Settled; function_job: Settled; export_job: Settled }>(
      '/pages/worker_pool_csp_no_eval.html',
    );

  it("without 'unsafe-eval', the exports of a worker module run", async () => {
    const r = await no_eval();
    expect(error_of(r.eval_on_the_page).class).toBe('EvalError');
    expect(r.export_job).toEqual({ value: 1 });
  });

  it("without 'unsafe-eval', a function job fails with a TypeError that names the policy, caused by the EvalError", async () => {
    const r = await no_eval();
    const job = error_of(r.function_job);
    expect(job.class).toBe('TypeError');
    expect(job.message).toMatch(
      /^count_primes\(\) cannot be sent to a worker here: the page's Content-Security-Policy forbids/,
    );
    expect(job.cause).toMatchObject({
      class: 'EvalError',
      message: expect.stringMatching(/unsafe-eval/),
    });
  });

  it('without blob: workers, every job fails with WorkerCrashedError instead of hanging', async () => {
    const r = await open<{ eval_on_the_page: Settled; function_job: Settled; export_job: Settled }>(
      '/pages/worker_pool_csp_no_blob.html',
      // Chromium reports the blocked worker in the console.
      [/^Creating a worker from 'blob:.*violates the following Content Security Policy directive/],
    );
    expect(r.eval_on_the_page).toEqual({ value: 'allowed' });
    for (const job of [r.function_job, r.export_job]) {
      const error = error_of(job);
      expect(error.class).toBe('WorkerCrashedError');
      expect(error.message).toMatch(
        /stopped: it failed to load \(a Content-Security-Policy must allow worker-src blob:\)/,
      );
    }
  });
});
