// A first program: run(), tasks in a group, a timeout.
import { From, TimeoutError, coroutine, run, sleep, task_group, timeout } from 'trollius';

const fetch = coroutine(function* (n) {
  yield From(sleep(0.1 * n)); // wait for a Future
  return `page ${n}`; // or: throw new Return(`page ${n}`)
});

const main = coroutine(function* () {
  // Both fetches run at once; the scope ends when both are done. Had one failed,
  // the other would be cancelled and the scope would fail with an ExceptionGroup.
  const [a, b] = yield From(
    task_group(function* (tg) {
      return [tg.create_task(fetch(1)), tg.create_task(fetch(2))];
    }),
  );
  console.log(a.result(), b.result()); // page 1 page 2

  try {
    yield From(
      timeout(0.15, function* () {
        yield From(fetch(5)); // cancelled at 0.15 s, inside its sleep
      }),
    );
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('gave up after 0.15 s');
  }
  return 'done';
});

console.log(await run(main())); // done
