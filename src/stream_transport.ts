// _StreamTransport: asyncio's socket-transport semantics (selector_events.py) over a platform RawStream.

import type { _LoopInternals } from './loop_internals.js';
import type { TimerHandle } from './handles.js';
import { RuntimeError, TimeoutError } from './exceptions.js';
import type { Future } from './futures.js';
import { logger } from './log.js';
import { BrokenPipeError } from './os_errors.js';
import type { ProtocolFactory } from './net_options.js';
import type { RawStream, RawStreamReceiver } from './platform.js';
import type { Server } from './server.js';
import { BufferedProtocol, type BaseProtocol, type Protocol } from './protocols.js';
import {
  _RawTransport,
  _connect_protocol,
  maybe_resume_protocol,
  type_name,
} from './raw_transport.js';

/** What a transport tells the server that accepted it (asyncio `Server._attach`/`_detach`). @internal */
export interface ServerLike {
  _attach(): void;
  _detach(): void;
}

/** Held in the read queue while reading is paused: the EOF that came after the data. */
const EOF_MARK = Symbol('EOF');

type Held = Uint8Array | typeof EOF_MARK;

/** Set while a transport calls its host stream's `resume_reading()` (see `_on_raw_data`). */
let resuming_host = false;

/** A transport's `_extra` when its extra info is the host stream's own (`raw.extra`). */
const HOST_EXTRA: Record<string, unknown> = /* @__PURE__ */ Object.freeze({});

/** Which way a one-way transport (a pipe) goes; `'both'` for sockets. @internal */
export type Direction = 'both' | 'read' | 'write';

function call_connection_made(transport: _StreamTransport): void {
  transport._protocol.connection_made(transport);
}

function set_waiter_result(waiter: Future<null>): void {
  if (!waiter.done()) waiter.set_result(null);
}

// The transport's loop callbacks: module-level functions scheduled with the
// transport as their first argument, not arrow-function fields, which would
// cost every connection a closure each (idle connections are mostly this).

function start_reading(transport: _StreamTransport): void {
  transport._start_reading();
}

function deliver_data(transport: _StreamTransport, chunk: Uint8Array, lent: boolean): void {
  transport._deliver_data(chunk, lent);
}

function deliver_eof(transport: _StreamTransport): void {
  transport._deliver_eof();
}

function handle_raw_close(transport: _StreamTransport, err: Error | null): void {
  transport._handle_raw_close(err);
}

function loop_resumed(transport: _StreamTransport): void {
  transport._loop_resumed();
}

function flush_held(transport: _StreamTransport): void {
  transport._flush_held();
}

function shutdown_timed_out(transport: _StreamTransport): void {
  transport._shutdown_timed_out();
}

/**
 * The transport of a connected stream: TCP and Unix sockets, and (one way)
 * pipes. It holds asyncio's semantics, written once for every backend; the
 * backend's `RawStream` only moves bytes.
 *
 * - Construction schedules `connection_made`, then the start of reading, then
 *   the creation waiter, each with `call_soon` (asyncio TR-2), so
 *   `data_received` never comes before `connection_made`.
 * - Each host event becomes one `call_soon`: protocol callbacks run inside
 *   loop iterations, in the order the host delivered the events. While the
 *   loop is not running, the host socket is paused, so data waits in the OS
 *   instead of piling up.
 * - `pause_reading()` pauses the host socket; chunks already queued for
 *   delivery are held back and delivered, in order, after `resume_reading()`.
 * - A BufferedProtocol's transport lets the host lend it chunks (see
 *   `RawStreamReceiver._on_raw_data`): the host stops reading after each, and is resumed
 *   only once the bytes are copied into the protocol's buffers.
 * - Writes go straight to the host; the buffer size is the host's, compared
 *   with the water marks after each write (`pause_writing`) and when the host
 *   reports progress (`resume_writing`).
 * - `connection_lost` is called exactly once, after every other callback.
 *
 * @internal
 */
