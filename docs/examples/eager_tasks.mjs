// Eager tasks (asyncio 3.12): a coroutine that need not wait finishes inside create_task().
import {
  From,
  coroutine,
  create_task,
  eager_task_factory,
  get_running_loop,
  run,
  sleep,
} from 'trollius';

const cache = new Map([['a', 1]]);

const lookup = coroutine(function* (key) {
  if (cache.has(key)) return cache.get(key); // a hit: no wait, so no trip through the loop
  yield From(sleep(0.01)); // a miss: fetch it
  cache.set(key, key.length);
  return cache.get(key);
});

await run(function* () {
  get_running_loop().set_task_factory(eager_task_factory);
  const hit = create_task(lookup('a'));
  const miss = create_task(lookup('bb'));
  console.log(hit.done(), miss.done()); // true false
  console.log(yield From(hit), yield From(miss)); // 1 2
});
