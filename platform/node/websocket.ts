// Node backend: `ws` WebSockets -> the core's RawStream/RawServer (one binary message per write, one chunk per message).
//
// Usage: `connect_websocket` and `listen_websocket` serve `node_platform.connect_stream`
// (for a `url`) and `listen_stream` (for the `websocket` option).
// @see https://github.com/websockets/ws/blob/master/doc/ws.md

import type * as http from 'node:http';
import type { Socket } from 'node:net';

import type * as ws_module from 'ws';
import type { ClientOptions, RawData, WebSocket, WebSocketServer } from 'ws';

import { NotImplementedError, ValueError } from '../../src/exceptions.js';
import type { OSError } from '../../src/os_errors.js';
import {
  NO_RECEIVER,
  type RawServer,
  type RawStream,
  type RawStreamReceiver,
  type SockAddr,
  type StreamListenOptions,
  type WebSocketConnectOptions,
} from '../../src/platform.js';
import { socket as S } from '../../src/sockets.js';
import { _websocket_close_error, _websocket_refused_error } from '../../src/websocket.js';

import { node_http } from './builtins.js';
import { map_error } from './errors.js';
import { check_reuse_address } from './net.js';
import {
  is_ssl_context,
  is_tls_error,
  map_tls_error,
  timeout_error,
  tls_connect_options,
} from './tls.js';

/**
 * `ws` is imported on first use of a WebSocket feature, through a variable
 * specifier: bundlers leave such an import to Node at run time instead of
 * following it into ws, a CommonJS package that a plain rollup + node-resolve
 * set-up cannot bundle. ws stays a dependency, resolved beside the program.
 */
const WS_PACKAGE = 'ws';
let ws_loaded: Promise<typeof ws_module> | undefined;

function load_ws(): Promise<typeof ws_module> {
  ws_loaded ??= import(/* webpackIgnore: true */ /* @vite-ignore */ WS_PACKAGE) as Promise<
    typeof ws_module
  >;
  return ws_loaded;
}

/** The standard WebSocket `readyState` values, which ws uses. */
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** asyncio's default `ssl_handshake_timeout` (seconds), for `wss://`. */
const HANDSHAKE_TIMEOUT = 60;

function noop(): void {}

/** Where a ws socket's listeners find their RawStream: one property, no closures per socket. */
const kRaw = Symbol('trollius.raw_stream');

interface TaggedSocket extends WebSocket {
  [kRaw]: _NodeWebSocketStream;
}

function to_bytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

function socket_on_message(this: WebSocket, data: RawData): void {
  const chunk = to_bytes(data);
  if (chunk.length === 0) return;
  const raw = (this as TaggedSocket)[kRaw];
  // ws may deliver a message already parsed after pause(): keep it for resume_reading().
  if (raw._reading && raw._started) raw.receiver._on_raw_data(chunk);
  else raw._pending.push(chunk);
}

function socket_on_error(this: WebSocket, err: Error): void {
  const raw = (this as TaggedSocket)[kRaw];
  raw._error ??= map_error(err);
}

function socket_on_close(this: WebSocket, code: number, reason: Buffer): void {
  const raw = (this as TaggedSocket)[kRaw];
  if (raw._closed) return;
  raw._closed = true;
  const error =
    raw._error ??
    _websocket_close_error({ code, reason: reason.toString(), was_clean: code !== 1006 });
  raw._close_error = error;
  if (raw._started && raw._pending.length === 0) raw._deliver_close();
}

function inet_addr(address: string | undefined, port: number | undefined): SockAddr | null {
  if (address === undefined || port === undefined) return null;
  return address.includes(':') ? [address, port, 0, 0] : [address, port];
}

/**
 * A RawStream over an open `ws` WebSocket (client or server side).
 *
 * - `pause_reading()`/`resume_reading()` are ws's `pause()`/`resume()`, which
 *   stop reading the TCP socket: real backpressure.
 * - The write buffer is ws's `bufferedAmount` (the TCP socket's buffer plus
 *   ws's own queue); `_on_raw_drain` comes from the send callbacks: once every send
 *   has been flushed to the OS.
 * - `write_eof()` is not supported: a WebSocket cannot half-close.
 * - A clean close (1000, 1001, 1005) is delivered as EOF then `_on_raw_close(null)`.
 *
 * @internal
 */
export class _NodeWebSocketStream implements RawStream {
  receiver: RawStreamReceiver = NO_RECEIVER;
  readonly can_write_eof = false;
  readonly extra: Readonly<Record<string, unknown>>;
  /** @internal */ readonly _socket: WebSocket;
  /** @internal */ _started = false;
  /** @internal */ _closed = false;
  /** @internal The first error ws reported, mapped. */ _error: Error | null = null;
  /** @internal The mapped outcome of the close, once closed. */ _close_error:
    OSError | Error | null = null;
  /** @internal */ _reading = false;
  /** @internal Messages received while reading was paused. */ _pending: Uint8Array[] = [];
  private _closing = false;
  private _unflushed = 0;
  /** The mark of `want_drain()`, or -1 when no `_on_raw_drain` is asked for. */
  private _drain_mark = -1;
  private _delivered = false;

