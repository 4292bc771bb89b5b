// loop.sendfile(): send a file over a stream transport, read in chunks and written with flow control (asyncio base_events.py sendfile and _sendfile_fallback, 3.7+).

import type { _LoopInternals } from './loop_internals.js';
import { From } from './coroutines.js';
import { RuntimeError, SendfileNotAvailableError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { host_future } from './net_helpers.js';
import { check_options, type OptionSpec } from './options.js';
import { ConnectionError } from './os_errors.js';
import type { RawFile } from './platform.js';
import { Protocol, type BaseProtocol } from './protocols.js';
import { type_name } from './raw_transport.js';
import { _StreamTransport } from './stream_transport.js';
import type { Task } from './tasks.js';
import type { BaseTransport } from './transports.js';

/**
 * Bytes read and written per chunk. asyncio reads 16 KiB at a time; a read
 * here is a round trip to the host's thread pool, so the chunk is the
 * transport's default high-water mark instead: the write buffer then stays
 * below two of them.
 */
export const SENDFILE_FALLBACK_READBUFFER_SIZE = 65536; // 64 KiB, as a literal: esbuild keeps an unused `64 * 1024`

/** Options of `loop.sendfile()` (asyncio 3.7's keyword argument). */
export interface SendfileOptions {
  /**
   * Read and write the file in chunks when the host cannot send it natively
   * (default `true`). No JavaScript host has a native `sendfile(2)`: `false`
   * makes a plain socket transport throw `SendfileNotAvailableError`, and a
   * TLS, WebSocket or MessagePort transport `RuntimeError`, as asyncio's do.
   */
  fallback?: boolean | null;
}

const SENDFILE_OPTIONS: OptionSpec = { fallback: ['boolean', 'null'] };

/**
 * A Python-style binary file object, read as asyncio reads a file opened with
 * `open(path, 'rb')`: `seek(offset)` first, `read(size)` chunk after chunk,
 * and `seek(offset + sent)` at the end, so that the position tells how far
 * the send got, even after a failure. Wrap any byte source in one to get that
 * bookkeeping; the host's own file objects (a Node `FileHandle` or file
 * descriptor, a `Blob`) are read in place instead, and keep their position.
 */
export interface BinaryFile {
  /**
   * Read up to `size` bytes at the position and move past them: fewer at the
   * end, none past it. The bytes are the caller's to keep (the transport holds
   * them until sent), as Python's `read()` returns new bytes.
   */
  read(size: number): Uint8Array | PromiseLike<Uint8Array>;
  /** Move to byte `offset` from the start of the file. */
  seek(offset: number): unknown;
  /** The position: where the next `read()` starts. */
  tell?(): number;
  /** How the file was opened (Python's `mode`): one without `'b'` is refused. */
  readonly mode?: string;
}

function is_binary_file(file: unknown): file is BinaryFile {
  if (typeof file !== 'object' || file === null) return false;
  const f = file as Partial<BinaryFile>;
  return typeof f.read === 'function' && typeof f.seek === 'function';
}

/** What the chunk loop reads from, and what it tells the file when it is done. */
interface FileSource extends RawFile {
  /** Sending ended, `position` being where it stopped: a Python-style file seeks there. */
  finish(position: number): void;
}

/** A host file object (through `Platform.open_file`): positional reads, no position to update. */
class _HostFileSource implements FileSource {
  constructor(private readonly _raw: RawFile) {}

  read(position: number, size: number): Promise<Uint8Array> {
    return this._raw.read(position, size);
  }

  finish(): void {}
}

/** A Python-style file object: sequential reads after a seek, and its position set at the end. */
class _BinaryFileSource implements FileSource {
  /** Where the file's position is, as far as we moved it; `NaN` when unknown. */
  private _position = NaN;
  /** The file was sought: `finish()` leaves it where sending stopped. */
  private _sought = false;

  constructor(private readonly _file: BinaryFile) {}

  async read(position: number, size: number): Promise<Uint8Array> {
    if (position !== this._position) {
      this._sought = true;
      this._file.seek(position);
      this._position = position;
    }
    const data: unknown = await this._file.read(size);
    if (!(data instanceof Uint8Array)) {
      this._position = NaN;
      throw new TypeError(
        `file.read() must return bytes (a Uint8Array), not '${type_name(data)}'; ` +
          'was the file opened in text mode?',
      );
    }
    if (data.length <= size) {
      this._position += data.length;
      return data;
    }
    // More than asked for: keep what was, and seek before the next read.
    this._position = NaN;
    return data.subarray(0, size);
  }

  finish(position: number): void {
    if (this._sought) this._file.seek(position);
  }
}

/**
 * Check `offset` and `count` as asyncio's `_check_sendfile_params` does:
 * a `TypeError` for something that is not an integer, a `ValueError` for an
 * integer out of range.
 */
function check_sendfile_params(offset: unknown, count: unknown): void {
  if (count !== null && count !== undefined) {
    if (typeof count !== 'number' || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${repr(count)})`);
    }
    if (count <= 0) throw new ValueError(`count must be a positive integer (got ${count})`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${repr(offset)})`);
  }
  if (offset < 0) throw new ValueError(`offset must be a non-negative integer (got ${offset})`);
}

