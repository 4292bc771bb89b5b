// Browser backend: signals, which browsers do not have (add_signal_handler() fails and says what to use instead).
//
// Usage: assembled into `browser_platform` by ./platform.ts.

import { NotImplementedError } from '../../src/exceptions.js';

function no_signals(): never {
  throw new NotImplementedError(
    'add_signal_handler() needs OS signals, which browsers do not have; listen for DOM events (pagehide, visibilitychange) instead',
  );
}

/** Signals: browsers have none. */
export function signal_name(): string {
  return no_signals();
}

/** Signals: browsers have none. */
export function add_signal_handler(): void {
  no_signals();
}

/** Signals: browsers have none, so no handler was ever set. */
export function remove_signal_handler(): boolean {
  return false;
}