export class _StreamTransport extends _RawTransport implements RawStreamReceiver {
  /** @internal */ _raw: RawStream;
  /** @internal */ declare _protocol: Protocol;
  /** @internal */ _server: ServerLike | null;
  /** @internal */ readonly _direction: Direction;
  /** @internal */ _eof_written = false;
  /** @internal The protocol paused reading. */ _paused = false;
  /** @internal The protocol is a BufferedProtocol: it gets buffers filled, not chunks. */
  _buffered: boolean;
  /** @internal Reading is paused because the loop is not running. */ _loop_paused = false;
  /** @internal Reading may start (connection_made has run). */ _reading_started = false;
  /** @internal The host stream is reading. */ _raw_reading = false;
  /** @internal The host stream closed. */ _raw_closed = false;
  /** @internal EOF was received and handled. */ _eof_received = false;
  /** @internal A clean host close waits for the held data to be delivered first. */
  _close_after_held = false;
  /** @internal Chunks (and EOF) that arrived for delivery while reading was paused. */
  _held: Held[] | null = null;
  /**
   * @internal The host lent a chunk that is not yet copied out: the host
   * stream stays paused until it is, since resuming hands its memory back.
   */
  _lent = false;
  /** @internal The lent chunk is still in the loop's ready queue, not yet delivered or held. */
  _lent_queued = false;
  /** @internal The memory of the lent chunk (a data_received() protocol gets a copy of it). */
  _lent_buffer: ArrayBufferLike | null = null;
  /**
   * @internal Seconds `close()` may take to flush before the stream is aborted
   * (asyncio's `ssl_shutdown_timeout`; TLS streams only), or `null`.
   */
  _ssl_shutdown_timeout: number | null = null;
  /** @internal The timer of `_ssl_shutdown_timeout`, while `close()` flushes. */
  _shutdown_timer: TimerHandle | null = null;

  constructor(
    loop: _LoopInternals,
    raw: RawStream,
    protocol: BaseProtocol,
    waiter: Future<null> | null = null,
    extra: Record<string, unknown> | null = null,
    server: ServerLike | null = null,
    direction: Direction = 'both',
  ) {
    // With nothing to add, the host's extra info is the transport's, read when
    // asked for (a host may make it only then: see `_extra_info()`).
    super(loop, protocol, extra === null ? HOST_EXTRA : { ...raw.extra, ...extra });
    this._buffered = protocol instanceof BufferedProtocol;
    this._raw = raw;
    this._server = server;
    this._direction = direction;
    server?._attach();
    raw.receiver = this;
    raw.lend_chunks = this._buffered;
    loop._call_soon(call_connection_made, [this]);
    loop._call_soon(start_reading, [this]);
    if (waiter !== null) loop._call_soon(set_waiter_result, [waiter]);
    raw.start();
  }

  override toString(): string {
    const info: string[] = [this.constructor.name];
    if (this._lost_scheduled) info.push('closed');
    else if (this._closing) info.push('closing');
    const peer = this.get_extra_info('peername');
    if (peer !== undefined && peer !== null) info.push(`peername=${String(peer)}`);
    if (this._direction !== 'write') info.push(`read=${this.is_reading() ? 'polling' : 'idle'}`);
    if (this._direction !== 'read') info.push(`write=<bufsize=${this.get_write_buffer_size()}>`);
    return `<${info.join(' ')}>`;
  }

  /** @internal */
  override _extra_info(): Readonly<Record<string, unknown>> {
    return this._extra === HOST_EXTRA ? this._raw.extra : this._extra;
  }

  // ---- host events (RawStreamReceiver: called from host callbacks; each becomes one call_soon) --

  /** @internal The host delivered a chunk: schedule its delivery (the hot path). */
  _on_raw_data(chunk: Uint8Array, lent?: boolean): void {
    const loop = this._loop;
    if (lent === true) {
      // The host stopped reading by itself; it reads again at our resume_reading().
      this._raw_reading = false;
      this._lent = true;
      this._lent_queued = true;
      this._lent_buffer = chunk.buffer;
    }
    if (!loop.is_running()) {
      if (loop.is_closed()) return this._raw.destroy();
      this._pause_for_stopped_loop();
    }
    // A lent chunk's host stops reading once this returns: no turn may resume it
    // before. Data handed over inside our resume_reading() call is queued: that
    // call may come from user code, which returns before any callback runs.
    if (lent === true || resuming_host) loop._call_soon(deliver_data, [this, chunk, lent === true]);
    else loop._call_soon_from_host(deliver_data, [this, chunk, false]);
  }

  /** @internal */
  _on_raw_eof(): void {
    if (this._loop.is_closed()) return this._raw.destroy();
    this._loop._call_soon(deliver_eof, [this]);
  }

