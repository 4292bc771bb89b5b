// The `using` / `await using` key types, for compilations whose lib lacks ESNext.Disposable.

// The explicit-resource-management types the disposables need, for compilations
// whose lib lacks ESNext.Disposable (the core's ES2022, and users' projects):
// the same declarations @types/node ships, which merge with TypeScript's own.
//
// The classes key their disposers with `[Symbol.dispose]` and
// `[Symbol.asyncDispose]` written out: a bundler sees such a class as free of
// side effects, and drops it when unused, which it would not with a key read
// from a variable. So there is no fallback here to the registered symbols
// (`Symbol.for('Symbol.dispose')`) for engines without them: Node 20.19+ and
// current browsers define both; elsewhere, load a polyfill that defines them
// before trollius.
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

export {};
