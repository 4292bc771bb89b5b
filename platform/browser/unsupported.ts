// Browser backend: loud stubs for what browsers cannot do (TCP and Unix sockets, pipes, UDP, TLS upgrades, processes, DNS).
//
// The ws lesson (websockets/ws browser.js): fail at once, and say what to use instead.
// Two faces of the same refusals: the loop's methods that need the operating
// system (UNSUPPORTED_IO_METHODS, in place of loop_io_methods.ts's
// OS_IO_METHODS, which the browser's I/O chunk does not carry), and the
// host's stubs of the HostIo contract. Usage: assembled into `browser_io` by ./io.ts.

import { NotImplementedError } from '../../src/exceptions.js';
import type { LoopIoMethods, OsIoMethod } from '../../src/loop_io_forwarders.js';
import { OSError } from '../../src/os_errors.js';
import type {
  AddrInfo,
  RawDatagram,
  RawProcess,
  RawServer,
  RawStream,
  StreamConnectOptions,
  StreamListenOptions,
} from '../../src/platform.js';

const SOCKETS_LATER =
  'use a WebSocket (create_connection(factory, host, port, {path}) or {url: "ws://..."}) or a MessagePort transport (loop.connect_message_port) instead';

function no_sockets(what: string, kind: string): NotImplementedError {
  return new NotImplementedError(
    `${what} needs ${kind}, which browsers do not have; ${SOCKETS_LATER}`,
  );
}

function no_listening(what: string): NotImplementedError {
  return new NotImplementedError(
    `${what} needs listening sockets, which browsers do not have; serve from Node, and ${SOCKETS_LATER}`,
  );
}

function no_pipes(mode: 'read' | 'write'): NotImplementedError {
  return new NotImplementedError(
    `connect_${mode}_pipe() needs OS pipes, which browsers do not have; use a MessagePort transport (loop.connect_message_port) instead`,
  );
}

function no_udp(): NotImplementedError {
  return new NotImplementedError(
    'create_datagram_endpoint() needs UDP sockets, which browsers do not have; use a WebSocket (ws:// or wss:// URL) or a MessagePort transport for messages instead',
  );
}

function no_tls_upgrade(): NotImplementedError {
  return new NotImplementedError(
    'start_tls() needs a raw TCP socket, which browsers do not have; connect with a wss:// URL (ssl) from the start instead',
  );
}

function no_processes(what: string): NotImplementedError {
  return new NotImplementedError(
    `${what} need child processes, which browsers do not have; run the work in a Worker (run_in_executor) or on a Node server instead`,
  );
}

function no_resolver(what: string): NotImplementedError {
  return new NotImplementedError(
    what === 'getaddrinfo()'
      ? 'getaddrinfo() needs the system resolver, which browsers do not expose; connect by URL (WebSocket) and let the browser resolve the name'
      : `${what} needs the system resolver, which browsers do not expose`,
  );
}

/**
 * The loop's methods that need the operating system, as browsers have them:
 * each throws `NotImplementedError` at the call, before looking at its
 * arguments, saying what to use instead.
 */
export const UNSUPPORTED_IO_METHODS: Pick<LoopIoMethods, OsIoMethod> = {
  create_server() {
    throw no_listening('create_server(host, port)');
  },
  create_unix_connection() {
    throw no_sockets('create_unix_connection(path)', 'Unix sockets');
  },
  create_unix_server() {
    throw no_listening('create_unix_server(path)');
  },
  connect_read_pipe() {
    throw no_pipes('read');
  },
  connect_write_pipe() {
    throw no_pipes('write');
  },
  create_datagram_endpoint() {
    throw no_udp();
  },
  start_tls() {
    throw no_tls_upgrade();
  },
  subprocess_exec() {
    throw no_processes('subprocess_exec() / create_subprocess_exec()');
  },
  subprocess_shell() {
    throw no_processes('subprocess_shell() / create_subprocess_shell()');
  },
  getaddrinfo() {
    throw no_resolver('getaddrinfo()');
  },
  getnameinfo() {
    throw no_resolver('getnameinfo()');
  },
  connect_accepted_socket() {
    throw no_sockets('connect_accepted_socket(factory, sock)', 'sockets of the operating system');
  },
};

// The host's stubs: what `create_connection()` reaches for a TCP address or a
// socket, and the rest of the HostIo contract, which the methods above stand in for.

/** `create_connection` to a TCP address or with `{sock}`: browsers have no TCP or Unix sockets. */
export function connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
  throw opts.path !== undefined
    ? no_sockets('create_unix_connection(path)', 'Unix sockets')
    : no_sockets('create_connection(host, port)', 'TCP');
}

export function listen_stream(opts: StreamListenOptions): Promise<RawServer> {
  throw no_listening(
    opts.path !== undefined ? 'create_unix_server(path)' : 'create_server(host, port)',
  );
}

export function open_pipe(_pipe: unknown, mode: 'read' | 'write'): RawStream {
  throw no_pipes(mode);
}

export function open_datagram(): Promise<RawDatagram> {
  throw no_udp();
}

export function start_tls(): Promise<RawStream> {
  throw no_tls_upgrade();
}

export function spawn(): Promise<RawProcess> {
  throw no_processes('subprocess_exec() / create_subprocess_exec()');
}

export function getaddrinfo(): Promise<AddrInfo[]> {
  throw no_resolver('getaddrinfo()');
}

export function getnameinfo(): Promise<[string, string]> {
  throw no_resolver('getnameinfo()');
}

/** Browser errors carry no errno: an `OSError` is kept, anything else becomes one with the original as `cause`. */
export function map_error(err: unknown): Error {
  if (err instanceof OSError) return err;
  if (err instanceof Error) return new OSError(err.message, { cause: err });
  return new OSError(String(err));
}
