// WorkerPoolExecutor and to_thread() in a Chromium page with the ESM bundle: one scenario per page load, chosen by ?scenario=, reported in window.__result.
/* global self, document */
import * as T from '/dist/trollius.browser.mjs';

import {
  answers_besides_control,
  attempt,
  gate,
  settle,
  spy_on_workers,
} from './worker_pool_harness.mjs';
import {
  answer_pings,
  busy_wait,
  check_non_negative,
  count_primes,
  mark_ran,
  meet_then_count_primes,
  wait_at_gate,
  where_am_i,
  worker_id,
} from './worker_pool_jobs.mjs';

/** Method shorthand is not an expression on its own: the worker still compiles it. */
const shapes = {
  double(x) {
    return x * 2;
  },
};

/** `import.meta` only exists in a module: this source cannot be compiled on its own in a worker. */
function module_only() {
  return import.meta.url;
}

function square(x) {
  return x * x;
}

function identity(x) {
  return x;
}

/** Its result is a function, which structured clone refuses. */
function make_fn() {
  return () => 1;
}

async function reject_later() {
  throw new TypeError('later');
}

/** Ends its worker mid-job. */
function close_the_worker() {
  self.close();
  return 'unreachable';
}

/** Never settles; an uncaught error in a timer ends its worker. */
function throw_in_a_timer() {
  return new Promise(() => {
    setTimeout(() => {
      throw new Error('in a timer');
    }, 0);
  });
}

/** Never returns: only terminating its worker stops it. */
function spin_forever() {
  for (;;) {
    // busy for ever
  }
}

