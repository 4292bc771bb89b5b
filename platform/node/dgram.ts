// Node backend: dgram.Socket -> the core's RawDatagram (UDP).
//
// Usage: `open_datagram` becomes the node_platform member of the same name.
// @see https://nodejs.org/api/dgram.html

import type * as dgram from 'node:dgram';

import { ValueError } from '../../src/exceptions.js';
import type { DatagramOptions, RawDatagram, SockAddr } from '../../src/platform.js';
import { socket as S, _format_sockaddr } from '../../src/sockets.js';

import { node_dgram } from './builtins.js';
import { map_error, map_error_with_message } from './errors.js';
import { check_reuse_port } from './net.js';

function sockaddr(
  info: dgram.RemoteInfo | { address: string; port: number; family: string },
): SockAddr {
  return info.family === 'IPv6' ? [info.address, info.port, 0, 0] : [info.address, info.port];
}

function noop(): void {}

/** Where a socket's listeners find their RawDatagram (no closures per socket). */
const kRaw = Symbol('trollius.raw_datagram');

interface TaggedSocket extends dgram.Socket {
  [kRaw]: _NodeDatagram;
}

function socket_on_message(this: TaggedSocket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
  const raw = this[kRaw];
  const addr = sockaddr(rinfo);
  if (raw._started) raw.on_datagram(msg, addr);
  else (raw._early ??= []).push([msg, addr]);
}

function socket_on_error(this: TaggedSocket, err: Error): void {
  const raw = this[kRaw];
  const mapped = map_error(err);
  if (raw._started) raw.on_error(mapped);
  else (raw._early ??= []).push(mapped);
}

function socket_on_close(this: TaggedSocket): void {
  const raw = this[kRaw];
  if (raw._closed) return;
  raw._closed = true;
  if (raw._started) raw.on_close();
}

/**
 * A RawDatagram over a bound `dgram.Socket`. Datagrams and receive errors
 * that arrive before `start()` are kept and delivered by it.
 *
 * @internal
 */
export class _NodeDatagram implements RawDatagram {
  on_datagram: (data: Uint8Array, addr: SockAddr) => void = noop;
  on_error: (err: Error) => void = noop;
  on_close: () => void = noop;
  readonly extra: Readonly<Record<string, unknown>>;
  /** @internal */ readonly _socket: dgram.Socket;
  /** @internal */ readonly _connected: boolean;
  /** @internal */ _started = false;
  /** @internal */ _closed = false;
  /** @internal What arrived before start(). */ _early: Array<[Buffer, SockAddr] | Error> | null =
    null;

  constructor(socket: dgram.Socket, connected: boolean) {
    this._socket = socket;
    this._connected = connected;
    let peername: SockAddr | null = null;
    if (connected) peername = sockaddr(socket.remoteAddress());
    this.extra = { socket, sockname: sockaddr(socket.address()), peername };
    (socket as TaggedSocket)[kRaw] = this;
    socket.on('message', socket_on_message);
    socket.on('error', socket_on_error);
    socket.on('close', socket_on_close);
  }

  start(): void {
    this._started = true;
    const early = this._early;
    this._early = null;
    if (early !== null) {
      for (const item of early) {
        if (item instanceof Error) this.on_error(item);
        else this.on_datagram(item[0], item[1]);
      }
    }
    if (this._closed) this.on_close();
  }

  send(data: Uint8Array, addr: SockAddr | null, done: (err: Error | null) => void): void {
    const callback = (err: Error | null): void => done(err === null ? null : map_error(err));
    try {
      if (addr === null || this._connected) {
        this._socket.send(data, callback);
      } else {
        if (typeof addr === 'string') throw new TypeError(`UDP needs [host, port], got '${addr}'`);
        this._socket.send(data, addr[1], addr[0], callback);
      }
    } catch (err) {
      // Node throws for a bad port or address: asyncio gets an OSError from sendto() then.
      const mapped = err instanceof TypeError ? err : map_error(err);
      queueMicrotask(() => done(mapped));
    }
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    try {
      this._socket.close();
    } catch {
      // Already closed by its owner.
    }
  }
}

function bind(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const on_error = (err: Error): void => {
      socket.removeListener('listening', on_listening);
      const strerror = (map_error(err) as { strerror?: string | null }).strerror ?? err.message;
      reject(
        map_error_with_message(
          err,
          `error while attempting to bind on address ${_format_sockaddr([host, port])}: ${strerror.toLowerCase()}`,
        ),
      );
    };
    const on_listening = (): void => {
      socket.removeListener('error', on_error);
      resolve();
    };
    socket.once('error', on_error);
    socket.once('listening', on_listening);
    socket.bind({ address: host, port, exclusive: true });
  });
}

function connect(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.connect(port, host, (err?: Error) => {
      if (err) reject(map_error(err));
      else resolve();
    });
  });
}

/**
 * Open a UDP socket: bind `local_addr` (or an ephemeral port of the family's
 * wildcard address, so datagrams can be received at once), then connect
 * `remote_addr` if given; or adopt a bound `dgram.Socket` (`sock`).
 */
export async function open_datagram(opts: DatagramOptions): Promise<RawDatagram> {
  if (opts.sock !== undefined && opts.sock !== null) {
    const sock = opts.sock;
    if (!(sock instanceof node_dgram().Socket)) {
      throw new TypeError(`sock must be a bound dgram.Socket, got ${String(sock)}`);
    }
    let connected = true;
    try {
      sock.remoteAddress();
    } catch {
      connected = false;
    }
    try {
      sock.address();
    } catch {
      throw new ValueError('sock must be a bound dgram.Socket');
    }
    return new _NodeDatagram(sock, connected);
  }
  check_reuse_port(opts.reuse_port);
  const v6 = opts.family === S.AF_INET6;
  const socket_opts: dgram.SocketOptions & { reusePort?: boolean } = {
    type: v6 ? 'udp6' : 'udp4',
    reuseAddr: opts.reuse_address ?? false,
  };
  if (opts.reuse_port) socket_opts.reusePort = true;
  const socket = node_dgram().createSocket(socket_opts);
  try {
    const [host, port] = opts.local_addr ?? [v6 ? '::' : '0.0.0.0', 0];
    await bind(socket, host, port);
    if (opts.allow_broadcast) socket.setBroadcast(true);
    if (opts.remote_addr) await connect(socket, opts.remote_addr[0], opts.remote_addr[1]);
  } catch (err) {
    socket.close();
    throw map_error(err);
  }
  return new _NodeDatagram(socket, Boolean(opts.remote_addr));
}
