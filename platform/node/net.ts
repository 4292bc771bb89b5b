// Node backend: net.Socket/net.Server -> RawStream/RawServer (TCP and Unix socket paths).
//
// Usage: `connect_stream` and `listen_stream` become the node_platform members of the same names.
// @see https://nodejs.org/api/net.html

import net from 'node:net';

import { NotImplementedError, ValueError } from '../../src/exceptions.js';
import type {
  RawServer,
  RawStream,
  SockAddr,
  StreamConnectOptions,
  StreamListenOptions,
} from '../../src/platform.js';
import type { SSLContext } from '../../src/ssl.js';
import { socket as S, _format_sockaddr } from '../../src/sockets.js';

import { map_error, map_error_with_message } from './errors.js';
import { SOCKET_ONREAD, _NodeStream } from './stream.js';
import { is_ssl_context, prepare_tls_server, tls_client, tls_extra, tls_server } from './tls.js';

/** Upgrade a connected socket to TLS when `ssl` is given, and wrap it as a RawStream. */
function finish_stream(
  socket: net.Socket,
  unix_path: string | null,
  accepted: boolean,
  opts: StreamConnectOptions,
): Promise<RawStream> {
  const ctx = opts.ssl;
  if (!is_ssl_context(ctx)) return Promise.resolve(wrap_socket(socket, unix_path, accepted));
  const base = socket_extra(socket, unix_path, accepted);
  return tls_client(socket, ctx, opts.server_hostname ?? null, opts.ssl_handshake_timeout).then(
    (tls_socket) => new _NodeStream(tls_socket, tls_extra(tls_socket, ctx, base), false),
  );
}

