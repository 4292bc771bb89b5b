// loop.create_server(): check the arguments, resolve and bind every address, then serve; Server is in server.ts (asyncio base_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { ValueError } from './exceptions.js';
import { getaddrinfo } from './getaddrinfo.js';
import {
  check_factory,
  check_ssl_server,
  close_raw_server,
  handshake_error_reporter,
  host_future,
  is_none,
  refuse_with,
} from './net_helpers.js';
import {
  CREATE_SERVER_OPTIONS,
  SSL_SHUTDOWN_TIMEOUT,
  _check_port,
  type CreateServerOptions,
  type ProtocolFactory,
} from './net_options.js';
import { check_options } from './options.js';
import { os_error_from_code } from './errno.js';
import { OSError } from './os_errors.js';
import type { AddrInfo, RawServer, StreamListenOptions } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { Server } from './server.js';
import { serve_accepted } from './stream_transport.js';
import { socket, _format_sockaddr } from './sockets.js';
import { _ssl_context_of, check_ssl_timeouts, type SSLContext } from './ssl.js';
import type { Task } from './tasks.js';
import { _websocket_listen } from './websocket.js';

/** What `create_server()` decided at the call, for its Task. */
interface ServePlan {
  ssl: SSLContext | null;
  ssl_handshake_timeout: number | null;
  /** How the backend reports a failed TLS handshake (`null` without TLS). */
  on_handshake_error: ((exc: Error) => void) | null;
  family: number;
  flags: number;
  reuse_address: boolean | undefined;
  reuse_port: boolean;
  keep_alive: boolean;
  sock: unknown;
}

/** `loop.create_server()`: checks the arguments now, binds in a Task. @internal */
export function create_server(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<BaseProtocol>,
  host: string | readonly string[] | null | undefined,
  port: number | string | null | undefined,
  options?: CreateServerOptions | null,
): Task<Server> {
  const opts = check_options('create_server', options, CREATE_SERVER_OPTIONS);
  check_factory(protocol_factory);
  _check_port('create_server', port);
  check_ssl_server(opts.ssl);
  check_ssl_timeouts(!is_none(opts.ssl), opts);
  const start_serving = opts.start_serving ?? true;
  const has_sock = !is_none(opts.sock);
  const websocket = _websocket_listen(opts.websocket);
  const ssl = _ssl_context_of(opts.ssl, true);
  const ssl_shutdown_timeout =
    ssl === null ? null : (opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT);
  const modifiers = ['family', 'flags', 'reuse_address', 'reuse_port', 'keep_alive', 'backlog'];
  if (websocket !== null && !is_none(websocket.server)) {
    // One WebSocket server on the user's HTTP server: no address to resolve or bind.
    if (!is_none(host) || !is_none(port) || has_sock) {
      throw new ValueError('websocket.server can not be specified with host/port or sock');
    }
    refuse_with(opts, modifiers, 'websocket.server');
    loop._check_closed();
    const backlog = 100;
    const listen_opts: StreamListenOptions = {
      websocket,
      backlog,
      ssl,
      on_handshake_error: ssl === null ? null : handshake_error_reporter(loop),
    };
    const server = new Server(
      loop,
      protocol_factory,
      backlog,
      ssl_shutdown_timeout,
      serve_accepted,
    );
    return make_server(
      loop,
      server,
      (function* (): Generator<unknown, void, unknown> {
        const listening = loop._platform.listen_stream(listen_opts, server._on_accept);
        server._add_socket(yield* From(host_future(loop, listening, close_raw_server)));
      })(),
      start_serving,
    );
  }
  // The WebSocket backend makes its HTTP server itself: it has no keep_alive to set.
  if (websocket !== null) refuse_with(opts, ['keep_alive'], 'websocket');
  if (!is_none(host) || !is_none(port)) {
    if (has_sock) throw new ValueError('host/port and sock can not be specified at the same time');
  } else if (!has_sock) {
    throw new ValueError('Neither host/port nor sock were specified');
  } else {
    // The host server already listens: its address, options and backlog are set.
    refuse_with(opts, [...modifiers, 'websocket'], 'sock');
  }
  loop._check_closed();
  const plan: ServePlan = {
    ssl,
    ssl_handshake_timeout: opts.ssl_handshake_timeout ?? null,
    on_handshake_error: ssl === null ? null : handshake_error_reporter(loop),
    family: opts.family ?? 0,
    // asyncio's default; flags=0 resolves a host of null to loopback instead of the wildcard.
    flags: opts.flags ?? socket.AI_PASSIVE,
    reuse_address: opts.reuse_address ?? undefined,
    reuse_port: opts.reuse_port ?? false,
    keep_alive: opts.keep_alive ?? false,
    sock: opts.sock,
  };
  const server = new Server(
    loop,
    protocol_factory,
    opts.backlog ?? 100,
    ssl_shutdown_timeout,
    serve_accepted,
  );
  return make_server(
    loop,
    server,
    bind_server(loop, server, host, port ?? null, plan, websocket),
    start_serving,
  );
}

/** Bind the sockets of `create_server()`, adding each to `server` (which closes them on failure). */
function* bind_server(
  loop: _LoopInternals,
  server: Server,
  host: string | readonly string[] | null | undefined,
  port: number | string | null,
  plan: ServePlan,
  websocket: { path: string | null; server: unknown } | null,
): Generator<unknown, void, unknown> {
  const platform = loop._platform;
  const on_accept = server._on_accept;
  const backlog = server._backlog;
  const { ssl, ssl_handshake_timeout, on_handshake_error } = plan;
  if (!is_none(plan.sock)) {
    const listen_opts: StreamListenOptions = {
      sock: plan.sock,
      backlog,
      ssl,
      ssl_handshake_timeout,
      on_handshake_error,
    };
    const raw = yield* From(
      host_future(loop, platform.listen_stream(listen_opts, on_accept), close_raw_server),
    );
    server._add_socket(raw);
  } else {
    const hosts: (string | null)[] =
      is_none(host) || host === '' ? [null] : typeof host === 'string' ? [host] : [...host];
    const lookup = {
      family: plan.family,
      type: socket.SOCK_STREAM,
      proto: 0,
      flags: plan.flags,
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
      const listen_opts: StreamListenOptions = {
        host: addr_host,
        port: addr_port,
        family,
        backlog,
        reuse_address: plan.reuse_address,
        reuse_port: plan.reuse_port,
        keep_alive: plan.keep_alive,
        ipv6_only: family === socket.AF_INET6,
        ssl,
        ssl_handshake_timeout,
        on_handshake_error,
        websocket,
      };
      let raw: RawServer;
      try {
        raw = yield* From(
          host_future(loop, platform.listen_stream(listen_opts, on_accept), close_raw_server),
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
 * @internal
 */
export function make_server(
  loop: _LoopInternals,
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
