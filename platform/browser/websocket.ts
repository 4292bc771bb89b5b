// Browser backend: the DOM WebSocket -> the core's RawStream (one binary message per write, one chunk per message).
//
// Usage: `connect_websocket` serves `browser_platform.connect_stream` for the
// `url` the core builds (`ws://host:port/path`, `wss://` with ssl, or the `url` option).
// @see https://websockets.spec.whatwg.org/

import { SSL_HANDSHAKE_TIMEOUT } from '../../src/constants.js';
import { NotImplementedError } from '../../src/exceptions.js';
import {
  NO_RECEIVER,
  type RawStream,
  type RawStreamReceiver,
  type WebSocketConnectOptions,
} from '../../src/platform.js';
import {
  CERT_REQUIRED,
  SSLContext,
  _handshake_timer_ms,
  _ssl_handshake_timeout_error,
  create_default_context,
} from '../../src/ssl.js';

import { map_close_event, map_handshake_failure } from './errors.js';

/** How often `want_drain()` looks at `bufferedAmount`: browsers fire no event when it falls. */
const DRAIN_POLL_MS = 10;

// Host event handlers: module-level, `this` is the WebSocket; its RawStream hangs off it.

const kRaw = Symbol('trollius.raw_stream');

interface TaggedSocket extends WebSocket {
  [kRaw]: _WebSocketStream;
}

function socket_on_message(this: WebSocket, event: MessageEvent): void {
  const raw = (this as TaggedSocket)[kRaw];
  const data: unknown = event.data;
  // A text message (from a server that sends text) is delivered as its UTF-8 bytes.
  const chunk =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new TextEncoder().encode(String(data));
  if (chunk.length === 0) return;
  if (raw._reading && raw._started) raw.receiver._on_raw_data(chunk);
  else raw._pending.push(chunk);
}

function socket_on_close(this: WebSocket, event: CloseEvent): void {
  const raw = (this as TaggedSocket)[kRaw];
  const error = map_close_event(event);
  raw._finish(error, error === null);
}

/**
 * A RawStream over an open browser WebSocket.
 *
 * - Reading cannot be paused at the host (WebSocket has no backpressure on
 *   receive): while paused, messages are kept here and delivered in order on
 *   `resume_reading()`.
 * - The write buffer is `bufferedAmount`; browsers fire no event when it
 *   falls, so `want_drain(mark)` polls it every 10 ms until it is at the mark.
 * - `write_eof()` is not supported: a WebSocket cannot half-close.
 * - A clean close (1000, 1001, 1005) is delivered as EOF then `_on_raw_close(null)`;
 *   other codes as `_on_raw_close(error)` (see ./errors.ts).
 *
 * @internal
 */
export class _WebSocketStream implements RawStream {
  receiver: RawStreamReceiver = NO_RECEIVER;
  readonly can_write_eof = false;
  readonly extra: Readonly<Record<string, unknown>>;
  /** @internal */ readonly _socket: WebSocket;
  /** @internal */ _started = false;
  /** @internal */ _reading = false;
  /** @internal Chunks received while reading was paused or before start(). */
  _pending: Uint8Array[] = [];
  /** @internal A close that happened before start(): [error, clean]. */
  _closed: [Error | null, boolean] | null = null;
  private _delivered_close = false;
  private _drain_timer: ReturnType<typeof setTimeout> | null = null;
  /** The mark of the latest `want_drain()`. */
  private _drain_mark = 0;

  constructor(socket: WebSocket) {
    this._socket = socket;
    (socket as TaggedSocket)[kRaw] = this;
    socket.onmessage = socket_on_message;
    socket.onclose = socket_on_close;
    socket.onerror = null;
    this.extra = {
      websocket: socket,
      url: socket.url,
      subprotocol: socket.protocol === '' ? null : socket.protocol,
      // Browsers do not reveal the peer's address.
      peername: null,
      sockname: null,
    };
  }

  start(): void {
    this._started = true;
    if (this._closed !== null && this._pending.length === 0) this._deliver_close();
  }

  /** @internal The socket closed: deliver now, or after the pending chunks. */
  _finish(error: Error | null, clean: boolean): void {
    if (this._closed !== null) return;
    this._closed = [error, clean];
    this._stop_drain_poll();
    if (this._started && this._pending.length === 0) this._deliver_close();
  }

  private _deliver_close(): void {
    if (this._delivered_close || this._closed === null) return;
    this._delivered_close = true;
    const [error, clean] = this._closed;
    if (clean) this.receiver._on_raw_eof();
    this.receiver._on_raw_close(error);
  }

  write(chunk: Uint8Array): boolean {
    // send() copies the view's bytes (only those) into the socket's queue.
    if (this._socket.readyState === WebSocket.OPEN) this._socket.send(chunk);
    return this._socket.bufferedAmount === 0;
  }

  get write_buffer_size(): number {
    return this._socket.readyState === WebSocket.OPEN ? this._socket.bufferedAmount : 0;
  }

  want_drain(mark: number): void {
    this._drain_mark = mark;
    if (this._drain_timer !== null || this._closed !== null) return;
    const poll = (): void => {
      this._drain_timer = null;
      if (this._closed !== null) return;
      if (this._socket.bufferedAmount <= this._drain_mark) this.receiver._on_raw_drain();
      else this._drain_timer = setTimeout(poll, DRAIN_POLL_MS);
    };
    this._drain_timer = setTimeout(poll, this._socket.bufferedAmount <= mark ? 0 : DRAIN_POLL_MS);
  }

  private _stop_drain_poll(): void {
    if (this._drain_timer !== null) clearTimeout(this._drain_timer);
    this._drain_timer = null;
  }

  write_eof(): void {
    throw new NotImplementedError(
      'WebSocket transports cannot half-close: write_eof() is not supported (can_write_eof() is false); use close()',
    );
  }

