// The options objects of the loop's network methods and the keys and kinds check_options() holds them to (asyncio base_events.py's keyword arguments, 3.13).

import { SSL_SHUTDOWN_TIMEOUT } from './constants.js';
import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { OptionKind, OptionSpec } from './options.js';
import type { BaseProtocol } from './protocols.js';
import {
  WEBSOCKET_CONNECT_OPTIONS,
  WEBSOCKET_LISTEN_OPTIONS,
  type WebSocketConnectOptions,
  type WebSocketListenOptions,
} from './websocket.js';

/**
 * Options of `loop.create_connection()` (asyncio 3.13's keyword arguments), plus
 * the WebSocket ones (`websocket`, `url`, `path`, `protocols`).
 */
export interface CreateConnectionOptions extends WebSocketConnectOptions {
  /** TLS: an `SSLContext`, or `true` for `ssl.create_default_context()`. */
  ssl?: unknown;
  /** Restrict name resolution to `socket.AF_INET` or `socket.AF_INET6` (default: any). */
  family?: number;
  /** Restrict name resolution to this protocol (`socket.IPPROTO_TCP`; default: any). */
  proto?: number;
  /** `getaddrinfo()` flags for resolving `host` (`socket.AI_*`). */
  flags?: number;
  /** An already connected host socket (Node: a `net.Socket`) instead of host/port. */
  sock?: unknown;
  /** Bind the local end to `[host, port]` first. */
  local_addr?: [host: string, port: number] | null;
  /** The name to send (SNI) and check the certificate against (default: `host`). */
  server_hostname?: string | null;
  /** Seconds the TLS handshake may take before the connection is aborted (default 60). */
  ssl_handshake_timeout?: number | null;
  /**
   * Seconds `close()` may take to flush and shut TLS down before the
   * connection is aborted, `connection_lost()` then getting a `TimeoutError`
   * (default 30).
   */
  ssl_shutdown_timeout?: number | null;
  /**
   * Happy Eyeballs (RFC 8305): start connecting to the next address after
   * this many seconds (or as soon as the attempt before failed) instead of
   * waiting for each attempt to fail; the first connection made wins and the
   * others are cancelled. asyncio recommends 0.25. Default: one at a time.
   */
  happy_eyeballs_delay?: number | null;
  /**
   * Reorder the resolved addresses by family: this many of the first family
   * first, then alternating. Default 0 (no reordering), or 1 with
   * `happy_eyeballs_delay`.
   */
  interleave?: number | null;
  /**
   * When every address fails, throw an `ExceptionGroup` of every error
   * (asyncio 3.12) instead of one `OSError` (default `false`).
   */
  all_errors?: boolean | null;
}

/** Options of `loop.create_server()` (asyncio 3.13's keyword arguments), plus `websocket` (serve WebSocket clients). */
export interface CreateServerOptions extends WebSocketListenOptions {
  /** Restrict the bound addresses to `socket.AF_INET` or `socket.AF_INET6` (default: any). */
  family?: number;
  /** `getaddrinfo()` flags for resolving `host` (default `socket.AI_PASSIVE`: `null` is the wildcard address). */
  flags?: number;
  /** A listening host server (Node: a `net.Server`) instead of host/port. */
  sock?: unknown;
  /** The listen queue length (default 100). */
  backlog?: number;
  /** TLS: an `SSLContext` (`true` is refused: a server needs its certificate). */
  ssl?: unknown;
  /**
   * Allow binding a port in TIME_WAIT (`SO_REUSEADDR`). Default: the host's
   * (on with Node outside Windows, where libuv always sets it, so `false` is
   * refused there, and `true` on Windows).
   */
  reuse_address?: boolean | null;
  /**
   * Let several sockets bind the same port (`SO_REUSEPORT`), the kernel
   * spreading connections over them. Node 22.12+ and 23.1+ have it (Linux,
   * FreeBSD and a few other systems; elsewhere binding fails with `OSError`);
   * an older Node fails the server with a `ValueError`. `node:cluster`
   * workers share a port without it.
   */
  reuse_port?: boolean | null;
  /**
   * Turn `SO_KEEPALIVE` on for the accepted connections (asyncio 3.13;
   * default `false`). Not with `sock` or a WebSocket server, whose host
   * server is not ours to configure.
   */
  keep_alive?: boolean | null;
  /** Seconds a client's TLS handshake may take before the connection is dropped (default 60). */
  ssl_handshake_timeout?: number | null;
  /** Seconds a connection's `close()` may take to shut TLS down before it is aborted (default 30). */
  ssl_shutdown_timeout?: number | null;
  /**
   * Accept connections as soon as the server is bound (default `true`); with
   * `false`, `server.start_serving()` or `server.serve_forever()` starts it.
   */
  start_serving?: boolean | null;
}

