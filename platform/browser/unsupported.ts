// Browser backend: loud stubs for what browsers cannot do (TCP and Unix sockets, pipes, UDP, TLS upgrades, processes, DNS).
//
// The ws lesson (websockets/ws browser.js): fail at once, and say what to use instead.
// Usage: assembled into `browser_io` by ./io.ts.

import { NotImplementedError } from '../../src/exceptions.js';
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

/** `create_connection` / `open_connection` / `create_unix_connection`: browsers have no TCP or Unix sockets. */
export function connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
  const what =
    opts.path !== undefined ? 'create_unix_connection(path)' : 'create_connection(host, port)';
  const kind = opts.path !== undefined ? 'Unix sockets' : 'TCP';
  throw new NotImplementedError(
    `${what} needs ${kind}, which browsers do not have; ${SOCKETS_LATER}`,
  );
}

/** `create_server` / `start_server` / `create_unix_server`: browsers cannot listen. */
export function listen_stream(opts: StreamListenOptions): Promise<RawServer> {
  const what = opts.path !== undefined ? 'create_unix_server(path)' : 'create_server(host, port)';
  throw new NotImplementedError(
    `${what} needs listening sockets, which browsers do not have; serve from Node, and ${SOCKETS_LATER}`,
  );
}

/** `connect_read_pipe` / `connect_write_pipe`: browsers have no pipes or file descriptors. */
export function open_pipe(_pipe: unknown, mode: 'read' | 'write'): RawStream {
  throw new NotImplementedError(
    `connect_${mode}_pipe() needs OS pipes, which browsers do not have; use a MessagePort transport (loop.connect_message_port) instead`,
  );
}

/** `create_datagram_endpoint`: browsers have no UDP sockets. */
export function open_datagram(): Promise<RawDatagram> {
  throw new NotImplementedError(
    'create_datagram_endpoint() needs UDP sockets, which browsers do not have; use a WebSocket (ws:// or wss:// URL) or a MessagePort transport for messages instead',
  );
}

/** `loop.start_tls`: browsers have no raw sockets to upgrade. */
export function start_tls(): Promise<RawStream> {
  throw new NotImplementedError(
    'start_tls() needs a raw TCP socket, which browsers do not have; connect with a wss:// URL (ssl) from the start instead',
  );
}

/** `subprocess_exec` / `create_subprocess_exec` and the shell variants: browsers cannot start processes. */
export function spawn(): Promise<RawProcess> {
  throw new NotImplementedError(
    'subprocess_exec() / create_subprocess_exec() need child processes, which browsers do not have; run the work in a Worker (run_in_executor) or on a Node server instead',
  );
}

/** `getaddrinfo`: browsers expose no resolver. */
export function getaddrinfo(): Promise<AddrInfo[]> {
  throw new NotImplementedError(
    'getaddrinfo() needs the system resolver, which browsers do not expose; connect by URL (WebSocket) and let the browser resolve the name',
  );
}

/** `getnameinfo`: browsers expose no resolver. */
export function getnameinfo(): Promise<[string, string]> {
  throw new NotImplementedError(
    'getnameinfo() needs the system resolver, which browsers do not expose',
  );
}

/** Browser errors carry no errno: an `OSError` is kept, anything else becomes one with the original as `cause`. */
export function map_error(err: unknown): Error {
  if (err instanceof OSError) return err;
  if (err instanceof Error) return new OSError(err.message, { cause: err });
  return new OSError(String(err));
}
