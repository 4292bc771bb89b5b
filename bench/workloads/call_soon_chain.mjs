// call_soon chain: N callbacks, each scheduling the next.
import { new_event_loop } from '../../dist/trollius.node.mjs';

export const params = { quick: { n: 250_000 }, full: { n: 1_000_000 } };
export const unit = 'callbacks/s';

export const variants = {
  async 'trollius call_soon'({ n }) {
    const loop = new_event_loop();
    let count = 0;
    const step = () => {
      if (++count < n) loop.call_soon(step);
      else loop.stop();
    };
    const t0 = performance.now();
    loop.call_soon(step);
    await loop.run_forever();
    const seconds = (performance.now() - t0) / 1000;
    loop.close();
    return { seconds, ops: n };
  },

  'node setImmediate'({ n }) {
    return new Promise((resolve) => {
      let count = 0;
      const t0 = performance.now();
      const step = () => {
        if (++count < n) setImmediate(step);
        else resolve({ seconds: (performance.now() - t0) / 1000, ops: n });
      };
      setImmediate(step);
    });
  },

  'node queueMicrotask'({ n }) {
    return new Promise((resolve) => {
      let count = 0;
      const t0 = performance.now();
      const step = () => {
        if (++count < n) queueMicrotask(step);
        else resolve({ seconds: (performance.now() - t0) / 1000, ops: n });
      };
      queueMicrotask(step);
    });
  },
};

export const python = ['asyncio'];