  pause_reading(): void {
    this._reading = false;
  }

  resume_reading(): void {
    this._reading = true;
    while (this._pending.length > 0 && this._reading)
      this.receiver._on_raw_data(this._pending.shift()!);
    if (this._pending.length === 0 && this._closed !== null && this._started) this._deliver_close();
  }

  close(): void {
    // Messages queued by send() go out before the close frame.
    if (this._socket.readyState <= WebSocket.OPEN) this._socket.close(1000);
  }

  destroy(): void {
    this._pending = [];
    this._stop_drain_poll();
    if (this._socket.readyState <= WebSocket.OPEN) {
      // Browsers cannot drop a connection without a closing handshake; 1000
      // still closes at once on our side: the transport has already moved on.
      this._socket.close(1000);
    }
    this._finish(null, false);
  }
}

/**
 * What of `ctx` a browser cannot apply, or `null` if it asks for nothing a
 * browser does not do anyway, as `ssl.create_default_context()` (and
 * `ssl: true`) does: browsers verify the server's certificate and host name
 * with their own trust store and TLS settings, and take none from a page.
 */
function unusable_ssl_setting(ctx: SSLContext): string | null {
  const plain = create_default_context();
  if (ctx.verify_mode !== CERT_REQUIRED) return 'verify_mode is not CERT_REQUIRED';
  if (!ctx.check_hostname) return 'check_hostname is off';
  if (ctx._cert_chain !== null) return 'it has a client certificate (load_cert_chain())';
  if (ctx._cafiles.length + ctx._capaths.length + ctx._cadata.length > 0) {
    return 'it trusts CA certificates of its own (load_verify_locations())';
  }
  if (ctx._ciphers !== null) return 'it restricts the ciphers (set_ciphers())';
  if (ctx._alpn_protocols !== null) return 'it sets ALPN protocols (set_alpn_protocols())';
  if (ctx.minimum_version !== plain.minimum_version) return 'minimum_version is not the default';
  if (ctx.maximum_version !== plain.maximum_version) return 'maximum_version is not the default';
  if (ctx.options !== plain.options) return 'options is not the default';
  return null;
}

/** The host name of a WebSocket URL as a certificate names it (no IPv6 brackets), or `null`. */
function url_hostname(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
}

/**
 * Refuse TLS settings a browser would not apply: an `SSLContext` other than a
 * default one, or a `server_hostname` other than the URL's host (browsers
 * check the certificate against the URL).
 */
function check_tls_settings(url: string, opts: WebSocketConnectOptions): void {
  if (!/^wss:/i.test(url)) return;
  if (opts.ssl instanceof SSLContext) {
    const setting = unusable_ssl_setting(opts.ssl);
    if (setting !== null) {
      throw new NotImplementedError(
        `a browser cannot use this SSLContext for ${url} (${setting}): browsers verify wss:// ` +
          'servers with their own TLS settings; pass ssl=True or ssl.create_default_context()',
      );
    }
  }
  const server_hostname = opts.server_hostname ?? null;
  if (server_hostname === null) return;
  const hostname = url_hostname(url);
  // Through URL too, so that case, IDN and IPv6 spellings compare equal.
  const wanted = url_hostname(
    `wss://${server_hostname.includes(':') ? `[${server_hostname}]` : server_hostname}/`,
  );
  if (hostname !== null && wanted !== hostname) {
    throw new NotImplementedError(
      `a browser cannot check the certificate of ${url} against server_hostname ` +
        `${JSON.stringify(server_hostname)}: browsers check it against the URL's host`,
    );
  }
}

/**
 * Open a WebSocket to `opts.url` and resolve once it is open; a handshake that
 * fails rejects with `ConnectionRefusedError`. A `wss://` connection with TLS
 * settings a browser cannot apply (see `check_tls_settings`) is refused with
 * `NotImplementedError` rather than opened with the browser's own.
 *
 * A `wss://` opening (TLS, then the WebSocket handshake: a browser does not
 * tell them apart) that takes longer than `opts.ssl_handshake_timeout`
 * seconds (default 60) is closed and rejects with asyncio's
 * `ConnectionAbortedError` ("SSL handshake is taking longer than ...").
 *
 * @see https://developer.mozilla.org/docs/Web/API/WebSocket
 */
export function connect_websocket(opts: WebSocketConnectOptions): Promise<RawStream> {
  return new Promise<RawStream>((resolve, reject) => {
    const url = opts.url;
    check_tls_settings(url, opts);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, opts.protocols);
    } catch (err) {
      // A SyntaxError for a malformed URL or a bad subprotocol list.
      throw new TypeError(`cannot open a WebSocket to ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    socket.binaryType = 'arraybuffer';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const on_open = (): void => {
      if (timer !== null) clearTimeout(timer);
      socket.removeEventListener('close', on_close);
      resolve(new _WebSocketStream(socket));
    };
    const on_close = (event: CloseEvent): void => {
      if (timer !== null) clearTimeout(timer);
      socket.removeEventListener('open', on_open);
      reject(map_handshake_failure(url, event));
    };
    if (/^wss:/i.test(url)) {
      const seconds = opts.ssl_handshake_timeout ?? SSL_HANDSHAKE_TIMEOUT;
      const ms = _handshake_timer_ms(seconds);
      if (ms !== null) {
        timer = setTimeout(() => {
          socket.removeEventListener('open', on_open);
          socket.removeEventListener('close', on_close);
          // Closing a WebSocket that is still connecting fails its connection.
          socket.close();
          reject(_ssl_handshake_timeout_error(seconds));
        }, ms);
      }
    }
    socket.addEventListener('open', on_open, { once: true });
    socket.addEventListener('close', on_close, { once: true });
  });
}
