// Server and ServerSocket: what create_server()/start_server() return (asyncio base_events.Server, 3.13).

import type { _LoopInternals } from './loop_internals.js';
import type { ProtocolFactory } from './base_events_net.js';
import { From } from './coroutines.js';
import './disposal.js'; // the types of Symbol.dispose and Symbol.asyncDispose (see there)
import type { AbstractEventLoop } from './events.js';
import { CancelledError, RuntimeError } from './exceptions.js';
import type { Future } from './futures.js';
import { logger } from './log.js';
import type { RawServer, RawStream, SockAddr } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { socket, _format_sockaddr } from './sockets.js';
import type { _StreamTransport } from './stream_transport.js';

/** Wraps a connection `server` accepted, and its protocol, in a transport. @internal */
export type ServeAccepted = (server: Server, raw: RawStream, protocol: BaseProtocol) => void;

/**
 * A server returned by `create_server()` (asyncio's `AbstractServer`, 3.13):
 * stop it with `close()`, then `wait_closed()`; or let `await using` do both.
 */
export abstract class AbstractServer {
  /** Stop serving: close the listening sockets. Connections already accepted stay open. */
  abstract close(): void;
  /** Close every connection the server accepted (`transport.close()`). */
  abstract close_clients(): void;
  /** Abort every connection the server accepted (`transport.abort()`). */
  abstract abort_clients(): void;
  /** The loop the server belongs to. */
  abstract get_loop(): AbstractEventLoop;
  /** Whether the server accepts new connections. */
  abstract is_serving(): boolean;
  /** Start accepting connections (idempotent); the Future resolves after one loop iteration. */
  abstract start_serving(): Future<void>;
  /** Serve until cancelled; cancelling closes the server and waits for `wait_closed()`. */
  abstract serve_forever(): Future<void>;
  /** A Future that resolves once the server is closed and its connections are gone. */
  abstract wait_closed(): Future<void>;

  /**
   * `await using server = ...` calls this at scope exit: `close()`, then
   * `wait_closed()` (asyncio's `async with server:`).
   *
   * @example
   * await loop.run_until_complete((async () => {
   *   await using server = await start_server(handle, '127.0.0.1', 0);
   *   await server.start_serving();
   *   // ... at the end of the block the server is closed and its connections are gone
   * })());
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.wait_closed();
  }
}

/**
 * A listening socket of a `Server` (Python's socket object, reduced to what
 * JavaScript hosts expose): `getsockname()` and `family`.
 */
export class ServerSocket {
  /** @internal */ readonly _raw: RawServer;

  /** @internal */
  constructor(raw: RawServer) {
    this._raw = raw;
  }

  /** The address family: `socket.AF_INET`, `socket.AF_INET6` or `socket.AF_UNIX`. */
  get family(): number {
    return this._raw.family;
  }

  /** The socket type: always `socket.SOCK_STREAM`. */
  get type(): number {
    return socket.SOCK_STREAM;
  }

  /** The bound address: `[host, port]` (IPv6: `[host, port, flowinfo, scope_id]`) or a Unix path. */
  getsockname(): SockAddr {
    return this._raw.getsockname();
  }

  /** The host object (Node: the `net.Server`). */
  get_host_socket(): unknown {
    return this._raw.socket;
  }

  /** The repr, as asyncio's: `<ServerSocket family=2 laddr=('127.0.0.1', 8888)>`. */
  toString(): string {
    return `<ServerSocket family=${this.family} laddr=${_format_sockaddr(this.getsockname())}>`;
  }
}

function resolve_void(future: Future<void>): void {
  if (!future.done()) future.set_result(undefined);
}

/**
 * A server made by `create_server()` / `start_server()` and their Unix twins
 * (asyncio's `Server`, as of Python 3.13).
 *
 * - It serves from creation, unless created with `{start_serving: false}`:
 *   then `start_serving()` or `serve_forever()` starts it.
 * - `close()` stops listening and leaves accepted connections open;
 *   `close_clients()` / `abort_clients()` end those too.
 * - `wait_closed()` waits until the server is closed *and* every connection
 *   it accepted is gone, whenever it is called (Python 3.12+; 3.11 and before
 *   returned at once when called after `close()`).
 * - `await using server = ...` closes the server and waits for it at scope
 *   exit, as asyncio's `async with server:` does.
 *
 * JavaScript hosts cannot bind a socket without listening on it, so a server
 * that does not serve yet holds what the host accepts (unread, at most
 * `backlog` connections; more are closed at once) and hands those
 * connections to the protocol factory when serving starts. A client sees the
 * same as with asyncio's unaccepted backlog: its connection opens, and
 * nothing answers until the server serves. `close()` drops held connections.
 *
 * @example
 * const server = yield* From(loop.create_server(() => new Echo(), '127.0.0.1', 8888));
 * const [host, port] = server.sockets[0]!.getsockname() as [string, number];
 * yield From(server.serve_forever()); // until cancelled; then closed
 */
export class Server extends AbstractServer {
  /** @internal */ readonly _loop: _LoopInternals;
  /** @internal The listening sockets, or `null` once closed. */
  _sockets: ServerSocket[] | null = [];
  /** @internal */ readonly _protocol_factory: ProtocolFactory<BaseProtocol>;
  /** @internal How many unserved connections are held before serving starts. */
  readonly _backlog: number;
  /** @internal Connections are handed to the protocol factory. */ _serving = false;
  /** @internal The Future `serve_forever()` waits on. */
  _serving_forever_fut: Future<void> | null = null;
  /**
   * @internal How many accepted connections have not yet called
   * `connection_lost` (asyncio's `_active_count`). A count, not a set of
   * them: `close_clients()` finds them among the loop's host resources.
   */
  _active_count = 0;
  /** @internal Futures of `wait_closed()`; `null` once they were woken. */
  _waiters: Future<void>[] | null = [];
  /** @internal Streams the host accepted before serving started. */
  _held: RawStream[] = [];
  /** @internal The `ssl_shutdown_timeout` of each connection (TLS servers), or `null`. */
  readonly _ssl_shutdown_timeout: number | null;
  /** @internal Makes each accepted connection's transport (stream_transport.ts's `serve_accepted`). */
  private readonly _serve_accepted: ServeAccepted;

