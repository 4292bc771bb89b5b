// The loop's networking: create_connection/create_server, Unix sockets, pipes, getaddrinfo, signals (asyncio base_events.py).

import type { BaseEventLoop } from './base_events.js';
import { iscoroutine, iscoroutinefunction, From } from './coroutines.js';
import { Handle } from './events.js';
import { NotImplementedError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { OSError, os_error_from_code } from './os_errors.js';
import type { AddrInfo, RawServer, RawStream, SockAddr } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { Server } from './server.js';
import { socket, _format_sockaddr } from './sockets.js';
import { _ssl_context_of } from './ssl.js';
import { _StreamTransport, type Direction } from './stream_transport.js';
import type { Task } from './tasks.js';
import type { ReadTransport, Transport, WriteTransport } from './transports.js';
import {
  _websocket_listen,
  _websocket_protocols,
  _websocket_url,
  type WebSocketConnectOptions,
  type WebSocketListenOptions,
} from './websocket.js';

/**
 * Options of `loop.create_connection()` (asyncio's keyword arguments), plus
 * the WebSocket ones (`websocket`, `url`, `path`, `protocols`).
 */
export interface CreateConnectionOptions extends WebSocketConnectOptions {
  /** TLS: an `SSLContext`, or `true` for `ssl.create_default_context()`. */
  ssl?: unknown;
  /** Restrict name resolution to `socket.AF_INET` or `socket.AF_INET6` (default: any). */
  family?: number;
  proto?: number;
  flags?: number;
  /** An already connected host socket (Node: a `net.Socket`) instead of host/port. */
  sock?: unknown;
  /** Bind the local end to `[host, port]` first. */
  local_addr?: [host: string, port: number] | null;
  server_hostname?: string | null;
  /** Seconds the TLS handshake may take before the connection is aborted (default 60). */
  ssl_handshake_timeout?: number | null;
}

/** Options of `loop.create_server()`, plus `websocket` (serve WebSocket clients). */
export interface CreateServerOptions extends WebSocketListenOptions {
  family?: number;
  flags?: number;
  /** A host server object (Node: a `net.Server`) instead of host/port. */
  sock?: unknown;
  /** The listen queue length (default 100). */
  backlog?: number;
  ssl?: unknown;
  /**
   * Allow binding a port in TIME_WAIT (default `true`). Node's libuv always
   * sets `SO_REUSEADDR` on listening TCP sockets, so `false` has no effect there.
   */
  reuse_address?: boolean | null;
  /** Let several sockets bind the same port (`SO_REUSEPORT`), where the host supports it. */
  reuse_port?: boolean | null;
  /** Seconds a client's TLS handshake may take before the connection is dropped (default 60). */
  ssl_handshake_timeout?: number | null;
  /**
   * Accept connections as soon as the server is bound (default `true`); with
   * `false`, `server.start_serving()` or `server.serve_forever()` starts it.
   */
  start_serving?: boolean;
}

/** Options of `loop.create_unix_connection()`. */
export interface CreateUnixConnectionOptions {
  ssl?: unknown;
  sock?: unknown;
  server_hostname?: string | null;
}

/** Options of `loop.create_unix_server()`. */
export interface CreateUnixServerOptions {
  sock?: unknown;
  backlog?: number;
  ssl?: unknown;
  /**
   * Accept connections as soon as the server is bound (default `true`); with
   * `false`, `server.start_serving()` or `server.serve_forever()` starts it.
   */
  start_serving?: boolean;
}

/** Options of `loop.getaddrinfo()`: 0 (the default) means any. */
export interface GetAddrInfoOptions {
  family?: number;
  type?: number;
  proto?: number;
  flags?: number;
}

export { Server, ServerSocket } from './server.js';

/** A protocol factory: called once per connection, it returns the connection's protocol. */
export type ProtocolFactory<P extends BaseProtocol> = () => P;

// ---- helpers ----------------------------------------------------------------------------------

/**
 * A Future of `promise`'s outcome on `loop`. If nobody wants the value any
 * more (the Future was cancelled, the loop closed), `orphan(value)` releases it.
 */
/** @internal */
export function host_future<T>(
  loop: BaseEventLoop,
  promise: Promise<T>,
  orphan?: (value: T) => void,
): Future<T> {
  const future = loop.create_future<T>();
  promise.then(
    (value) => {
      if (future.done() || loop.is_closed()) orphan?.(value);
      else future.set_result(value);
    },
    (error: unknown) => {
      if (!future.done() && !loop.is_closed()) future.set_exception(error);
    },
  );
  return future;
}

const destroy_raw = (raw: RawStream): void => raw.destroy();
const close_raw_server = (raw: RawServer): void => raw.close();

function check_start_serving(start_serving: unknown): boolean {
  if (start_serving === undefined || start_serving === null) return true;
  if (typeof start_serving !== 'boolean') {
    throw new TypeError(`start_serving must be a boolean, got ${repr(start_serving)}`);
  }
  return start_serving;
}

function check_ssl_server(ssl: unknown): void {
  if (typeof ssl === 'boolean') throw new TypeError('ssl argument must be an SSLContext or None');
}

/** @internal */
export function check_factory(factory: unknown): void {
  if (typeof factory !== 'function') {
    throw new TypeError(`protocol_factory must be a callable, got ${repr(factory)}`);
  }
}

function is_none(x: unknown): x is null | undefined {
  return x === null || x === undefined;
}

/** Wrap a protocol and a connected stream in a transport, and wait for connection_made. @internal */
export function* _make_transport<P extends BaseProtocol>(
  loop: BaseEventLoop,
  raw: RawStream,
  protocol_factory: ProtocolFactory<P>,
  direction: Direction,
  extra: Record<string, unknown> | null,
): Generator<unknown, [_StreamTransport, P], unknown> {
  let protocol: P;
  try {
    protocol = protocol_factory();
  } catch (exc) {
    raw.destroy();
    throw exc;
  }
  const waiter = loop.create_future<null>();
  const transport = new _StreamTransport(loop, raw, protocol, waiter, extra, null, direction);
  try {
    yield From(waiter);
  } catch (exc) {
    transport.close();
    throw exc;
  }
  return [transport, protocol];
}

// ---- getaddrinfo / getnameinfo ---------------------------------------------------------------

/** `loop.getaddrinfo()`: a Future of `[family, type, proto, canonname, sockaddr]` entries. */
export function getaddrinfo(
  loop: BaseEventLoop,
  host: string | null | undefined,
  port: number | string | null | undefined,
  options: GetAddrInfoOptions = {},
): Future<AddrInfo[]> {
  if (!is_none(host) && typeof host !== 'string') {
    throw new TypeError(`getaddrinfo() argument 1 must be string or None, not ${repr(host)}`);
  }
  if (!is_none(port) && typeof port !== 'string' && typeof port !== 'number') {
    throw new TypeError(`getaddrinfo() port must be an int, a string or None, not ${repr(port)}`);
  }
  const opts = {
    family: options.family ?? 0,
    type: options.type ?? 0,
    proto: options.proto ?? 0,
    flags: options.flags ?? 0,
  };
  let promise: Promise<AddrInfo[]>;
  try {
    promise = loop._platform.getaddrinfo(host ?? null, port ?? null, opts);
  } catch (exc) {
    promise = Promise.reject(exc);
  }
  return host_future(loop, promise);
}

/** `loop.getnameinfo()`: a Future of `[host, service]`. */
export function getnameinfo(
  loop: BaseEventLoop,
  sockaddr: SockAddr,
  flags = 0,
): Future<[string, string]> {
  if (!Array.isArray(sockaddr) || sockaddr.length < 2) {
    throw new TypeError(`getnameinfo() argument 1 must be a tuple, not ${repr(sockaddr)}`);
  }
  let promise: Promise<[string, string]>;
  try {
    promise = loop._platform.getnameinfo(sockaddr, flags);
  } catch (exc) {
    promise = Promise.reject(exc);
  }
  return host_future(loop, promise);
}

// ---- create_connection ------------------------------------------------------------------------

/** `loop.create_connection()`: checks the arguments now, connects in a Task. */
export function create_connection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<P>,
  host: string | null | undefined,
  port: number | string | null | undefined,
  options: CreateConnectionOptions = {},
): Task<[Transport, P]> {
  check_factory(protocol_factory);
  let server_hostname = options.server_hostname;
  const ssl = options.ssl;
  if (!is_none(server_hostname) && !ssl) {
    throw new ValueError('server_hostname is only meaningful with ssl');
  }
  if (is_none(server_hostname) && ssl) {
    if (!host) throw new ValueError('You must set server_hostname when using ssl without a host');
    server_hostname = host;
  }
  const has_sock = !is_none(options.sock);
  if (!is_none(options.url)) {
    if (!is_none(host) || !is_none(port) || has_sock) {
      throw new ValueError('url can not be specified with host/port or sock');
    }
  } else if (!is_none(host) || !is_none(port)) {
    if (has_sock) throw new ValueError('host/port and sock can not be specified at the same time');
  } else if (!has_sock) {
    throw new ValueError('host and port was not specified and no sock specified');
  }
  const url = has_sock ? null : _websocket_url(loop._platform, host ?? null, port ?? null, options);
  loop._check_closed();
  if (url !== null) {
    const opts = { url, protocols: _websocket_protocols(options), ssl: ssl || null };
    return loop.create_task(
      (function* (): Generator<unknown, [Transport, P], unknown> {
        const connecting = loop._platform.connect_stream(opts);
        const raw = yield* From(host_future(loop, connecting, destroy_raw));
        return yield* _make_transport(loop, raw, protocol_factory, 'both', null);
      })(),
    );
  }
  return loop.create_task(
    create_connection_coro(
      loop,
      protocol_factory,
      host ?? null,
      port ?? null,
      options,
      server_hostname ?? null,
    ),
  ) as Task<[Transport, P]>;
}

