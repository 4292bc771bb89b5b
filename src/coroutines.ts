// Generator coroutines: coroutine(), From, Return, iscoroutine, iscoroutinefunction (Trollius coroutines.py).

import { CORO_NAME } from './format_helpers.js';
import { Future, type YieldFrom } from './futures.js';

/**
 * A generator coroutine whose result is `T`: what a `coroutine(function* ...)`
 * call returns. `yield` expressions evaluate to `any`: use `yield* From(x)`
 * for a typed result.
 */
export type Coroutine<T = unknown> = Generator<unknown, T, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `throw new Return(value)` ends a coroutine with a result, like Trollius'
 * `raise Return(value)`; `new Return(a, b)` gives the array `[a, b]` and
 * `new Return()` gives `null`. A plain `return value` does the same.
 *
 * It is deliberately not an `Error`: it is a control-flow signal, and capturing
 * a stack trace for every coroutine return would cost microseconds.
 */
export class Return<T = unknown> {
  /** The coroutine's result. */
  readonly value: T;
  /** Set once a Task consumed it (Trollius' flag of the same name). */
  raised = false;

  constructor(...values: unknown[]) {
    this.value = (values.length === 0 ? null : values.length === 1 ? values[0] : values) as T;
  }

  /** `Return(value)`. */
  toString(): string {
    return `Return(${String(this.value)})`;
  }
}

/**
 * What `From(x)` returns for anything but a Future: it carries `x` to the Task
 * (`yield From(x)`) and makes `yield* From(x)` evaluate to `x`'s result.
 * @internal
 */
export class FromWrapper<T> implements Iterator<unknown, T, unknown>, YieldFrom<T> {
  private _started = false;
  constructor(readonly obj: unknown) {}

  [Symbol.iterator](): Iterator<unknown, T, unknown> {
    return this;
  }

  next(value?: unknown): IteratorResult<unknown, T> {
    if (this._started) return { done: true, value: value as T };
    this._started = true;
    return { done: false, value: this.obj };
  }

  throw(error?: unknown): IteratorResult<unknown, T> {
    throw error;
  }

  return(value?: T): IteratorResult<unknown, T> {
    return { done: true, value: value as T };
  }
}

/**
 * Something `yield From(x)` can wait for: a Future or Task, a coroutine object,
 * a Promise or other thenable, or `null` (yield to the loop for one iteration).
 */
export type Awaitable<T> = Future<T> | PromiseLike<T> | Generator<unknown, T, unknown>;

/**
 * Wait for `x` inside a coroutine: `const v = yield From(x)`, or the typed
 * form `const v = yield* From(x)`, where TypeScript infers `v`'s type.
 *
 * @example
 * const main = coroutine(function* () {
 *   const n: number = yield* From(compute());   // a nested coroutine, run inline
 *   yield From(sleep(0.1));                      // a Future
 *   const text = yield* From(fetch_text());      // a Promise
 *   return n;
 * });
 */
export function From<T>(x: Future<T>): Future<T>;
export function From<T>(x: Generator<unknown, T, unknown>): YieldFrom<T>;
export function From<T>(x: PromiseLike<T>): YieldFrom<T>;
export function From(x: null | undefined): YieldFrom<undefined>;
export function From<T>(x: { _acquire_guard(): Future<T> }): YieldFrom<T>;
export function From(x: unknown): YieldFrom<unknown>;
export function From(x: unknown): YieldFrom<unknown> {
  if (x instanceof Future) return x;
  if (x instanceof FromWrapper) return x;
  return new FromWrapper(x);
}

const GeneratorFunction = /* @__PURE__ */ Object.getPrototypeOf(function* () {}) as object;
const AsyncFunction = /* @__PURE__ */ Object.getPrototypeOf(async function () {}) as object;

/** Marks a function made by `coroutine()`. @internal */
const IS_COROUTINE = Symbol.for('trollius.is_coroutine');

/**
 * Mark a function as a coroutine function (Trollius' `@coroutine`).
 *
 * A generator function is returned as it is (marked), and so is an `async`
 * function. Any other function is wrapped in a generator function: its result
 * is awaited when it is a Future, a coroutine or a Promise, and becomes the
 * coroutine's result otherwise.
 *
 * The result type comes from the generator's `return` statements: TypeScript
 * cannot see the value of a `throw new Return(v)`, so a body that ends in one
 * (no reachable end) is typed `Coroutine<never>`, as one that always fails.
 * Annotate such a function, `function* (): Coroutine<number> { ...; throw new Return(42); }`,
 * for a typed result.
 *
 * @example
 * const add_later = coroutine(function* (a: number, b: number) {
 *   yield From(sleep(0.1));
 *   return a + b;
 * });
 * await loop.run_until_complete(add_later(1, 2)); // 3
 */
export function coroutine<A extends unknown[], R>(
  fn: (...args: A) => Generator<unknown, R, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
): (...args: A) => Coroutine<R>;
export function coroutine<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R>;
export function coroutine<A extends unknown[], R>(
  fn: (...args: A) => R,
): (...args: A) => Coroutine<Awaited<R>>;
export function coroutine(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  if (typeof fn !== 'function')
    throw new TypeError(`coroutine() needs a function, got ${String(fn)}`);
  const proto = Object.getPrototypeOf(fn) as object;
  if (proto === GeneratorFunction || proto === AsyncFunction) {
    mark(fn, fn.name);
    return fn;
  }
  const wrapped = function* (
    this: unknown,
    ...args: unknown[]
  ): Generator<unknown, unknown, unknown> {
    const result = fn.apply(this, args);
    if (result instanceof Future || iscoroutine(result) || is_thenable_value(result)) {
      return yield From(result);
    }
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  mark(wrapped, fn.name);
  return wrapped;
}

function mark(fn: (...args: never[]) => unknown, name: string): void {
  Object.defineProperty(fn, IS_COROUTINE, { value: true });
  const proto = (fn as { prototype?: object }).prototype;
  // Generator objects inherit from their function's prototype: recording the
  // name there costs nothing per call and lets reprs show `name()`.
  if (proto && !Object.prototype.hasOwnProperty.call(proto, CORO_NAME)) {
    Object.defineProperty(proto, CORO_NAME, { value: name || 'coroutine' });
  }
}

function is_thenable_value(obj: unknown): boolean {
  return (
    obj !== null &&
    typeof obj === 'object' &&
    typeof (obj as { then?: unknown }).then === 'function'
  );
}

/**
 * Whether `fn` is a coroutine function: made by `coroutine()`, or a generator
 * function, or an `async` function.
 */
export function iscoroutinefunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  if ((fn as { [IS_COROUTINE]?: boolean })[IS_COROUTINE] === true) return true;
  const proto = Object.getPrototypeOf(fn) as object;
  return proto === GeneratorFunction || proto === AsyncFunction;
}

/** Whether `obj` is a coroutine object: a generator (anything with `next` and `throw`). */
export function iscoroutine(obj: unknown): obj is Generator<unknown, unknown, unknown> {
  return (
    obj !== null &&
    typeof obj === 'object' &&
    typeof (obj as { next?: unknown }).next === 'function' &&
    typeof (obj as { throw?: unknown }).throw === 'function' &&
    !(obj instanceof FromWrapper)
  );
}
