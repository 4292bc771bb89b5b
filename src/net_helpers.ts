// What the loop's network methods share: a Future of a host Promise, argument checks, and the refusals of raw-socket methods (asyncio base_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { NotImplementedError, ValueError } from './exceptions.js';
import { STREAM_SOCK } from './fd_readiness.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { OSError } from './os_errors.js';
import type { RawServer, RawStream } from './platform.js';

/**
 * A Future of `promise`'s outcome on `loop`. If nobody wants the value any
 * more (the Future was cancelled, the loop closed), `orphan(value)` releases it.
 * @internal
 */
export function host_future<T>(
  loop: _LoopInternals,
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

/** Release a connected stream nobody wants (the `orphan` of {@link host_future}). @internal */
export const destroy_raw = (raw: RawStream): void => raw.destroy();

/** Release a listening server nobody wants (the `orphan` of {@link host_future}). @internal */
export const close_raw_server = (raw: RawServer): void => raw.close();

/**
 * The `on_handshake_error` of a TLS server on `loop`: report the failure in a
 * loop iteration as asyncio does a failed server-side handshake. An `OSError`
 * (`SSLError`, `ConnectionAbortedError` for a timeout, a reset) is the
 * client's doing and goes to the exception handler in debug mode only
 * (`'Error on transport creation for incoming connection'`, from
 * `_accept_connection2`); any other error always does (`'SSL handshake
 * failed'`, from `SSLProtocol._fatal_error`).
 * @internal
 */
export function handshake_error_reporter(loop: _LoopInternals): (exc: Error) => void {
  return (exc) => {
    if (!loop.is_closed()) loop._call_soon(report_handshake_error, [loop, exc]);
  };
}

function report_handshake_error(loop: _LoopInternals, exc: Error): void {
  if (!(exc instanceof OSError)) {
    loop.call_exception_handler({ message: 'SSL handshake failed', exception: exc });
  } else if (loop.get_debug()) {
    loop.call_exception_handler({
      message: 'Error on transport creation for incoming connection',
      exception: exc,
    });
  }
}

/** Refuse `ssl: true` for a server, which needs its certificate (asyncio's TypeError). @internal */
export function check_ssl_server(ssl: unknown): void {
  if (typeof ssl === 'boolean') throw new TypeError('ssl argument must be an SSLContext or None');
}

/**
 * Refuse the options that have no meaning with `what` (a `sock`, a WebSocket):
 * each one given with a value other than its default is a `ValueError` naming it.
 * @internal
 */
export function refuse_with(options: object, keys: readonly string[], what: string): void {
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (is_none(value) || value === 0 || value === false) continue;
    throw new ValueError(`${key} and ${what} can not be specified at the same time`);
  }
}

/** Refuse a `protocol_factory` that cannot be called (asyncio's TypeError). @internal */
export function check_factory(factory: unknown): void {
  if (typeof factory !== 'function') {
    throw new TypeError(`protocol_factory must be a callable, got ${repr(factory)}`);
  }
}

/** `null` or `undefined`: Python's `None`. @internal */
export function is_none(x: unknown): x is null | undefined {
  return x === null || x === undefined;
}

// ---- what no JavaScript host can do: raw sockets ------------------------

const NO_RAW_SOCKETS = 'needs a raw socket object, which JavaScript hosts do not expose';
const DATAGRAMS =
  'use loop.create_datagram_endpoint(factory, {local_addr, remote_addr}) (or {sock} for a host UDP socket) instead: DatagramTransport.sendto() and DatagramProtocol.datagram_received()';

/**
 * What to use instead of each `sock_*` method, named in its
 * `NotImplementedError` (STYLE: unsupported hosts fail loudly and say what
 * to use instead). Built by a call marked pure: esbuild keeps a template
 * literal that reads a constant (it cannot tell the constant is a string).
 */
const SOCK_ALTERNATIVES = /* @__PURE__ */ (() => {
  const receive = `receive through a transport instead: Protocol.data_received() of loop.create_connection(factory, host, port) (or ${STREAM_SOCK}), or StreamReader.read() of open_connection()`;
  return {
    sock_recv: receive,
    sock_recv_into: receive,
    sock_recvfrom: DATAGRAMS,
    sock_recvfrom_into: DATAGRAMS,
    sock_sendall: `send through a transport instead: transport.write() then StreamWriter.drain() (open_connection()), or ${STREAM_SOCK}`,
    sock_sendto: DATAGRAMS,
    sock_connect:
      'connect with loop.create_connection(factory, host, port) or open_connection(host, port) instead',
    sock_accept:
      'accept with loop.create_server(factory, host, port) or start_server() instead, or hand a socket a host server accepted to loop.connect_accepted_socket(factory, sock)',
    sock_sendfile: 'send a file over a transport with loop.sendfile(transport, file) instead',
  } as const;
})();

/** The `sock_*` methods of asyncio's loop, none of which a JavaScript host can provide. @internal */
export type SockMethod = keyof typeof SOCK_ALTERNATIVES;

/**
 * The `sock_*` methods: throw `NotImplementedError` naming the method and
 * what to use instead, e.g. `loop.sock_connect(): needs a raw socket object,
 * which JavaScript hosts do not expose; connect with
 * loop.create_connection(...)`.
 * @internal
 */
export function sock_not_implemented(method: SockMethod): never {
  throw new NotImplementedError(
    `loop.${method}(): ${NO_RAW_SOCKETS}; ${SOCK_ALTERNATIVES[method]}`,
  );
}
