// Awaits that can never finish: Futures awaited while their loop is not running, and the warning that names run().

import type { Future } from './futures.js';
import { logger } from './log.js';
import type { Platform } from './platform.js';

/** What the watch needs to know of its loop. */
interface WatchedLoop {
  readonly _platform: Platform;
  is_running(): boolean;
  is_closed(): boolean;
}

/**
 * The Futures of one loop that a Promise awaited while the loop was not
 * running. Unless the loop runs again, those awaits never finish: the
 * platform's hang check (Node: the process is about to exit; browsers: after
 * a grace period) then finds them pending and warns, naming `run()`, instead
 * of letting the program end or hang without a word.
 * @internal
 */
export class StalledAwaits {
  private _futures: Set<Future<unknown>> | null = null;

  constructor(private readonly _loop: WatchedLoop) {}

  /** `future` is awaited while the loop is not running: watch it until the next check. */
  add(future: Future<unknown>): void {
    if (this._futures === null) {
      this._futures = new Set();
      this._loop._platform.watch_for_hang(this._check);
    }
    this._futures.add(future);
  }

  private readonly _check = (): void => {
    const watched = this._futures;
    this._futures = null;
    if (watched === null || this._loop.is_running()) return;
    const stuck = [...watched].filter((future) => !future.done());
    if (stuck.length === 0) return;
    const what =
      stuck.length === 1 ? `An await of ${stuck[0]}` : `${stuck.length} awaits (${stuck[0]}, ...)`;
    const why = this._loop.is_closed() ? 'is closed' : 'is not running';
    logger.warning(
      `${what} can never finish: its event loop ${why}. ` +
        'Run the program with run(), which runs a loop until main is done: ' +
        '`await run(async () => { ... })` or `await run(main())`; ' +
        'or keep a loop running (loop.run_until_complete()) while you await its Futures.',
    );
  };
}
