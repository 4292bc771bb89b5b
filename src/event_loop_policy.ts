// Which loop is current: the running loop, get_event_loop()/set_event_loop()/new_event_loop(), and the event loop policy (asyncio events.py).
//
// base_events.ts imports this file and registers the default policy at load
// (`_set_default_policy_factory`); this file never imports it, so the runtime
// imports stay acyclic: base_events -> event_loop_policy -> events.

import { RuntimeError } from './exceptions.js';
import { AbstractEventLoop, not_implemented } from './events.js';

// ---- the running loop ------------------------------------------------------

let running_loop: AbstractEventLoop | null = null;
const running_loops = new Set<AbstractEventLoop>();

/**
 * The loop whose callbacks are running right now; outside them, the one loop
 * that is running if there is exactly one (code resumed from a Promise runs
 * between the loop's turns); otherwise `null`.
 */
export function _get_running_loop(): AbstractEventLoop | null {
  if (running_loop !== null) return running_loop;
  if (running_loops.size === 1) return running_loops.values().next().value!;
  return null;
}

/** Whether any loop of this realm is running (asyncio: of this thread). @internal */
export function _any_loop_running(): boolean {
  return running_loop !== null || running_loops.size > 0;
}

/**
 * Set the loop whose callbacks are running, which `get_running_loop()`
 * returns: asyncio's low-level function for event loops that run their
 * callbacks themselves (trollius' loops call it around each turn). Returns the
 * previous one, to be set back afterwards (asyncio returns `None`).
 */
export function _set_running_loop(loop: AbstractEventLoop | null): AbstractEventLoop | null {
  const previous = running_loop;
  running_loop = loop;
  return previous;
}

/** Record that `loop` started or stopped running. @internal */
export function _mark_running(loop: AbstractEventLoop, running: boolean): void {
  if (running) running_loops.add(loop);
  else running_loops.delete(loop);
}

/** The running loop; throws `RuntimeError` when no loop is running (asyncio 3.7). */
export function get_running_loop(): AbstractEventLoop {
  const loop = _get_running_loop();
  if (loop === null) throw new RuntimeError('no running event loop');
  return loop;
}

// ---- policy ----------------------------------------------------------------

/** The policy interface: where `get_event_loop()` finds its loop. */
export abstract class AbstractEventLoopPolicy {
  /** The current context's loop. */
  get_event_loop(): AbstractEventLoop {
    return not_implemented('get_event_loop');
  }
  /** Make `loop` the current context's loop. */
  set_event_loop(_loop: AbstractEventLoop | null): void {
    not_implemented('set_event_loop');
  }
  /** Create a new loop; it is not made current. */
  new_event_loop(): AbstractEventLoop {
    return not_implemented('new_event_loop');
  }
}

/**
 * The default policy's behaviour (asyncio's `BaseDefaultEventLoopPolicy`): the
 * first `get_event_loop()` creates the loop, unless `set_event_loop()` was called.
 * A JavaScript realm (a page, a Worker, a Node process) is one "main thread".
 */
export abstract class BaseDefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  private _loop: AbstractEventLoop | null = null;
  private _set_called = false;

  override get_event_loop(): AbstractEventLoop {
    if (this._loop === null && !this._set_called) this.set_event_loop(this.new_event_loop());
    if (this._loop === null) {
      throw new RuntimeError("There is no current event loop in thread 'MainThread'.");
    }
    return this._loop;
  }

  /** The current loop as it is, without making one: what `run()` restores. @internal */
  _save_current(): [AbstractEventLoop | null, boolean] {
    return [this._loop, this._set_called];
  }

  /** Put back what `_save_current()` returned. @internal */
  _restore_current([loop, set_called]: [AbstractEventLoop | null, boolean]): void {
    this._loop = loop;
    this._set_called = set_called;
  }

  override set_event_loop(loop: AbstractEventLoop | null): void {
    this._set_called = true;
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw new TypeError(`loop must be an AbstractEventLoop or null, not ${String(loop)}`);
    }
    this._loop = loop;
  }
}

let policy: AbstractEventLoopPolicy | null = null;
let default_policy_factory: (() => AbstractEventLoopPolicy) | null = null;

/** Register how to make the default policy (base_events.ts does, at load). @internal */
export function _set_default_policy_factory(factory: () => AbstractEventLoopPolicy): void {
  default_policy_factory = factory;
}

/** The current policy; the default one is created on first use. */
export function get_event_loop_policy(): AbstractEventLoopPolicy {
  if (policy === null) policy = default_policy_factory!();
  return policy;
}

/** Replace the policy; `null` restores the default. */
export function set_event_loop_policy(new_policy: AbstractEventLoopPolicy | null): void {
  if (new_policy !== null && !(new_policy instanceof AbstractEventLoopPolicy)) {
    throw new TypeError('policy must be an AbstractEventLoopPolicy or null');
  }
  policy = new_policy;
}

/**
 * The running loop when called from code the loop runs; otherwise the policy's
 * current loop, created on first use (asyncio 3.6 semantics).
 */
export function get_event_loop(): AbstractEventLoop {
  return _get_running_loop() ?? get_event_loop_policy().get_event_loop();
}

/** Make `loop` the policy's current loop. */
export function set_event_loop(loop: AbstractEventLoop | null): void {
  get_event_loop_policy().set_event_loop(loop);
}

/** Create a new loop with the policy; it is not made current. */
export function new_event_loop(): AbstractEventLoop {
  return get_event_loop_policy().new_event_loop();
}
