// Type-level tests, checked by `tsc` (npm run typecheck): what `yield* From(x)` and `coroutine()` infer.
/* eslint-disable @typescript-eslint/no-unused-vars -- values here exist only to have their types checked */
import {
  Future,
  From,
  coroutine,
  gather,
  sleep,
  wait_for,
  type Coroutine,
} from '../../src/index.js';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert_type<_T extends true>(): void {}

const fetch_number = coroutine(function* (base: number) {
  yield From(sleep(0.1));
  return base * 2;
});

// coroutine() keeps the parameter types and makes a Coroutine of the return type.
assert_type<Equal<Parameters<typeof fetch_number>, [base: number]>>();
assert_type<Equal<ReturnType<typeof fetch_number>, Coroutine<number>>>();
// @ts-expect-error a string is not a number
fetch_number('1');

// An async function stays an async function.
const async_fn = coroutine(async (s: string) => s.length);
assert_type<Equal<ReturnType<typeof async_fn>, Promise<number>>>();

// A plain function becomes a coroutine of its awaited result.
const plain = coroutine((flag: boolean) => (flag ? 1 : 'one'));
assert_type<Equal<ReturnType<typeof plain>, Coroutine<1 | 'one'>>>();

export const main = coroutine(function* () {
  // yield* From(...) infers the result of every awaitable kind.
  const n = yield* From(fetch_number(1));
  assert_type<Equal<typeof n, number>>();

  const f = yield* From(new Future<string>());
  assert_type<Equal<typeof f, string>>();

  const direct = yield* new Future<boolean>();
  assert_type<Equal<typeof direct, boolean>>();

  const p = yield* From(Promise.resolve({ ok: true }));
  assert_type<Equal<typeof p, { ok: boolean }>>();

  const nothing = yield* From(null);
  assert_type<Equal<typeof nothing, undefined>>();

  const slept = yield* From(sleep(1, 'woke'));
  assert_type<Equal<typeof slept, string>>();

  const timed = yield* From(wait_for(fetch_number(2), 5));
  assert_type<Equal<typeof timed, number>>();

  // gather keeps each position's type.
  const both = yield* From(gather(fetch_number(3), Promise.resolve('s')));
  assert_type<Equal<typeof both, [number, string]>>();

  // @ts-expect-error the result of yield* From(...) is typed: no string methods on a number
  n.toUpperCase();

  return `${n} ${f}`;
});
assert_type<Equal<ReturnType<typeof main>, Coroutine<string>>>();