/** Node 22.12+ and 23.1+ have `reusePort` (`server.listen()`, `dgram.createSocket()`). */
function supports_reuse_port(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * Refuse `reuse_port` on a Node without `reusePort`, naming the Node that has
 * it and the way to share a port that every Node has.
 */
export function check_reuse_port(reuse_port: boolean | undefined): void {
  if (!reuse_port || supports_reuse_port()) return;
  throw new ValueError(
    `reuse_port needs Node 22.12+ or 23.1+ (this is Node ${process.versions.node}); ` +
      'to serve one port from several processes use node:cluster',
  );
}

/**
 * Refuse a `reuse_address` libuv cannot honour: it sets `SO_REUSEADDR` on
 * every listening TCP socket outside Windows, and never on Windows.
 * `undefined` is the host's default.
 */
export function check_reuse_address(reuse_address: boolean | undefined): void {
  if (reuse_address === undefined) return;
  const windows = process.platform === 'win32';
  if (reuse_address === !windows) return;
  throw new NotImplementedError(
    windows
      ? 'reuse_address=True is not supported on Windows: Node (libuv) never sets SO_REUSEADDR there'
      : 'reuse_address=False is not supported: Node (libuv) always sets SO_REUSEADDR on listening TCP sockets',
  );
}

function family_of(family: string | number | undefined): number {
  return family === 'IPv6' || family === 6 ? S.AF_INET6 : S.AF_INET;
}

function inet_addr(
  address: string | undefined,
  port: number | undefined,
  family: string | number | undefined,
): SockAddr | null {
  if (address === undefined || port === undefined) return null;
  return family_of(family) === S.AF_INET6 ? [address, port, 0, 0] : [address, port];
}

/** Transport extra info of a TCP or Unix socket: `peername`, `sockname`, `socket`. */
function socket_extra(
  socket: net.Socket,
  unix_path: string | null,
  accepted: boolean,
): Record<string, unknown> {
  if (unix_path !== null) {
    // Python: the bound side's name is the path, the unbound side's is ''.
    return {
      socket,
      sockname: accepted ? unix_path : '',
      peername: accepted ? '' : unix_path,
    };
  }
  return tcp_extra(socket, socket.address());
}

/** A TCP socket's extra info, from its own address as `socket.address()` gave it. */
function tcp_extra(socket: net.Socket, local: Partial<net.AddressInfo>): Record<string, unknown> {
  return {
    socket,
    sockname: inet_addr(local.address, local.port, local.family),
    peername: inet_addr(socket.remoteAddress, socket.remotePort, socket.remoteFamily),
  };
}

/**
 * A plain TCP socket's RawStream, whose extra info is made when first asked
 * for: most connections never ask, and an idle connection holds 160 bytes
 * less without it. The addresses are taken at once all the same, as asyncio
 * takes them, so that a transport closed by a reset still tells its peer:
 * Node answers `remoteAddress` from what it read first even once the socket
 * is closed, but forgets the socket's own address, so that object is kept.
 */
class _NodeTcpStream extends _NodeStream {
  private readonly _local: Partial<net.AddressInfo>;

  constructor(socket: net.Socket) {
    super(socket, null);
    void socket.remoteAddress; // from this first read on, Node keeps the peer's address
    this._local = socket.address();
  }

  override get extra(): Readonly<Record<string, unknown>> {
    return (this._extra ??= tcp_extra(this._stream as net.Socket, this._local));
  }
}

function wrap_socket(socket: net.Socket, unix_path: string | null, accepted: boolean): RawStream {
  if (unix_path === null) return new _NodeTcpStream(socket);
  return new _NodeStream(socket, socket_extra(socket, unix_path, accepted));
}

/**
 * Connect to a numeric TCP address or a Unix path, or adopt a connected
 * `net.Socket`; resolve once connected.
 *
 * TCP connect failures carry asyncio's message
 * (`[Errno 111] Connect call failed ('127.0.0.1', 1)`), a failure to bind
 * `local_addr` its own (`error while attempting to bind on address ...`).
 */
export function connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
  return new Promise<RawStream>((resolve, reject) => {
    if (opts.sock !== undefined && opts.sock !== null) {
      const sock = opts.sock;
      if (!(sock instanceof net.Socket)) {
        throw new TypeError(`sock must be a connected net.Socket, got ${String(sock)}`);
      }
      if (sock.connecting) {
        sock.once('connect', () => resolve(finish_stream(sock, null, false, opts)));
        sock.once('error', (err) => reject(map_error(err)));
      } else if (sock.destroyed || sock.remoteAddress === undefined) {
        throw new ValueError('sock must be a connected net.Socket');
      } else {
        resolve(finish_stream(sock, null, false, opts));
      }
      return;
    }
    const unix_path = opts.path ?? null;
    // Node reads a plain socket into our buffers (see SOCKET_ONREAD); TLS reads its own.
    const onread = is_ssl_context(opts.ssl) ? undefined : SOCKET_ONREAD;
    const socket =
      unix_path !== null
        ? net.connect({ path: unix_path, allowHalfOpen: true, onread })
        : net.connect({
            host: opts.host!,
            port: opts.port!,
            family: opts.family === S.AF_INET6 ? 6 : 4,
            localAddress: opts.local_addr?.[0],
            localPort: opts.local_addr?.[1] || undefined,
            allowHalfOpen: true,
            // asyncio (3.7+) sets TCP_NODELAY on every TCP transport.
            noDelay: true,
            onread,
          });
    // With onread nothing holds the bytes Node reads: it must not read before
    // the transport resumes the socket (a 'data' socket buffers them instead).
    if (onread !== undefined) socket.pause();
    const on_error = (err: NodeJS.ErrnoException): void => {
      socket.removeListener('connect', on_connect);
      socket.destroy();
      if (unix_path !== null) reject(map_error(err));
      else if (err.syscall === 'bind') {
        const address = _format_sockaddr(opts.local_addr);
        const strerror = (map_error(err) as { strerror?: string | null }).strerror ?? err.message;
        reject(
          map_error_with_message(
            err,
            `error while attempting to bind on address ${address}: ${strerror.toLowerCase()}`,
          ),
        );
      } else {
        reject(
          map_error_with_message(
            err,
            `Connect call failed ${_format_sockaddr([opts.host, opts.port])}`,
          ),
        );
      }
    };
    const on_connect = (): void => {
      socket.removeListener('error', on_error);
      resolve(finish_stream(socket, unix_path, false, opts));
    };
    socket.once('error', on_error);
    socket.once('connect', on_connect);
  });
}

/** Where a server's 'connection' listener finds what to do (no closure per server). */
const kAccept = Symbol('trollius.accept');

interface TaggedServer extends net.Server {
  [kAccept]: {
    on_accept: (stream: RawStream) => void;
    unix_path: string | null;
    adopted: boolean;
    ssl: SSLContext | null;
    ssl_handshake_timeout: number | null;
    /** Told about each connection whose TLS handshake failed (its socket closed by then). */
    on_handshake_error: ((exc: Error) => void) | null;
  };
}

