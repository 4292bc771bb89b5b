// _DatagramTransport: asyncio's datagram-transport semantics (selector_events.py) over a platform RawDatagram.

import type { _LoopInternals } from './loop_internals.js';
import {
  check_factory,
  getaddrinfo,
  host_future,
  type ProtocolFactory,
} from './base_events_net.js';
import { From } from './coroutines.js';
import { NotImplementedError, ValueError } from './exceptions.js';
import type { Future } from './futures.js';
import { _check_port, _check_sockaddr_port } from './net_options.js';
import { check_options, type OptionSpec } from './options.js';
import { OSError } from './os_errors.js';
import type { RawDatagram, SockAddr } from './platform.js';
import type { BaseProtocol, DatagramProtocol } from './protocols.js';
import { socket, _format_sockaddr } from './sockets.js';
import {
  _RawTransport,
  _connect_protocol,
  maybe_resume_protocol,
  type_name,
} from './raw_transport.js';
import type { Task } from './tasks.js';
import type { DatagramTransport } from './transports.js';

function same_address(a: SockAddr, b: SockAddr): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function set_waiter_result(waiter: Future<null>): void {
  if (!waiter.done()) waiter.set_result(null);
}

/**
 * The transport of a UDP endpoint (asyncio's `_SelectorDatagramTransport`),
 * written once for every backend over the host's `RawDatagram`.
 *
 * - Construction schedules `connection_made`, then the start of delivery,
 *   then the creation waiter, each with `call_soon` (asyncio TR-2).
 * - Each datagram becomes one `call_soon(datagram_received)`; a receive
 *   error one `call_soon(error_received)`, and the transport stays open (TR-6).
 * - `sendto()` hands the datagram to the host at once. Hosts send
 *   asynchronously, so the write buffer is the bytes handed over and not yet
 *   reported sent; `pause_writing()` and `resume_writing()` follow it with the
 *   usual water marks. A send error goes to `error_received()` (TR-6).
 * - `close()` stops delivery at once; the socket is closed and
 *   `connection_lost(null)` follows once the datagrams already handed over
 *   are sent. `abort()` does not wait.
 * - It is a `Transport` (as asyncio's is) and a `DatagramTransport`.
 *
 * @internal
 */
export class _DatagramTransport extends _RawTransport implements DatagramTransport {
  /** @internal */ _raw: RawDatagram;
  /** @internal */ declare _protocol: DatagramProtocol;
  /** @internal The connected address, or `null`. */ readonly _address: SockAddr | null;
  /** @internal connection_made has run: datagrams may be delivered. */ _started = false;
  /** @internal Bytes handed to the host and not yet reported sent. */ _buffer_size = 0;
  /** @internal close() waits for the datagrams in flight. */ _closing_drain = false;

  constructor(
    loop: _LoopInternals,
    raw: RawDatagram,
    protocol: BaseProtocol,
    address: SockAddr | null = null,
    waiter: Future<null> | null = null,
    extra: Record<string, unknown> | null = null,
  ) {
    super(loop, protocol, { ...raw.extra, ...extra });
    this._raw = raw;
    this._address = address;
    raw.on_datagram = this._on_raw_datagram;
    raw.on_error = this._on_raw_error;
    raw.on_close = this._on_raw_close;
    loop._call_soon(this._call_connection_made, null);
    loop._call_soon(this._start_delivery, null);
    if (waiter !== null) loop._call_soon(set_waiter_result, [waiter]);
    raw.start();
  }

  /** @internal Makes it a `DatagramTransport` for `instanceof` (see there). */
  get _is_datagram_transport(): true {
    return true;
  }

  override toString(): string {
    const info: string[] = [this.constructor.name];
    if (this._lost_scheduled) info.push('closed');
    else if (this._closing) info.push('closing');
    const sockname = this._extra['sockname'];
    if (sockname !== undefined && sockname !== null)
      info.push(`sockname=${_format_sockaddr(sockname)}`);
    if (this._address !== null) info.push(`peername=${_format_sockaddr(this._address)}`);
    info.push(`write=<bufsize=${this._buffer_size}>`);
    return `<${info.join(' ')}>`;
  }

