// Task switch: two coroutines ping-pong through Futures (or Promises), N round trips.
import co from 'co';

import * as trollius from '../../dist/trollius.node.mjs';
import { native_task_switch, trollius_task_switch } from '../shared/task_switch.mjs';
import { trampoline_task_switch } from '../shared/trampoline.mjs';

export const params = { quick: { n: 50_000 }, full: { n: 200_000 } };
export const unit = 'round trips/s';

/** A ping-pong pair: each side makes its own wait object, then wakes the other side. */
function pair(n, make, wake, wait) {
  const slots = { a: null, b: null };
  const side = (mine, theirs) =>
    function* () {
      for (let i = 0; i < n; i++) {
        const w = make();
        slots[mine] = w;
        const other = slots[theirs];
        if (other) {
          slots[theirs] = null;
          wake(other);
        }
        yield wait(w);
      }
      if (slots[theirs]) wake(slots[theirs]);
    };
  return [side('a', 'b'), side('b', 'a')];
}

export const variants = {
  async 'trollius yield From'({ n }) {
    return trollius_task_switch(trollius, n);
  },

  async 'trollius async/await'({ n }) {
    const loop = trollius.new_event_loop();
    const slots = { a: null, b: null };
    const side = async (mine, theirs) => {
      for (let i = 0; i < n; i++) {
        const f = loop.create_future();
        slots[mine] = f;
        const other = slots[theirs];
        if (other) {
          slots[theirs] = null;
          other.set_result(null);
        }
        await f;
      }
      if (slots[theirs]) slots[theirs].set_result(null);
    };
    const t0 = performance.now();
    await loop.run_until_complete(Promise.all([side('a', 'b'), side('b', 'a')]));
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n };
  },

  // Two async functions hand an item back and forth through two Queues: n round trips.
  async 'trollius async/await Queue'({ n }) {
    const loop = trollius.new_event_loop();
    const to_a = new trollius.Queue({ loop });
    const to_b = new trollius.Queue({ loop });
    const a = async () => {
      for (let i = 0; i < n; i++) {
        to_b.put_nowait(i);
        await to_a.get();
      }
    };
    const b = async () => {
      for (let i = 0; i < n; i++) to_a.put_nowait(await to_b.get());
    };
    const t0 = performance.now();
    await loop.run_until_complete(Promise.all([a(), b()]));
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n };
  },

  // Two async functions take turns holding one Lock: a release wakes the other side,
  // whose acquire() is first in line, so each acquire() waits (asyncio's fairness).
  async 'trollius async/await Lock'({ n }) {
    const loop = trollius.new_event_loop();
    const lock = new trollius.Lock({ loop });
    const side = async () => {
      for (let i = 0; i < n; i++) {
        await lock.acquire();
        lock.release();
      }
    };
    const t0 = performance.now();
    await loop.run_until_complete(Promise.all([side(), side()]));
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n };
  },

  // Two async functions each await sleep(0) n times: as many awaits as n round trips.
  async 'trollius async/await sleep(0)'({ n }) {
    const loop = trollius.new_event_loop();
    const side = async () => {
      for (let i = 0; i < n; i++) await trollius.sleep(0, null, { loop });
    };
    const t0 = performance.now();
    await loop.run_until_complete(Promise.all([side(), side()]));
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n };
  },

  async 'native async/await'({ n }) {
    return native_task_switch(n);
  },

  async co({ n }) {
    const [a, b] = pair(
      n,
      () => {
        let wake;
        const p = new Promise((r) => (wake = r));
        p.wake = wake;
        return p;
      },
      (p) => p.wake(),
      (p) => p,
    );
    const t0 = performance.now();
    await Promise.all([co(a), co(b)]);
    return { seconds: (performance.now() - t0) / 1000, ops: n };
  },

  // The ceiling for generator coroutines (see bench/shared/trampoline.mjs).
  async 'reference: minimal trampoline'({ n }) {
    return { seconds: trampoline_task_switch(n), ops: n };
  },
};

export const python = ['asyncio'];