  /**
   * @internal The transport maker comes from the caller (create_server()), so
   * that this class, which the package exports, does not reach the transports:
   * a browser app that imports it but never serves does not carry them.
   */
  constructor(
    loop: _LoopInternals,
    protocol_factory: ProtocolFactory<BaseProtocol>,
    backlog: number,
    ssl_shutdown_timeout: number | null,
    serve_accepted: ServeAccepted,
  ) {
    super();
    this._loop = loop;
    this._protocol_factory = protocol_factory;
    this._backlog = backlog;
    this._ssl_shutdown_timeout = ssl_shutdown_timeout;
    this._serve_accepted = serve_accepted;
    loop._host_resources.add(this);
  }

  override toString(): string {
    return `<Server sockets=[${this.sockets.join(', ')}]>`;
  }

  /**
   * The listening sockets: a new array at each read, empty once the server is
   * closed (Python 3.13 returns a tuple).
   *
   * @example
   * const port = (server.sockets[0]!.getsockname() as [string, number])[1];
   */
  get sockets(): ServerSocket[] {
    return this._sockets === null ? [] : [...this._sockets];
  }

  /**
   * The loop the server belongs to.
   *
   * @example
   * expect(server.get_loop()).toBe(loop);
   */
  override get_loop(): AbstractEventLoop {
    return this._loop;
  }

  /**
   * Whether the server hands new connections to its protocol factory: from
   * creation (or `start_serving()` / `serve_forever()`) until `close()`.
   *
   * @example
   * const server = yield* From(start_server(handle, '127.0.0.1', 0, { start_serving: false }));
   * server.is_serving(); // false
   * yield From(server.start_serving());
   * server.is_serving(); // true
   */
  override is_serving(): boolean {
    return this._serving;
  }

  /**
   * Start accepting connections, now: connections held since creation go to
   * the protocol factory first. Idempotent; nothing happens on a closed
   * server. The Future resolves after one loop iteration, once the held
   * connections were handed out (asyncio's `await server.start_serving()`).
   *
   * @example
   * const server = yield* From(loop.create_server(factory, '127.0.0.1', 0, { start_serving: false }));
   * // ... more set-up, while clients wait ...
   * yield From(server.start_serving());
   */
  override start_serving(): Future<void> {
    this._start_serving();
    const done = this._loop.create_future<void>();
    this._loop._call_soon(resolve_void, [done]);
    return done;
  }

  /**
   * Serve until cancelled: starts serving if needed, and never resolves.
   * Cancelling the returned Task closes the server, waits for
   * `wait_closed()`, then ends it cancelled; `close()` called elsewhere ends
   * it the same way. It fails with `RuntimeError` when another
   * `serve_forever()` is running, or when the server is closed.
   *
   * @example
   * const serving = server.serve_forever();
   * loop.call_later(60, () => serving.cancel()); // stop in a minute
   * try {
   *   yield From(serving);
   * } catch (exc) {
   *   if (!(exc instanceof CancelledError)) throw exc; // the server is closed now
   * }
   */
  override serve_forever(): Future<void> {
    return this._loop.create_task(this._serve_forever());
  }

  private *_serve_forever(): Generator<unknown, void, unknown> {
    if (this._serving_forever_fut !== null) {
      throw new RuntimeError(`server ${this} is already being awaited on serve_forever()`);
    }
    if (this._sockets === null) throw new RuntimeError(`server ${this} is closed`);
    this._start_serving();
    const forever = this._loop.create_future<void>();
    this._serving_forever_fut = forever;
    try {
      yield From(forever);
    } catch (exc) {
      if (!(exc instanceof CancelledError)) throw exc;
      this.close();
      try {
        yield From(this.wait_closed());
      } catch {
        // Cancelled again while waiting: the first cancellation is what ends us.
      }
      throw exc;
    } finally {
      if (this._serving_forever_fut === forever) this._serving_forever_fut = null;
    }
  }

