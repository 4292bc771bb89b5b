// asyncio's exceptions, and the Python builtins ValueError, RuntimeError and NotImplementedError.

/**
 * Give an error its own `name`: the setter of every error class's `name`.
 *
 * Each error class of this library answers `name` with a getter on its
 * prototype, non-enumerable like `Error.prototype.name`, so `String(err)`
 * reads `ValueError: msg`, the stack header says `ValueError`, and `name` is
 * not among an instance's own keys. The getter returns the name written out
 * as a string rather than `this.constructor.name`, because a minifier (the
 * terser pass of the IIFE bundle) renames classes. An accessor in the class
 * body, rather than a property set on the prototype once the class exists,
 * leaves the module free of side effects, so a bundler drops the classes a
 * program does not use.
 *
 * The setter calls this: assigning `err.name = 'Other'` gives that error an
 * own writable, configurable, non-enumerable `name`, and leaves the class alone.
 *
 * @param error - the error being assigned a name.
 * @param name - the name it is given.
 * @internal
 */
export function _set_own_name(error: Error, name: string): void {
  Object.defineProperty(error, 'name', {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * The Future or Task was cancelled (asyncio's `CancelledError`).
 *
 * As in asyncio 3.5 and Trollius (`concurrent.futures.CancelledError`), this is
 * an ordinary exception: a `catch` that catches every `Error` also catches
 * cancellation, so re-throw it when a coroutine must stay cancellable.
 * asyncio raises it without a message.
 */
export class CancelledError extends Error {
  /** @internal */
  override get name(): string {
    return 'CancelledError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * @param message - optional text; asyncio uses none.
   * @param options - `cause`: the error that led to the cancellation, if any.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The operation exceeded the given deadline (asyncio's `TimeoutError`, raised by
 * `wait_for()` and `as_completed()`).
 *
 * This is asyncio's class, not Python's builtin `TimeoutError` (an `OSError`
 * for `ETIMEDOUT`); trollius maps `ETIMEDOUT` to a plain `OSError` instead.
 */
export class TimeoutError extends Error {
  /** @internal */
  override get name(): string {
    return 'TimeoutError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * @param message - optional text; asyncio uses none.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The Future or Task is in a state that does not allow this operation
 * (asyncio's `InvalidStateError`), e.g. `Result is not ready.` from
 * `Future.result()` on a pending Future.
 */
export class InvalidStateError extends Error {
  /** @internal */
  override get name(): string {
    return 'InvalidStateError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * @param message - what was attempted in which state.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The stream reached EOF before the requested number of bytes was read
 * (asyncio's `IncompleteReadError`, raised by `StreamReader.readexactly()`).
 *
 * The message is asyncio's `f'{len(partial)} bytes read on a total of
 * {expected!r} expected bytes'`, word for word: an unbounded `expected`
 * (`null`) reads `None`, as Python's repr, so messages match asyncio's:
 * `"3 bytes read on a total of 10 expected bytes"`,
 * `"11 bytes read on a total of None expected bytes"`.
 * asyncio derives it from the builtin `EOFError`; trollius has no `EOFError`
 * class, so it derives directly from `Error`.
 */
export class IncompleteReadError extends Error {
  /** @internal */
  override get name(): string {
    return 'IncompleteReadError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The bytes read before EOF. */
  readonly partial: Uint8Array;
  /** How many bytes were expected in total, or `null` when unbounded (readuntil). */
  readonly expected: number | null;

  /**
   * @param partial - the bytes read before EOF.
   * @param expected - the total number of bytes expected, or `null`
   *   (`undefined` is taken as `null`).
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(partial: Uint8Array, expected: number | null | undefined, options?: ErrorOptions) {
    const total = expected ?? null;
    const expected_repr = total === null ? 'None' : String(total);
    super(`${partial.length} bytes read on a total of ${expected_repr} expected bytes`, options);
    this.partial = partial;
    this.expected = total;
  }
}

/**
 * The buffer limit was reached while looking for a separator (asyncio 3.6's
 * `LimitOverrunError`, raised by `StreamReader.readuntil()`).
 *
 * `consumed` is the number of bytes to consume to get past the overrun.
 */
export class LimitOverrunError extends Error {
  /** @internal */
  override get name(): string {
    return 'LimitOverrunError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The number of bytes to be consumed. */
  readonly consumed: number;

  /**
   * @param message - e.g. `'Separator is not found, and chunk exceed the limit'`.
   * @param consumed - the number of bytes to be consumed.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message: string, consumed: number, options?: ErrorOptions) {
    super(message, options);
    this.consumed = consumed;
  }
}

/**
 * `Queue.get_nowait()` was called on an empty queue (asyncio's `QueueEmpty`).
 * It carries no message, as in asyncio, so `String(err)` is `'QueueEmpty'`.
 */
export class QueueEmpty extends Error {
  /** @internal */
  override get name(): string {
    return 'QueueEmpty';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** Create the error; it takes no message, as in asyncio. */
  constructor() {
    super();
  }
}

/**
 * `Queue.put_nowait()` was called on a full queue (asyncio's `QueueFull`).
 * It carries no message, as in asyncio, so `String(err)` is `'QueueFull'`.
 */
export class QueueFull extends Error {
  /** @internal */
  override get name(): string {
    return 'QueueFull';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** Create the error; it takes no message, as in asyncio. */
  constructor() {
    super();
  }
}

/**
 * `put()` or `get()` was called on a queue after `Queue.shutdown()` (asyncio
 * 3.13's `QueueShutDown`): a put always fails, a get once the queue is empty
 * (at once after `shutdown(true)`). It carries no message, as in asyncio, so
 * `String(err)` is `'QueueShutDown'`.
 *
 * @example
 * for (;;) {
 *   let item;
 *   try { item = yield* From(q.get()); }
 *   catch (e) { if (e instanceof QueueShutDown) break; throw e; }
 *   handle(item);
 * }
 */
export class QueueShutDown extends Error {
  /** @internal */
  override get name(): string {
    return 'QueueShutDown';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** Create the error; it takes no message, as in asyncio. */
  constructor() {
    super();
  }
}

/**
 * An argument has the right type but an inappropriate value (Python's builtin
 * `ValueError`), e.g. `Semaphore initial value must be >= 0`.
 *
 * Wrong types throw JavaScript's own `TypeError`, which plays the part of
 * Python's `TypeError`.
 */
export class ValueError extends Error {
  /** @internal */
  override get name(): string {
    return 'ValueError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * @param message - names the argument and the bad value.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The operation is not allowed right now (Python's builtin `RuntimeError`),
 * e.g. `Event loop is closed` or `Lock is not acquired.`.
 */
export class RuntimeError extends Error {
  /** @internal */
  override get name(): string {
    return 'RuntimeError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * @param message - what went wrong.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The method is abstract, or the host cannot do this (Python's builtin
 * `NotImplementedError`, which derives from `RuntimeError` as in Python).
 *
 * Platform stubs throw it with a message naming the alternative, e.g.
 * "create_connection(host, port) needs TCP, which browsers do not have; ...".
 */
export class NotImplementedError extends RuntimeError {
  /** @internal */
  override get name(): string {
    return 'NotImplementedError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/**
 * A `Barrier` was aborted, or reset while this task waited at it (asyncio
 * 3.11's `BrokenBarrierError`, a `RuntimeError` as in Python). The message is
 * asyncio's: `'Barrier aborted'` for a `wait()` on a broken barrier, `'Abort
 * or reset of barrier'` for a waiter the abort or reset sent away.
 *
 * @example
 * try {
 *   yield From(barrier.wait());
 * } catch (e) {
 *   if (!(e instanceof BrokenBarrierError)) throw e;
 *   // another party called barrier.abort() or barrier.reset()
 * }
 */
export class BrokenBarrierError extends RuntimeError {
  /** @internal */
  override get name(): string {
    return 'BrokenBarrierError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/**
 * The host cannot send a file natively (asyncio 3.7's
 * `SendfileNotAvailableError`, a `RuntimeError` as in asyncio). Raised by
 * `loop.sendfile(transport, file, offset, count, {fallback: false})` on a
 * transport whose socket could take a native `sendfile(2)`, which no
 * JavaScript host offers: leave `fallback` on (the default) and the file is
 * read and written in chunks, with flow control.
 *
 * @example
 * try {
 *   yield From(loop.sendfile(transport, file, 0, null, { fallback: false }));
 * } catch (e) {
 *   if (!(e instanceof SendfileNotAvailableError)) throw e;
 *   yield From(loop.sendfile(transport, file)); // chunks, read by the loop
 * }
 */
export class SendfileNotAvailableError extends RuntimeError {
  /** @internal */
  override get name(): string {
    return 'SendfileNotAvailableError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/**
 * The worker running a job stopped before the job ended: an uncaught error
 * outside the job (a throwing timer callback), `process.exit()`, `close()`,
 * or the worker could not start. The job's future fails with it and the
 * pool starts another worker (a `RuntimeError`, as concurrent.futures'
 * `BrokenExecutor`, but only this job is lost, not the pool). `cause` holds
 * the worker's own error.
 */
export class WorkerCrashedError extends RuntimeError {
  /** @internal */
  override get name(): string {
    return 'WorkerCrashedError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}