  constructor(socket: WebSocket, url: string, tcp: Socket | undefined) {
    this._socket = socket;
    (socket as TaggedSocket)[kRaw] = this;
    socket.binaryType = 'nodebuffer';
    socket.on('message', socket_on_message);
    socket.on('error', socket_on_error);
    socket.on('close', socket_on_close);
    // Hold data until the core reads (ws buffers in the TCP socket meanwhile).
    socket.pause();
    this.extra = {
      websocket: socket,
      url,
      subprotocol: socket.protocol === '' ? null : socket.protocol,
      peername: inet_addr(tcp?.remoteAddress, tcp?.remotePort),
      sockname: inet_addr(tcp?.localAddress, tcp?.localPort),
      socket: tcp ?? null,
    };
    if (socket.readyState === CLOSED) this._closed = true;
  }

  start(): void {
    this._started = true;
    if (this._closed && this._pending.length === 0) this._deliver_close();
  }

  /** @internal */
  _deliver_close(): void {
    if (this._delivered) return;
    this._delivered = true;
    const error = this._close_error;
    if (error === null) this.receiver._on_raw_eof();
    this.receiver._on_raw_close(error);
  }

  private readonly _on_sent = (): void => {
    this._unflushed--;
    this._check_drain();
  };

  private readonly _check_drain = (): void => {
    if (this._drain_mark < 0 || this._closed) return;
    if (this._unflushed > 0 && this._socket.bufferedAmount > this._drain_mark) return;
    this._drain_mark = -1;
    this.receiver._on_raw_drain();
  };

  write(chunk: Uint8Array): boolean {
    if (this._socket.readyState !== OPEN) return true;
    this._unflushed++;
    this._socket.send(chunk, { binary: true }, this._on_sent);
    return this._socket.bufferedAmount === 0;
  }

  get write_buffer_size(): number {
    return this._socket.readyState === OPEN ? this._socket.bufferedAmount : 0;
  }

  want_drain(mark: number): void {
    if (this._closed) return;
    this._drain_mark = mark;
    if (this._unflushed === 0 || this._socket.bufferedAmount <= mark) {
      queueMicrotask(this._check_drain);
    }
  }

  write_eof(): void {
    throw new NotImplementedError(
      'WebSocket transports cannot half-close: write_eof() is not supported (can_write_eof() is false); use close()',
    );
  }

  pause_reading(): void {
    this._reading = false;
    if (!this._closing) this._socket.pause();
  }

  resume_reading(): void {
    this._reading = true;
    while (this._pending.length > 0 && this._reading)
      this.receiver._on_raw_data(this._pending.shift()!);
    if (!this._reading) return;
    if (this._closed) this._deliver_close();
    else this._socket.resume();
  }

  close(): void {
    // ws sends the close frame after the messages already queued.
    const state = this._socket.readyState;
    if (state === OPEN || state === CONNECTING) this._socket.close(1000);
    // The peer's close frame must still be read (a paused ws never sees it);
    // data arriving meanwhile is kept, unread, in _pending.
    this._closing = true;
    this._reading = false;
    this._socket.resume();
  }

  destroy(): void {
    this._pending = [];
    // No closing handshake: the peer sees 1006 (abnormal closure).
    if (this._socket.readyState !== CLOSED) this._socket.terminate();
  }
}

/**
 * Connect to `opts.url` with `ws` and resolve once open. A refused TCP
 * connection or a handshake the server rejects (non-101 answer) rejects with
 * `ConnectionRefusedError`; a TLS failure with `SSLError` (a failed
 * verification with `SSLCertVerificationError`).
 *
 * For `wss://`, `opts.ssl` (the SSLContext) sets the certificates and the
 * verification, `opts.server_hostname` the name sent and checked, and
 * `opts.ssl_handshake_timeout` (default 60 s) bounds the opening handshake
 * (then `ConnectionAbortedError`).
 */
export function connect_websocket(opts: WebSocketConnectOptions): Promise<RawStream> {
  return load_ws().then((ws) => open_websocket(ws.WebSocket, opts));
}

