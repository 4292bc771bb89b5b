// What `npm run example` runs: coroutines, timers, a timeout that really cancels, and async/await interop.
import {
  CancelledError,
  From,
  Return,
  TimeoutError,
  coroutine,
  gather,
  get_event_loop,
  sleep,
  wait_for,
} from '../dist/trollius.node.mjs';

const loop = get_event_loop();
const started = loop.time();
const log = (message) => console.log(`[${(loop.time() - started).toFixed(2)}s] ${message}`);

// A Trollius coroutine: yield From(...) waits, throw new Return(...) returns.
const brew = coroutine(function* (drink, seconds) {
  log(`brewing ${drink} (${seconds}s)`);
  yield From(sleep(seconds));
  log(`${drink} is ready`);
  throw new Return(drink);
});

// A coroutine that cleans up when it is cancelled.
const slow_download = coroutine(function* () {
  try {
    log('download started (it would take 10s)');
    yield From(sleep(10));
    return 'file';
  } catch (e) {
    if (e instanceof CancelledError) log('download cancelled: cleaning up the partial file');
    throw e;
  }
});

// Plain async functions work with the same loop: Futures are awaitable.
async function ask_later(question) {
  await sleep(0.2);
  return `${question}? 42.`;
}

const main = coroutine(function* () {
  // Run coroutines concurrently; results come back in argument order.
  const drinks = yield From(gather(brew('tea', 0.3), brew('coffee', 0.1), brew('cocoa', 0.2)));
  log(`served: ${drinks.join(', ')}`);

  // A timeout that really cancels the work it gave up on.
  try {
    yield From(wait_for(slow_download(), 0.25));
  } catch (e) {
    if (e instanceof TimeoutError) log('gave up waiting after 0.25s');
    else throw e;
  }

  // A timer callback on the loop.
  loop.call_later(0.1, () => log('call_later fired'));
  yield From(sleep(0.15));

  // Cancel a task directly.
  const task = loop.create_task(slow_download());
  yield From(sleep(0.05));
  task.cancel();
  try {
    yield From(task);
  } catch (e) {
    log(`task.cancelled() = ${task.cancelled()} (${e.name})`);
  }

  // await inside an async function, yield From(promise) in a coroutine.
  const answer = yield From(ask_later('The answer'));
  log(answer);
  return 'done';
});

const result = await loop.run_until_complete(main());
log(`main() returned ${JSON.stringify(result)}`);
loop.close();