function* create_connection_coro<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<P>,
  host: string | null,
  port: number | string | null,
  options: CreateConnectionOptions,
  server_hostname: string | null,
): Generator<unknown, [_StreamTransport, P], unknown> {
  const platform = loop._platform;
  const ssl = _ssl_context_of(options.ssl, false);
  const ssl_handshake_timeout = options.ssl_handshake_timeout ?? null;
  let raw: RawStream | undefined;
  if (!is_none(options.sock)) {
    raw = yield* From(
      host_future(
        loop,
        platform.connect_stream({
          sock: options.sock,
          ssl,
          server_hostname,
          ssl_handshake_timeout,
        }),
        destroy_raw,
      ),
    );
  } else {
    const lookup = {
      family: options.family ?? 0,
      type: socket.SOCK_STREAM,
      proto: options.proto ?? 0,
      flags: options.flags ?? 0,
    };
    const infos = yield* From(getaddrinfo(loop, host, port, lookup));
    if (infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
    let local_infos: AddrInfo[] | null = null;
    if (!is_none(options.local_addr)) {
      const [lhost, lport] = options.local_addr;
      local_infos = yield* From(getaddrinfo(loop, lhost, lport, lookup));
      if (local_infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
    }
    const exceptions: Error[] = [];
    for (const [family, , , , address] of infos) {
      const [addr_host, addr_port] = address as [string, number];
      const candidates =
        local_infos === null ? [null] : local_infos.filter((info) => info[0] === family);
      if (candidates.length === 0) {
        exceptions.push(new OSError(`no matching local address with family=${family} found`));
        continue;
      }
      for (const local of candidates) {
        try {
          raw = yield* From(
            host_future(
              loop,
              platform.connect_stream({
                host: addr_host,
                port: addr_port,
                family,
                local_addr: local === null ? null : (local[4] as [string, number]),
                ssl,
                server_hostname,
                ssl_handshake_timeout,
              }),
              destroy_raw,
            ),
          );
          break;
        } catch (exc) {
          if (!(exc instanceof OSError)) throw exc;
          exceptions.push(exc);
        }
      }
      if (raw !== undefined) break;
    }
    if (raw === undefined) {
      if (exceptions.length === 1) throw exceptions[0]!;
      const model = exceptions[0]!.message;
      if (exceptions.every((exc) => exc.message === model)) throw exceptions[0]!;
      throw new OSError(`Multiple exceptions: ${exceptions.map((exc) => exc.message).join(', ')}`);
    }
  }
  return yield* _make_transport(loop, raw, protocol_factory, 'both', null);
}

// ---- create_server ----------------------------------------------------------------------------

/** `loop.create_server()`: checks the arguments now, binds in a Task. */
export function create_server(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<BaseProtocol>,
  host: string | readonly string[] | null | undefined,
  port: number | string | null | undefined,
  options: CreateServerOptions = {},
): Task<Server> {
  check_factory(protocol_factory);
  check_ssl_server(options.ssl);
  const start_serving = check_start_serving(options.start_serving);
  const has_sock = !is_none(options.sock);
  const websocket = _websocket_listen(options.websocket);
  if (websocket !== null && !is_none(websocket.server)) {
    // One WebSocket server on the user's HTTP server: no address to resolve.
    if (!is_none(host) || !is_none(port) || has_sock) {
      throw new ValueError('websocket.server can not be specified with host/port or sock');
    }
    loop._check_closed();
    const backlog = options.backlog ?? 100;
    const opts = { websocket, backlog, ssl: options.ssl ?? null };
    const server = new Server(loop, protocol_factory, backlog);
    return make_server(
      loop,
      server,
      (function* (): Generator<unknown, void, unknown> {
        const listening = loop._platform.listen_stream(opts, server._on_accept);
        server._add_socket(yield* From(host_future(loop, listening, close_raw_server)));
      })(),
      start_serving,
    );
  }
  if (!is_none(host) || !is_none(port)) {
    if (has_sock) throw new ValueError('host/port and sock can not be specified at the same time');
  } else if (!has_sock) {
    throw new ValueError('Neither host/port nor sock were specified');
  }
  loop._check_closed();
  const server = new Server(loop, protocol_factory, options.backlog ?? 100);
  return make_server(
    loop,
    server,
    bind_server(loop, server, host, port ?? null, options),
    start_serving,
  );
}

/** Bind the sockets of `create_server()`, adding each to `server` (which closes them on failure). */
function* bind_server(
  loop: BaseEventLoop,
  server: Server,
  host: string | readonly string[] | null | undefined,
  port: number | string | null,
  options: CreateServerOptions,
): Generator<unknown, void, unknown> {
  const platform = loop._platform;
  const on_accept = server._on_accept;
  const backlog = server._backlog;
  const ssl = _ssl_context_of(options.ssl, true);
  const ssl_handshake_timeout = options.ssl_handshake_timeout ?? null;
  if (!is_none(options.sock)) {
    const raw = yield* From(
      host_future(
        loop,
        platform.listen_stream(
          { sock: options.sock, backlog, ssl, ssl_handshake_timeout },
          on_accept,
        ),
        close_raw_server,
      ),
    );
    server._add_socket(raw);
  } else {
    const hosts: (string | null)[] =
      is_none(host) || host === '' ? [null] : typeof host === 'string' ? [host] : [...host];
    const lookup = {
      family: options.family ?? 0,
      type: socket.SOCK_STREAM,
      proto: 0,
      flags: (options.flags ?? 0) | socket.AI_PASSIVE,
    };
    const seen = new Set<string>();
    const infos: AddrInfo[] = [];
    for (const h of hosts) {
      for (const info of yield* From(getaddrinfo(loop, h, port, lookup))) {
        const key = `${info[0]} ${_format_sockaddr(info[4])}`;
        if (!seen.has(key)) {
          seen.add(key);
          infos.push(info);
        }
      }
    }
    for (const [family, , , , address] of infos) {
      const [addr_host, addr_port] = address as [string, number];
      let raw: RawServer;
      try {
        raw = yield* From(
          host_future(
            loop,
            platform.listen_stream(
              {
                host: addr_host,
                port: addr_port,
                family,
                backlog,
                reuse_address: options.reuse_address ?? true,
                reuse_port: options.reuse_port ?? false,
                ipv6_only: family === socket.AF_INET6,
                ssl,
                ssl_handshake_timeout,
                websocket: _websocket_listen(options.websocket),
              },
              on_accept,
            ),
            close_raw_server,
          ),
        );
      } catch (exc) {
        // All interfaces on a host without IPv6: asyncio skips a family the OS lacks.
        if (exc instanceof OSError && exc.code === 'EAFNOSUPPORT' && hosts[0] === null) continue;
        if (exc instanceof OSError && exc.strerror !== null && exc.code !== undefined) {
          throw os_error_from_code(
            exc.code,
            `error while attempting to bind on address ${_format_sockaddr(address)}: ${exc.strerror.toLowerCase()}`,
            exc.cause ?? exc,
          );
        }
        throw exc;
      }
      server._add_socket(raw);
    }
  }
}

/**
 * The Task of `create_server()` / `create_unix_server()`: run `bind`, then
 * start serving unless `{start_serving: false}`; on failure (or
 * cancellation) close what was bound and drop what was accepted.
 */
function make_server(
  loop: BaseEventLoop,
  server: Server,
  bind: Generator<unknown, void, unknown>,
  start_serving: boolean,
): Task<Server> {
  return loop.create_task(
    (function* (): Generator<unknown, Server, unknown> {
      try {
        yield* bind;
      } catch (exc) {
        server.close();
        throw exc;
      }
      if (start_serving) server._start_serving();
      return server;
    })(),
  );
}

// ---- Unix sockets -------------------------------------------------------------------------------

/** `loop.create_unix_connection()`. */
export function create_unix_connection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<P>,
  path: string | null | undefined,
  options: CreateUnixConnectionOptions = {},
): Task<[Transport, P]> {
  check_factory(protocol_factory);
  const ssl = options.ssl;
  let server_hostname = options.server_hostname;
  if (ssl) {
    if (is_none(server_hostname))
      throw new ValueError('you have to pass server_hostname when using ssl');
  } else if (!is_none(server_hostname)) {
    throw new ValueError('server_hostname is only meaningful with ssl');
  }
  server_hostname ??= null;
  const has_sock = !is_none(options.sock);
  if (!is_none(path)) {
    if (has_sock) throw new ValueError('path and sock can not be specified at the same time');
    if (typeof path !== 'string') throw new TypeError(`path must be a string, not ${repr(path)}`);
  } else if (!has_sock) {
    throw new ValueError('no path and sock were specified');
  }
  loop._check_closed();
  const opts = is_none(path)
    ? { sock: options.sock, ssl: _ssl_context_of(ssl, false), server_hostname }
    : { path, ssl: _ssl_context_of(ssl, false), server_hostname };
  return loop.create_task(
    (function* (): Generator<unknown, [Transport, P], unknown> {
      const raw = yield* From(host_future(loop, loop._platform.connect_stream(opts), destroy_raw));
      return yield* _make_transport(loop, raw, protocol_factory, 'both', null);
    })(),
  );
}

/** `loop.create_unix_server()`. */
export function create_unix_server(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<BaseProtocol>,
  path: string | null | undefined,
  options: CreateUnixServerOptions = {},
): Task<Server> {
  check_factory(protocol_factory);
  check_ssl_server(options.ssl);
  const has_sock = !is_none(options.sock);
  if (!is_none(path)) {
    if (has_sock) throw new ValueError('path and sock can not be specified at the same time');
    if (typeof path !== 'string') throw new TypeError(`path must be a string, not ${repr(path)}`);
  } else if (!has_sock) {
    throw new ValueError('path was not specified, and no sock specified');
  }
  const start_serving = check_start_serving(options.start_serving);
  loop._check_closed();
  const backlog = options.backlog ?? 100;
  const ssl = _ssl_context_of(options.ssl, true);
  const server = new Server(loop, protocol_factory, backlog);
  return make_server(
    loop,
    server,
    (function* (): Generator<unknown, void, unknown> {
      const opts = is_none(path) ? { sock: options.sock, backlog, ssl } : { path, backlog, ssl };
      let raw: RawServer;
      try {
        raw = yield* From(
          host_future(
            loop,
            loop._platform.listen_stream(opts, server._on_accept),
            close_raw_server,
          ),
        );
      } catch (exc) {
        if (exc instanceof OSError && exc.code === 'EADDRINUSE' && !is_none(path)) {
          throw os_error_from_code(
            'EADDRINUSE',
            `Address ${repr(path)} is already in use`,
            exc.cause ?? exc,
          );
        }
        throw exc;
      }
      if (raw.family !== socket.AF_UNIX) {
        raw.close();
        throw new ValueError(`A UNIX Domain Socket was expected, got ${repr(options.sock)}`);
      }
      server._add_socket(raw);
    })(),
    start_serving,
  );
}

// ---- pipes ------------------------------------------------------------------------------------

/** `loop.connect_read_pipe()` / `connect_write_pipe()`. */
export function connect_pipe<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocol_factory: ProtocolFactory<P>,
  pipe: unknown,
  mode: 'read' | 'write',
): Task<[ReadTransport & WriteTransport, P]> {
  check_factory(protocol_factory);
  loop._check_closed();
  const raw = loop._platform.open_pipe(pipe, mode);
  return loop.create_task(_make_transport(loop, raw, protocol_factory, mode, { pipe }));
}

