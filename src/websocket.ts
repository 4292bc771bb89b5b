// WebSocket transports in the core: the connect/serve options, ws:// URL building, and the close code -> OSError table.
//
// A WebSocket transport is a byte stream over binary WebSocket messages: each
// write() is one message, each message received is one data_received() chunk.
// The backends (platform/browser/websocket.ts, platform/node/websocket.ts) move
// the messages; this file holds what both share.

import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { check_options, type OptionSpec } from './options.js';
import { os_error_from_code } from './errno.js';
import { OSError, SSLError } from './os_errors.js';
import type { Platform } from './platform.js';

/** The `websocket` option of `create_server()` / `start_server()` when it is an object. */
export interface WebSocketServerOptions {
  /** Accept upgrade requests for this path only (default: any path). */
  path?: string | null;
  /**
   * A host HTTP server to share (Node: an `http.Server` or `https.Server`,
   * listening or not): WebSocket clients are served on its port, its other
   * requests are left to it. `host`/`port` are then not given.
   */
  server?: unknown;
}

/** The WebSocket options `create_connection()` / `open_connection()` take. */
export interface WebSocketConnectOptions {
  /**
   * Connect with a WebSocket: `true`, or the options object. Browsers always do
   * for `host`/`port`; in Node it turns `create_connection(host, port)` into a
   * WebSocket to `ws://host:port/path`.
   */
  websocket?:
    | boolean
    | {
        /** WebSocket subprotocols to offer (as the `protocols` option). */
        protocols?: string[];
      }
    | null;
  /** The path of the WebSocket URL (default `'/'`), with its query string if any. */
  path?: string | null;
  /** A full `ws://` or `wss://` URL (`http(s)://` are accepted too), instead of `host`/`port`. */
  url?: string | null;
  /** WebSocket subprotocols to offer; the one the server picked is the `subprotocol` extra info. */
  protocols?: string[] | null;
}

/** The WebSocket option `create_server()` / `start_server()` take. */
export interface WebSocketListenOptions {
  /** Serve WebSocket clients: `true` (any path), or `{path, server}`. */
  websocket?: boolean | WebSocketServerOptions | null;
}

/** The keys and kinds of {@link WebSocketConnectOptions}, for `check_options()`. @internal */
export const WEBSOCKET_CONNECT_OPTIONS: OptionSpec = {
  websocket: ['boolean', 'object', 'null'],
  path: ['string', 'null'],
  url: ['string', 'null'],
  protocols: ['array', 'null'],
};

/** The keys and kinds of {@link WebSocketListenOptions}, for `check_options()`. @internal */
export const WEBSOCKET_LISTEN_OPTIONS: OptionSpec = {
  websocket: ['boolean', 'object', 'null'],
};

const WEBSOCKET_CLIENT_OBJECT: OptionSpec = { protocols: ['array', 'null'] };
const WEBSOCKET_SERVER_OBJECT: OptionSpec = { path: ['string', 'null'], server: ['any'] };

/**
 * The `ws://` URL `create_connection()` should open, or `null` for a plain
 * socket. Throws `ValueError` for a URL of another scheme.
 * @internal
 */
export function _websocket_url(
  platform: Platform,
  host: string | null,
  port: number | string | null,
  options: WebSocketConnectOptions & { ssl?: unknown },
): string | null {
  if (options.url !== undefined && options.url !== null) {
    if (options.path !== undefined && options.path !== null) {
      throw new ValueError('path can not be specified with url: put the path in the url');
    }
    const url = String(options.url);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
    if (scheme === 'ws' || scheme === 'wss') return url;
    if (scheme === 'http' || scheme === 'https') return 'ws' + url.slice(4);
    throw new ValueError(`url must be a ws:// or wss:// URL, got ${repr(url)}`);
  }
  const wanted = Boolean(options.websocket) || platform.host_port_websocket;
  if (!wanted) {
    if (options.path !== undefined && options.path !== null) {
      throw new ValueError('path is only meaningful with a WebSocket (the websocket option)');
    }
    if (options.protocols !== undefined && options.protocols !== null) {
      throw new ValueError('protocols is only meaningful with a WebSocket (the websocket option)');
    }
    return null;
  }
  if (host === null || host === '') throw new ValueError('a WebSocket connection needs a host');
  let path = options.path ?? '/';
  if (!path.startsWith('/')) path = '/' + path;
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const scheme = options.ssl ? 'wss' : 'ws';
  return port === null || port === ''
    ? `${scheme}://${name}${path}`
    : `${scheme}://${name}:${port}${path}`;
}