/** Options of `loop.create_unix_connection()` (asyncio 3.13's keyword arguments). */
export interface CreateUnixConnectionOptions {
  /** TLS: an `SSLContext`, or `true` for `ssl.create_default_context()`. */
  ssl?: unknown;
  /** A connected host socket (Node: a `net.Socket`) instead of a path. */
  sock?: unknown;
  /** With `ssl`: the name to send (SNI) and check the certificate against (required). */
  server_hostname?: string | null;
  /** Seconds the TLS handshake may take before the connection is aborted (default 60). */
  ssl_handshake_timeout?: number | null;
  /** Seconds `close()` may take to shut TLS down before the connection is aborted (default 30). */
  ssl_shutdown_timeout?: number | null;
}

/** Options of `loop.create_unix_server()` (asyncio 3.13's keyword arguments). */
export interface CreateUnixServerOptions {
  /** A listening host server (Node: a `net.Server` on a Unix path) instead of a path. */
  sock?: unknown;
  /** The listen queue length (default 100). */
  backlog?: number;
  /** TLS: an `SSLContext` (`true` is refused: a server needs its certificate). */
  ssl?: unknown;
  /** Seconds a client's TLS handshake may take before the connection is dropped (default 60). */
  ssl_handshake_timeout?: number | null;
  /** Seconds a connection's `close()` may take to shut TLS down before it is aborted (default 30). */
  ssl_shutdown_timeout?: number | null;
  /**
   * Accept connections as soon as the server is bound (default `true`); with
   * `false`, `server.start_serving()` or `server.serve_forever()` starts it.
   */
  start_serving?: boolean | null;
  /**
   * Remove the socket file when the server closes (asyncio 3.13; default
   * `true`). The host always does (Node removes it), so `false` is refused.
   */
  cleanup_socket?: boolean | null;
}

/** Options of `loop.getaddrinfo()`: 0 (the default) means any. */
export interface GetAddrInfoOptions {
  /** The address family: `socket.AF_INET`, `socket.AF_INET6` or `socket.AF_UNSPEC`. */
  family?: number;
  /** The socket type: `socket.SOCK_STREAM` or `socket.SOCK_DGRAM`. */
  type?: number;
  /** The protocol: `socket.IPPROTO_TCP` or `socket.IPPROTO_UDP`. */
  proto?: number;
  /** `socket.AI_*` flags. */
  flags?: number;
}

/** Options of `loop.getnameinfo()`, for those who pass `flags` by name. */
export interface GetNameInfoOptions {
  /** `socket.NI_*` flags (default 0). */
  flags?: number;
}

/** A protocol factory: called once per connection, it returns the connection's protocol. */
export type ProtocolFactory<P extends BaseProtocol> = () => P;

// ---- the options each method takes (asyncio 3.13's keyword arguments) ------------------------

const INT: readonly OptionKind[] = ['integer', 'null'];
const BOOL: readonly OptionKind[] = ['boolean', 'null'];
const SECONDS: readonly OptionKind[] = ['number', 'null'];
const SSL: readonly OptionKind[] = ['boolean', 'object', 'null'];
const HOST_OBJECT: readonly OptionKind[] = ['object', 'null'];

// The tables that add the WebSocket keys use Object.assign marked pure rather
// than a spread: esbuild keeps a spread of another object (a getter could run).

/** The keys and kinds of {@link CreateConnectionOptions}, for `check_options()`. @internal */
export const CREATE_CONNECTION_OPTIONS: OptionSpec = /* @__PURE__ */ Object.assign(
  {
    ssl: SSL,
    family: INT,
    proto: INT,
    flags: INT,
    sock: HOST_OBJECT,
    local_addr: ['array', 'null'],
    server_hostname: ['string', 'null'],
    ssl_handshake_timeout: SECONDS,
    ssl_shutdown_timeout: SECONDS,
    happy_eyeballs_delay: SECONDS,
    interleave: INT,
    all_errors: BOOL,
  },
  WEBSOCKET_CONNECT_OPTIONS,
);

