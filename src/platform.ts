// The Platform interface and install_platform()/get_platform(): the only seam between core and host.

import type { LoopIoMethods } from './loop_io_forwarders.js';

/** An opaque handle for a host timer, returned by `Platform.set_timer`. */
export type TimerToken = unknown;

/**
 * Everything the core needs from the host: the loop's scheduling and the I/O
 * behind its network, pipe, TLS and process methods. The core calls nothing else.
 *
 * A backend (platform/node, platform/browser, or the virtual-time test platform)
 * implements every member; the bundle's entry file installs exactly one with
 * `install_platform()` before any loop is created.
 */
export interface Platform extends PlatformCore, HostIo {}

/**
 * The part of a {@link Platform} every program needs: the loop's turns, timers
 * and clock, bytes, signals and workers. A browser bundle installs this much at
 * once and loads its {@link HostIo} on the first I/O call (`install_platform`).
 */
export interface PlatformCore {
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

  /**
   * Call `check` once when code may be stuck awaiting a Future whose loop is
   * not running: when the host is about to end for lack of work (Node's
   * `beforeExit`), or else after `HANG_CHECK_SECONDS` (browsers never end).
   * The watch itself must not keep the host alive.
   */
  watch_for_hang(check: () => void): void;

  /**
   * Allocate `size` bytes of the host's preferred byte type (Node: `Buffer`,
   * browsers: `Uint8Array`), so that bytes the core builds (StreamReader
   * results) are the same type as the chunks the host delivers.
   */
  alloc_bytes(size: number): Uint8Array;

  // ---- signals ----

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

  // ---- worker threads (Node) and Web Workers (browsers), for WorkerPoolExecutor and accept_parent_port() ----

  /**
   * The endpoint a worker's parent talks to, for `accept_parent_port()`: a
   * browser worker's global scope, Node's `worker_threads.parentPort`; `null`
   * when this code does not run in a worker.
   */
  parent_port(): MessageEndpoint | null;

  /** The number of CPUs the host lets this program use (`os.availableParallelism()`, `navigator.hardwareConcurrency`). */
  cpu_count(): number;

  /**
   * Whether `start_worker` can start workers here (Node, and browsers with
   * `Worker`); `to_thread()` falls back to the loop's own thread where not.
   */
  readonly has_workers: boolean;

  /**
   * Start a worker running `main` (a self-contained function's source),
   * called with a `WorkerChannel` to its parent. Throws `NotImplementedError`
   * where the host has no workers.
   */
  start_worker(main: string): RawWorker;

  /**
   * The URL a worker imports a module by: Node resolves a path against the
   * working directory (`file:` URL); browsers against the page's base URL.
   */
  module_url(module: string | ModuleURL): string;
}

/**
 * The host I/O behind the loop's network, pipe, TLS, file and process methods
 * (asyncio: the selector loop's socket and pipe hooks, and the subprocess module).
 */
