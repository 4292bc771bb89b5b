// Handle and TimerHandle: the callbacks the loop schedules, and what its ready queue holds (asyncio events.py).

import type { ExceptionContext } from './exception_handler.js';
import { created_at, extract_stack, format_callback } from './format_helpers.js';

/** The part of a loop that handles need. @internal */
export interface HandleOwner {
  _debug: boolean;
  call_exception_handler(context: ExceptionContext): void;
  _timer_handle_cancelled(handle: TimerHandle): void;
}

const EMPTY_ARGS: readonly unknown[] = /* @__PURE__ */ Object.freeze([]);

/**
 * What the loop's ready queue holds: a Handle, or an internal object that
 * schedules itself without allocating a Handle (a Task's next step, a
 * `sleep(0)`). `_run()` does nothing once the work was cancelled.
 * @internal
 */
export interface Runnable {
  _run(): void;
  /**
   * True when running it completes no Future (a `then()` reaction settles a
   * Promise, a lock's or a get()'s waiter marks its outcome seen): the loop
   * may run it before the engine's pending `then()` calls (see `_microtask_hop`).
   */
  readonly _completes_no_future?: boolean;
}

/**
 * A callback scheduled with `call_soon()`; `cancel()` keeps it from running.
 * asyncio's `Handle`: the loop owns it, users only cancel it.
 */
export class Handle {
  /** @internal */ _callback: ((...args: never[]) => unknown) | null;
  /** @internal */ _args: readonly unknown[] | null;
  /** @internal */ _cancelled = false;
  /** @internal */ _loop: HandleOwner;
  /** @internal */ _repr: string | null = null;
  /** @internal */ _source_traceback: string | null = null;

  /** The loop makes handles: `call_soon()`, `call_later()`, `call_at()`. @internal */
  constructor(
    callback: (...args: never[]) => unknown,
    args: readonly unknown[] | null,
    loop: HandleOwner,
  ) {
    this._callback = callback;
    this._args = args === null || args.length === 0 ? EMPTY_ARGS : args;
    this._loop = loop;
    if (loop._debug) this._source_traceback = extract_stack();
  }

  /** Keep the callback from running; calling it again does nothing. */
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    if (this._loop._debug) this._repr = this.toString();
    this._callback = null;
    this._args = null;
  }

  /** Whether `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /**
   * Call the callback; an exception goes to the loop's exception handler.
   * This is the only place where loop callbacks are actually called.
   * @internal
   */
  _run(): void {
    if (this._cancelled) return;
    const callback = this._callback as (...args: unknown[]) => unknown;
    const args = this._args!;
    try {
      switch (args.length) {
        case 0:
          callback();
          break;
        case 1:
          callback(args[0]);
          break;
        default:
          callback(...args);
      }
    } catch (exc) {
      const context: ExceptionContext = {
        message: `Exception in callback ${format_callback(callback, args)}`,
        exception: exc,
        handle: this,
      };
      if (this._source_traceback) context.source_traceback = this._source_traceback;
      this._loop.call_exception_handler(context);
    }
  }

  /** @internal */
  _repr_info(): string[] {
    const info = [this.constructor.name];
    if (this._cancelled) info.push('cancelled');
    if (this._callback !== null) info.push(format_callback(this._callback, this._args));
    return info;
  }

  /** The repr, as asyncio's: `<Handle cb()>`, `<TimerHandle when=12.5 cb()>`, `<Handle cancelled>`. */
  toString(): string {
    if (this._repr !== null) return this._repr;
    return `<${this._repr_info().join(' ')}${created_at(this._source_traceback)}>`;
  }
}

/** A callback scheduled for a given loop time with `call_later()` or `call_at()`. */
export class TimerHandle extends Handle {
  /** @internal */ _when: number;
  /** @internal */ _seq: number;
  /** @internal Whether the handle is still in the loop's timer queue. */ _scheduled = false;

  /** The loop makes timer handles: `call_later()`, `call_at()`. @internal */
  constructor(
    when: number,
    seq: number,
    callback: (...args: never[]) => unknown,
    args: readonly unknown[] | null,
    loop: HandleOwner,
  ) {
    super(callback, args, loop);
    this._when = when;
    this._seq = seq;
  }

  /** The loop time at which the callback is due. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (!this._cancelled) this._loop._timer_handle_cancelled(this);
    super.cancel();
  }

  /** @internal */
  override _repr_info(): string[] {
    const info = super._repr_info();
    info.splice(this._cancelled ? 2 : 1, 0, `when=${this._when}`);
    return info;
  }
}
