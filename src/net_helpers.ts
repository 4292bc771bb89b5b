// What the loop's network methods share: a Future of a host Promise, argument checks, and wrapping a connected stream in a transport (asyncio base_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { NotImplementedError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import type { ProtocolFactory } from './net_options.js';
import { OSError } from './os_errors.js';
import type { RawServer, RawStream, StreamListenOptions } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { _StreamTransport, type Direction } from './stream_transport.js';

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
 * The `StreamListenOptions` of a TLS server, plus how the backend reports a
 * connection whose TLS handshake failed or timed out: it has closed that
 * socket already, and calls `on_handshake_error` (from a host callback) with
 * the mapped error. A backend without TLS servers ignores it.
 * TODO(seam): a member of `StreamListenOptions` in platform.ts, which this
 * change could not edit; until then the core passes it alongside.
 * @internal
 */
export interface TlsListenOptions extends StreamListenOptions {
  on_handshake_error?: ((exc: Error) => void) | null;
}

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
 * Check the TLS timeouts of a call: each only with TLS (`ValueError`, as
 * asyncio), and a positive, finite number of seconds.
 * @internal
 */
export function check_ssl_timeouts(
  tls: boolean,
  options: { ssl_handshake_timeout?: number | null; ssl_shutdown_timeout?: number | null },
): void {
  for (const key of ['ssl_handshake_timeout', 'ssl_shutdown_timeout'] as const) {
    const value = options[key];
    if (is_none(value)) continue;
    if (!tls) throw new ValueError(`${key} is only meaningful with ssl`);
    if (!(value > 0 && Number.isFinite(value))) {
      throw new ValueError(`${key} should be a positive number, got ${value}`);
    }
  }
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

/**
 * Wrap a protocol and a connected stream in a transport, and wait for
 * connection_made. A TLS connection's `ssl_shutdown_timeout` bounds its `close()`.
 * @internal
 */
export function* _make_transport<P extends BaseProtocol>(
  loop: _LoopInternals,
  raw: RawStream,
  protocol_factory: ProtocolFactory<P>,
  direction: Direction,
  extra: Record<string, unknown> | null,
  ssl_shutdown_timeout: number | null = null,
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
  transport._ssl_shutdown_timeout = ssl_shutdown_timeout;
  try {
    yield From(waiter);
  } catch (exc) {
    transport.close();
    throw exc;
  }
  return [transport, protocol];
}

// ---- sock_* -----------------------------------------------------------------------------------

/** The `sock_*` methods: JavaScript hosts have no raw socket objects. @internal */
export function sock_not_implemented(method: string): never {
  throw new NotImplementedError(
    `${method}() needs a raw socket object, which JavaScript hosts do not expose; ` +
      'use loop.create_connection() / loop.create_server() with a Protocol, or open_connection() / start_server() streams',
  );
}
