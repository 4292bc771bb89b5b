// An ES module in Node (or a bundler): import what you need by name.
import { From, coroutine, run, sleep } from 'trollius';

const greet = coroutine(function* (name) {
  yield From(sleep(0.1)); // wait without blocking the loop
  return `hello, ${name}`;
});

console.log(await run(greet('world'))); // hello, world
