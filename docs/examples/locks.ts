// Locks and semaphores released by `using` at scope exit (TypeScript 5.2+, or Node 24+ in JavaScript).
import { From, Lock, Semaphore, coroutine, ensure_future, gather, run, sleep } from 'trollius';

const log: string[] = [];
const write = coroutine(function* (record: string) {
  yield From(sleep(0.01)); // the lock is held across this wait
  log.push(record);
});

const update = coroutine(function* (lock: Lock, record: string) {
  using held = yield* From(lock); // acquired here, waiters served FIFO
  yield From(write(record));
}); // released here, on return, exception or cancellation

async function update_async(lock: Lock, record: string) {
  await using held = await lock.hold();
  await ensure_future(write(record)); // a coroutine object is no Promise: a Task runs it
}

let running = 0;
let most = 0;
const fetch_one = coroutine(function* (slots: Semaphore, url: string) {
  using slot = yield* From(slots);
  most = Math.max(most, ++running);
  yield From(sleep(0.01));
  running--;
  return url.length;
});

const main = coroutine(function* () {
  // Made inside main: a lock, like every primitive, belongs to the loop current when it is made.
  const lock = new Lock();
  yield From(gather(update_async(lock, 'a'), update(lock, 'b'), update(lock, 'c')));

  const slots = new Semaphore(2); // at most 2 fetches at once
  const urls = ['x', 'yy', 'zzz', 'wwww'];
  const lengths = yield* From(gather(urls.map((url) => fetch_one(slots, url))));
  console.log(log.join(' '), lengths.join(' '), `at most ${most} at once`); // a b c 1 2 3 4 at most 2 at once
});

await run(main());