  /**
   * Stop listening and stop serving; a running `serve_forever()` ends
   * cancelled. Connections already accepted stay open (see `close_clients()`);
   * connections held before serving started are dropped. Idempotent.
   *
   * @example
   * server.close();
   * yield From(server.wait_closed()); // the accepted connections are gone too
   */
  override close(): void {
    if (this._sockets === null) return;
    this._stop_listening();
    const forever = this._serving_forever_fut;
    if (forever !== null && !forever.done()) {
      forever.cancel();
      this._serving_forever_fut = null;
    }
    if (this._active_count === 0) this._wakeup();
  }

  /**
   * Close every connection the server accepted (`transport.close()`: their
   * buffered data is sent first). New connections are still accepted unless
   * the server is closed too.
   *
   * @example
   * server.close();
   * server.close_clients();
   * yield From(server.wait_closed());
   */
  override close_clients(): void {
    for (const transport of this._clients()) transport.close();
  }

  /**
   * Abort every connection the server accepted (`transport.abort()`: their
   * buffered data is dropped).
   *
   * @example
   * server.close();
   * server.abort_clients();
   * yield From(server.wait_closed());
   */
  override abort_clients(): void {
    for (const transport of this._clients()) transport.abort();
  }

  /**
   * A Future resolved once the server is closed and every connection it
   * accepted is gone (each transport's `connection_lost` has run), in either
   * order. It waits even when called after `close()` (asyncio 3.12+).
   *
   * @example
   * server.close();
   * yield From(server.wait_closed());
   */
  override wait_closed(): Future<void> {
    const waiter = this._loop.create_future<void>();
    if (this._waiters === null) waiter.set_result(undefined);
    else this._waiters.push(waiter);
    return waiter;
  }

  private _stop_listening(): void {
    const sockets = this._sockets ?? [];
    this._sockets = null;
    this._loop._host_resources.delete(this);
    for (const sock of sockets) sock._raw.close();
    this._serving = false;
    const held = this._held;
    this._held = [];
    for (const raw of held) raw.destroy();
  }

  /** @internal See `HostResource`: stop listening (the connections are the loop's resources themselves). */
  _close_at_loop_close(): void {
    if (this._loop.get_debug()) logger.warning(`unclosed server ${this}`);
    this._stop_listening();
  }

  /** @internal Add a listening socket (while the server is being created). */
  _add_socket(raw: RawServer): void {
    if (this._sockets === null) raw.close();
    else this._sockets.push(new ServerSocket(raw));
  }

  /** @internal Start handing connections to the protocol factory. */
  _start_serving(): void {
    if (this._serving || this._sockets === null) return;
    this._serving = true;
    const held = this._held;
    this._held = [];
    for (const raw of held) {
      if (this._loop.is_closed()) raw.destroy();
      else this._loop._call_soon(this._accept, [raw]);
    }
  }

  /** @internal The platform's accept callback (a host callback, outside loop iterations). */
  readonly _on_accept = (raw: RawStream): void => {
    if (this._loop.is_closed()) raw.destroy();
    else this._loop._call_soon(this._accept, [raw]);
  };

  /** One accepted connection, inside a loop iteration: make its protocol and transport. */
  private readonly _accept = (raw: RawStream): void => {
    if (this._sockets === null) {
      raw.destroy();
      return;
    }
    if (!this._serving) {
      // Not serving yet: the connection waits, like one in asyncio's listen backlog.
      if (this._held.length < this._backlog) this._held.push(raw);
      else raw.destroy();
      return;
    }
    let protocol: BaseProtocol;
    try {
      protocol = this._protocol_factory();
    } catch (exc) {
      raw.destroy();
      this._loop.call_exception_handler({
        message: 'Error on transport creation for incoming connection',
        exception: exc,
      });
      return;
    }
    this._serve_accepted(this, raw, protocol);
  };

  /** @internal A transport of this server was created. */
  _attach(): void {
    this._active_count++;
  }

  /** @internal A transport of this server called connection_lost (or was replaced by start_tls). */
  _detach(): void {
    if (--this._active_count === 0 && this._sockets === null) this._wakeup();
  }

  /**
   * The transports of the accepted connections whose host stream is open, in
   * the order they were made: those `close_clients()` and `abort_clients()`
   * act on (one whose stream is gone is already on its way to connection_lost).
   */
  private _clients(): _StreamTransport[] {
    const clients: _StreamTransport[] = [];
    for (const resource of this._loop._host_resources) {
      if ((resource as Partial<_StreamTransport>)._server === this) {
        clients.push(resource as _StreamTransport);
      }
    }
    return clients;
  }

  private _wakeup(): void {
    const waiters = this._waiters;
    this._waiters = null;
    if (waiters === null) return;
    for (const waiter of waiters) resolve_void(waiter);
  }
}
