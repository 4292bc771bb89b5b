// The `using` / `await using` keys, with their types for compilations whose lib lacks ESNext.Disposable.

// The explicit-resource-management types the disposables need, for compilations
// whose lib lacks ESNext.Disposable (the core's ES2022, and users' projects):
// the same declarations @types/node ships, which merge with TypeScript's own.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
    readonly asyncDispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
}

// Node 20+ and current browsers define both symbols. Elsewhere fall back to the
// registered symbols that Babel's and oxc's `using` helpers look up.
/** The key `using` calls at scope exit. */
export const DISPOSE: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');
/** The key `await using` calls at scope exit. */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
