// Node backend: a Node stream (net.Socket, or a pipe's Readable/Writable) -> the core's RawStream.
//
// Usage: net.ts wraps connected and accepted sockets, pipe.ts wraps pipes.
// @see https://nodejs.org/api/stream.html

import type { EventEmitter } from 'node:events';
import type { OnReadOpts } from 'node:net';

import { NO_RECEIVER, type RawStream, type RawStreamReceiver } from '../../src/platform.js';

import { map_error } from './errors.js';

/**
 * The Node stream a RawStream adapts: a Duplex (a socket), or one half of it
 * (a pipe's `Readable` or `Writable`); the members of the missing half are absent.
 */
export interface NodeStream extends EventEmitter {
  readonly destroyed: boolean;
  destroy(error?: Error): unknown;
  pause?(): unknown;
  resume?(): unknown;
  write?(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  end?(): unknown;
  readonly writable?: boolean;
  readonly writableLength?: number;
  readonly writableNeedDrain?: boolean;
  readonly writableEnded?: boolean;
  readonly writableFinished?: boolean;
}

/** Where a Node stream's listeners find their RawStream: one property, no closures per stream. */
const kRaw = Symbol('trollius.raw_stream');

interface TaggedStream {
  [kRaw]: _NodeStream;
}

const EMPTY = new Uint8Array(0);

/** The most a socket reads at once: libuv's suggested size for a TCP read. */
const READ_SIZE = 64 * 1024;

/**
 * From this size on, an owned chunk is the memory Node read it into (a fresh
 * buffer each such read, as Node's own `'data'` path allocates): copying it
 * out would cost more than the memory it leaves unused (at most a quarter).
 */
const HAND_OVER_SIZE = (READ_SIZE * 3) / 4;

/**
 * Where an `onread` socket reads while its reads are small: one buffer for
 * all of them, since each read is copied out inside its callback, before
 * libuv reads again. (Node's `'data'` path allocates 64 KiB per read instead.)
 */
let shared_read_buffer: Buffer | null = null;

/** The buffer for the next read, chosen by `socket_on_read` for `socket_read_buffer`. */
let next_read_buffer: Buffer | null = null;

/**
 * `onread.buffer`: Node calls it when it creates the socket's handle, then
 * right after each `onread.callback`, and reads into what it returns until
 * the next call (resuming a paused socket does not call it again).
 */
function socket_read_buffer(): Buffer {
  const buffer = next_read_buffer ?? (shared_read_buffer ??= Buffer.allocUnsafeSlow(READ_SIZE));
  next_read_buffer = null;
  return buffer;
}

/** `onread.callback` (`this` is the socket): `nread` bytes arrived in `buffer`; `false` stops reading. */
function socket_on_read(this: TaggedStream, nread: number, buffer: Buffer): boolean {
  const raw = this[kRaw];
  const go_on = raw._on_read(nread, buffer);
  next_read_buffer = raw._next_read_buffer();
  return go_on;
}

/**
 * The `onread` option of the client sockets net.ts connects: Node reads into
 * buffers of ours, and skips the per-read allocation and the Readable stream
 * of its `'data'` path. The socket must be paused before it connects (Node
 * reads at once otherwise) and wrapped in a `_NodeStream` before it is resumed.
 * Accepted sockets cannot have it: `net.Server` takes no `onread`.
 *
 * @see https://nodejs.org/api/net.html#new-netsocketoptions
 */
export const SOCKET_ONREAD: OnReadOpts = {
  buffer: socket_read_buffer,
  callback: socket_on_read as unknown as OnReadOpts['callback'],
};

// The listeners are module-level functions, shared by every stream: `this` is
// the Node stream, and its RawStream hangs off it.

function stream_on_data(this: TaggedStream, chunk: Uint8Array): void {
  this[kRaw].receiver._on_raw_data(chunk);
}

function stream_on_end(this: TaggedStream): void {
  const raw = this[kRaw];
  if (raw._started) raw.receiver._on_raw_eof();
  else raw._ended_before_start = true;
}

function stream_on_error(this: TaggedStream, err: unknown): void {
  const raw = this[kRaw];
  if (raw._error === null) raw._error = map_error(err);
}

function stream_on_close(this: TaggedStream): void {
  const raw = this[kRaw];
  if (raw._closed) return;
  raw._closed = true;
  if (raw._started) raw.receiver._on_raw_close(raw._error);
}

function stream_on_drain(this: TaggedStream): void {
  this[kRaw].receiver._on_raw_drain();
}

function stream_on_finish(this: NodeStream): void {
  this.destroy();
}

/**
 * A RawStream over a Node stream. Listeners for end/error/close/drain are
 * attached at once (so nothing is missed or thrown before the core starts the
 * stream: an end or a close that came earlier is delivered by `start()`); the `'data'` listener is attached at the first `resume_reading()`,
 * so the stream does not flow before the core wants data.
 *
 * A socket made with `SOCKET_ONREAD` emits no `'data'`: its reads come to
 * `_on_read`, which lends them while `lend_chunks` is set (from a buffer of
 * the stream's own, reading one chunk at a time) and copies or hands them
 * over otherwise.
 *
 * @internal
 */
export class _NodeStream implements RawStream {
  receiver: RawStreamReceiver = NO_RECEIVER;
  /** @internal The extra info; `null` until a subclass that makes it when asked has made it. */
  protected _extra: Readonly<Record<string, unknown>> | null;
  readonly can_write_eof: boolean;
  lend_chunks = false;
  /** @internal */ readonly _stream: NodeStream;
  /** @internal */ _started = false;
  /**
   * @internal The stream ended before the core started it: a TLS socket can
   * read its peer's EOF between the handshake and the core taking it over.
   */
  _ended_before_start = false;
  /** @internal */ _closed = false;
  /** @internal The first error the stream reported, mapped. */ _error: Error | null = null;
  private _data_listener = false;
  /** An `onread` socket's own read buffer: the one it lends from, or a big read's. */
  private _read_buffer: Buffer | null = null;
  /** The last read filled most of a buffer: read the next one into a buffer to hand over. */
  private _big_reads = false;
  /** The mark of `want_drain()`, or -1 when no `_on_raw_drain` is asked for. */
  private _drain_mark = -1;
  /**
   * The callback of writes that queue up, made at the first such write: a
   * connection that never queues any (most idle ones) saves the closure.
   */
  private _write_done: (() => void) | null = null;

