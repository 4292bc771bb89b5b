// Node backend: process.on(signal) for the loop's add_signal_handler / remove_signal_handler.
//
// Usage: `signal_name`, `add_signal_handler` and `remove_signal_handler` become node_platform members.
// @see https://nodejs.org/api/process.html#signal-events

import os from 'node:os';

import { RuntimeError, ValueError } from '../../src/exceptions.js';

const SIGNALS = os.constants.signals as Readonly<Record<string, number>>;

/** Signals no process can catch. */
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** The listener installed for each signal name. */
const listeners = new Map<string, () => void>();

/**
 * The canonical name of `sig`: a name (`'SIGINT'`, or `'INT'`) or this
 * host's signal number (`os.constants.signals`).
 */
export function signal_name(sig: number | string): string {
  if (typeof sig === 'number') {
    if (!Number.isInteger(sig)) throw new TypeError(`sig must be an int, not ${String(sig)}`);
    for (const [name, num] of Object.entries(SIGNALS)) if (num === sig) return name;
    const nsig = Math.max(...Object.values(SIGNALS)) + 1;
    throw new ValueError(`sig ${sig} out of range(1, ${nsig})`);
  }
  if (typeof sig !== 'string') throw new TypeError(`sig must be an int, not ${typeof sig}`);
  const name = sig.startsWith('SIG') ? sig : `SIG${sig}`;
  if (!Object.hasOwn(SIGNALS, name)) throw new ValueError(`unknown signal name ${sig}`);
  return name;
}

/** Install `callback` for signal `name`, replacing an earlier one (the default action is off meanwhile). */
export function add_signal_handler(name: string, callback: () => void): void {
  if (UNCATCHABLE.has(name)) throw new RuntimeError(`sig ${SIGNALS[name]} cannot be caught`);
  remove_signal_handler(name);
  try {
    process.on(name as NodeJS.Signals, callback);
  } catch (err) {
    throw new RuntimeError(`sig ${SIGNALS[name]} cannot be caught`, { cause: err });
  }
  listeners.set(name, callback);
}

/** Remove the callback of signal `name`, restoring Node's default action; `false` if none was set. */
export function remove_signal_handler(name: string): boolean {
  const callback = listeners.get(name);
  if (callback === undefined) return false;
  listeners.delete(name);
  process.removeListener(name as NodeJS.Signals, callback);
  return true;
}
