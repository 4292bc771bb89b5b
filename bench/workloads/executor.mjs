// Executor: two CPU-bound jobs on the loop vs through to_thread() (time, and a 10 ms ticker's lateness meanwhile);
// the per-call cost of a trivial to_thread() vs a raw worker.postMessage round trip.
import { Worker } from 'node:worker_threads';

import {
  From,
  coroutine,
  gather,
  new_event_loop,
  sleep,
  to_thread,
} from '../../dist/trollius.node.mjs';

export const params = {
  quick: { job_mib: 16, calls: 2_000 },
  full: { job_mib: 64, calls: 20_000 },
};
export const unit = 'jobs/s or calls/s';

// One loop for every run, as in a long-running program: its to_thread() pool
// (made on first use) keeps its workers, and their JIT, from run to run.
const loop = new_event_loop();
const run = (main) => loop.run_until_complete(main());

/** The CPU-bound job: FNV-1a over `mib` MiB made in place (self-contained: it runs in a worker as source). */
function hash_mib(mib) {
  const block = new Uint8Array(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31) & 255;
  let h = 0x811c9dc5;
  for (let m = 0; m < mib; m++) {
    for (let i = 0; i < block.length; i++) h = Math.imul(h ^ block[i] ^ m, 16777619);
  }
  return h >>> 0;
}

function identity(x) {
  return x;
}

/** Sleep 10 ms again and again until `done()`, recording how late each wake-up was. */
const ticker = coroutine(function* (done, late_ms) {
  while (!done()) {
    const due = performance.now() + 10;
    yield From(sleep(0.01));
    late_ms.push(performance.now() - due);
  }
});

function p99(values) {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) * 0.99)];
}

/** Two jobs with a ticker beside them; `jobs()` starts them and returns a Future of both. */
function with_ticker(jobs) {
  return run(
    coroutine(function* () {
      yield From(gather(to_thread(identity, 0), to_thread(identity, 1))); // both workers are up
      const late = [];
      let finished = false;
      const t0 = performance.now();
      const ticking = ticker(() => finished, late);
      const both = gather(
        ticking,
        coroutine(function* () {
          yield From(sleep(0.02)); // the ticker is running before the jobs start
          yield From(jobs());
          finished = true;
        })(),
      );
      yield From(both);
      return { seconds: (performance.now() - t0) / 1000 - 0.02, ops: 2, ticker_p99_ms: p99(late) };
    }),
  );
}

export const variants = {
  'two jobs on the loop, one after the other'({ job_mib }) {
    return with_ticker(
      coroutine(function* () {
        hash_mib(job_mib);
        yield From(sleep(0));
        hash_mib(job_mib);
      }),
    );
  },

  'two jobs through to_thread'({ job_mib }) {
    return with_ticker(() => gather(to_thread(hash_mib, job_mib), to_thread(hash_mib, job_mib)));
  },

  'trivial to_thread round trips'({ calls }) {
    return run(
      coroutine(function* () {
        yield From(to_thread(identity, 0)); // the pool's worker is up
        const t0 = performance.now();
        for (let i = 0; i < calls; i++) yield From(to_thread(identity, i));
        const seconds = (performance.now() - t0) / 1000;
        return { seconds, ops: calls, us_per_call: (seconds * 1e6) / calls };
      }),
    );
  },

  async 'raw worker.postMessage round trips'({ calls }) {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', ([id, x]) => parentPort.postMessage([id, 0, x]));`,
      { eval: true },
    );
    let resolve;
    worker.on('message', (message) => resolve(message));
    const round_trip = (i) =>
      new Promise((r) => {
        resolve = r;
        worker.postMessage([i, i]);
      });
    await round_trip(0);
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await round_trip(i);
    const seconds = (performance.now() - t0) / 1000;
    await worker.terminate();
    return { seconds, ops: calls, us_per_call: (seconds * 1e6) / calls };
  },
};
