// loop.connect_accepted_socket(): serve a connection a host server accepted outside the loop, over TLS when asked (asyncio base_events.py, 3.5.3+).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { logger } from './log.js';
import { check_factory, destroy_raw, host_future, is_none } from './net_helpers.js';
import { _make_transport } from './stream_transport.js';
import { SSL_SHUTDOWN_TIMEOUT, type ProtocolFactory } from './net_options.js';
import { check_options, type OptionSpec } from './options.js';
import type { RawStream } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { _ssl_context_of, check_ssl_timeouts } from './ssl.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

/** Options of `loop.connect_accepted_socket()` (asyncio 3.13's keyword arguments). */
export interface ConnectAcceptedSocketOptions {
  /** Serve TLS: the server's `SSLContext` (with its certificate); the handshake runs first. */
  ssl?: unknown;
  /** Seconds the client's TLS handshake may take (default 60): then `ConnectionAbortedError`. */
  ssl_handshake_timeout?: number | null;
  /**
   * Seconds the transport's `close()` may take to flush and shut TLS down
   * before the connection is aborted (default 30).
   */
  ssl_shutdown_timeout?: number | null;
}

const CONNECT_ACCEPTED_SOCKET_OPTIONS: OptionSpec = {
  ssl: ['boolean', 'object', 'null'],
  ssl_handshake_timeout: ['number', 'null'],
  ssl_shutdown_timeout: ['number', 'null'],
};

/**
 * `loop.connect_accepted_socket()`: checks the arguments now; the Task
 * adopts `sock` (Node: a connected `net.Socket`, such as a plain
 * `net.Server` hands to its `'connection'` listeners), runs the server side
 * of the TLS handshake when `ssl` is given, and resolves to
 * `[transport, protocol]` once `protocol.connection_made()` ran.
 *
 * As in asyncio: `ValueError` for a TLS timeout without `ssl`, and
 * `ValueError('Server side SSL needs a valid SSLContext')` for `ssl: true`.
 * A socket the host cannot adopt fails the Task with `TypeError`/`ValueError`,
 * a failed handshake with the mapped `SSLError` (the socket is closed then).
 * Nothing should read from the socket before it is handed over: bytes the
 * host has already buffered are delivered, bytes read elsewhere are not.
 * @internal
 */
export function connect_accepted_socket<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  sock: unknown,
  options?: ConnectAcceptedSocketOptions | null,
): Task<[Transport, P]> {
  const opts = check_options('connect_accepted_socket', options, CONNECT_ACCEPTED_SOCKET_OPTIONS);
  check_factory(protocol_factory);
  if (is_none(sock)) {
    throw new TypeError('sock must be a connected socket (Node: a net.Socket), got null');
  }
  const ssl = _ssl_context_of(opts.ssl, true);
  check_ssl_timeouts(ssl !== null, opts);
  const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
  const ssl_shutdown_timeout =
    ssl === null ? null : (opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT);
  loop._check_closed();
  return loop.create_task(
    (function* (): Generator<unknown, [Transport, P], unknown> {
      const platform = loop._platform;
      let raw: RawStream = yield* From(
        host_future(loop, platform.connect_stream({ sock }), destroy_raw),
      );
      if (ssl !== null) {
        const plain = raw;
        try {
          raw = yield* From(
            host_future(
              loop,
              platform.start_tls(plain, {
                ssl,
                server_side: true,
                server_hostname: null,
                ssl_handshake_timeout,
              }),
              destroy_raw,
            ),
          );
        } catch (exc) {
          plain.destroy();
          throw exc;
        }
      }
      const [transport, protocol] = yield* _make_transport(
        loop,
        raw,
        protocol_factory,
        'both',
        null,
        ssl_shutdown_timeout,
      );
      if (loop.get_debug()) {
        logger.debug(
          `${String(raw.extra['socket'])} handled: (${String(transport)}, ${String(protocol)})`,
        );
      }
      return [transport, protocol];
    })(),
  );
}