  /** @internal */
  _on_raw_close(err: Error | null): void {
    this._raw_closed = true;
    this._raw_reading = false;
    this._host_closed();
    if (this._loop.is_closed()) return;
    this._loop._call_soon(handle_raw_close, [this, err]);
  }

  /** @internal */
  _on_raw_drain(): void {
    if (this._protocol_paused && !this._loop.is_closed()) {
      this._loop._call_soon(maybe_resume_protocol, [this]);
    }
  }

  // ---- what the base needs --------------------------------------------------------------------

  protected override _destroy_host(): void {
    this._raw_reading = false;
    if (!this._raw_closed) this._raw.destroy();
  }

  protected override _writing_paused(): void {
    this._raw.want_drain(this._low);
  }

  /** The loop stopped while data arrives: pause the host until the loop runs again. */
  private _pause_for_stopped_loop(): void {
    if (this._loop_paused) return;
    this._loop_paused = true;
    this._update_reading();
    // Runs as soon as the loop runs again, after the chunks already queued.
    this._loop._call_soon(loop_resumed, [this]);
  }

  /** @internal */
  _loop_resumed(): void {
    this._loop_paused = false;
    this._update_reading();
  }

  // ---- loop callbacks ---------------------------------------------------------------------

  /** @internal */
  _start_reading(): void {
    this._reading_started = true;
    this._update_reading();
  }

  /** Keep the host's reading state in line with what the protocol and the loop want. */
  private _update_reading(): void {
    const want =
      this._reading_started &&
      !this._paused &&
      !this._closing &&
      !this._loop_paused &&
      !this._eof_received &&
      !this._raw_closed &&
      this._direction !== 'write' &&
      this._held === null &&
      !this._lent;
    if (want === this._raw_reading) return;
    this._raw_reading = want;
    if (!want) return this._raw.pause_reading();
    // A stream that held data while paused (a WebSocket's, a MessagePort's) hands it over now.
    resuming_host = true;
    try {
      this._raw.resume_reading();
    } finally {
      resuming_host = false;
    }
  }

  /** @internal Deliver one chunk to the protocol (scheduled by `_on_raw_data`). */
  _deliver_data(chunk: Uint8Array, lent = false): void {
    if (lent) this._lent_queued = false;
    if (this._closing) return;
    if (this._paused || this._held !== null) {
      (this._held ??= []).push(chunk);
      return;
    }
    this._data_to_protocol(chunk);
    if (this._lent) this._return_lent();
  }

  /**
   * Once the lent chunk is copied out (the host lends one at a time and sends
   * nothing after it, so that is when nothing is queued or held), the host
   * may read into its memory again.
   */
  private _return_lent(): void {
    if (!this._lent_queued && this._held === null) {
      this._lent = false;
      this._lent_buffer = null;
    }
    this._update_reading();
  }

  /** Hand one chunk to the protocol: `data_received()`, or a BufferedProtocol's buffers. */
  private _data_to_protocol(chunk: Uint8Array): void {
    if (this._buffered) return this._fill_buffers(chunk);
    // A protocol switched from buffers to data_received() keeps its chunks: not lent memory.
    if (this._lent && chunk.buffer === this._lent_buffer) {
      const copy = this._loop._platform.alloc_bytes(chunk.length);
      copy.set(chunk);
      chunk = copy;
    }
    try {
      this._protocol.data_received(chunk);
    } catch (exc) {
      this._fatal_error(exc, 'Fatal error: protocol.data_received() call failed.');
    }
  }

  /**
   * Copy `chunk` into the buffers a BufferedProtocol hands out, as many as it
   * takes; what is left when the protocol pauses reading is held for later.
   */
  private _fill_buffers(chunk: Uint8Array): void {
    const protocol = this._protocol as unknown as BufferedProtocol;
    let offset = 0;
    while (offset < chunk.length) {
      if (this._paused) {
        (this._held ??= []).unshift(chunk.subarray(offset));
        return;
      }
      let buffer: Uint8Array;
      try {
        buffer = protocol.get_buffer(chunk.length - offset);
        if (!(buffer instanceof Uint8Array)) {
          throw new TypeError(`get_buffer() must return a Uint8Array, not '${type_name(buffer)}'`);
        }
        if (buffer.length === 0) throw new RuntimeError('get_buffer() returned an empty buffer');
      } catch (exc) {
        return this._fatal_error(exc, 'Fatal error: protocol.get_buffer() call failed.');
      }
      const nbytes = Math.min(buffer.length, chunk.length - offset);
      buffer.set(chunk.subarray(offset, offset + nbytes));
      offset += nbytes;
      try {
        protocol.buffer_updated(nbytes);
      } catch (exc) {
        return this._fatal_error(exc, 'Fatal error: protocol.buffer_updated() call failed.');
      }
      if (this._closing) return;
    }
  }

