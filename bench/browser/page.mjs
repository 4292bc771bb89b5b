// Browser workloads, run in the page against dist/trollius.browser.mjs: call_soon chain and task switch.
/* global window */
import * as trollius from '/dist/trollius.browser.mjs';

import { native_task_switch, trollius_task_switch } from '/shared/task_switch.mjs';
import { trampoline_task_switch } from '/shared/trampoline.mjs';

const now = () => performance.now();

async function trollius_call_soon(n) {
  const loop = trollius.new_event_loop();
  let count = 0;
  const step = () => {
    if (++count < n) loop.call_soon(step);
    else loop.stop();
  };
  const t0 = now();
  loop.call_soon(step);
  await loop.run_forever();
  loop.close();
  return { seconds: (now() - t0) / 1000, ops: n };
}

function chain(n, schedule) {
  return new Promise((resolve) => {
    let count = 0;
    const t0 = now();
    const step = () => {
      if (++count < n) schedule(step);
      else resolve({ seconds: (now() - t0) / 1000, ops: n });
    };
    schedule(step);
  });
}

function message_channel_scheduler() {
  const channel = new MessageChannel();
  const queue = [];
  channel.port1.onmessage = () => queue.shift()();
  return (fn) => {
    queue.push(fn);
    channel.port2.postMessage(0);
  };
}

const VARIANTS = {
  'call_soon chain: trollius call_soon': (p) => trollius_call_soon(p.chain_n),
  'call_soon chain: setTimeout(0)': (p) => chain(p.timeout_n, (fn) => setTimeout(fn, 0)),
  'call_soon chain: raw MessageChannel': (p) => chain(p.chain_n / 4, message_channel_scheduler()),
  'call_soon chain: native async/await': (p) =>
    (async () => {
      const t0 = now();
      for (let i = 0; i < p.chain_n; i++) await null;
      return { seconds: (now() - t0) / 1000, ops: p.chain_n };
    })(),
  'task switch: trollius yield From': (p) => trollius_task_switch(trollius, p.switch_n),
  'task switch: native async/await': (p) => native_task_switch(p.switch_n),
  'task switch: reference: minimal trampoline': async (p) => ({
    seconds: trampoline_task_switch(p.switch_n),
    ops: p.switch_n,
  }),
};

/** The variants' names, for the runner. */
window.bench_variants = Object.keys(VARIANTS);

/**
 * One sample of one variant, in a fresh page (as the Node runner uses a fresh
 * process): warm it up (at least two runs and `warmup_seconds`, so that the JIT
 * has optimised its hot path), then time it.
 */
window.run_variant = async (name, params, warmup_seconds) => {
  const run = VARIANTS[name];
  const warm_until = now() + 1000 * warmup_seconds;
  for (let i = 0; i < 2 || now() < warm_until; i++) await run(params);
  return median_of_runs(run, params);
};

/** Each sample is the median of 3 timed runs (as the Node runner's 5): one run can land on a GC. */
async function median_of_runs(run, params) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run(params));
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[1];
}
window.__bench_ready = true;
