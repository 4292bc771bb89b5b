// Timers: N callbacks scheduled with random delays of 0-50 ms; total time and lateness.
import { new_event_loop } from '../../dist/trollius.node.mjs';

export const params = { quick: { n: 25_000, max_ms: 50 }, full: { n: 100_000, max_ms: 50 } };
export const unit = 'timers/s';

/** The same pseudo-random schedule in every variant (and in Python). */
export function schedule(n, max_ms) {
  let x = 12345;
  const delays = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    delays[i] = (x / 2147483648) * max_ms;
  }
  return delays;
}

function lateness_stats(late_ms) {
  const sorted = Float64Array.from(late_ms).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { lateness_mean_ms: mean, lateness_p99_ms: sorted[Math.floor(sorted.length * 0.99)] };
}

export const variants = {
  async 'trollius call_later'({ n, max_ms }) {
    const loop = new_event_loop();
    const delays = schedule(n, max_ms);
    const late = new Float64Array(n);
    let remaining = n;
    const t0 = performance.now();
    const start = loop.time();
    for (let i = 0; i < n; i++) {
      const due = start + delays[i] / 1000;
      loop.call_at(due, () => {
        late[i] = (loop.time() - due) * 1000;
        if (--remaining === 0) loop.stop();
      });
    }
    await loop.run_forever();
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n, ...lateness_stats(late) };
  },

  'node setTimeout'({ n, max_ms }) {
    return new Promise((resolve) => {
      const delays = schedule(n, max_ms);
      const late = new Float64Array(n);
      let remaining = n;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const due = t0 + delays[i];
        setTimeout(() => {
          late[i] = performance.now() - due;
          if (--remaining === 0) {
            resolve({ seconds: (performance.now() - t0) / 1000, ops: n, ...lateness_stats(late) });
          }
        }, delays[i]);
      }
    });
  },
};

export const python = ['asyncio'];