  // ---- host events ------------------------------------------------------------------------

  private readonly _on_raw_datagram = (data: Uint8Array, addr: SockAddr): void => {
    if (this._loop.is_closed()) return this._release_host();
    this._loop._call_soon(this._deliver_datagram, [data, addr]);
  };

  private readonly _on_raw_error = (err: Error): void => {
    if (this._loop.is_closed()) return;
    this._loop._call_soon(this._deliver_error, [err]);
  };

  private readonly _on_raw_close = (): void => {
    this._host_closed();
    if (this._loop.is_closed()) return;
    this._loop._call_soon(this._force_close_cb, null);
  };

  // ---- what the base needs --------------------------------------------------------------------

  protected override _destroy_host(): void {
    this._raw.close();
  }

  // ---- loop callbacks -----------------------------------------------------------------------

  private readonly _call_connection_made = (): void => {
    this._protocol.connection_made(this);
  };

  private readonly _start_delivery = (): void => {
    this._started = true;
  };

  private readonly _deliver_datagram = (data: Uint8Array, addr: SockAddr): void => {
    // Reading stops at close() (asyncio removes the reader at once).
    if (this._closing) return;
    try {
      this._protocol.datagram_received(data, addr);
    } catch (exc) {
      this._fatal_error(exc, 'Fatal error: protocol.datagram_received() call failed.');
    }
  };

  /** A receive error: dropped once closing, as asyncio stops reading at close(). */
  private readonly _deliver_error = (err: Error): void => {
    if (this._closing) return;
    this._deliver_send_error(err);
  };

  private readonly _deliver_send_error = (err: Error): void => {
    try {
      this._protocol.error_received(err);
    } catch (exc) {
      this._fatal_error(exc, 'Fatal error: protocol.error_received() call failed.');
    }
  };

  private readonly _force_close_cb = (): void => {
    this._force_close(null);
  };

  // ---- DatagramTransport API ---------------------------------------------------------------

  /** The bytes handed to the host and not yet sent. */
  override get_write_buffer_size(): number {
    return this._buffer_size;
  }

  /**
   * Send `data` to `addr` (default: the connected address). With a connected
   * endpoint, `addr` must be `null` or that address (`ValueError` otherwise).
   * Empty data is ignored. A host error goes to `protocol.error_received()`.
   */
  sendto(data: Uint8Array, addr: SockAddr | null = null): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${type_name(data)}'`);
    }
    _check_sockaddr_port('sendto', addr);
    if (data.length === 0) return;
    if (addr === undefined) addr = null;
    if (this._address !== null && addr !== null && !same_address(addr, this._address)) {
      throw new ValueError(`Invalid address: must be None or ${_format_sockaddr(this._address)}`);
    }
    if (this._conn_lost !== 0) return this._drop_write('socket.send() raised exception.');
    if (addr === null && this._address === null) {
      // asyncio: sock.send() on an unconnected socket fails with EDESTADDRREQ.
      this._loop._call_soon(this._deliver_error, [
        new OSError(89, 'Destination address required', { code: 'EDESTADDRREQ' }),
      ]);
      return;
    }
    const size = data.length;
    this._buffer_size += size;
    this._raw.send(data, addr, (err) => this._on_sent(size, err));
    this._maybe_pause_protocol();
  }

  /** @internal The host sent a datagram, or failed to (from a host callback). */
  _on_sent(size: number, err: Error | null): void {
    if (this._host_released) return;
    this._buffer_size -= size;
    const loop = this._loop;
    // A failed send is reported even while close() waits (asyncio's _sendto_ready).
    if (err !== null && !loop.is_closed()) loop._call_soon(this._deliver_send_error, [err]);
    if (this._closing_drain && this._buffer_size === 0) {
      // close() was waiting for this: the socket is closed before connection_lost.
      this._closing_drain = false;
      this._release_host();
      if (!loop.is_closed()) this._schedule_connection_lost(null);
      return;
    }
    if (this._protocol_paused && !loop.is_closed()) {
      loop._call_soon(maybe_resume_protocol, [this]);
    }
  }

  /**
   * Stop delivering datagrams now; `connection_lost(null)` follows once the
   * datagrams already handed to the host are sent.
   */
  override close(): void {
    if (this._closing) return;
    if (this._buffer_size === 0) return this._force_close(null);
    this._closing = true;
    this._conn_lost++;
    this._closing_drain = true;
  }

  // ---- closing ------------------------------------------------------------------------------

  /** Close now, also when close() was waiting for the datagrams in flight. @internal */
  override _force_close(exc: Error | null): void {
    this._closing_drain = false;
    super._force_close(exc);
  }

  /** @internal */
  override _call_connection_lost(exc: Error | null): void {
    this._buffer_size = 0;
    super._call_connection_lost(exc);
  }
}