/** The keys and kinds of {@link CreateServerOptions}, for `check_options()`. @internal */
export const CREATE_SERVER_OPTIONS: OptionSpec = /* @__PURE__ */ Object.assign(
  {
    family: INT,
    flags: INT,
    sock: HOST_OBJECT,
    backlog: INT,
    ssl: SSL,
    reuse_address: BOOL,
    reuse_port: BOOL,
    keep_alive: BOOL,
    ssl_handshake_timeout: SECONDS,
    ssl_shutdown_timeout: SECONDS,
    start_serving: BOOL,
  },
  WEBSOCKET_LISTEN_OPTIONS,
);

/** The keys and kinds of {@link CreateUnixConnectionOptions}, for `check_options()`. @internal */
export const CREATE_UNIX_CONNECTION_OPTIONS: OptionSpec = {
  ssl: SSL,
  sock: HOST_OBJECT,
  server_hostname: ['string', 'null'],
  ssl_handshake_timeout: SECONDS,
  ssl_shutdown_timeout: SECONDS,
};

/** The keys and kinds of {@link CreateUnixServerOptions}, for `check_options()`. @internal */
export const CREATE_UNIX_SERVER_OPTIONS: OptionSpec = {
  sock: HOST_OBJECT,
  backlog: INT,
  ssl: SSL,
  ssl_handshake_timeout: SECONDS,
  ssl_shutdown_timeout: SECONDS,
  start_serving: BOOL,
  cleanup_socket: BOOL,
};

/** The keys and kinds of {@link GetAddrInfoOptions}, for `check_options()`. @internal */
export const GETADDRINFO_OPTIONS: OptionSpec = { family: INT, type: INT, proto: INT, flags: INT };

/** The keys and kinds of {@link GetNameInfoOptions}, for `check_options()`. @internal */
export const GETNAMEINFO_OPTIONS: OptionSpec = { flags: INT };

/** asyncio's `constants.SSL_SHUTDOWN_TIMEOUT`: seconds a TLS `close()` may take by default. */
export { SSL_SHUTDOWN_TIMEOUT };

// ---- ports ------------------------------------------------------------------------------------

/** A port that is all digits: a number, as C's getaddrinfo reads it. */
const NUMERIC_PORT = /^[0-9]+$/;

/**
 * Check a port argument at the call, the one check every network method
 * shares: an integer from 0 to 65535, `null`/`undefined` (none), or, with
 * `service` (ports that go through `getaddrinfo()`), a string: digits (held
 * to the same range) or a service name such as `'http'`.
 *
 * An integer out of range is a `ValueError` (Python raises `OverflowError`,
 * `connect(): port must be 0-65535.`, which this library does not have); any
 * other value (`1.5`, `NaN`, `true`, and a string where no service name is
 * possible, as in `sendto()`) a `TypeError` (Python's `'float' object cannot
 * be interpreted as an integer`). Both name the method, the argument and the value:
 * `ValueError: create_connection(): port must be 0-65535, not 70000`.
 * @internal
 */
export function _check_port(where: string, port: unknown, what = 'port', service = true): void {
  if (port === null || port === undefined) return;
  let number: number;
  if (typeof port === 'number' && Number.isInteger(port)) {
    number = port;
  } else if (service && typeof port === 'string') {
    if (!NUMERIC_PORT.test(port)) return; // a service name: the resolver decides
    number = Number(port);
  } else {
    const kinds = service ? 'an integer, a string or None' : 'an integer';
    throw new TypeError(`${where}(): ${what} must be ${kinds}, not ${repr(port)}`);
  }
  if (number < 0 || number > 65535) {
    throw new ValueError(`${where}(): ${what} must be 0-65535, not ${repr(port)}`);
  }
}

/**
 * Check the port of a socket address (`[host, port]`, `[host, port, flowinfo,
 * scope_id]`) with {@link _check_port}; `null` and anything that is not an
 * array (a Unix path) are left alone. No service names: the address is used
 * as it is, as Python's `sendto()` does.
 * @internal
 */
export function _check_sockaddr_port(where: string, address: unknown, what = 'port'): void {
  if (Array.isArray(address)) _check_port(where, address[1], what, false);
}
