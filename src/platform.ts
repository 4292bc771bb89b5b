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

  // ---- networking (asyncio: the selector loop's socket, pipe and signal hooks) ----

  /**
   * Allocate `size` bytes of the host's preferred byte type (Node: `Buffer`,
   * browsers: `Uint8Array`), so that bytes the core builds (StreamReader
   * results) are the same type as the chunks the host delivers.
   */
  alloc_bytes(size: number): Uint8Array;

  /**
   * Resolve `host`/`port` to socket addresses (asyncio's `getaddrinfo`, run in
   * an executor there). Rejects with an `OSError` (`platform.map_error` applied).
   * A `type` of 0 yields one entry per socket type, as the C library does.
   */
  getaddrinfo(
    host: string | null,
    port: number | string | null,
    opts: AddrInfoOptions,
  ): Promise<AddrInfo[]>;

  /** Look up the host and service names of `sockaddr` (asyncio's `getnameinfo`). */
  getnameinfo(sockaddr: SockAddr, flags: number): Promise<[host: string, service: string]>;

  /**
   * Open a connected byte stream: TCP to a numeric `host`/`port`, a Unix
   * socket `path`, or adopt an already connected host socket (`sock`).
   * Rejects with a mapped `OSError`. The stream delivers nothing until
   * `RawStream.start()`; reading starts with `resume_reading()`.
   */
  connect_stream(opts: StreamConnectOptions): Promise<RawStream>;

  /**
   * Listen for stream connections on one numeric address, a Unix path, or an
   * adopted host server (`sock`); `on_accept` receives each accepted stream
   * (not started). Rejects with a mapped `OSError` when binding fails.
   */
  listen_stream(
    opts: StreamListenOptions,
    on_accept: (stream: RawStream) => void,
  ): Promise<RawServer>;

  /**
   * Wrap a pipe (a host stream object or a file descriptor) as a one-way
   * RawStream for `connect_read_pipe` / `connect_write_pipe`. Throws
   * `ValueError` for something that is not a pipe, socket or character device.
   */
  open_pipe(pipe: unknown, mode: 'read' | 'write'): RawStream;

  /**
   * The canonical name (`'SIGINT'`) of signal `sig`, given as a name or as the
   * host's signal number. Throws `TypeError` for anything else, `ValueError`
   * for an unknown signal, and `NotImplementedError` on a host without signals.
   */
  signal_name(sig: number | string): string;

  /**
   * Call `callback` (from a host callback, not inside a loop iteration) each
   * time signal `name` (canonical, from `signal_name`) arrives, replacing an
   * earlier callback for it. Throws `RuntimeError` if the signal cannot be caught.
   */
  add_signal_handler(name: string, callback: () => void): void;

  /** Remove the callback of signal `name`, restoring the default action; `false` if none was set. */
  remove_signal_handler(name: string): boolean;

  /**
   * Map a host error to the OSError tree (through `ERRNO_TABLE`), keeping the
   * host's `code` and the original error as `cause`. An `OSError` is returned as is.
   */
  map_error(err: unknown): Error;
}

/**
 * A socket address, as Python writes it: `[host, port]` for IPv4,
 * `[host, port, flowinfo, scope_id]` for IPv6, a path string for Unix sockets.
 */
export type SockAddr =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number, scope_id: number]
  | string;

/** The filters of `getaddrinfo` (Python's `family`, `type`, `proto`, `flags`; 0 = any). */
export interface AddrInfoOptions {
  family: number;
  type: number;
  proto: number;
  flags: number;
}

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: SockAddr,
];

/** What `Platform.connect_stream` connects to: exactly one of `host`/`port`, `path`, `sock`. */
export interface StreamConnectOptions {
  /** A numeric IPv4 or IPv6 address (the core resolves names first). */
  host?: string;
  port?: number;
  /** `AF_INET` or `AF_INET6`, matching `host`. */
  family?: number;
  /** Bind the local end to this numeric address first. */
  local_addr?: [host: string, port: number] | null;
  /** A Unix socket path. */
  path?: string;
  /** An already connected host socket (Node: a `net.Socket`) to adopt. */
  sock?: unknown;
  /** TLS: the core passes it through; a backend without TLS rejects with `NotImplementedError`. */
  ssl?: unknown;
  server_hostname?: string | null;
}

/** What `Platform.listen_stream` listens on: exactly one of `host`/`port`, `path`, `sock`. */
export interface StreamListenOptions {
  /** A numeric IPv4 or IPv6 address. */
  host?: string;
  port?: number;
  family?: number;
  backlog: number;
  reuse_address?: boolean;
  reuse_port?: boolean;
  /** Listen on IPv6 only (asyncio sets `IPV6_V6ONLY` on every AF_INET6 listener). */
  ipv6_only?: boolean;
  /** A Unix socket path. */
  path?: string;
  /** A host server object (Node: a `net.Server`, listening or not) to adopt. */
  sock?: unknown;
  ssl?: unknown;
}

/**
 * A connected byte stream as the host delivers it: the core's transport
 * assigns the four `on_*` handlers, then calls `start()`.
 *
 * Protocol between the two: the backend calls the handlers from host
 * callbacks, in the order the host delivered the events; the transport turns
 * each into a `loop.call_soon`. Nothing is delivered before `start()`; a close
 * that happened earlier is delivered by `start()`. `on_data` is only called
 * while reading is on (after `resume_reading()`, until `pause_reading()`);
 * `on_eof` follows the last `on_data`; `on_close` comes last, once, with the
 * mapped error or `null`.
 */
export interface RawStream {
  on_data: (chunk: Uint8Array) => void;
  /** The peer will send nothing more (a FIN, or the end of a pipe). */
  on_eof: () => void;
  /** The stream is closed (`err` already mapped by `map_error`), or `null` after a clean close. */
  on_close: (err: Error | null) => void;
  /** The write buffer has emptied, after `write()` returned `false` or `want_drain()`. */
  on_drain: () => void;
  /** Begin delivering events to the handlers. */
  start(): void;
  /** Send `chunk` (kept by reference until sent); `false` when the host buffer is over its own mark. */
  write(chunk: Uint8Array): boolean;
  /** Bytes accepted by `write()` and not yet handed to the OS. */
  readonly write_buffer_size: number;
  /** Ask for one `on_drain` once the write buffer is empty. */
  want_drain(): void;
  /** Half-close: send EOF after the buffered data. */
  write_eof(): void;
  readonly can_write_eof: boolean;
  /** Stop reading from the OS (bounded buffering: the peer's sends block). */
  pause_reading(): void;
  resume_reading(): void;
  /** Flush the write buffer, then close; `on_close` follows. */
  close(): void;
  /** Close now, dropping buffered data; `on_close` follows. */
  destroy(): void;
  /** Transport extra info: `peername`, `sockname`, `socket`, `pipe`, … */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A listening socket as the host holds it. */
export interface RawServer {
  /** Address family of the listening socket (`AF_INET`, `AF_INET6`, `AF_UNIX`). */
  readonly family: number;
  /** The bound address: `[host, port]`, `[host, port, 0, 0]` or a Unix path. */
  getsockname(): SockAddr;
  /** Stop accepting connections; accepted streams stay open. */
  close(): void;
  /** The host object (Node: the `net.Server`). */
  readonly socket: unknown;
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