  /** @internal Deliver EOF to the protocol (scheduled by `_on_raw_eof`). */
  _deliver_eof(): void {
    if (this._closing) return;
    if (this._paused || this._held !== null) {
      (this._held ??= []).push(EOF_MARK);
      return;
    }
    this._eof_now();
  }

  private _eof_now(): void {
    this._eof_received = true;
    this._update_reading();
    if (this._loop.get_debug()) logger.debug(`${this} received EOF`);
    let keep_open: unknown;
    try {
      keep_open = this._protocol.eof_received();
    } catch (exc) {
      this._fatal_error(exc, 'Fatal error: protocol.eof_received() call failed.');
      return;
    }
    // A pipe's EOF ends it whatever the protocol says (asyncio's read pipe transport).
    if (this._direction === 'read') this._force_close(null);
    else if (!keep_open) this.close();
  }

  /** @internal Deliver what was held while reading was paused, until paused again. */
  _flush_held(): void {
    const held = this._held;
    if (held === null) return;
    while (held.length > 0 && !this._paused && !this._closing) {
      const item = held.shift()!;
      if (held.length === 0) this._held = null;
      if (item === EOF_MARK) {
        this._eof_now();
      } else {
        this._data_to_protocol(item);
      }
    }
    if (this._held !== null && this._held.length === 0) this._held = null;
    if (this._held === null && this._close_after_held) this._force_close(null);
    else if (this._lent) this._return_lent();
    else this._update_reading();
  }

  /** @internal The host stream closed (scheduled by `_on_raw_close`). */
  _handle_raw_close(err: Error | null): void {
    if (this._lost_scheduled) return;
    if (err !== null) {
      this._fatal_error(
        err,
        `Fatal error on ${this._direction === 'both' ? 'socket' : 'pipe'} transport`,
      );
    } else if (this._held !== null && !this._closing) {
      // The data read before the close is still owed to the (paused) protocol.
      this._close_after_held = true;
    } else if (this._direction === 'write' && this._raw.write_buffer_size > 0) {
      // The reader went away with our data unsent (asyncio's write pipe).
      this._force_close(new BrokenPipeError('Broken pipe'));
    } else {
      this._force_close(null);
    }
  }

  // ---- Transport API ----------------------------------------------------------------------

  override is_reading(): boolean {
    return !this._paused && !this._closing && this._direction !== 'write';
  }

  /**
   * Stop delivering `data_received()` until `resume_reading()`; the host
   * stops reading, so the peer's sends eventually block.
   */
  override pause_reading(): void {
    if (this._closing) throw new RuntimeError('Cannot pause_reading() when closing');
    if (this._paused) throw new RuntimeError('Already paused');
    this._paused = true;
    this._update_reading();
    if (this._loop.get_debug()) logger.debug(`${this} pauses reading`);
  }

  /** Undo `pause_reading()`: held data is delivered first, then reading resumes. */
  override resume_reading(): void {
    if (!this._paused) throw new RuntimeError('Not paused');
    this._paused = false;
    if (this._closing) return;
    if (this._held !== null) this._loop._call_soon(flush_held, [this]);
    else this._update_reading();
    if (this._loop.get_debug()) logger.debug(`${this} resumes reading`);
  }

  override set_protocol(protocol: BaseProtocol): void {
    super.set_protocol(protocol);
    this._buffered = protocol instanceof BufferedProtocol;
    this._raw.lend_chunks = this._buffered;
  }

  override get_write_buffer_size(): number {
    return this._host_released ? 0 : this._raw.write_buffer_size;
  }