export interface HostIo {
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
   * Open a WebSocket to `opts.url` (the core builds it from host/port, or takes
   * the user's) and resolve to its byte stream once open, not started. A
   * refused connection rejects with `ConnectionRefusedError`.
   */
  connect_websocket(opts: WebSocketConnectOptions): Promise<RawStream>;

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
   * Wrap a host file object for `loop.sendfile()` (asyncio reads it in an
   * executor): Node takes a `FileHandle` (`fs.promises.open(path)`), a file
   * descriptor or a `Blob`; browsers a `Blob` or `File`. Throws `TypeError`,
   * naming what the host takes, for anything else. Opens nothing: the caller
   * owns the file and closes it.
   */
  open_file(file: unknown): RawFile;

  /**
   * Whether `create_connection(factory, host, port)` / `open_connection(host, port)`
   * open a WebSocket to `ws://host:port/path` (`wss://` with `ssl`) instead of a
   * TCP socket: `true` in browsers, which have no TCP; `false` in Node, where the
   * `websocket` or `url` option asks for one. A capability, not a host test.
   */
  readonly host_port_websocket: boolean;

  /**
   * Open a UDP socket: bind `local_addr` and/or connect `remote_addr` (numeric
   * addresses; the core resolves names first), or adopt a host socket
   * (`sock`). Resolves once bound/connected; rejects with a mapped `OSError`.
   * Nothing is delivered until `RawDatagram.start()`.
   */
  open_datagram(opts: DatagramOptions): Promise<RawDatagram>;

  /**
   * Run a TLS handshake over a connected stream (`loop.start_tls`) and
   * resolve to the encrypted stream (not started). From the call on, `raw`
   * delivers nothing more; it belongs to the new stream. Rejects with a mapped
   * `SSLError`/`OSError`; `TypeError` when `raw` cannot carry TLS.
   */
  start_tls(raw: RawStream, opts: StartTlsOptions): Promise<RawStream>;

  /**
   * Start a child process. Resolves once it runs, with its pipes (not
   * started); rejects with a mapped `OSError` (`FileNotFoundError`,
   * `PermissionError`) when it cannot be started.
   */
  spawn(opts: SpawnOptions): Promise<RawProcess>;

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
  /** Seconds the TLS handshake may take (default 60): then `ConnectionAbortedError`. */
  ssl_handshake_timeout?: number | null;
}

/** What `Platform.connect_websocket` connects to: a URL the core built, with the TLS settings of `wss://`. */
export interface WebSocketConnectOptions {
  /** A `ws://` or `wss://` URL. */
  url: string;
  /** WebSocket subprotocols to offer. */
  protocols?: string[];
  /** `wss://`: the TLS settings (an `SSLContext`), as for `connect_stream`. */
  ssl?: unknown;
  server_hostname?: string | null;
  /** Seconds the TLS handshake may take (default 60): then `ConnectionAbortedError`. */
  ssl_handshake_timeout?: number | null;
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
  /** Turn `SO_KEEPALIVE` on for each accepted connection (asyncio 3.13's `keep_alive`). */
  keep_alive?: boolean;
  /** Listen on IPv6 only (asyncio sets `IPV6_V6ONLY` on every AF_INET6 listener). */
  ipv6_only?: boolean;
  /** A Unix socket path. */
  path?: string;
  /** A host server object (Node: a `net.Server`, listening or not) to adopt. */
  sock?: unknown;
  ssl?: unknown;
  /** Seconds a client's TLS handshake may take (default 60): then the connection is dropped. */
  ssl_handshake_timeout?: number | null;
  /**
   * Called (from a host callback) with the mapped error of a connection whose
   * TLS handshake failed or timed out; the backend has closed its socket. A
   * backend without TLS servers ignores it.
   */
  on_handshake_error?: ((exc: Error) => void) | null;
  /**
   * Serve WebSocket clients instead of plain sockets: on `host`/`port` (an
   * HTTP server of its own), or on the host HTTP server `server` (no `host`/`port`).
   * Only upgrade requests for `path` (any path when `null`) are accepted.
   */
  websocket?: { path: string | null; server: unknown } | null;
}

/**
 * What `accept_parent_port()` listens on, and what a MessagePort transport
 * needs of a port: the part of `MessagePort` that browsers and Node's
 * `worker_threads` share (EventTarget-style `'message'` events carrying `data`).
 */
export interface MessageEndpoint {
  /** Send `message`, transferring the objects of `transfer`. */
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  /** Call `listener` with each message received. */
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Stop calling `listener`. */
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Ports only: start delivering queued messages (implicit with `onmessage`, needed with `addEventListener`). */
  start?(): void;
  /** Ports only: disentangle the port; nothing more is sent or received. */
  close?(): void;
}

/** A `URL` object, or anything with its `href` (the type names no DOM or Node global). */
export interface ModuleURL {
  /** The whole URL. */
  readonly href: string;
}

/**
 * What a worker's `main` function receives: the host's message channel to the
 * parent, the same in a Node worker thread and in a Web Worker.
 */
export interface WorkerChannel {
  /** Send `message` (structured clone) to the parent; throws the host's `DataCloneError` when it cannot be cloned. */
  post(message: unknown): void;
  /** Call `listener` with each message from the parent. */
  listen(listener: (message: unknown) => void): void;
  /**
   * `import(href)`, written in the backend's program text: the worker's code
   * is sent as source, and bundlers and test runners rewrite an `import()`
   * they see (a `new Function` would need CSP's `'unsafe-eval'`).
   */
  import(href: string): Promise<Record<string, unknown>>;
}

/**
 * A worker as the host runs it: the core assigns `on_message` and `on_exit`.
 * A worker starts unreferenced (it does not keep a Node process alive) and
 * takes messages at once; they queue until its `main` listens.
 */
export interface RawWorker {
  /** Each message the worker posts. */
  on_message: (message: unknown) => void;
  /**
   * The worker stopped by itself, once: an uncaught error, `process.exit()`,
   * `close()`, or it could not start. Not called after `terminate()`.
   */
  on_exit: (reason: Error) => void;
  /** Send `message` (structured clone); throws the host's error (a `DataCloneError`) when it cannot be cloned. */
  post(message: unknown): void;
  /** While working, keep the host (a Node process) alive; `unref()` when idle. */
  ref(): void;
  unref(): void;
  /** Stop the worker now; resolves once it has stopped. */
  terminate(): Promise<void>;
}

/**
 * Where a {@link RawStream} delivers the host's events, from host callbacks:
 * the transport itself, whose methods these are (one object rather than a
 * closure per event, which an idle connection would hold for its lifetime).
 */
export interface RawStreamReceiver {
  /**
   * The peer sent `chunk`. It is the transport's to keep, unless `lent` is
   * true: then it is a view of memory the stream reads into again, so the
   * transport copies it out, and the stream has stopped reading (as after
   * `pause_reading()`) until the transport's next `resume_reading()`, which
   * hands the memory back. Chunks are lent only while `lend_chunks` is true.
   */
  _on_raw_data(chunk: Uint8Array, lent?: boolean): void;
  /** The peer will send nothing more (a FIN, or the end of a pipe). */
  _on_raw_eof(): void;
  /** The stream is closed (`err` already mapped by `map_error`), or `null` after a clean close. */
  _on_raw_close(err: Error | null): void;
  /**
   * The write buffer fell to the mark `want_drain(mark)` asked for (or, after
   * `write()` returned `false`, emptied). May come unasked: the transport
   * checks the buffer size itself.
   */
  _on_raw_drain(): void;
}

function ignore(): void {}

/** The receiver of a stream nobody listens to (yet, or any more): every event is dropped. */
export const NO_RECEIVER: RawStreamReceiver = {
  _on_raw_data: ignore,
  _on_raw_eof: ignore,
  _on_raw_close: ignore,
  _on_raw_drain: ignore,
};

/**
 * A connected byte stream as the host delivers it: the core's transport
 * sets itself as the `receiver`, then calls `start()`.
 *
 * Protocol between the two: the backend calls the receiver's methods from host
 * callbacks, in the order the host delivered the events (or, for data it held
 * while paused, from within `resume_reading()`); the transport turns each into
 * a `loop.call_soon`, and for data from a host callback an idle loop runs its
 * turn right there. Nothing is delivered before `start()`; a close
 * that happened earlier is delivered by `start()`. `_on_raw_data` is only called
 * while reading is on (after `resume_reading()`, until `pause_reading()`);
 * `_on_raw_eof` follows the last `_on_raw_data`; `_on_raw_close` comes last, once, with the
 * mapped error or `null`.
 */
export interface RawStream {
  /** Where the events go: set by the transport before `start()`; `NO_RECEIVER` until then. */
  receiver: RawStreamReceiver;
  /** Begin delivering events to the receiver. */
  start(): void;
  /** Send `chunk` (kept by reference until sent); `false` when the host buffer is over its own mark. */
  write(chunk: Uint8Array): boolean;
  /** Bytes accepted by `write()` and not yet handed to the OS. */
  readonly write_buffer_size: number;
  /**
   * Ask for one `_on_raw_drain` once `write_buffer_size` is at or below `mark`
   * (at once, from a host callback, if it already is): the transport resumes
   * a paused protocol at its low-water mark, as asyncio does (TR-1), not only
   * once everything is sent.
   */
  want_drain(mark: number): void;
  /** Half-close: send EOF after the buffered data. */
  write_eof(): void;
  readonly can_write_eof: boolean;
  /** Stop reading from the OS (bounded buffering: the peer's sends block). */
  pause_reading(): void;
  resume_reading(): void;
  /** Flush the write buffer, then close; `_on_raw_close` follows. */
  close(): void;
  /** Close now, dropping buffered data; `_on_raw_close` follows. */
  destroy(): void;
  /** Transport extra info: `peername`, `sockname`, `socket`, `pipe`, ... */
  readonly extra: Readonly<Record<string, unknown>>;
  /**
   * Set by the transport, before `start()` and whenever its protocol changes:
   * `true` while the protocol copies each chunk out at once (a
   * `BufferedProtocol`), so chunks may be lent (see `_on_raw_data`). A host that
   * can read into memory of its own (Node's `onread`, on the client sockets
   * the Node backend connects) then saves an allocation per read; any other
   * stream leaves it unread, since owned chunks are always correct.
   */
  lend_chunks?: boolean;
}

/**
 * A file as `loop.sendfile()` reads it: positional reads that leave the host
 * object's own position alone (Node has no `lseek()`), so concurrent users
 * of a descriptor do not disturb each other.
 */
export interface RawFile {
  /**
   * Read up to `size` bytes starting at byte `position`: fewer at the end of
   * the file, none past it. Resolves to fresh bytes the caller keeps (a
   * transport holds written chunks until sent); rejects with a mapped `OSError`.
   */
  read(position: number, size: number): Promise<Uint8Array>;
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

/** The TLS side of `Platform.start_tls`. */
export interface StartTlsOptions {
  /** The `SSLContext`. */
  ssl: unknown;
  server_side: boolean;
  server_hostname: string | null;
  ssl_handshake_timeout: number | null;
}

/** What `Platform.open_datagram` opens: a numeric local and/or remote address, or a host socket. */
export interface DatagramOptions {
  /** `AF_INET` or `AF_INET6`. */
  family: number;
  /** Bind to this numeric address (port 0: any free port). */
  local_addr?: [host: string, port: number] | null;
  /** Connect to this numeric address: `send(data, null)` goes there, and only its datagrams arrive. */
  remote_addr?: [host: string, port: number] | null;
  reuse_address?: boolean;
  reuse_port?: boolean;
  allow_broadcast?: boolean;
  /** A host UDP socket (Node: a `dgram.Socket`) to adopt. */
  sock?: unknown;
}

/**
 * A UDP socket as the host delivers it: the core's datagram transport assigns
 * the handlers, then calls `start()`. Handlers are called from host callbacks.
 */
export interface RawDatagram {
  /** A datagram arrived from `addr`. */
  on_datagram: (data: Uint8Array, addr: SockAddr) => void;
  /** Receiving failed (already mapped): the socket stays open (asyncio's `error_received`). */
  on_error: (err: Error) => void;
  /** The socket closed by itself (not through `close()`). */
  on_close: () => void;
  /** Begin delivering events; datagrams that came earlier are delivered first. */
  start(): void;
  /**
   * Send one datagram to `addr` (`null`: the connected address); `done` is
   * called once, from a host callback, when the host has sent it or failed
   * (with a mapped `OSError`). A synchronous failure is also reported through `done`.
   */
  send(data: Uint8Array, addr: SockAddr | null, done: (err: Error | null) => void): void;
  /** Close now; no handler is called afterwards. */
  close(): void;
  /** Transport extra info: `socket`, `sockname`, `peername`. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** How a child's standard stream is set up: a new pipe, the parent's, /dev/null, stdout's (stderr only), a file descriptor, or a host stream object. */
export type SpawnStdio = 'pipe' | 'inherit' | 'devnull' | 'stdout' | number | { host: unknown };

/** What `Platform.spawn` starts. */
export interface SpawnOptions {
  /** The program and its arguments; with `shell`, the one element is the command line for `/bin/sh -c`. */
  args: string[];
  shell: boolean;
  stdin: SpawnStdio;
  stdout: SpawnStdio;
  stderr: SpawnStdio;
  cwd?: string | null;
  /** The whole environment of the child (default: the parent's). */
  env?: Record<string, string> | null;
  /** The program to run instead of `args[0]`, which stays `argv[0]` (shell: the shell). */
  executable?: string | null;
  /** `setsid()` in the child. */
  start_new_session?: boolean;
  /** `false`: inheritable descriptors of this process reach the child (else they are kept from it). */
  close_fds?: boolean;
  /** Descriptors (3 and up) of the parent the child keeps under the same numbers. */
  pass_fds?: readonly number[];
  /** `setuid()` / `setgid()` in the child. */
  uid?: number | null;
  gid?: number | null;
  /** The child's umask, or -1 to keep the parent's. */
  umask?: number;
}

/** A running child process as the host holds it. */
export interface RawProcess {
  readonly pid: number;
  /** One-way streams for the piped fds 0 (write), 1 and 2 (read), not started; `null` where not piped. */
  readonly stdio: readonly [RawStream | null, RawStream | null, RawStream | null];
  /** The exit status, or `null` while running; `-signum` when killed by a signal. */
  readonly returncode: number | null;
  /** The child exited (called once, after `start()`, from a host callback). */
  on_exit: (returncode: number) => void;
  /** Begin delivering `on_exit` (an exit that came earlier is delivered now). */
  start(): void;
  /** Send signal `name` (canonical, from `Platform.signal_name`); nothing once the child has exited. */
  send_signal(name: string): void;
  /** Transport extra info: `subprocess` (Node: the `ChildProcess`). */
  readonly extra: Readonly<Record<string, unknown>>;
}

let installed: Platform | null = null;
/** The loop's I/O methods, once installed or loaded. */
let loop_io: LoopIoMethods | null = null;
/** Where a lazy backend gets its I/O from; `null` once loaded or for an eager backend. */
let io_loader: (() => Promise<LoadedIo>) | null = null;
/** The load under way, shared by every I/O call that waits for it. */
let io_loading: Promise<LoopIoMethods> | null = null;

/** What a lazy backend's loader resolves to: the host's I/O and the loop's methods over it. */
export interface LoadedIo {
  readonly host: HostIo;
  readonly loop_io: LoopIoMethods;
}

/**
 * Install the host backend; the bundle's entry file calls this once, before any
 * loop is created (tests may swap it). Either a whole `Platform` with the loop's
 * I/O methods (Node, tests), or a `PlatformCore` with a loader of the rest
 * (the browser ESM bundle, so that a program that does no I/O never carries
 * it: the first I/O method called loads it, see `load_loop_io()`).
 * @internal
 */
export function install_platform(platform: Platform, methods: LoopIoMethods): void;
export function install_platform(core: PlatformCore, load_io: () => Promise<LoadedIo>): void;
export function install_platform(
  platform: PlatformCore,
  io: LoopIoMethods | (() => Promise<LoadedIo>),
): void {
  installed = platform as Platform;
  io_loading = null;
  if (typeof io === 'function') {
    loop_io = null;
    io_loader = io;
  } else {
    loop_io = io;
    io_loader = null;
  }
}

/** The installed backend; throws if the core was imported without a bundle entry. @internal */
export function get_platform(): Platform {
  if (installed === null) throw no_backend();
  return installed;
}

function no_backend(): Error {
  return new Error(
    'trollius: no platform backend installed; import the package entry ' +
      "('trollius', dist/trollius.node.mjs or dist/trollius.browser.mjs), not src/ directly",
  );
}

/** The loop's I/O methods if they are here, else `null` (a lazy backend has not loaded them yet). @internal */
export function loaded_loop_io(): LoopIoMethods | null {
  return loop_io;
}

/**
 * Load a lazy backend's I/O: its `HostIo` members join the installed platform
 * object (which every loop made on it holds) and its loop methods become
 * `loaded_loop_io()`. One load serves every caller; a failed one (the chunk
 * could not be fetched) is tried again by the next call.
 * @internal
 */
export function load_loop_io(): Promise<LoopIoMethods> {
  if (loop_io !== null) return Promise.resolve(loop_io);
  const loader = io_loader;
  if (loader === null) return Promise.reject(no_backend());
  const platform = installed!;
  return (io_loading ??= loader().then(
    (loaded) => {
      // A backend installed meanwhile (tests swap them) keeps its own I/O.
      if (installed === platform) {
        Object.assign(platform, loaded.host);
        io_loader = null;
        loop_io = loaded.loop_io;
      }
      return loaded.loop_io;
    },
    (error: unknown) => {
      if (installed === platform) io_loading = null;
      throw error;
    },
  ));
}
