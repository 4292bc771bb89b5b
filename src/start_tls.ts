// loop.start_tls(): upgrade an open stream connection to TLS (asyncio base_events.start_tls, 3.7+).

import type { _LoopInternals } from './loop_internals.js';
import { SSL_SHUTDOWN_TIMEOUT, host_future } from './base_events_net.js';
import { From } from './coroutines.js';
import { repr } from './format_helpers.js';
import { check_options, type OptionSpec } from './options.js';
import { ConnectionResetError } from './os_errors.js';
import { NO_RECEIVER, type RawStream } from './platform.js';
import { Protocol, type BaseProtocol } from './protocols.js';
import { SSLContext, check_ssl_timeouts } from './ssl.js';
import { _StreamTransport } from './stream_transport.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

/** Options of `loop.start_tls()` (asyncio 3.13's keyword arguments). */
export interface StartTlsOptions {
  /** Run the server side of the handshake (default `false`). */
  server_side?: boolean | null;
  /** The name to send (SNI) and check the certificate against (client side). */
  server_hostname?: string | null;
  /** Seconds the handshake may take (default 60). */
  ssl_handshake_timeout?: number | null;
  /**
   * Seconds the new transport's `close()` may take to flush and shut TLS
   * down before the connection is aborted (default 30).
   */
  ssl_shutdown_timeout?: number | null;
}

const START_TLS_OPTIONS: OptionSpec = {
  server_side: ['boolean', 'null'],
  server_hostname: ['string', 'null'],
  ssl_handshake_timeout: ['number', 'null'],
  ssl_shutdown_timeout: ['number', 'null'],
};

function set_protocol(transport: _StreamTransport, protocol: BaseProtocol): void {
  transport.set_protocol(protocol);
}

/**
 * `loop.start_tls()`: checks the arguments now; the Task resolves to the new
 * TLS transport, which delivers to `protocol` (its `connection_made` is not
 * called again). The old transport is inert from the call on.
 * @internal
 */
export function start_tls(
  loop: _LoopInternals,
  transport: Transport,
  protocol: BaseProtocol,
  sslcontext: SSLContext,
  options?: StartTlsOptions | null,
): Task<Transport> {
  const opts = check_options('start_tls', options, START_TLS_OPTIONS);
  check_ssl_timeouts(true, opts);
  if (!(sslcontext instanceof SSLContext)) {
    throw new TypeError(
      `sslcontext is expected to be an instance of ssl.SSLContext, got ${repr(sslcontext)}`,
    );
  }
  if (!(transport instanceof _StreamTransport) || transport._direction !== 'both') {
    throw new TypeError(`transport ${String(transport)} is not supported by start_tls()`);
  }
  loop._check_closed();
  const old = transport;
  const closed = old._closing || old._raw_closed;
  const raw = old._raw;
  // From now on the old transport delivers nothing and cannot close the socket:
  // the socket belongs to the TLS stream (asyncio hands it to an SSLProtocol).
  raw.receiver = NO_RECEIVER;
  old._closing = true;
  old._lost_scheduled = true;
  const server = old._server;
  old._server = null;
  const server_side = opts.server_side ?? false;
  const server_hostname = opts.server_hostname ?? null;
  const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
  const ssl_shutdown_timeout = opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT;
  return loop.create_task(
    (function* (): Generator<unknown, Transport, unknown> {
      if (closed) throw new ConnectionResetError('Connection lost');
      let tls_raw: RawStream;
      try {
        tls_raw = yield* From(
          host_future(
            loop,
            loop._platform.start_tls(raw, {
              ssl: sslcontext,
              server_side,
              server_hostname,
              ssl_handshake_timeout,
            }),
            (orphan) => orphan.destroy(),
          ),
        );
      } catch (exc) {
        raw.destroy();
        old._host_closed();
        server?._detach();
        throw exc;
      }
      const waiter = loop.create_future<null>();
      // connection_made goes to a stand-in: the protocol already had its call.
      const tls_transport = new _StreamTransport(
        loop,
        tls_raw,
        new Protocol(),
        waiter,
        null,
        server,
      );
      tls_transport._ssl_shutdown_timeout = ssl_shutdown_timeout;
      // The socket is the TLS transport's now: the old one holds nothing for loop.close().
      old._host_closed();
      server?._detach();
      loop._call_soon(set_protocol, [tls_transport, protocol]);
      yield From(waiter);
      return tls_transport;
    })(),
  );
}
