// Staggered start of racing attempts, the heart of Happy Eyeballs (asyncio staggered.py).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import type { TimerHandle } from './handles.js';
import { OSError } from './os_errors.js';
import type { Task } from './tasks.js';

/**
 * Run `attempts` staggered (asyncio's `staggered.staggered_race`): start the
 * first, then each next one `delay` seconds after the one before was started,
 * or as soon as the one before failed. The first attempt to succeed wins and
 * its value is returned; the attempts still running are cancelled, and a value
 * another attempt produced anyway is handed to `release`.
 *
 * Returns `null` when every attempt failed with an `OSError` (the caller keeps
 * the errors it wants). Unlike asyncio, an attempt failing with anything else
 * ends the race at once with that error: `create_connection()` expects only
 * `OSError` from a connection attempt. Cancelling the caller cancels every attempt.
 *
 * @internal
 */
export function* staggered_race<T>(
  loop: _LoopInternals,
  attempts: readonly (() => Generator<unknown, T, unknown>)[],
  delay: number,
  release: (value: T) => void,
): Generator<unknown, T | null, unknown> {
  if (attempts.length === 0) return null;
  const started: Task<T>[] = [];
  const state = {
    wake: loop.create_future<null>(),
    /** The delay since the latest start has passed. */
    due: false,
    timer: null as TimerHandle | null,
  };
  const poke = (): void => {
    if (!state.wake.done()) state.wake.set_result(null);
  };
  const on_timer = (): void => {
    state.due = true;
    poke();
  };
  const start_next = (): void => {
    state.timer?.cancel();
    state.timer = null;
    state.due = false;
    const attempt = loop.create_task(attempts[started.length]!());
    attempt.add_done_callback(poke);
    started.push(attempt);
    if (started.length < attempts.length && Number.isFinite(delay)) {
      state.timer = loop.call_later(delay, on_timer);
    }
  };
  let winner: Task<T> | null = null;
  try {
    start_next();
    for (;;) {
      yield From(state.wake);
      state.wake = loop.create_future<null>();
      for (const attempt of started) {
        if (!attempt.done() || attempt.cancelled()) continue;
        const exc = attempt.exception();
        if (exc === null) {
          winner = attempt;
          return attempt.result();
        }
        if (!(exc instanceof OSError)) throw exc;
      }
      const latest = started[started.length - 1]!;
      if (started.length < attempts.length && (state.due || latest.done())) start_next();
      else if (started.every((attempt) => attempt.done())) return null;
    }
  } finally {
    state.timer?.cancel();
    for (const attempt of started) {
      if (attempt === winner) continue;
      if (!attempt.done()) attempt.cancel();
      else if (!attempt.cancelled() && attempt.exception() === null) release(attempt.result());
    }
  }
}