function open_websocket(
  WebSocket: typeof ws_module.WebSocket,
  opts: WebSocketConnectOptions,
): Promise<RawStream> {
  return new Promise<RawStream>((resolve, reject) => {
    const url = opts.url;
    const secure = /^wss:/i.test(url);
    const ws_opts: ClientOptions = { perMessageDeflate: false };
    const seconds = opts.ssl_handshake_timeout ?? HANDSHAKE_TIMEOUT;
    const server_hostname = opts.server_hostname ?? null;
    if (secure) {
      if (is_ssl_context(opts.ssl)) {
        Object.assign(ws_opts, tls_connect_options(opts.ssl, server_hostname));
      }
      ws_opts.handshakeTimeout = seconds * 1000;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, opts.protocols, ws_opts);
    } catch (err) {
      throw new TypeError(`cannot open a WebSocket to ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const on_open = (): void => {
      socket.removeListener('error', on_error);
      const tcp = (socket as unknown as { _socket?: Socket })._socket;
      resolve(new _NodeWebSocketStream(socket, url, tcp));
    };
    const on_error = (err: Error): void => {
      socket.removeListener('open', on_open);
      socket.terminate();
      const code = (err as { code?: unknown }).code;
      if (secure && is_tls_error(err)) {
        reject(map_tls_error(err, server_hostname));
      } else if (secure && /handshake has timed out/i.test(err.message)) {
        reject(timeout_error(seconds));
      } else if (typeof code === 'string' && code !== 'ECONNREFUSED' && !/^ERR_/.test(code)) {
        reject(map_error(err));
      } else {
        reject(_websocket_refused_error(url, err.message, err));
      }
    };
    socket.once('open', on_open);
    socket.once('error', on_error);
  });
}

/** Answer plain HTTP requests to a WebSocket-only server. */
function http_on_request(_req: http.IncomingMessage, res: http.ServerResponse): void {
  const body = 'This is a WebSocket endpoint (trollius); connect with a WebSocket client.\n';
  res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end(body);
}

/** @internal A WebSocket server: `ws` in noServer mode on an HTTP server (ours or the user's). */
class _NodeWebSocketServer implements RawServer {
  readonly family: number;
  private readonly _own: boolean;
  private readonly _wss: WebSocketServer;
  private readonly _path: string | null;
  private readonly _on_accept: (stream: RawStream) => void;

  constructor(
    WebSocketServer: typeof ws_module.WebSocketServer,
    readonly socket: http.Server,
    own: boolean,
    path: string | null,
    on_accept: (stream: RawStream) => void,
  ) {
    this._own = own;
    this._path = path;
    this._on_accept = on_accept;
    this._wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const address = socket.address();
    this.family =
      typeof address === 'string' || address === null
        ? S.AF_UNIX
        : address.family === 'IPv6'
          ? S.AF_INET6
          : S.AF_INET;
    socket.on('upgrade', this._on_upgrade);
  }

  private readonly _on_upgrade = (req: http.IncomingMessage, tcp: Socket, head: Buffer): void => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (this._path !== null && pathname !== this._path) {
      // Another upgrade listener (another path) may want it; alone, we refuse it.
      if (this.socket.listenerCount('upgrade') === 1) {
        tcp.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    this._wss.handleUpgrade(req, tcp, head, (ws) => {
      const host = req.headers.host ?? 'localhost';
      const url = `ws://${host}${req.url ?? '/'}`;
      this._on_accept(new _NodeWebSocketStream(ws, url, tcp));
    });
  };

  getsockname(): SockAddr {
    const address = this.socket.address();
    if (address === null) return '';
    if (typeof address === 'string') return address;
    return inet_addr(address.address, address.port) ?? '';
  }

  close(): void {
    this.socket.removeListener('upgrade', this._on_upgrade);
    // Accepted WebSockets stay open (asyncio's Server.close()): close only the listener.
    if (this._own && this.socket.listening) this.socket.close();
  }
}

/**
 * Serve WebSocket clients: on `opts.host`/`opts.port` (an HTTP server of our
 * own, answering 426 to plain requests) or on the user's `http.Server`
 * (`opts.websocket.server`, other requests left to it). Each accepted
 * WebSocket becomes a RawStream for `on_accept`.
 */
export function listen_websocket(
  opts: StreamListenOptions,
  on_accept: (stream: RawStream) => void,
): Promise<RawServer> {
  return load_ws().then((ws) => serve_websocket(ws.WebSocketServer, opts, on_accept));
}

function serve_websocket(
  WebSocketServer: typeof ws_module.WebSocketServer,
  opts: StreamListenOptions,
  on_accept: (stream: RawStream) => void,
): Promise<RawServer> {
  return new Promise<RawServer>((resolve, reject) => {
    if (opts.ssl) {
      throw new NotImplementedError(
        'a wss:// server needs TLS: pass an https.Server as websocket.server (trollius serves WebSockets on it)',
      );
    }
    const websocket = opts.websocket!;
    const user_server = websocket.server;
    if (user_server !== null && user_server !== undefined) {
      if (!(user_server instanceof node_http().Server)) {
        throw new TypeError(
          `websocket.server must be an http.Server or https.Server, got ${String(user_server)}`,
        );
      }
      resolve(
        new _NodeWebSocketServer(WebSocketServer, user_server, false, websocket.path, on_accept),
      );
      return;
    }
    if (opts.reuse_port) throw new ValueError('reuse_port is not supported for WebSocket servers');
    check_reuse_address(opts.reuse_address);
    const server = node_http().createServer(http_on_request);
    const on_error = (err: Error): void => {
      server.removeListener('listening', on_listening);
      reject(map_error(err));
    };
    const on_listening = (): void => {
      server.removeListener('error', on_error);
      server.on('error', noop);
      resolve(new _NodeWebSocketServer(WebSocketServer, server, true, websocket.path, on_accept));
    };
    server.once('error', on_error);
    server.once('listening', on_listening);
    server.listen({
      host: opts.host,
      port: opts.port,
      backlog: opts.backlog,
      ipv6Only: opts.ipv6_only ?? false,
    });
  });
}
