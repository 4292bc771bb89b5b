// The Platform interface and install_platform()/get_platform(): the only seam between core and host.

/** An opaque handle for a host timer, returned by `Platform.set_timer`. */
export type TimerToken = unknown;

/**
 * Everything the core needs from the host. The core calls nothing else.
 *
 * A backend (platform/node, platform/browser, or the virtual-time test platform)
 * implements every member; the bundle's entry file installs exactly one with
 * `install_platform()` before any loop is created.
 */
export interface Platform {
  /** For repr and debug output only: the core never branches on it. */
  readonly name: string;

  /**
   * Run `callback` once on a fresh host task (Node: setImmediate; browsers: a
   * MessageChannel post). The loop uses it to request its next turn; host I/O
   * and timers get to run between two such turns.
   */
  schedule(callback: () => void): void;

  /** Run `callback` once after `delay` seconds; the loop uses it to sleep until its next deadline. */
  set_timer(callback: () => void, delay: number): TimerToken;

  /** Cancel a timer made by `set_timer`; a token that already fired is ignored. */
  clear_timer(token: TimerToken): void;

  /** Seconds on a monotonic clock with an unspecified epoch (asyncio's `time.monotonic`). */
  monotonic(): number;

  /** The clock's resolution in seconds: a timer is due when `when < time() + clock_resolution`. */
  readonly clock_resolution: number;

  /** Read a configuration variable: `process.env` in Node, `globalThis` in browsers. */
  getenv(name: string): string | undefined;
}

let installed: Platform | null = null;

/** Install the host backend. The bundle's entry file calls this once; tests may swap it. @internal */
export function install_platform(platform: Platform): void {
  installed = platform;
}

/** The installed backend; throws if the core was imported without a bundle entry. @internal */
export function get_platform(): Platform {
  if (installed === null) {
    throw new Error(
      'trollius: no platform backend installed; import the package entry ' +
        "('trollius', dist/trollius.node.mjs or dist/trollius.browser.mjs), not src/ directly",
    );
  }
  return installed;
}
