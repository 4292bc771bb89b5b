// Browser backend: WebSocket close events and failures -> the core's OSError classes (through src/websocket.ts's one table).
//
// Usage: platform/browser/websocket.ts maps every close through these functions.
// @see https://websockets.spec.whatwg.org/#the-websocket-interface

import { OSError } from '../../src/os_errors.js';
import { _websocket_close_error, _websocket_refused_error } from '../../src/websocket.js';

/** The fields of a DOM `CloseEvent` the mapping reads. */
export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/**
 * Map the `close` event of an open WebSocket: `null` for a clean closing
 * handshake (1000, 1001, 1005), `ConnectionResetError` for 1006 (the
 * connection dropped), `ConnectionAbortedError` for an error code, `SSLError`
 * for 1015. The event's `{code, reason, was_clean}` is kept as `cause`.
 */
export function map_close_event(event: CloseEventLike): OSError | null {
  return _websocket_close_error({
    code: event.code,
    reason: event.reason,
    was_clean: event.wasClean,
  });
}

/**
 * Map a WebSocket that closed before it opened: `ConnectionRefusedError`.
 *
 * Browsers hide why a handshake failed (refused TCP connection, HTTP 404,
 * TLS error and a rejected subprotocol all look alike: an `error` event, then
 * `close` with 1006), so the message names the URL and the close code only.
 */
export function map_handshake_failure(url: string, event: CloseEventLike): OSError {
  const detail = `the handshake did not complete (close code ${event.code}${
    event.reason ? `: ${event.reason}` : ''
  })`;
  return _websocket_refused_error(url, detail, {
    code: event.code,
    reason: event.reason,
    was_clean: event.wasClean,
  });
}
