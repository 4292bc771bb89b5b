// Type-level tests, checked by `tsc` (npm run typecheck): the result type of a coroutine that ends with `throw new Return(v)`.
//
// TypeScript types a generator's result from its `return` statements only; it cannot
// see the value a `throw` carries. A body that ends in `throw new Return(v)` has no
// reachable end, so its result is `never`, as for a body that always fails (which
// is right there, so coroutine() keeps it). The documented annotation
// `function* (): Coroutine<T>` gives such a coroutine its result type (README,
// "Typing a coroutine that ends with throw new Return(...)").
/* eslint-disable @typescript-eslint/no-unused-vars -- values here exist only to have their types checked */
import {
  From,
  Return,
  coroutine,
  create_task,
  run,
  sleep,
  task_group,
  timeout,
  type Coroutine,
  type Future,
  type Task,
} from '../../src/index.js';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert_type<_T extends true>(): void {}

// Without the annotation: `never`, which every type accepts. This is the pitfall the
// annotation avoids (if TypeScript or coroutine() ever does better, this line says so).
const unannotated = coroutine(function* () {
  yield From(sleep(0.1));
  throw new Return(42);
});
assert_type<Equal<ReturnType<typeof unannotated>, Coroutine<never>>>();

// The documented form: annotate the generator function's return type as Coroutine<T>.
const answer = coroutine(function* (): Coroutine<number> {
  yield From(sleep(0.1));
  const word = yield* From(sleep(0.1, 'typed')); // yield* From(...) still infers
  assert_type<Equal<typeof word, string>>();
  throw new Return(42);
});
assert_type<Equal<ReturnType<typeof answer>, Coroutine<number>>>();
assert_type<Equal<Parameters<typeof answer>, []>>();

// With parameters, and with the two-value form `new Return(a, b)` (result `[a, b]`).
const pair = coroutine(function* (label: string): Coroutine<[number, string]> {
  yield From(null);
  throw new Return(label.length, label);
});
assert_type<Equal<ReturnType<typeof pair>, Coroutine<[number, string]>>>();

// The annotation is checked against every `return` of the body (a `throw` it cannot check).
coroutine(function* (): Coroutine<number> {
  yield From(null);
  if (Math.random() < 0.5) {
    // @ts-expect-error a string is not the annotated number
    return 'forty-two';
  }
  throw new Return(42);
});

// A caller sees the annotated type, through yield* From(), a Task and run().
export const caller = coroutine(function* () {
  const n = yield* From(answer());
  assert_type<Equal<typeof n, number>>();
  // @ts-expect-error the result is a number: no string methods
  n.toUpperCase();

  const [count, text] = yield* From(pair('abc'));
  assert_type<Equal<typeof count, number>>();
  assert_type<Equal<typeof text, string>>();

  const task = create_task(answer());
  assert_type<Equal<typeof task, Task<number>>>();

  // The pitfall: an unannotated one claims to be anything (here a string; it is 42).
  const not_really: string = yield* From(unannotated());
  return n;
});

// The same annotation types a generator function passed to run(), task_group() or
// timeout() directly (their parameters are still typed from the context).
const ran = run(function* (): Coroutine<number> {
  yield From(null);
  throw new Return(7);
});
assert_type<Equal<typeof ran, Promise<number>>>();

const grouped = task_group(function* (tg): Coroutine<number> {
  tg.create_task(answer());
  yield From(null);
  throw new Return(1);
});
assert_type<Equal<typeof grouped, Future<number>>>();

const timed = timeout(1, function* (cm): Coroutine<string> {
  cm.reschedule(null);
  yield From(null);
  throw new Return('in time');
});
assert_type<Equal<typeof timed, Future<string>>>();
