// The loop's signal handlers: add_signal_handler(), remove_signal_handler(), and their release at close() (asyncio unix_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { iscoroutine, iscoroutinefunction } from './coroutines.js';
import { Handle } from './handles.js';
import { repr } from './format_helpers.js';

const signal_handlers = new WeakMap<_LoopInternals, Map<string, Handle>>();

/** `loop.add_signal_handler()`: `callback(...args)` runs in the loop each time `sig` arrives. */
export function add_signal_handler(
  loop: _LoopInternals,
  sig: number | string,
  callback: (...args: never[]) => unknown,
  args: unknown[],
): void {
  if (iscoroutine(callback) || iscoroutinefunction(callback)) {
    throw new TypeError('coroutines cannot be used with add_signal_handler()');
  }
  if (typeof callback !== 'function') {
    throw new TypeError(
      `a callable object was expected by add_signal_handler(), got ${repr(callback)}`,
    );
  }
  loop._check_closed();
  const platform = loop._platform;
  const name = platform.signal_name(sig);
  const handle = new Handle(callback, args, loop);
  platform.add_signal_handler(name, () => {
    if (!handle._cancelled && !loop.is_closed()) loop._call_soon(callback, args);
  });
  let handlers = signal_handlers.get(loop);
  if (handlers === undefined) signal_handlers.set(loop, (handlers = new Map()));
  handlers.get(name)?.cancel();
  handlers.set(name, handle);
}

/** `loop.remove_signal_handler()`: `true` if a handler was removed. */
export function remove_signal_handler(loop: _LoopInternals, sig: number | string): boolean {
  const name = loop._platform.signal_name(sig);
  const handlers = signal_handlers.get(loop);
  const handle = handlers?.get(name);
  if (handle === undefined) return false;
  handlers!.delete(name);
  handle.cancel();
  return loop._platform.remove_signal_handler(name);
}

/** Remove every signal handler of `loop` (at `loop.close()`). @internal */
export function _close_signal_handlers(loop: _LoopInternals): void {
  const handlers = signal_handlers.get(loop);
  if (handlers === undefined) return;
  signal_handlers.delete(loop);
  for (const [name, handle] of handlers) {
    handle.cancel();
    loop._platform.remove_signal_handler(name);
  }
}