  constructor(stream: NodeStream, extra: Record<string, unknown> | null, can_write_eof = true) {
    this._stream = stream;
    this._extra = extra;
    this.can_write_eof = can_write_eof;
    (stream as unknown as TaggedStream)[kRaw] = this;
    stream.on('end', stream_on_end);
    stream.on('error', stream_on_error);
    stream.on('close', stream_on_close);
    stream.on('drain', stream_on_drain);
    if (stream.destroyed) this._closed = true;
  }

  get extra(): Readonly<Record<string, unknown>> {
    return this._extra!;
  }

  /**
   * @internal An `onread` socket read `nread` bytes into `buffer`: lend them
   * and stop reading, or hand over a chunk the transport keeps (the buffer
   * itself when a big read filled it, else a copy). `false` stops reading.
   */
  _on_read(nread: number, buffer: Buffer): boolean {
    if (buffer === this._read_buffer) {
      if (this.lend_chunks) {
        this.receiver._on_raw_data(buffer.subarray(0, nread), true);
        return false;
      }
      this._read_buffer = null;
      if (nread >= HAND_OVER_SIZE) {
        this._big_reads = true;
        this.receiver._on_raw_data(buffer.subarray(0, nread));
        return true;
      }
    }
    this._big_reads = nread >= HAND_OVER_SIZE;
    const chunk = Buffer.allocUnsafe(nread);
    chunk.set(buffer.subarray(0, nread));
    this.receiver._on_raw_data(chunk);
    return true;
  }

  /** @internal The buffer an `onread` socket reads into next. */
  _next_read_buffer(): Buffer | null {
    if (!this.lend_chunks && !this._big_reads) return null;
    return (this._read_buffer ??= Buffer.allocUnsafeSlow(READ_SIZE));
  }

  start(): void {
    this._started = true;
    if (this._ended_before_start) this.receiver._on_raw_eof();
    if (this._closed) this.receiver._on_raw_close(this._error);
  }

  write(chunk: Uint8Array): boolean {
    const stream = this._stream;
    // Completions are watched only once data queues up, which is when
    // want_drain() needs them: a callback on every write costs the common,
    // unqueued case a few percent of an echo's throughput.
    return stream.writableLength === 0
      ? stream.write!(chunk)
      : stream.write!(chunk, this._write_done ?? this._make_write_done());
  }

  /** Every queued write's callback: the buffer shrank, maybe to the mark. */
  private _make_write_done(): () => void {
    return (this._write_done = (): void => {
      if (this._drain_mark < 0 || this._stream.writableLength! > this._drain_mark) return;
      this._drain_mark = -1;
      if (!this._closed) this.receiver._on_raw_drain();
    });
  }

  get write_buffer_size(): number {
    return this._stream.writableLength ?? 0;
  }

  want_drain(mark: number): void {
    const stream = this._stream;
    if (stream.destroyed) return;
    this._drain_mark = mark;
    // Below the mark already: answer from a host callback, as the seam says.
    const write_done = this._write_done ?? this._make_write_done();
    if ((stream.writableLength ?? 0) <= mark) queueMicrotask(write_done);
    // The writes queued so far may carry no callback: an empty write's comes
    // once they are all sent, if no later write reports the mark first.
    else stream.write!(EMPTY, write_done);
  }

  write_eof(): void {
    this._stream.end!();
  }

  pause_reading(): void {
    this._stream.pause!();
  }

  resume_reading(): void {
    const stream = this._stream;
    if (!this._data_listener) {
      this._data_listener = true;
      stream.on('data', stream_on_data);
    }
    // An accepted socket starts with flowing === false (pauseOnConnect): resume explicitly.
    stream.resume!();
  }

  close(): void {
    const stream = this._stream;
    if (stream.destroyed) return;
    const flushing =
      typeof stream.end === 'function' &&
      (stream.writable === true || (stream.writableEnded === true && !stream.writableFinished));
    if (!flushing) {
      stream.destroy();
      return;
    }
    // Flush, send EOF, then close both directions (Node's own socket.destroySoon()).
    stream.once('finish', stream_on_finish);
    if (!stream.writableEnded) stream.end!();
  }

  destroy(): void {
    this._stream.destroy();
  }
}
