// The loop's Unix-domain sockets and pipes: create_unix_connection(), create_unix_server(), connect_read_pipe()/connect_write_pipe() (asyncio unix_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { NotImplementedError, ValueError } from './exceptions.js';
import { make_server } from './create_server.js';
import { repr } from './format_helpers.js';
import {
  check_factory,
  check_ssl_server,
  close_raw_server,
  destroy_raw,
  handshake_error_reporter,
  host_future,
  is_none,
  refuse_with,
} from './net_helpers.js';
import { _make_transport, serve_accepted } from './stream_transport.js';
import {
  CREATE_UNIX_CONNECTION_OPTIONS,
  CREATE_UNIX_SERVER_OPTIONS,
  SSL_SHUTDOWN_TIMEOUT,
  type CreateUnixConnectionOptions,
  type CreateUnixServerOptions,
  type ProtocolFactory,
} from './net_options.js';
import { check_options } from './options.js';
import { os_error_from_code } from './errno.js';
import { OSError } from './os_errors.js';
import type { RawServer, StreamConnectOptions, StreamListenOptions } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { Server } from './server.js';
import { socket } from './sockets.js';
import { _ssl_context_of, check_ssl_timeouts } from './ssl.js';
import type { Task } from './tasks.js';
import type { ReadTransport, Transport, WriteTransport } from './transports.js';

// ---- Unix sockets -------------------------------------------------------------------------------

/** `loop.create_unix_connection()`. @internal */
export function create_unix_connection<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  path: string | null | undefined,
  options?: CreateUnixConnectionOptions | null,
): Task<[Transport, P]> {
  const opts = check_options('create_unix_connection', options, CREATE_UNIX_CONNECTION_OPTIONS);
  check_factory(protocol_factory);
  const server_hostname = opts.server_hostname ?? null;
  if (opts.ssl) {
    if (server_hostname === null) {
      throw new ValueError('you have to pass server_hostname when using ssl');
    }
  } else if (server_hostname !== null) {
    throw new ValueError('server_hostname is only meaningful with ssl');
  }
  check_ssl_timeouts(Boolean(opts.ssl), opts);
  const has_sock = !is_none(opts.sock);
  if (!is_none(path)) {
    if (has_sock) throw new ValueError('path and sock can not be specified at the same time');
    if (typeof path !== 'string') throw new TypeError(`path must be a string, not ${repr(path)}`);
  } else if (!has_sock) {
    throw new ValueError('no path and sock were specified');
  }
  const ssl = _ssl_context_of(opts.ssl, false);
  const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
  const ssl_shutdown_timeout =
    ssl === null ? null : (opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT);
  loop._check_closed();
  const connect_opts: StreamConnectOptions = is_none(path)
    ? { sock: opts.sock, ssl, server_hostname, ssl_handshake_timeout }
    : { path, ssl, server_hostname, ssl_handshake_timeout };
  return loop.create_task(
    (function* (): Generator<unknown, [Transport, P], unknown> {
      const connecting = loop._platform.connect_stream(connect_opts);
      const raw = yield* From(host_future(loop, connecting, destroy_raw));
      return yield* _make_transport(
        loop,
        raw,
        protocol_factory,
        'both',
        null,
        ssl_shutdown_timeout,
      );
    })(),
  );
}

/** `loop.create_unix_server()`. @internal */
export function create_unix_server(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<BaseProtocol>,
  path: string | null | undefined,
  options?: CreateUnixServerOptions | null,
): Task<Server> {
  const opts = check_options('create_unix_server', options, CREATE_UNIX_SERVER_OPTIONS);
  check_factory(protocol_factory);
  check_ssl_server(opts.ssl);
  check_ssl_timeouts(!is_none(opts.ssl), opts);
  if (opts.cleanup_socket === false) {
    throw new NotImplementedError(
      'create_unix_server() cleanup_socket=False is not supported: ' +
        'the host (Node) always removes the socket file when the server closes',
    );
  }
  const has_sock = !is_none(opts.sock);
  if (!is_none(path)) {
    if (has_sock) throw new ValueError('path and sock can not be specified at the same time');
    if (typeof path !== 'string') throw new TypeError(`path must be a string, not ${repr(path)}`);
  } else if (!has_sock) {
    throw new ValueError('path was not specified, and no sock specified');
  } else {
    refuse_with(opts, ['backlog'], 'sock');
  }
  const start_serving = opts.start_serving ?? true;
  const ssl = _ssl_context_of(opts.ssl, true);
  const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
  const ssl_shutdown_timeout =
    ssl === null ? null : (opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT);
  loop._check_closed();
  const backlog = opts.backlog ?? 100;
  const server = new Server(loop, protocol_factory, backlog, ssl_shutdown_timeout, serve_accepted);
  const on_handshake_error = ssl === null ? null : handshake_error_reporter(loop);
  const listen_opts: StreamListenOptions = is_none(path)
    ? { sock: opts.sock, backlog, ssl, ssl_handshake_timeout, on_handshake_error }
    : { path, backlog, ssl, ssl_handshake_timeout, on_handshake_error };
  return make_server(
    loop,
    server,
    (function* (): Generator<unknown, void, unknown> {
      let raw: RawServer;
      try {
        raw = yield* From(
          host_future(
            loop,
            loop._platform.listen_stream(listen_opts, server._on_accept),
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
        throw new ValueError(`A UNIX Domain Socket was expected, got ${repr(opts.sock)}`);
      }
      server._add_socket(raw);
    })(),
    start_serving,
  );
}

// ---- pipes ------------------------------------------------------------------------------------

/** `loop.connect_read_pipe()` / `connect_write_pipe()`. @internal */
export function connect_pipe<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  pipe: unknown,
  mode: 'read' | 'write',
): Task<[ReadTransport & WriteTransport, P]> {
  check_factory(protocol_factory);
  loop._check_closed();
  const raw = loop._platform.open_pipe(pipe, mode);
  return loop.create_task(_make_transport(loop, raw, protocol_factory, mode, { pipe }));
}