  /**
   * Send `data` at once when the host can, else buffer it. Throws
   * `RuntimeError` after `write_eof()`; `TypeError` for anything but bytes.
   */
  override write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${type_name(data)}'`);
    }
    if (this._eof_written) throw new RuntimeError('Cannot call write() after write_eof()');
    if (this._direction === 'read') throw new RuntimeError('Cannot write to a read pipe transport');
    if (data.length === 0) return;
    if (this._conn_lost !== 0) {
      return this._drop_write(
        this._direction === 'both'
          ? 'socket.send() raised exception.'
          : 'pipe closed by peer or os.write(pipe, data) raised exception.',
      );
    }
    this._raw.write(data);
    if (!this._protocol_paused && this._raw.write_buffer_size > this._high) {
      this._maybe_pause_protocol();
    }
  }

  override write_eof(): void {
    if (this._eof_written || this._closing) return;
    // EOF on a write pipe is its close, once flushed (asyncio's write pipe transport).
    if (this._direction === 'write') return this.close();
    // A stream that cannot half-close (a WebSocket) throws here: the transport
    // must stay writable then, so the flag is set only once the EOF went out.
    this._raw.write_eof();
    this._eof_written = true;
  }

  override can_write_eof(): boolean {
    return this._raw.can_write_eof;
  }

  /**
   * Stop reading now; flush the write buffer, then close. `connection_lost(null)`
   * follows on the next iteration when nothing is left to send (as in asyncio:
   * a `drain()` after `close()` then raises), else once the host has flushed
   * and closed the stream.
   */
  override close(): void {
    if (this._closing) return;
    // A read pipe has nothing to flush: its descriptor is closed now, so the
    // writer gets EPIPE from here on (asyncio closes the pipe at once).
    if (this._raw_closed || this._direction === 'read') return this._force_close(null);
    this._closing = true;
    this._held = null;
    this._conn_lost++;
    this._update_reading();
    // The host sends EOF and closes on its own; its close event is then ignored.
    this._raw.close();
    if (this.get_write_buffer_size() === 0) this._schedule_connection_lost(null);
    else if (this._ssl_shutdown_timeout !== null) {
      // A peer that stops reading must not hold a TLS connection open forever (asyncio).
      this._shutdown_timer = this._loop.call_later(
        this._ssl_shutdown_timeout,
        shutdown_timed_out,
        this,
      );
    }
  }

  /** @internal */
  _shutdown_timed_out(): void {
    this._shutdown_timer = null;
    this._force_close(new TimeoutError('SSL shutdown timed out'));
  }

  // ---- closing ------------------------------------------------------------------------------

  /** @internal */
  override _force_close(exc: Error | null): void {
    this._held = null;
    super._force_close(exc);
  }

  /**
   * @internal A `close()` under way with nothing left to send ends by itself,
   * soon (a WebSocket waits for its peer's close frame): cutting it short would
   * turn a clean close into a reset. Anything else is released now.
   */
  override _close_at_loop_close(): void {
    if (this._closing && !this._host_released && this.get_write_buffer_size() === 0) {
      this._loop._host_resources.delete(this);
      return;
    }
    super._close_at_loop_close();
  }

  /** @internal */
  override _call_connection_lost(exc: Error | null): void {
    this._shutdown_timer?.cancel();
    this._shutdown_timer = null;
    try {
      super._call_connection_lost(exc);
    } finally {
      const server = this._server;
      this._server = null;
      server?._detach();
    }
  }
}

/**
 * Wrap a protocol and a connected stream in a transport, and wait for
 * connection_made. A TLS connection's `ssl_shutdown_timeout` bounds its `close()`.
 * @internal
 */
export function* _make_transport<P extends BaseProtocol>(
  loop: _LoopInternals,
  raw: RawStream,
  protocol_factory: ProtocolFactory<P>,
  direction: Direction,
  extra: Record<string, unknown> | null,
  ssl_shutdown_timeout: number | null = null,
): Generator<unknown, [_StreamTransport, P], unknown> {
  return yield* _connect_protocol(
    loop,
    protocol_factory,
    () => raw.destroy(),
    (protocol, waiter) => {
      const transport = new _StreamTransport(loop, raw, protocol, waiter, extra, null, direction);
      transport._ssl_shutdown_timeout = ssl_shutdown_timeout;
      return transport;
    },
  );
}

/** The transport of a connection `server` accepted (its `ServeAccepted`). @internal */
export function serve_accepted(server: Server, raw: RawStream, protocol: BaseProtocol): void {
  const transport = new _StreamTransport(server._loop, raw, protocol, null, null, server);
  transport._ssl_shutdown_timeout = server._ssl_shutdown_timeout;
}
