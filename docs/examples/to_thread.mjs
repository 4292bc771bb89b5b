// CPU-bound work off the loop: to_thread() and a WorkerPoolExecutor with a worker module, while the loop keeps serving.
import { From, WorkerPoolExecutor, coroutine, gather, run, sleep, to_thread } from 'trollius';

// Sent to a worker as source text: it may use only its arguments and globals.
function count_primes(below) {
  let count = 0;
  for (let n = 2; n < below; n++) {
    let prime = true;
    for (let d = 2; d * d <= n && prime; d++) prime = n % d !== 0;
    if (prime) count++;
  }
  return count;
}

const main = coroutine(function* () {
  let ticks = 0;
  const work = gather(to_thread(count_primes, 200_000), to_thread(count_primes, 300_000));
  while (!work.done()) {
    yield From(sleep(0.01)); // the loop is free while the workers count
    ticks++;
  }
  console.log(work.result(), ticks > 0 ? 'while the loop ticked' : 'with the loop blocked');

  // A worker module: call its exports by name; they can import what they need.
  const pool = new WorkerPoolExecutor({
    max_workers: 2,
    module: new URL('./workers/digest.mjs', import.meta.url),
  });
  const digest = yield From(pool.submit('sha256_hex', 'hello'));
  console.log(digest.slice(0, 16));
  yield From(pool.shutdown());
});

await run(main());
