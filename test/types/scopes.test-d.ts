// Type-level tests, checked by `tsc` (npm run typecheck): run(), task_group() and timeout() carry the body's result type.
/* eslint-disable @typescript-eslint/no-unused-vars -- values here exist only to have their types checked */
import {
  From,
  Runner,
  Task,
  TaskGroup,
  Timeout,
  coroutine,
  run,
  sleep,
  task_group,
  timeout,
  timeout_at,
  type Future,
} from '../../src/index.js';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert_type<_T extends true>(): void {}

const fetch = coroutine(function* (n: number) {
  yield From(sleep(0.1));
  return `page ${n}`;
});

const main = coroutine(function* () {
  // A generator body: the return type of the generator.
  const [a, b] = yield* From(
    task_group(function* (tg) {
      assert_type<Equal<typeof tg, TaskGroup>>();
      const a = tg.create_task(fetch(1));
      const b = tg.create_task(fetch(2));
      return [a, b] as const;
    }),
  );
  assert_type<Equal<typeof a, Task<string>>>();
  assert_type<Equal<typeof b, Task<string>>>();

  // An async body: what its Promise resolves to.
  const count = yield* From(task_group(async (tg) => (tg.create_task(fetch(3)), 3)));
  assert_type<Equal<typeof count, number>>();

  const page = yield* From(
    timeout(5, function* (cm) {
      assert_type<Equal<typeof cm, Timeout>>();
      return yield* From(fetch(4));
    }),
  );
  assert_type<Equal<typeof page, string>>();
  const when = yield* From(timeout_at(null, async (cm) => cm.when()));
  assert_type<Equal<typeof when, number | null>>();
  // @ts-expect-error the delay is a number of seconds or null
  timeout('5', function* () {});
  return page.length;
});

async function entry(): Promise<void> {
  // run() resolves to main's result, for each form of main.
  const n = await run(main());
  assert_type<Equal<typeof n, number>>();
  const s = await run(async () => 'async');
  assert_type<Equal<typeof s, string>>();
  const g = await run(() => fetch(5));
  assert_type<Equal<typeof g, string>>();
  const p = await run(Promise.resolve(true));
  assert_type<Equal<typeof p, boolean>>();
  await using runner = new Runner();
  const r = await runner.run(fetch(6));
  assert_type<Equal<typeof r, string>>();
  const scope: Future<string> = task_group(function* () {
    return 'scoped';
  });
}
