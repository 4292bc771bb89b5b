// Spawn + gather: N tasks each sleep 0 and return a number, gathered; tasks/s and peak RSS growth.
import { coroutine, From, gather, new_event_loop, sleep } from '../../dist/trollius.node.mjs';
import { sample_rss } from '../lib/memory.mjs';

export const params = { quick: { n: 25_000 }, full: { n: 100_000 } };
export const unit = 'tasks/s';

export const variants = {
  async 'trollius yield From'({ n }) {
    const loop = new_event_loop();
    const job = coroutine(function* (i) {
      yield From(sleep(0, null, { loop }));
      return i;
    });
    const t0 = performance.now();
    const jobs = new Array(n);
    for (let i = 0; i < n; i++) jobs[i] = job(i);
    const all = gather(jobs, { loop });
    sample_rss(); // every task spawned, none finished: the peak
    const results = await loop.run_until_complete(all);
    const seconds = (performance.now() - t0) / 1000;
    if (results.length !== n) throw new Error('lost results');
    loop.close();
    return { seconds, ops: n };
  },

  async 'native async/await'({ n }) {
    // sleep(0) = give the host loop one turn, as asyncio's sleep(0) gives the loop one iteration
    const sleep0 = () => new Promise((resolve) => setImmediate(resolve));
    const job = async (i) => {
      await sleep0();
      return i;
    };
    const t0 = performance.now();
    const jobs = new Array(n);
    for (let i = 0; i < n; i++) jobs[i] = job(i);
    sample_rss(); // every job started, none finished: the peak
    const results = await Promise.all(jobs);
    if (results.length !== n) throw new Error('lost results');
    return { seconds: (performance.now() - t0) / 1000, ops: n };
  },
};

export const python = ['asyncio'];