/**
 * What a transport can do with a file (asyncio's `_SendfileMode`): nothing
 * (datagrams, pipes, subprocess pipes); a native send first (a plain socket,
 * asyncio's `TRY_NATIVE`); or only chunks (TLS, WebSocket, MessagePort
 * streams, asyncio's `FALLBACK`).
 */
type SendfileMode = 'unsupported' | 'try_native' | 'fallback';

function sendfile_mode(transport: BaseTransport): SendfileMode {
  if (!(transport instanceof _StreamTransport) || transport._direction !== 'both') {
    return 'unsupported';
  }
  for (const framed of ['sslcontext', 'websocket', 'message_port']) {
    if (transport.get_extra_info(framed) != null) return 'fallback';
  }
  return 'try_native';
}

/** asyncio's `_sendfile_native` where the host has no `sendfile(2)`, saying what to do instead. */
const NATIVE_NOT_SUPPORTED =
  'sendfile syscall is not supported: JavaScript hosts cannot hand a file to a socket in the ' +
  'kernel; leave fallback on (the default) to read and send the file in chunks';

/** The file as the chunk loop reads it: a Python-style file object, else a host one. */
function file_source(loop: _LoopInternals, file: unknown): FileSource {
  if (is_binary_file(file)) {
    if (typeof file.mode === 'string' && !file.mode.includes('b')) {
      throw new ValueError('file should be opened in binary mode');
    }
    return new _BinaryFileSource(file);
  }
  return new _HostFileSource(loop._platform.open_file(file));
}

/**
 * `loop.sendfile()`: send `file` over `transport` and resolve to the number
 * of bytes sent (asyncio 3.7). `offset` is where reading starts (from the
 * beginning of the file), `count` how many bytes to send at most (`null`:
 * until the end of the file).
 *
 * Every check is made at the call: a `TypeError`/`ValueError` for a bad
 * `offset`, `count`, option or file; `RuntimeError('Transport is closing')`;
 * `RuntimeError` for a transport that cannot carry a file (datagrams, pipes);
 * with `{fallback: false}`, `SendfileNotAvailableError` (a plain socket) or
 * `RuntimeError` (TLS and other framed streams), since no JavaScript host
 * can send a file natively.
 *
 * The file is read one chunk at a time and each chunk written once the
 * transport has room (asyncio's `_sendfile_fallback`): meanwhile the
 * transport's protocol is set aside (it gets `connection_lost()` if the
 * connection goes) and reading is paused; both are restored when the Task
 * ends, however it ends. A Python-style file object (`BinaryFile`) is left
 * at `offset` plus the bytes sent; a host file object keeps its position.
 * @internal
 */
export function sendfile(
  loop: _LoopInternals,
  transport: BaseTransport,
  file: unknown,
  offset: number = 0,
  count: number | null = null,
  options?: SendfileOptions | null,
): Task<number> {
  const opts = check_options('sendfile', options, SENDFILE_OPTIONS);
  const fallback = opts.fallback ?? true;
  check_sendfile_params(offset, count);
  if (typeof (transport as Partial<BaseTransport> | null)?.is_closing !== 'function') {
    throw new TypeError(`transport must be a Transport, got ${repr(transport)}`);
  }
  if (transport.is_closing()) throw new RuntimeError('Transport is closing');
  const mode = sendfile_mode(transport);
  if (mode === 'unsupported') {
    throw new RuntimeError(`sendfile is not supported for transport ${String(transport)}`);
  }
  if (mode === 'fallback' && !fallback) {
    throw new RuntimeError(
      `fallback is disabled and native sendfile is not supported for transport ${String(transport)}`,
    );
  }
  const source = file_source(loop, file);
  if (!fallback) throw new SendfileNotAvailableError(NATIVE_NOT_SUPPORTED);
  loop._check_closed();
  return loop.create_task(
    sendfile_fallback(loop, transport as _StreamTransport, source, offset, count ?? null),
  );
}

