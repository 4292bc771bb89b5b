// Helpers for the WorkerPoolExecutor pages: bound a scenario, settle a future into plain data, describe errors, and check that stopped workers stay silent.

/** Reject with a clear message if `promise` has not settled within `seconds`: no scenario can hang. */
export function bounded(promise, seconds, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${seconds} s`)),
      seconds * 1000,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** An error as plain data: the most specific class it is an instance of, its name, message and cause. */
export function describe_error(T, error) {
  const classes = [
    ['WorkerCrashedError', T.WorkerCrashedError],
    ['CancelledError', T.CancelledError],
    ['RuntimeError', T.RuntimeError],
    ['EvalError', EvalError],
    ['RangeError', RangeError],
    ['ReferenceError', ReferenceError],
    ['TypeError', TypeError],
    ['DOMException', DOMException],
    ['Error', Error],
  ];
  const found = classes.find(([, cls]) => error instanceof cls);
  return {
    class: found ? found[0] : typeof error,
    name: error?.name,
    message: String(error?.message ?? error),
    stack: String(error?.stack ?? ''),
    cause: error?.cause === undefined ? null : describe_error(T, error.cause),
  };
}

/** `{value}` if the future or promise resolves, `{error}` (described) if it rejects. */
export async function settle(T, thenable) {
  try {
    return { value: await thenable };
  } catch (error) {
    return { error: describe_error(T, error) };
  }
}

/** `{value}` if `fn()` returns, `{error}` (described) if it throws. */
export function attempt(T, fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: describe_error(T, error) };
  }
}

/**
 * Replace `Worker` with a subclass that records every Worker started from now
 * on and whether it was terminated; `restore()` puts the real one back.
 */
export function spy_on_workers() {
  const RealWorker = globalThis.Worker;
  const started = [];
  globalThis.Worker = class SpiedWorker extends RealWorker {
    constructor(...args) {
      super(...args);
      this.terminated = false;
      started.push(this);
    }
    terminate() {
      this.terminated = true;
      super.terminate();
    }
  };
  return {
    RealWorker,
    started,
    summary: () => ({
      started: started.length,
      terminated: started.filter((w) => w.terminated).length,
    }),
    restore: () => {
      globalThis.Worker = RealWorker;
    },
  };
}

/**
 * Ping every worker listening with `answer_pings` on BroadcastChannel
 * `channel_name`, and return the ids of those that answered, apart from a
 * control worker started for the purpose. Pings go out every 5 ms (a channel
 * just created elsewhere may miss the first ones) until the control has
 * answered two of them and every id in `expected` has answered: every live
 * listener had as long as the control to answer.
 */
export async function answers_besides_control(
  RealWorker,
  answer_pings,
  channel_name,
  expected = [],
) {
  const program = `postMessage((${answer_pings})(${JSON.stringify(channel_name)}));`;
  const url = URL.createObjectURL(new Blob([program], { type: 'text/javascript' }));
  const control = new RealWorker(url);
  const channel = new BroadcastChannel(channel_name);
  let pinging;
  try {
    const control_id = await new Promise((resolve) => {
      control.onmessage = (event) => resolve(event.data);
    });
    const others = new Set();
    const control_answered = new Set();
    await new Promise((resolve) => {
      channel.onmessage = (event) => {
        if (event.data.pong === undefined) return;
        if (event.data.from === control_id) control_answered.add(event.data.pong);
        else others.add(event.data.from);
        if (control_answered.size >= 2 && expected.every((id) => others.has(id))) resolve();
      };
      let ping = 0;
      pinging = setInterval(() => channel.postMessage({ ping: ++ping }), 5);
    });
    return [...others].sort();
  } finally {
    clearInterval(pinging);
    channel.close();
    control.terminate();
    URL.revokeObjectURL(url);
  }
}

/** Open a gate that `wait_at_gate(channel_name, …)` jobs wait at, once one says it is waiting. */
export function gate(channel_name) {
  const channel = new BroadcastChannel(channel_name);
  const waiting = new Promise((resolve) => {
    channel.onmessage = (event) => {
      if (event.data === 'waiting') resolve();
    };
  });
  return {
    /** Resolves once a job waits at the gate. */
    waiting,
    open() {
      channel.postMessage('open');
      channel.close();
    },
  };
}
