// The loop's internal contract: what Futures, Tasks, locks, streams and transports use of their loop, and the one checked way to get it.

import type { AbstractEventLoop } from './events.js';
import type { Executor } from './executor.js';
import { get_event_loop } from './event_loop_policy.js';
import type { Handle, HandleOwner, Runnable } from './handles.js';
import { repr } from './format_helpers.js';
import type { Platform } from './platform.js';
import type { HostResource } from './raw_transport.js';
import type { StalledAwaits } from './stalled_awaits.js';
import type { Task } from './tasks.js';

/** Marks a loop that carries the internal contract (`BaseEventLoop` and its subclasses). */
export const LOOP_INTERNALS: unique symbol = Symbol('trollius.loop_internals');

/**
 * What the core uses of its loop beyond `AbstractEventLoop` (asyncio's
 * Future needs only `call_soon` and `get_debug`; this loop also queues tasks
 * without Handles and keeps the task list). `BaseEventLoop` implements it;
 * every module types its `_loop` with it rather than with the concrete class.
 * @internal
 */
export interface _LoopInternals extends AbstractEventLoop, HandleOwner {
  readonly [LOOP_INTERNALS]: true;
  /** The host backend: clock, scheduler, sockets, processes. */
  readonly _platform: Platform;
  _debug: boolean;
  /** The task whose step is running. */
  _current_task: Task<unknown> | null;
  /** The newest strongly held pending task (a list through `_newer`/`_older`). */
  _newest_task: Task<unknown> | null;
  /** Transports, servers and child processes still holding a host handle: `close()` releases them. */
  readonly _host_resources: Set<HostResource>;
  /** Pending tasks held weakly (those waiting on a future the loop does not hold). */
  readonly _weak_tasks: Set<WeakRef<Task<unknown>>>;
  /** Futures awaited while the loop was not running (the hang check). */
  readonly _stalled_awaits: StalledAwaits;
  /** Set when a Promise was settled: end the batch so its reactions run. */
  _yield_to_microtasks: boolean;
  /** Queue a callback without argument checks. */
  _call_soon(callback: (...args: never[]) => unknown, args: readonly unknown[] | null): Handle;
  /** Queue a callback for a host event; an idle loop runs its turn at once (host callbacks only). */
  _call_soon_from_host(callback: (...args: never[]) => unknown, args: readonly unknown[]): void;
  /** Queue an internal runnable: a Task's step, a zero-delay sleep. */
  _schedule(runnable: Runnable): void;
  /** Throw `RuntimeError('Event loop is closed')` if it is. */
  _check_closed(): void;
  /** The executor `to_thread()` uses (see BaseEventLoop). */
  _executor_for_to_thread(make_pool: () => Executor): Executor;
}

/**
 * The loop `loop` names, or the current one when it is `null`/`undefined`,
 * checked to carry the internal contract: a third-party `AbstractEventLoop`
 * is refused here, at the call, with a `TypeError` that says what to use.
 * @internal
 */
export function _loop_of(loop: unknown, where: string): _LoopInternals {
  const chosen: unknown = loop ?? get_event_loop();
  if ((chosen as Partial<_LoopInternals> | null)?.[LOOP_INTERNALS] !== true) {
    throw new TypeError(
      `${where} needs a trollius event loop (a BaseEventLoop or a subclass), got ${repr(chosen)}`,
    );
  }
  return chosen as _LoopInternals;
}
