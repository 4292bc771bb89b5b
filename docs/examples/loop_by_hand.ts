// Driving the loop by hand, as in asyncio 3.5 and Trollius, with typed results (TypeScript).
import { From, Return, coroutine, gather, get_event_loop, sleep, type Coroutine } from 'trollius';

const double = coroutine(function* (x: number) {
  yield null; // give the loop one iteration
  return x * 2;
});

// A coroutine that ends with `throw new Return(v)` names its result type (see below).
const fetch_twice = coroutine(function* (x: number): Coroutine<number> {
  yield From(sleep(0.1)); // wait for a Future
  const doubled: number = yield* From(double(x)); // typed result: yield* From(...)
  throw new Return(doubled * 2); // or simply: return doubled * 2
});

const loop = get_event_loop();
console.log(await loop.run_until_complete(gather(fetch_twice(1), fetch_twice(2)))); // [ 4, 8 ]
loop.close();
