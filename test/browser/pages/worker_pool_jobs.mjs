// Work for WorkerPoolExecutor's browser tests: each function is sent to a Web Worker as source text, so it uses only its arguments and the worker's globals.
/* global self */

/** An id unique to the worker that runs this (kept on its global scope). */
export function worker_id() {
  self.__test_worker_id ??= crypto.randomUUID();
  return self.__test_worker_id;
}

/** Where this runs: the kind of global scope, whether there is a DOM, and which worker. */
export function where_am_i() {
  self.__test_worker_id ??= crypto.randomUUID();
  return {
    scope: self.constructor.name,
    has_document: typeof document !== 'undefined',
    worker: self.__test_worker_id,
  };
}

/** How many primes are below `n` (CPU-bound: no waiting). */
export function count_primes(n) {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * Meet `partner` on the BroadcastChannel `channel_name`, then count the primes
 * below `n`. Resolves only once both jobs were in progress at the same time: on
 * a single worker, one after the other, the first would wait for ever (or, with
 * `give_up_ms`, report that it never met its partner).
 *
 * A BroadcastChannel created in one worker may miss what another posts before
 * it is registered, so each job says hello again every 5 ms until it hears its
 * partner, then answers once more (the partner is registered: it was heard).
 */
export function meet_then_count_primes(channel_name, me, partner, n, give_up_ms = null) {
  self.__test_worker_id ??= crypto.randomUUID();
  const worker = self.__test_worker_id;
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(channel_name);
    // The count is written out again: a function sent to a worker cannot call another.
    const finish = (met) => {
      clearInterval(hello);
      clearTimeout(timer);
      channel.close();
      let primes = 0;
      for (let i = 2; i < n; i++) {
        let prime = true;
        for (let d = 2; d * d <= i; d++) {
          if (i % d === 0) {
            prime = false;
            break;
          }
        }
        if (prime) primes++;
      }
      resolve({ me, met, primes, worker });
    };
    const timer = give_up_ms === null ? undefined : setTimeout(() => finish(false), give_up_ms);
    const hello = setInterval(() => channel.postMessage(me), 5);
    channel.onmessage = (event) => {
      if (event.data !== partner) return;
      channel.postMessage(me);
      finish(true);
    };
    channel.postMessage(me);
  });
}

/** Keep the worker's thread busy for `ms` (no awaiting); return when that was, on the page's clock. */
export function busy_wait(ms) {
  const start = performance.timeOrigin + performance.now();
  let end = start;
  while (end - start < ms) end = performance.timeOrigin + performance.now();
  return { start, end };
}

/** Record `name` in this worker's log of jobs that ran, and return the log. */
export function mark_ran(name) {
  self.__test_ran ??= [];
  self.__test_ran.push(name);
  return self.__test_ran;
}

/**
 * Record `name` as ran, then hold the worker until the page opens the gate on
 * BroadcastChannel `channel_name`: the job says 'waiting' (every 5 ms, until
 * heard), the page answers 'open'.
 */
export function wait_at_gate(channel_name, name) {
  self.__test_ran ??= [];
  self.__test_ran.push(name);
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(channel_name);
    const waiting = setInterval(() => channel.postMessage('waiting'), 5);
    channel.onmessage = (event) => {
      if (event.data !== 'open') return;
      clearInterval(waiting);
      channel.close();
      resolve(name);
    };
    channel.postMessage('waiting');
  });
}

/**
 * Answer each `{ping}` on BroadcastChannel `channel_name` with `{pong, from}`
 * (once per worker, for as long as the worker lives); return the worker's id.
 */
export function answer_pings(channel_name) {
  self.__test_worker_id ??= crypto.randomUUID();
  const from = self.__test_worker_id;
  if (self.__test_pings === undefined) {
    self.__test_pings = new BroadcastChannel(channel_name);
    self.__test_pings.onmessage = (event) => {
      if (event.data.ping !== undefined) {
        self.__test_pings.postMessage({ pong: event.data.ping, from });
      }
    };
  }
  return from;
}

/** Throw a RangeError for a negative `x`. */
export function check_non_negative(x) {
  if (x < 0) throw new RangeError(`negative: ${x}`);
  return x;
}
