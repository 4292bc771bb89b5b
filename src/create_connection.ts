// loop.create_connection(): check the arguments, resolve, connect one address after another or staggered (Happy Eyeballs), wrap in a transport (asyncio base_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { ExceptionGroup } from './exception_group.js';
import { TimeoutError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { getaddrinfo } from './getaddrinfo.js';
import { check_factory, destroy_raw, host_future, is_none, refuse_with } from './net_helpers.js';
import { _make_transport } from './stream_transport.js';
import {
  CREATE_CONNECTION_OPTIONS,
  SSL_SHUTDOWN_TIMEOUT,
  _check_port,
  type CreateConnectionOptions,
  type ProtocolFactory,
} from './net_options.js';
import { check_options } from './options.js';
import { OSError } from './os_errors.js';
import type { AddrInfo, RawStream, WebSocketConnectOptions } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { socket } from './sockets.js';
import { _ssl_context_of, check_ssl_timeouts, type SSLContext } from './ssl.js';
import { staggered_race } from './staggered.js';
import type { _StreamTransport } from './stream_transport.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';
import { _websocket_protocols, _websocket_url } from './websocket.js';

/** What `create_connection()` decided at the call, for its Task. */
interface ConnectPlan {
  ssl: SSLContext | null;
  server_hostname: string | null;
  ssl_handshake_timeout: number | null;
  /** `null` without TLS. */
  ssl_shutdown_timeout: number | null;
  family: number;
  proto: number;
  flags: number;
  local_addr: [string, number] | null;
  sock: unknown;
  happy_eyeballs_delay: number | null;
  interleave: number;
  all_errors: boolean;
}

/** `loop.create_connection()`: checks the arguments now, connects in a Task. @internal */
export function create_connection<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  host: string | null | undefined,
  port: number | string | null | undefined,
  options?: CreateConnectionOptions | null,
): Task<[Transport, P]> {
  const opts = check_options('create_connection', options, CREATE_CONNECTION_OPTIONS);
  check_factory(protocol_factory);
  _check_port('create_connection', port);
  if (Array.isArray(opts.local_addr)) {
    _check_port('create_connection', opts.local_addr[1], 'local_addr port');
  }
  let server_hostname = opts.server_hostname ?? null;
  const has_url = !is_none(opts.url);
  // A wss:// URL is TLS without ssl, and names the host the certificate is checked against.
  if (server_hostname !== null && !opts.ssl && !has_url) {
    throw new ValueError('server_hostname is only meaningful with ssl');
  }
  if (server_hostname === null && opts.ssl && !has_url) {
    if (!host) throw new ValueError('You must set server_hostname when using ssl without a host');
    server_hostname = host;
  }
  const has_sock = !is_none(opts.sock);
  if (has_url) {
    if (!is_none(host) || !is_none(port) || has_sock) {
      throw new ValueError('url can not be specified with host/port or sock');
    }
  } else if (!is_none(host) || !is_none(port)) {
    if (has_sock) throw new ValueError('host/port and sock can not be specified at the same time');
  } else if (!has_sock) {
    throw new ValueError('host and port was not specified and no sock specified');
  }
  const happy_eyeballs_delay = opts.happy_eyeballs_delay ?? null;
  if (happy_eyeballs_delay !== null && !(happy_eyeballs_delay >= 0)) {
    throw new ValueError(
      `happy_eyeballs_delay should be a non-negative number, got ${happy_eyeballs_delay}`,
    );
  }
  const modifiers = [
    'family',
    'proto',
    'flags',
    'local_addr',
    'happy_eyeballs_delay',
    'interleave',
  ];
  if (has_sock) {
    refuse_with(opts, [...modifiers, 'all_errors'], 'sock');
    refuse_with(opts, ['websocket', 'path', 'protocols'], 'sock');
  }
  const url = has_sock ? null : _websocket_url(loop._platform, host ?? null, port ?? null, opts);
  const secure_url = url !== null && /^wss:/i.test(url);
  const tls = Boolean(opts.ssl) || secure_url;
  if (server_hostname !== null && !tls) {
    throw new ValueError('server_hostname is only meaningful with ssl');
  }
  check_ssl_timeouts(tls, opts);
  let ssl = _ssl_context_of(opts.ssl, false);
  const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
  const ssl_shutdown_timeout = tls ? (opts.ssl_shutdown_timeout ?? SSL_SHUTDOWN_TIMEOUT) : null;
  const all_errors = opts.all_errors ?? false;
  if (url !== null) {
    // The host resolves and connects a WebSocket itself: no address to choose.
    refuse_with(opts, modifiers, 'a WebSocket (url or websocket)');
    if (ssl !== null && !secure_url) {
      throw new ValueError(`ssl is only meaningful with a wss:// url, got ${repr(url)}`);
    }
    if (tls) ssl ??= _ssl_context_of(true, false);
    const connect_opts: WebSocketConnectOptions = {
      url,
      protocols: _websocket_protocols(opts),
      ssl,
      server_hostname,
      ssl_handshake_timeout,
    };
    loop._check_closed();
    return loop.create_task(
      (function* (): Generator<unknown, [Transport, P], unknown> {
        const connecting = loop._platform.connect_websocket(connect_opts);
        let raw: RawStream;
        try {
          raw = yield* From(host_future(loop, connecting, destroy_raw));
        } catch (exc) {
          if (all_errors && exc instanceof OSError) {
            throw new ExceptionGroup('create_connection failed', [exc]);
          }
          throw exc;
        }
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
  loop._check_closed();
  const plan: ConnectPlan = {
    ssl,
    server_hostname,
    ssl_handshake_timeout,
    ssl_shutdown_timeout,
    family: opts.family ?? 0,
    proto: opts.proto ?? 0,
    flags: opts.flags ?? 0,
    local_addr: opts.local_addr ?? null,
    sock: opts.sock,
    happy_eyeballs_delay,
    // Happy Eyeballs interleaves the families by default (asyncio).
    interleave: opts.interleave ?? (happy_eyeballs_delay !== null ? 1 : 0),
    all_errors,
  };
  return loop.create_task(
    create_connection_coro(loop, protocol_factory, host ?? null, port ?? null, plan),
  ) as Task<[Transport, P]>;
}

/**
 * Reorder `infos` by family (asyncio's `_interleave_addrinfos`): the first
 * `first_family_count - 1` of the first family, then one of each family in turn.
 * @internal
 */
export function _interleave_addrinfos(
  infos: readonly AddrInfo[],
  first_family_count = 1,
): AddrInfo[] {
  const by_family = new Map<number, AddrInfo[]>();
  for (const info of infos) {
    let list = by_family.get(info[0]);
    if (list === undefined) by_family.set(info[0], (list = []));
    list.push(info);
  }
  const lists = [...by_family.values()];
  const reordered: AddrInfo[] = [];
  if (first_family_count > 1 && lists.length > 0) {
    reordered.push(...lists[0]!.splice(0, first_family_count - 1));
  }
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) if (i < list.length) reordered.push(list[i]!);
  }
  return reordered;
}

function* create_connection_coro<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  host: string | null,
  port: number | string | null,
  plan: ConnectPlan,
): Generator<unknown, [_StreamTransport, P], unknown> {
  const platform = loop._platform;
  const { ssl, server_hostname, ssl_handshake_timeout } = plan;
  let raw: RawStream | null = null;
  if (!is_none(plan.sock)) {
    raw = yield* From(
      host_future(
        loop,
        platform.connect_stream({ sock: plan.sock, ssl, server_hostname, ssl_handshake_timeout }),
        destroy_raw,
      ),
    );
  } else {
    const lookup = {
      family: plan.family,
      type: socket.SOCK_STREAM,
      proto: plan.proto,
      flags: plan.flags,
    };
    let infos = yield* From(getaddrinfo(loop, host, port, lookup));
    if (infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
    let local_infos: AddrInfo[] | null = null;
    if (plan.local_addr !== null) {
      const [lhost, lport] = plan.local_addr;
      local_infos = yield* From(getaddrinfo(loop, lhost, lport, lookup));
      if (local_infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
    }
    if (plan.interleave) infos = _interleave_addrinfos(infos, plan.interleave);
    const exceptions: Error[] = [];
    const connect_one = (info: AddrInfo): Generator<unknown, RawStream, unknown> =>
      connect_address(loop, info, local_infos, plan, exceptions);
    if (plan.happy_eyeballs_delay === null) {
      for (const info of infos) {
        try {
          raw = yield* connect_one(info);
          break;
        } catch (exc) {
          if (!(exc instanceof OSError)) throw exc;
        }
      }
    } else {
      const attempts = infos.map((info) => () => connect_one(info));
      raw = yield* staggered_race(loop, attempts, plan.happy_eyeballs_delay, destroy_raw);
    }
    if (raw === null) {
      if (plan.all_errors) throw new ExceptionGroup('create_connection failed', exceptions);
      if (exceptions.length === 0) throw new TimeoutError('create_connection failed');
      if (exceptions.length === 1) throw exceptions[0]!;
      const model = exceptions[0]!.message;
      if (exceptions.every((exc) => exc.message === model)) throw exceptions[0]!;
      throw new OSError(`Multiple exceptions: ${exceptions.map((exc) => exc.message).join(', ')}`);
    }
  }
  return yield* _make_transport(
    loop,
    raw,
    protocol_factory,
    'both',
    null,
    plan.ssl_shutdown_timeout,
  );
}

/**
 * Connect to one resolved address (asyncio's `_connect_sock`), from each
 * local address of its family in turn when `local_infos` is given. Every
 * `OSError` is added to `exceptions`; the last one is thrown.
 */
function* connect_address(
  loop: _LoopInternals,
  info: AddrInfo,
  local_infos: AddrInfo[] | null,
  plan: ConnectPlan,
  exceptions: Error[],
): Generator<unknown, RawStream, unknown> {
  const [family, , , , address] = info;
  const [addr_host, addr_port] = address as [string, number];
  const candidates =
    local_infos === null ? [null] : local_infos.filter((local) => local[0] === family);
  if (candidates.length === 0) {
    const exc = new OSError(`no matching local address with family=${family} found`);
    exceptions.push(exc);
    throw exc;
  }
  let last: OSError | undefined;
  for (const local of candidates) {
    try {
      return yield* From(
        host_future(
          loop,
          loop._platform.connect_stream({
            host: addr_host,
            port: addr_port,
            family,
            local_addr: local === null ? null : (local[4] as [string, number]),
            ssl: plan.ssl,
            server_hostname: plan.server_hostname,
            ssl_handshake_timeout: plan.ssl_handshake_timeout,
          }),
          destroy_raw,
        ),
      );
    } catch (exc) {
      if (!(exc instanceof OSError)) throw exc;
      exceptions.push(exc);
      last = exc;
    }
  }
  throw last!;
}