function* sendfile_fallback(
  loop: _LoopInternals,
  transport: _StreamTransport,
  source: FileSource,
  offset: number,
  count: number | null,
): Generator<unknown, number, unknown> {
  const blocksize = Math.min(count ?? Infinity, SENDFILE_FALLBACK_READBUFFER_SIZE);
  let total_sent = 0;
  const proto = new _SendfileFallbackProtocol(loop, transport);
  try {
    for (;;) {
      const size = count === null ? blocksize : Math.min(count - total_sent, blocksize);
      if (size <= 0) return total_sent;
      const chunk = yield* From(host_future(loop, source.read(offset + total_sent, size)));
      if (chunk.length === 0) return total_sent; // the end of the file
      transport.write(chunk);
      yield* proto.drain();
      total_sent += chunk.length;
    }
  } finally {
    try {
      source.finish(offset + total_sent);
    } finally {
      proto.restore();
    }
  }
}

/**
 * The protocol a transport has while `sendfile()` writes to it (asyncio's
 * `_SendfileFallbackProtocol`): it turns `pause_writing()`/`resume_writing()`
 * into the wait between chunks, passes `connection_lost()` on to the
 * protocol it stands in for, and refuses data (reading is paused).
 */
class _SendfileFallbackProtocol extends Protocol {
  private readonly _loop: _LoopInternals;
  private readonly _transport: _StreamTransport;
  private readonly _proto: BaseProtocol;
  private readonly _should_resume_reading: boolean;
  private readonly _should_resume_writing: boolean;
  /** Pending while the transport's buffer is above its high-water mark. */
  private _write_ready: Future<void> | null;

  constructor(loop: _LoopInternals, transport: _StreamTransport) {
    super();
    this._loop = loop;
    this._transport = transport;
    this._proto = transport.get_protocol();
    this._should_resume_reading = transport.is_reading();
    this._should_resume_writing = transport._protocol_paused;
    if (this._should_resume_reading) transport.pause_reading();
    transport.set_protocol(this);
    // A transport paused already makes the first chunk wait for its resume_writing().
    this._write_ready = this._should_resume_writing ? loop.create_future<void>() : null;
  }

  /** Wait until the transport has room, or fail once the connection is going. */
  *drain(): Generator<unknown, void, unknown> {
    if (this._transport.is_closing()) throw new ConnectionError('Connection closed by peer');
    const ready = this._write_ready;
    if (ready !== null) yield From(ready);
  }

  override connection_made(): void {
    throw new RuntimeError('Invalid state: connection should have been established already.');
  }

  override connection_lost(exc: Error | null): void {
    const ready = this._write_ready;
    // Lost before the whole file went: an error for sendfile(), even after a clean close.
    if (ready !== null && !ready.done()) {
      ready.set_exception(exc ?? new ConnectionError('Connection is closed by peer'));
    }
    this._proto.connection_lost(exc);
  }

  override pause_writing(): void {
    this._write_ready ??= this._loop.create_future<void>();
  }

  override resume_writing(): void {
    const ready = this._write_ready;
    if (ready === null) return;
    this._write_ready = null;
    if (!ready.done()) ready.set_result(undefined);
  }

  override data_received(): void {
    throw new RuntimeError('Invalid state: reading should be paused');
  }

  override eof_received(): boolean {
    throw new RuntimeError('Invalid state: reading should be paused');
  }

  /**
   * Give the transport its protocol back, resume reading if it was on, and
   * tell the protocol about a change of the transport's writing state while
   * it was set aside, so its `pause_writing()`/`resume_writing()` keep pairing.
   */
  restore(): void {
    const transport = this._transport;
    transport.set_protocol(this._proto);
    if (this._should_resume_reading && transport._paused) transport.resume_reading();
    const ready = this._write_ready;
    this._write_ready = null;
    if (ready !== null) {
      // Nobody waits for it any more; an exception set on it was sendfile()'s to raise.
      if (!ready.done()) ready.cancel();
      else if (!ready.cancelled()) ready.exception();
    }
    if (transport.is_closing()) return;
    const paused = transport._protocol_paused;
    if (this._should_resume_writing && !paused) this._flow_control('resume_writing');
    else if (!this._should_resume_writing && paused) this._flow_control('pause_writing');
  }

  private _flow_control(method: 'pause_writing' | 'resume_writing'): void {
    try {
      this._proto[method]();
    } catch (exc) {
      this._loop.call_exception_handler({
        message: `protocol.${method}() failed`,
        exception: exc,
        transport: this._transport,
        protocol: this._proto,
      });
    }
  }
}
