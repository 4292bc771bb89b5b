// The MessagePort transport: a byte stream over a MessagePort (browsers' MessageChannel/Workers, Node's worker_threads), and loop.connect_message_port().
//
// The port is the one host object both sides already hold, and browsers and
// Node give it the same shape (EventTarget 'message' events, postMessage with
// a transfer list), so one RawStream serves both hosts. The public helpers
// over it (open_message_port, connect_worker, accept_parent_port) are in
// message_port.ts; this module is reached through the loop's I/O methods only.

import type { _LoopInternals } from './loop_internals.js';
import { repr } from './format_helpers.js';
import { check_port } from './message_port.js';
import type { ProtocolFactory } from './net_options.js';
import { ConnectionResetError } from './os_errors.js';
import {
  NO_RECEIVER,
  type MessageEndpoint,
  type RawStream,
  type RawStreamReceiver,
} from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { _make_transport } from './stream_transport.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

/** The control messages of the wire format; data travels as bare ArrayBuffers. */
const CONTROL_KEY = '__trollius_stream__';
type Control = 'eof' | 'close' | 'reset';

function control(kind: Control): Record<string, Control> {
  return { [CONTROL_KEY]: kind };
}

function control_of(data: unknown): Control | null {
  if (typeof data !== 'object' || data === null) return null;
  const kind = (data as Record<string, unknown>)[CONTROL_KEY];
  return kind === 'eof' || kind === 'close' || kind === 'reset' ? kind : null;
}

/**
 * The bytes of `chunk` as an ArrayBuffer that may be transferred: its own
 * buffer when the view covers all of a plain ArrayBuffer (no copy; the
 * caller's buffer is detached by the transfer), else a fresh copy (a view on
 * a larger buffer, such as Node's pooled Buffers, or a SharedArrayBuffer).
 */
export function _transferable_buffer(chunk: Uint8Array): ArrayBuffer {
  const buffer = chunk.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength
  ) {
    return buffer;
  }
  return new Uint8Array(chunk).buffer;
}

/**
 * A RawStream over a MessagePort.
 *
 * Wire format: each write is one transferred ArrayBuffer; `write_eof()`,
 * `close()` and `abort()` send a control message (`eof`, `close`, `reset`),
 * since a MessagePort has no close event browsers fire reliably. The other
 * end then gets `eof_received()`, `connection_lost(null)` (after EOF), or
 * `connection_lost(ConnectionResetError)`.
 *
 * postMessage never blocks and has no buffer to watch, so the write buffer
 * is always empty; reading is paused by holding messages here.
 *
 * @internal
 */
export class _MessagePortStream implements RawStream {
  receiver: RawStreamReceiver = NO_RECEIVER;
  readonly can_write_eof = true;
  readonly write_buffer_size = 0;
  readonly extra: Readonly<Record<string, unknown>>;
  /** @internal */ readonly _port: MessageEndpoint;
  /** @internal */ _started = false;
  /** @internal */ _reading = false;
  /** @internal Data and controls received while paused or before start(). */
  _pending: (Uint8Array | Control)[] = [];
  /** @internal */ _closed = false;
  private _eof_delivered = false;

  constructor(port: MessageEndpoint) {
    this._port = port;
    this.extra = { message_port: port, peername: null, sockname: null };
    port.addEventListener('message', this._port_on_message);
    // addEventListener (unlike onmessage) needs start() before messages flow.
    port.start?.();
  }

  private readonly _port_on_message = (event: { data: unknown }): void => {
    if (this._closed) return;
    const data = event.data;
    let item: Uint8Array | Control | null;
    if (data instanceof ArrayBuffer) item = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) {
      item = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else item = control_of(data);
    if (item === null) return; // not ours: the port may carry the application's messages too
    if (this._started && this._reading && this._pending.length === 0) this._deliver(item);
    else this._pending.push(item);
  };

  private _deliver(item: Uint8Array | Control): void {
    if (item instanceof Uint8Array) {
      if (item.length > 0) this.receiver._on_raw_data(item);
    } else if (item === 'eof') {
      this._deliver_eof();
    } else if (item === 'close') {
      this._deliver_eof();
      this._finish(null);
    } else {
      this._finish(
        new ConnectionResetError('Connection reset by peer (the MessagePort peer aborted)'),
      );
    }
  }

  private _deliver_eof(): void {
    if (this._eof_delivered) return;
    this._eof_delivered = true;
    this.receiver._on_raw_eof();
  }

  private _finish(err: Error | null): void {
    if (this._closed) return;
    this._closed = true;
    this._pending = [];
    this._port.removeEventListener('message', this._port_on_message);
    this._port.close?.();
    this.receiver._on_raw_close(err);
  }

  start(): void {
    this._started = true;
  }

  write(chunk: Uint8Array): boolean {
    if (this._closed) return true;
    const buffer = _transferable_buffer(chunk);
    this._port.postMessage(buffer, [buffer]);
    return true;
  }

  want_drain(_mark: number): void {
    queueMicrotask(() => {
      if (!this._closed) this.receiver._on_raw_drain();
    });
  }

  write_eof(): void {
    if (!this._closed) this._port.postMessage(control('eof'));
  }

  pause_reading(): void {
    this._reading = false;
  }

  resume_reading(): void {
    this._reading = true;
    while (this._pending.length > 0 && this._reading && !this._closed) {
      this._deliver(this._pending.shift()!);
    }
  }

  close(): void {
    this._end('close');
  }

  destroy(): void {
    this._end('reset');
  }

  private _end(kind: Control): void {
    if (this._closed) return;
    // Messages posted before port.close() are still delivered to the other end.
    this._port.postMessage(control(kind));
    // _on_raw_close comes from a later task, as a socket's would.
    queueMicrotask(() => this._finish(null));
    this._closed_soon();
  }

  private _closed_soon(): void {
    this._port.removeEventListener('message', this._port_on_message);
  }
}

/**
 * `loop.connect_message_port()`: wrap `port` in a transport and resolve to
 * `[transport, protocol]` once `connection_made` ran.
 * @internal
 */
export function connect_message_port<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  port: unknown,
): Task<[Transport, P]> {
  if (typeof protocol_factory !== 'function') {
    throw new TypeError(`protocol_factory must be a callable, got ${repr(protocol_factory)}`);
  }
  const endpoint = check_port(port, 'port');
  loop._check_closed();
  const raw = new _MessagePortStream(endpoint);
  return loop.create_task(_make_transport(loop, raw, protocol_factory, 'both', null));
}