// ---- create_datagram_endpoint ---------------------------------------------------------------

/** Options of `loop.create_datagram_endpoint()` (asyncio 3.13's keyword arguments). */
export interface CreateDatagramEndpointOptions {
  /** Bind to `[host, port]` (port 0: any free port). */
  local_addr?: [host: string, port: number] | null;
  /** Connect to `[host, port]`: `sendto(data)` goes there, and only its datagrams arrive. */
  remote_addr?: [host: string, port: number] | null;
  /** `socket.AF_INET` or `socket.AF_INET6`; needed when neither address is given. */
  family?: number;
  /** Restrict name resolution to this protocol (`socket.IPPROTO_UDP`; default: any). */
  proto?: number;
  /** `getaddrinfo()` flags for resolving the addresses (`socket.AI_*`). */
  flags?: number;
  /**
   * Refused when `true`, as asyncio did from 3.8.1 until it removed the
   * option in 3.11: `SO_REUSEADDR` lets another process take a UDP port's
   * datagrams. Use `reuse_port` instead. `false` (the default) is accepted.
   */
  reuse_address?: boolean | null;
  /** Let several sockets bind the same port (`SO_REUSEPORT`), where the host supports it. */
  reuse_port?: boolean | null;
  /** Allow sending to broadcast addresses (`SO_BROADCAST`). */
  allow_broadcast?: boolean | null;
  /** A host UDP socket (Node: a `dgram.Socket`) instead of addresses. */
  sock?: unknown;
}

const CREATE_DATAGRAM_ENDPOINT_OPTIONS: OptionSpec = {
  local_addr: ['array', 'string', 'null'],
  remote_addr: ['array', 'string', 'null'],
  family: ['integer', 'null'],
  proto: ['integer', 'null'],
  flags: ['integer', 'null'],
  reuse_address: ['boolean', 'null'],
  reuse_port: ['boolean', 'null'],
  allow_broadcast: ['boolean', 'null'],
  sock: ['object', 'null'],
};

function is_none(x: unknown): x is null | undefined {
  return x === null || x === undefined;
}

function check_pair(addr: unknown): asserts addr is [string, number] {
  if (!Array.isArray(addr) || addr.length !== 2) throw new TypeError('2-tuple is expected');
}

/**
 * `loop.create_datagram_endpoint()`: checks the arguments now, opens the
 * socket in a Task resolving to `[transport, protocol]`. @internal
 */
