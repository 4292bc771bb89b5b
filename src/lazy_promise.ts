// LazyPromise: what Future.then() returns, a Promise made only if someone uses it.

import { is_thenable } from './thenable.js';

/**
 * A base class whose prototype is `Promise.prototype`: what extends it is
 * `instanceof Promise` (and its toStringTag is 'Promise') without being made
 * by the Promise constructor.
 */
const PromiseShape = /* @__PURE__ */ (() => {
  function PromiseShape(): void {}
  PromiseShape.prototype = Promise.prototype;
  return PromiseShape as unknown as new () => object;
})();

/**
 * The result of `Future.then()`: it makes its native Promise only when
 * someone uses it (`then`, `catch`, `finally`, or awaiting it). `await fut`
 * calls `fut.then()` and drops what it returns, so an await makes no Promise
 * of its own (effection's lazy-promise). It is `instanceof Promise`, but not
 * a native one: `Promise.resolve(p)` wraps it rather than returning it.
 *
 * A rejection nobody asked for still makes its Promise, rejected, so that the
 * host reports it unhandled, as it would the Promise `then()` returns.
 * @internal
 */
export class LazyPromise<T> extends PromiseShape implements Promise<T> {
  declare readonly [Symbol.toStringTag]: string;
  /** The native Promise, once someone used this one. */
  private _promise: Promise<T> | null = null;
  private _resolve_native: ((value: T | PromiseLike<T>) => void) | null = null;
  private _reject_native: ((reason: unknown) => void) | null = null;
  private _fulfilled = false;
  private _value: T | undefined = undefined;

  /** Fulfil with `value`, or follow it if it is a thenable. */
  protected _fulfil(value: T | PromiseLike<T>): void {
    if (this._resolve_native !== null) return this._resolve_native(value);
    if (is_thenable(value)) {
      // Followed now, as the native Promise would, so that its rejection is reported.
      this._promise = Promise.resolve(value);
      return;
    }
    this._fulfilled = true;
    this._value = value;
  }

  /** Reject with `reason`. */
  protected _fail(reason: unknown): void {
    if (this._reject_native !== null) return this._reject_native(reason);
    this._promise = Promise.reject(reason);
  }

  /** The native Promise, made now if nobody asked for it before. */
  private _native(): Promise<T> {
    if (this._promise !== null) return this._promise;
    if (this._fulfilled) return (this._promise = Promise.resolve(this._value as T));
    this._promise = new Promise<T>(capture_settlers);
    this._resolve_native = captured.resolve as (value: T | PromiseLike<T>) => void;
    this._reject_native = captured.reject;
    return this._promise;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this._native().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this._native().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this._native().finally(onfinally);
  }

  /** Node's `util.inspect` (`console.log`) shows the Promise it stands for, not its fields. */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    return inspect(this._native(), options);
  }
}

// The settlers of a native Promise are captured by one shared executor rather
// than a closure made per Promise.
const captured: {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
} = { resolve: () => {}, reject: () => {} };
function capture_settlers(
  resolve: (value: never) => void,
  reject: (reason: unknown) => void,
): void {
  captured.resolve = resolve as (value: unknown) => void;
  captured.reject = reject;
}