/** The subprotocols to offer, from `protocols` or `websocket.protocols`. @internal */
export function _websocket_protocols(options: WebSocketConnectOptions): string[] | undefined {
  const ws = options.websocket;
  if (typeof ws === 'object' && ws !== null)
    check_options('websocket', ws, WEBSOCKET_CLIENT_OBJECT);
  const protocols =
    options.protocols ?? (typeof ws === 'object' && ws !== null ? ws.protocols : null);
  return protocols === null || protocols === undefined ? undefined : [...protocols];
}

/** The path and host server of `create_server`'s `websocket` option, or `null` for plain sockets. @internal */
export function _websocket_listen(
  websocket: WebSocketListenOptions['websocket'],
): { path: string | null; server: unknown } | null {
  if (websocket === undefined || websocket === null || websocket === false) return null;
  if (websocket === true) return { path: null, server: null };
  check_options('websocket', websocket, WEBSOCKET_SERVER_OBJECT);
  return { path: websocket.path ?? null, server: websocket.server ?? null };
}

/** Names of the close codes of RFC 6455 section 7.4.1 (and the IANA registry), for messages. */
const CLOSE_CODE_NAMES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid frame payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/** What a WebSocket close event carries; kept as the mapped error's `cause`. */
export interface WebSocketCloseInfo {
  /** The close code (1000 normal, 1006 abnormal closure, ...). */
  code: number;
  /** The reason the closing side gave, if any. */
  reason: string;
  /** Whether the closing handshake completed. */
  was_clean: boolean;
}

/**
 * Map a WebSocket close to the OSError tree, or `null` for a clean close.
 *
 * The one table of close codes, shared by both backends:
 * - 1000 (normal), 1001 (going away) and 1005 (no status) of a clean closing
 *   handshake: `null`, so the protocol gets `connection_lost(null)`;
 * - 1006 (abnormal closure: the TCP connection dropped without a closing
 *   handshake): `ConnectionResetError`;
 * - 1015 (TLS failure): `SSLError`;
 * - any other code (the peer closed because of an error: 1002, 1011, ...):
 *   `ConnectionAbortedError`, the code and reason in the message.
 *
 * The close info is kept as `cause`.
 * @internal
 */
export function _websocket_close_error(info: WebSocketCloseInfo): OSError | null {
  const { code, reason } = info;
  if ((code === 1000 || code === 1001 || code === 1005) && info.was_clean) return null;
  const name = CLOSE_CODE_NAMES[code] ?? (code >= 4000 ? 'application code' : 'unknown code');
  const text = `WebSocket closed with code ${code} (${name})${reason ? `: ${reason}` : ''}`;
  if (code === 1015) return new SSLError(text, { cause: info });
  if (code === 1006 || code === 1000 || code === 1001 || code === 1005) {
    return os_error_from_code('ECONNRESET', text, info);
  }
  return os_error_from_code('ECONNABORTED', text, info);
}

/**
 * The error of a WebSocket that closed before its opening handshake
 * completed (the server refused, answered non-101, or could not be reached):
 * `ConnectionRefusedError` naming the URL, or `SSLError` for a TLS failure.
 * @internal
 */
export function _websocket_refused_error(url: string, detail: string, cause: unknown): OSError {
  const text = `WebSocket connection to ${url} failed${detail ? `: ${detail}` : ''}`;
  if (/\b(TLS|SSL|certificate)\b/i.test(detail)) return new SSLError(text, { cause });
  return os_error_from_code('ECONNREFUSED', text, cause);
}