export function create_datagram_endpoint<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  options?: CreateDatagramEndpointOptions | null,
): Task<[DatagramTransport, P]> {
  const opts = check_options(
    'create_datagram_endpoint',
    options,
    CREATE_DATAGRAM_ENDPOINT_OPTIONS,
  ) as CreateDatagramEndpointOptions;
  check_factory(protocol_factory);
  if (opts.reuse_address) {
    throw new ValueError(
      'Passing `reuse_address=True` is no longer supported, as the usage of ' +
        'SO_REUSEADDR in UDP poses a significant security concern.',
    );
  }
  const { local_addr, remote_addr } = opts;
  if (!is_none(opts.sock)) {
    const keys = [
      'local_addr',
      'remote_addr',
      'family',
      'proto',
      'flags',
      'reuse_port',
      'allow_broadcast',
    ] as const;
    const problems = keys.filter(
      (key) => !is_none(opts[key]) && opts[key] !== 0 && opts[key] !== false,
    );
    if (problems.length > 0) {
      throw new ValueError(
        `socket modifier keyword arguments can not be used when sock is specified. (${problems
          .map((key) => `${key}=${_format_sockaddr(opts[key])}`)
          .join(', ')})`,
      );
    }
  } else {
    if (opts.family === socket.AF_UNIX) {
      throw new NotImplementedError(
        'create_datagram_endpoint() family=AF_UNIX: Unix datagram sockets are not supported ' +
          "by this host (Node's dgram module has UDP only)",
      );
    }
    if (!is_none(local_addr)) check_pair(local_addr);
    if (!is_none(remote_addr)) check_pair(remote_addr);
    // A service name is fine here too; the resolver decides (asyncio's getaddrinfo).
    _check_port('create_datagram_endpoint', local_addr?.[1], 'local_addr port');
    _check_port('create_datagram_endpoint', remote_addr?.[1], 'remote_addr port');
    if (is_none(local_addr) && is_none(remote_addr) && !opts.family) {
      throw new ValueError('unexpected address family');
    }
  }
  loop._check_closed();
  return loop.create_task(create_datagram_endpoint_coro(loop, protocol_factory, opts));
}

function* create_datagram_endpoint_coro<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  options: CreateDatagramEndpointOptions,
): Generator<unknown, [DatagramTransport, P], unknown> {
  const platform = loop._platform;
  const close_raw = (raw: RawDatagram): void => raw.close();
  let raw: RawDatagram | undefined;
  let remote: SockAddr | null = null;
  if (!is_none(options.sock)) {
    raw = yield* From(
      host_future(loop, platform.open_datagram({ family: 0, sock: options.sock }), close_raw),
    );
    const peer = raw.extra['peername'];
    remote = is_none(peer) ? null : (peer as SockAddr);
  } else {
    const family = options.family ?? 0;
    const proto = options.proto ?? 0;
    const { local_addr, remote_addr } = options;
    // [family, proto] -> [local sockaddr, remote sockaddr], in getaddrinfo's order.
    const pairs = new Map<string, [number, SockAddr | null, SockAddr | null]>();
    if (is_none(local_addr) && is_none(remote_addr)) {
      pairs.set(`${family}`, [family, null, null]);
    } else {
      for (const [idx, addr] of [
        [1, local_addr],
        [2, remote_addr],
      ] as const) {
        if (is_none(addr)) continue;
        const infos = yield* From(
          getaddrinfo(loop, addr[0], addr[1], {
            family,
            type: socket.SOCK_DGRAM,
            proto,
            flags: options.flags ?? 0,
          }),
        );
        if (infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
        for (const [fam, , pro, , address] of infos) {
          const key = `${fam} ${pro}`;
          let pair = pairs.get(key);
          if (pair === undefined) pairs.set(key, (pair = [fam, null, null]));
          pair[idx] = address;
        }
      }
      for (const [key, pair] of pairs) {
        if (
          (!is_none(local_addr) && pair[1] === null) ||
          (!is_none(remote_addr) && pair[2] === null)
        ) {
          pairs.delete(key);
        }
      }
      if (pairs.size === 0) throw new ValueError('can not get address information');
    }
    const exceptions: Error[] = [];
    for (const [fam, local, remote_address] of pairs.values()) {
      try {
        raw = yield* From(
          host_future(
            loop,
            platform.open_datagram({
              family: fam,
              local_addr: local as [string, number] | null,
              remote_addr: remote_address as [string, number] | null,
              reuse_port: options.reuse_port ?? false,
              allow_broadcast: options.allow_broadcast ?? false,
            }),
            close_raw,
          ),
        );
        remote = remote_address;
        break;
      } catch (exc) {
        if (!(exc instanceof OSError)) throw exc;
        exceptions.push(exc);
      }
    }
    if (raw === undefined) throw exceptions[0]!;
  }
  const connected = raw; // a const, which the closures below see as assigned
  return yield* _connect_protocol(
    loop,
    protocol_factory,
    () => connected.close(),
    (protocol, waiter) => new _DatagramTransport(loop, connected, protocol, remote, waiter),
  );
}
