// Timeout, timeout() and timeout_at(): cancel a body at a deadline and raise TimeoutError (asyncio 3.11 timeouts.py).

import type { Handle } from './handles.js';
import { CancelledError, RuntimeError, TimeoutError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import {
  _ScopeTask,
  check_body,
  run_body,
  scope_loop,
  type BodyResult,
  type ScopeBody,
} from './scope_body.js';
import { Task } from './tasks.js';

type State = 'created' | 'active' | 'expiring' | 'expired' | 'finished';

/** Marks "the body raised nothing", since any value can be thrown. */
const NO_ERROR: unknown = Symbol('no error');

function check_when(where: string, when: unknown): number | null {
  if (when === null || when === undefined) return null;
  if (typeof when !== 'number' || Number.isNaN(when)) {
    throw new TypeError(`${where} must be a number of seconds or null, got ${repr(when)}`);
  }
  return when;
}

/**
 * The deadline of a `timeout()` or `timeout_at()` scope (asyncio 3.11's
 * `Timeout`), handed to its body: read it with `when()`, move it with
 * `reschedule()`, and ask afterwards whether it struck with `expired()`.
 *
 * @example
 * const line = yield* From(timeout(5, function* (cm) {
 *   cm.reschedule(null); // no deadline after all
 *   return yield* From(reader.readline());
 * }));
 */
export class Timeout {
  private _state: State = 'created';
  private _when: number | null;
  private _timeout_handler: Handle | null = null;
  private _task: Task<unknown> | null = null;
  /** The task's cancellation requests when the scope began: more at the end are not ours. */
  private _cancelling = 0;

  /** A deadline at loop time `when` (`null`: none); `timeout_at()` makes and enters one. */
  constructor(when: number | null) {
    this._when = check_when('Timeout when', when);
  }

  /** The deadline in loop time (`loop.time()`), or `null` for none. */
  when(): number | null {
    return this._when;
  }

  /**
   * Move the deadline to loop time `when` (`null`: no deadline); a deadline in
   * the past strikes on the next loop iteration.
   *
   * @example
   * yield* From(timeout(10, function* (cm) {
   *   const header = yield* From(read_header());
   *   cm.reschedule(get_running_loop().time() + header.body_seconds);
   *   return yield* From(read_body(header));
   * }));
   */
  reschedule(when: number | null): void {
    if (this._state !== 'active') {
      if (this._state === 'created') throw new RuntimeError('Timeout has not been entered');
      throw new RuntimeError(`Cannot change state of ${this._state} Timeout`);
    }
    this._when = check_when('reschedule() when', when);
    this._timeout_handler?.cancel();
    this._timeout_handler = null;
    if (this._when === null) return;
    const loop = this._task!._loop;
    this._timeout_handler =
      this._when <= loop.time()
        ? loop.call_soon(this._on_timeout)
        : loop.call_at(this._when, this._on_timeout);
  }

  /** Whether the deadline struck: the body was cancelled for it. */
  expired(): boolean {
    return this._state === 'expiring' || this._state === 'expired';
  }

  /** The repr, as asyncio's: `<Timeout [active] when=12.5>`. */
  toString(): string {
    const when = this._when === null ? 'null' : String(+this._when.toFixed(3));
    return `<Timeout [${this._state}]${this._state === 'active' ? ` when=${when}` : ''}>`;
  }

  /** Begin the scope in `task`. @internal */
  _enter(task: Task<unknown>): void {
    if (this._state !== 'created') throw new RuntimeError('Timeout has already been entered');
    this._state = 'active';
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
  }

  /**
   * End the scope after the body ended with `error` (or `NO_ERROR`). The
   * cancellation the deadline caused becomes `TimeoutError`; any other one,
   * also requested in the same iteration, goes on as it is.
   * @internal
   */
  _exit(error: unknown): void {
    this._timeout_handler?.cancel();
    this._timeout_handler = null;
    if (this._state === 'active') {
      this._state = 'finished';
      return;
    }
    this._state = 'expired';
    const ours_only = this._task!.uncancel() <= this._cancelling;
    if (ours_only && error instanceof CancelledError) throw new TimeoutError('', { cause: error });
  }

  private readonly _on_timeout = (): void => {
    this._task!.cancel();
    this._state = 'expiring';
    this._timeout_handler = null;
  };
}

function* run_timeout<R>(
  cm: Timeout,
  body: ScopeBody<Timeout, R>,
): Generator<unknown, BodyResult<R>, unknown> {
  cm._enter(Task.current_task()!);
  let result: BodyResult<R>;
  try {
    result = yield* run_body(body, cm);
  } catch (exc) {
    cm._exit(exc);
    throw exc;
  }
  cm._exit(NO_ERROR);
  return result;
}

/**
 * Run `body(cm)` in a Task of its own and cancel it if it is still running at
 * loop time `when` (`null`: no deadline); that cancellation, and only that
 * one, becomes `TimeoutError` (asyncio 3.11's `async with timeout_at(when)`).
 * Returns a Future of the body's result. See `timeout()`.
 *
 * @example
 * const loop = get_running_loop();
 * const reply = yield* From(timeout_at(loop.time() + 5, function* () {
 *   return yield* From(reader.readline());
 * }));
 */
export function timeout_at<R>(
  when: number | null,
  body: ScopeBody<Timeout, R>,
): Future<BodyResult<R>> {
  const cm = new Timeout(check_when('timeout_at() when', when));
  check_body('timeout_at', body, 'Timeout');
  const loop = scope_loop('timeout_at');
  return new _ScopeTask(run_timeout(cm, body), { loop }) as Future<BodyResult<R>>;
}

/**
 * Run `body(cm)` in a Task of its own and cancel it if it is still running
 * `delay` seconds from now (`null`: no deadline); that cancellation, and only
 * that one, becomes `TimeoutError` (asyncio 3.11's `async with timeout(delay)`).
 * Returns a Future of the body's result. `cm` is the scope's `Timeout`: move
 * the deadline with `cm.reschedule()`, ask `cm.expired()` afterwards.
 *
 * A generator body is cancelled at its yield point, and what it waits for is
 * cancelled with it, so the timeout really stops the work; an `async` body
 * cannot be interrupted: the scope stops waiting for it and raises
 * `TimeoutError` while the function runs on by itself. Nested timeouts and
 * task groups inside a timeout count their cancellations apart (`uncancel()`),
 * so each raises only for its own deadline. Needs a running loop.
 *
 * @example
 * try {
 *   const page = yield* From(timeout(10, function* () {
 *     return yield* From(fetch_page(url));
 *   }));
 * } catch (e) {
 *   if (!(e instanceof TimeoutError)) throw e;
 * }
 * await timeout(1.5, async (cm) => { await queue.join(); });
 */
export function timeout<R>(
  delay: number | null,
  body: ScopeBody<Timeout, R>,
): Future<BodyResult<R>> {
  const seconds = check_when('timeout() delay', delay);
  check_body('timeout', body, 'Timeout');
  const loop = scope_loop('timeout');
  const cm = new Timeout(seconds === null ? null : loop.time() + seconds);
  return new _ScopeTask(run_timeout(cm, body), { loop }) as Future<BodyResult<R>>;
}