function server_on_connection(this: TaggedServer, socket: net.Socket): void {
  const { on_accept, unix_path, adopted, ssl, ssl_handshake_timeout, on_handshake_error } =
    this[kAccept];
  if (adopted) {
    // A server we did not create may have flowing sockets: hold the data until the core reads.
    socket.pause();
    if (unix_path === null) socket.setNoDelay(true);
  }
  if (ssl === null) {
    on_accept(wrap_socket(socket, unix_path, true));
    return;
  }
  const base = socket_extra(socket, unix_path, true);
  tls_server(socket, ssl, ssl_handshake_timeout).then(
    (tls_socket) => on_accept(new _NodeStream(tls_socket, tls_extra(tls_socket, ssl, base), false)),
    // The socket is closed; the failure only loses that connection, and the core reports it.
    (err: Error) => on_handshake_error?.(err),
  );
}

function server_on_error(this: TaggedServer): void {
  // After listening, a server error (EMFILE on accept, ...) only means one connection was lost.
}

/** @internal A listening net.Server. */
class _NodeServer implements RawServer {
  constructor(
    readonly socket: net.Server,
    readonly family: number,
  ) {}

  getsockname(): SockAddr {
    const address = this.socket.address();
    if (address === null) return '';
    if (typeof address === 'string') return address;
    return inet_addr(address.address, address.port, address.family) ?? '';
  }

  close(): void {
    const server = this.socket;
    server.removeListener('connection', server_on_connection);
    if (server.listening) server.close();
  }
}

/**
 * Listen on a numeric TCP address or a Unix path, or adopt a listening
 * `net.Server`; resolve once listening. Accepted sockets are paused until the
 * core resumes them.
 */
export function listen_stream(
  opts: StreamListenOptions,
  on_accept: (stream: RawStream) => void,
): Promise<RawServer> {
  return new Promise<RawServer>((resolve, reject) => {
    const ssl = is_ssl_context(opts.ssl) ? opts.ssl : null;
    const ssl_handshake_timeout = opts.ssl_handshake_timeout ?? null;
    const on_handshake_error = (opts as StreamListenOptions).on_handshake_error ?? null;
    // A context that cannot serve TLS fails the server now, not each connection.
    if (ssl !== null) prepare_tls_server(ssl);
    if (opts.sock !== undefined && opts.sock !== null) {
      const server = opts.sock;
      if (!(server instanceof net.Server) || !server.listening) {
        throw new TypeError(`sock must be a listening net.Server, got ${String(server)}`);
      }
      const address = server.address();
      const unix_path = typeof address === 'string' ? address : null;
      (server as TaggedServer)[kAccept] = {
        on_accept,
        unix_path,
        adopted: true,
        ssl,
        ssl_handshake_timeout,
        on_handshake_error,
      };
      server.on('connection', server_on_connection);
      const family =
        typeof address === 'string' || address === null ? S.AF_UNIX : family_of(address.family);
      resolve(new _NodeServer(server, family));
      return;
    }
    check_reuse_port(opts.reuse_port);
    check_reuse_address(opts.reuse_address);
    const unix_path = opts.path ?? null;
    const server = net.createServer({
      allowHalfOpen: true,
      pauseOnConnect: true,
      noDelay: true,
      // SO_KEEPALIVE on each accepted socket, as asyncio's keep_alive (3.13) gives it.
      keepAlive: opts.keep_alive ?? false,
    });
    (server as TaggedServer)[kAccept] = {
      on_accept,
      unix_path,
      adopted: false,
      ssl,
      ssl_handshake_timeout,
      on_handshake_error,
    };
    server.on('connection', server_on_connection);
    const on_error = (err: Error): void => {
      server.removeListener('listening', on_listening);
      reject(map_error(err));
    };
    const on_listening = (): void => {
      server.removeListener('error', on_error);
      server.on('error', server_on_error);
      const family = unix_path !== null ? S.AF_UNIX : (opts.family ?? S.AF_INET);
      resolve(new _NodeServer(server, family));
    };
    server.once('error', on_error);
    server.once('listening', on_listening);
    if (unix_path !== null) {
      server.listen({ path: unix_path, backlog: opts.backlog });
    } else {
      const listen_opts: net.ListenOptions & { reusePort?: boolean } = {
        host: opts.host,
        port: opts.port,
        backlog: opts.backlog,
        ipv6Only: opts.ipv6_only ?? false,
      };
      if (opts.reuse_port) listen_opts.reusePort = true;
      server.listen(listen_opts);
    }
  });
}