// ---- signals ----------------------------------------------------------------------------------

const signal_handlers = new WeakMap<BaseEventLoop, Map<string, Handle>>();

/** `loop.add_signal_handler()`: `callback(...args)` runs in the loop each time `sig` arrives. */
export function add_signal_handler(
  loop: BaseEventLoop,
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
export function remove_signal_handler(loop: BaseEventLoop, sig: number | string): boolean {
  const name = loop._platform.signal_name(sig);
  const handlers = signal_handlers.get(loop);
  const handle = handlers?.get(name);
  if (handle === undefined) return false;
  handlers!.delete(name);
  handle.cancel();
  return loop._platform.remove_signal_handler(name);
}

/** Remove every signal handler of `loop` (at `loop.close()`). @internal */
export function _close_signal_handlers(loop: BaseEventLoop): void {
  const handlers = signal_handlers.get(loop);
  if (handlers === undefined) return;
  signal_handlers.delete(loop);
  for (const [name, handle] of handlers) {
    handle.cancel();
    loop._platform.remove_signal_handler(name);
  }
}

// ---- sock_* -----------------------------------------------------------------------------------

/** The `sock_*` methods: JavaScript hosts have no raw socket objects. */
export function sock_not_implemented(method: string): never {
  throw new NotImplementedError(
    `${method}() needs a raw socket object, which JavaScript hosts do not expose; ` +
      'use loop.create_connection() / loop.create_server() with a Protocol, or open_connection() / start_server() streams',
  );
}