export const SCENARIOS = {
  /** to_thread() inside run(): the work runs on Web Workers and its result comes back to the loop. */
  async to_thread_in_run() {
    return T.run(async () => {
      const future = T.to_thread(count_primes, 10_000);
      const is_loop_future = future instanceof T.Future;
      return {
        is_loop_future,
        primes: await future,
        where: await T.to_thread(where_am_i),
        awaited_in_worker: await T.to_thread(async (x) => (await Promise.resolve(x)) * 2, 21),
        method: await T.to_thread(shapes.double, 4),
        named_function: await T.to_thread(square, 5),
        page: { scope: self.constructor.name, has_document: typeof document !== 'undefined' },
      };
    });
  },

  /**
   * Two CPU-bound jobs on a pool of two meet on a BroadcastChannel before they
   * compute, which only jobs in progress at the same time can do; with one
   * worker the same jobs (told to give up) never meet.
   */
  async two_jobs_at_once() {
    return T.run(async () => {
      const loop = T.get_running_loop();
      const two = new T.WorkerPoolExecutor({ max_workers: 2 });
      const one = new T.WorkerPoolExecutor({ max_workers: 1 });
      try {
        const together = await T.gather(
          loop.run_in_executor(two, meet_then_count_primes, 'meet-two', 'a', 'b', 200_000),
          loop.run_in_executor(two, meet_then_count_primes, 'meet-two', 'b', 'a', 200_000),
        );
        const one_at_a_time = await T.gather(
          loop.run_in_executor(one, meet_then_count_primes, 'meet-one', 'a', 'b', 1000, 200),
          loop.run_in_executor(one, meet_then_count_primes, 'meet-one', 'b', 'a', 1000, 200),
        );
        return { together, one_at_a_time };
      } finally {
        await Promise.all([two.shutdown(), one.shutdown()]);
      }
    });
  },

  /**
   * A ticker on the loop keeps ticking while a job keeps its worker busy for
   * 500 ms: the ticks counted are those stamped between the job's start and end.
   * run_in_executor(null) runs the same job on the loop: no tick gets in.
   */
  async loop_runs_during_a_long_job() {
    return T.run(async () => {
      const loop = T.get_running_loop();
      const ticks = [];
      let ticking = true;
      const tick = () => {
        ticks.push(performance.timeOrigin + performance.now());
        if (ticking) loop.call_later(0.005, tick);
      };
      const ticks_during = async (job) => {
        ticking = true;
        loop.call_soon(tick);
        const { start, end } = await job();
        ticking = false;
        return ticks.filter((t) => t > start && t < end).length;
      };
      const on_a_worker = await ticks_during(() => T.to_thread(busy_wait, 500));
      const on_the_loop = await ticks_during(() => loop.run_in_executor(null, busy_wait, 200));
      return { on_a_worker, on_the_loop };
    });
  },

  /** Work a worker cannot run fails with a TypeError that says why; the worker stays usable. */
  async work_a_worker_cannot_run() {
    return T.run(async () => {
      const secret = 7;
      const uses_secret = () => secret + 1;
      const a_function = () => 1;
      return {
        closure: await settle(T, T.to_thread(uses_secret)),
        builtin: await settle(T, T.to_thread(Math.max, 1, 2)),
        function_argument: await settle(T, T.to_thread(identity, a_function)),
        dom_node_argument: await settle(T, T.to_thread(identity, document.body)),
        function_result: await settle(T, T.to_thread(make_fn)),
        not_compilable: await settle(T, T.to_thread(module_only)),
        still_works: await settle(T, T.to_thread(square, 3)),
      };
    });
  },

  /** What the job throws comes back with its class, message and the worker's stack. */
  async errors_come_back() {
    return T.run(async () => ({
      range_error: await settle(T, T.to_thread(check_non_negative, -1)),
      rejected: await settle(T, T.to_thread(reject_later)),
    }));
  },

  /**
   * A worker that closes itself, or throws in a timer, dies mid-job: the job
   * fails with WorkerCrashedError and the next job runs on a new worker.
   */
  async worker_crashes() {
    const pool = new T.WorkerPoolExecutor({ max_workers: 1 });
    try {
      const first = await pool.submit(worker_id);
      const closed = await settle(T, pool.submit(close_the_worker));
      const after_close = await settle(T, pool.submit(worker_id));
      const thrown = await settle(T, pool.submit(throw_in_a_timer));
      const after_throw = await settle(T, pool.submit(worker_id));
      return {
        closed,
        thrown,
        after_close,
        after_throw,
        workers: new Set([first, after_close.value, after_throw.value]).size,
      };
    } finally {
      await pool.shutdown();
    }
  },

  /**
   * With one worker busy at a gate, cancelling queued work (a ConcurrentFuture,
   * or the loop Future of run_in_executor) keeps it from ever running; the
   * running job cannot be cancelled and finishes.
   */
  async cancel_queued_work() {
    const pool = new T.WorkerPoolExecutor({ max_workers: 1 });
    try {
      return await T.run(async () => {
        const loop = T.get_running_loop();
        const the_gate = gate('gate-cancel');
        const running = pool.submit(wait_at_gate, 'gate-cancel', 'running');
        const queued = pool.submit(mark_ran, 'queued');
        const queued_on_loop = loop.run_in_executor(pool, mark_ran, 'queued on the loop');
        const cancel_running = running.cancel();
        const cancel_queued = queued.cancel();
        const cancel_queued_on_loop = queued_on_loop.cancel();
        await the_gate.waiting;
        await T.sleep(0); // the loop Future's cancellation reaches the pool
        the_gate.open();
        return {
          cancel_running,
          cancel_queued,
          cancel_queued_on_loop,
          running: await settle(T, running),
          queued: await settle(T, queued),
          queued_on_loop: await settle(T, queued_on_loop),
          ran_in_the_worker: await pool.submit(mark_ran, 'next'),
        };
      });
    } finally {
      await pool.shutdown();
    }
  },

  /**
   * With cancel_running, cancel() stops a job that would never end (its worker
   * is terminated) and a new worker takes the next job; so does
   * shutdown(true, {cancel_futures: true}).
   */
  async cancel_running_work() {
    const pool = new T.WorkerPoolExecutor({ max_workers: 1, cancel_running: true });
    const first = await pool.submit(worker_id);
    const forever = pool.submit(spin_forever);
    const running = forever.running();
    const cancelled = forever.cancel();
    const outcome = await settle(T, forever);
    const next = await pool.submit(worker_id);
    const runaway = pool.submit(spin_forever);
    let shutdown_resolved = false;
    await pool.shutdown(true, { cancel_futures: true }).then(() => (shutdown_resolved = true));
    return {
      running,
      cancelled,
      outcome,
      next_on_a_new_worker: next !== first,
      runaway: await settle(T, runaway),
      shutdown_resolved,
    };
  },

  /** `module`: the workers import a module (resolved against the page) and run its exports by name. */
  async worker_module() {
    const pool = new T.WorkerPoolExecutor({ max_workers: 1, module: 'worker_pool_module.mjs' });
    const no_module = new T.WorkerPoolExecutor({ max_workers: 1 });
    const missing_module = new T.WorkerPoolExecutor({
      max_workers: 1,
      module: 'worker_pool_missing.mjs',
    });
    try {
      return {
        module_url: await settle(T, pool.submit('module_url')),
        counts: [await pool.submit('count_calls'), await pool.submit('count_calls')],
        add_later: await settle(T, pool.submit('add_later', 2, 3)),
        gather_on_a_loop: await settle(T, pool.submit('gather_on_a_loop', [1, 2, 3])),
        missing_export: await settle(T, pool.submit('nope')),
        not_a_function: await settle(T, pool.submit('not_a_function')),
        map: await (async () => {
          const out = [];
          for await (const n of pool.map('count_calls', [0, 0])) out.push(n);
          return out;
        })(),
        without_module: attempt(T, () => no_module.submit('count_calls')),
        module_fails_to_load: await settle(T, missing_module.submit('count_calls')),
      };
    } finally {
      await Promise.all([pool.shutdown(), no_module.shutdown(), missing_module.shutdown()]);
    }
  },

  /**
   * shutdown() resolves once the pool's workers are terminated: every Worker
   * the pool started got terminate(), and none answers a ping any more
   * (before shutdown, each did).
   */
  async shutdown_stops_the_workers() {
    const spy = spy_on_workers();
    try {
      const pool = new T.WorkerPoolExecutor({ max_workers: 2 });
      const ids = await Promise.all([0, 1, 2, 3].map(() => pool.submit(answer_pings, 'pings-1')));
      const answering_before = await answers_besides_control(
        spy.RealWorker,
        answer_pings,
        'pings-1',
        ids,
      );
      const before = spy.summary();
      let resolved = false;
      await pool.shutdown().then(() => (resolved = true));
      return {
        workers: [...new Set(ids)].sort(),
        answering_before,
        before,
        resolved,
        after: spy.summary(),
        answering_after: await answers_besides_control(spy.RealWorker, answer_pings, 'pings-1'),
        submit_after: attempt(T, () => pool.submit(worker_id)),
        text: String(pool),
      };
    } finally {
      spy.restore();
    }
  },

  /** shutdown() lets queued work run first: it resolves after every future settled. */
  async shutdown_finishes_queued_work() {
    const spy = spy_on_workers();
    try {
      const pool = new T.WorkerPoolExecutor({ max_workers: 1 });
      const the_gate = gate('gate-shutdown');
      const futures = [pool.submit(wait_at_gate, 'gate-shutdown', 'running')];
      for (const name of ['queued 1', 'queued 2', 'queued 3']) {
        futures.push(pool.submit(mark_ran, name));
      }
      let settled_when_resolved = null;
      const stopping = pool
        .shutdown()
        .then(() => (settled_when_resolved = futures.map((f) => f.done())));
      await the_gate.waiting;
      const resolved_while_running = settled_when_resolved !== null;
      the_gate.open();
      await stopping;
      return {
        resolved_while_running,
        settled_when_resolved,
        results: futures.map((f) => f.result()),
        after: spy.summary(),
      };
    } finally {
      spy.restore();
    }
  },

  /** shutdown(true, {cancel_futures: true}) cancels the queued work at once; the running job finishes, then the Promise resolves. */
  async shutdown_cancel_futures() {
    const spy = spy_on_workers();
    try {
      const pool = new T.WorkerPoolExecutor({ max_workers: 1 });
      const the_gate = gate('gate-cancel-futures');
      const running = pool.submit(wait_at_gate, 'gate-cancel-futures', 'running');
      const queued = [pool.submit(mark_ran, 'queued 1'), pool.submit(mark_ran, 'queued 2')];
      let resolved = false;
      const stopping = pool.shutdown(true, { cancel_futures: true }).then(() => (resolved = true));
      const queued_cancelled_at_once = queued.map((f) => f.cancelled());
      await the_gate.waiting;
      const resolved_while_running = resolved;
      the_gate.open();
      await stopping;
      return {
        queued_cancelled_at_once,
        resolved_while_running,
        running: await settle(T, running),
        queued: await Promise.all(queued.map((f) => settle(T, f))),
        after: spy.summary(),
      };
    } finally {
      spy.restore();
    }
  },

  /** run() shuts down the loop's own pool that to_thread() started: its workers are terminated and silent once run() resolves. */
  async run_shuts_down_to_thread_pool() {
    const spy = spy_on_workers();
    try {
      const ids = await T.run(async () =>
        T.gather(T.to_thread(answer_pings, 'pings-run'), T.to_thread(answer_pings, 'pings-run')),
      );
      return {
        workers: new Set(ids).size,
        after: spy.summary(),
        answering_after: await answers_besides_control(spy.RealWorker, answer_pings, 'pings-run'),
      };
    } finally {
      spy.restore();
    }
  },
};

/**
 * Under a Content-Security-Policy (worker_pool_csp_*.html): without
 * 'unsafe-eval' a function cannot be compiled in a worker while an export of
 * a worker module runs; without blob: workers no job can start.
 */
SCENARIOS.under_a_content_security_policy = async () => {
  const pool = new T.WorkerPoolExecutor({ max_workers: 1, module: 'worker_pool_module.mjs' });
  try {
    return {
      eval_on_the_page: attempt(T, () => new Function('return "allowed"')()),
      function_job: await settle(T, pool.submit(count_primes, 100)),
      export_job: await settle(T, pool.submit('count_calls')),
    };
  } finally {
    await pool.shutdown();
  }
};

/** Run the scenario named by ?scenario= and return its results. */
export async function run_scenario(name) {
  const scenario = SCENARIOS[name];
  if (scenario === undefined) throw new Error(`no scenario ${JSON.stringify(name)}`);
  return scenario();
}
