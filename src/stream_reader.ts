// StreamReader: a byte buffer fed by a protocol, read by coroutines (asyncio streams.py StreamReader).

import { _loop_of } from './loop_internals.js';
import { AbstractEventLoop } from './events.js';
import {
  IncompleteReadError,
  LimitOverrunError,
  NotImplementedError,
  RuntimeError,
  ValueError,
} from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future } from './futures.js';
import { check_options, type OptionSpec } from './options.js';
import { _StreamBuffer } from './stream_buffer.js';
import type { ReadTransport } from './transports.js';

/** asyncio's default buffer limit of a StreamReader: 64 KiB (`_DEFAULT_LIMIT`). */
export const _DEFAULT_LIMIT = 65536; // as a literal: esbuild keeps an unused `2 ** 16`

/** Options of `new StreamReader()` (asyncio's `limit` and `loop` arguments). */
export interface StreamReaderOptions {
  /** The buffer limit (default 64 KiB); when the limit is also passed positionally, not here. */
  limit?: number | null;
  /** The loop the reader's Futures belong to; default `get_event_loop()`. */
  loop?: AbstractEventLoop | null;
}

const READER_OPTIONS: OptionSpec = { limit: ['number', 'null'], loop: ['object', 'null'] };

/**
 * What the pending read asked for. An object, not an enum: TypeScript emits a
 * (const) enum as a top-level function call under isolatedModules, which
 * bundlers must then keep.
 */
const Kind = {
  /** read(n), n > 0: at least one byte, at most n. */
  READ: 0,
  /** read(-1): everything up to EOF. */
  ALL: 1,
  /** readexactly(n). */
  EXACTLY: 2,
  /** readuntil(sep). */
  UNTIL: 3,
  /** readline(): readuntil(b'\n') with asyncio's readline error handling. */
  LINE: 4,
  /** readuntil([sep, ...]): the first of several separators (asyncio 3.13). */
  UNTIL_ANY: 5,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** `_attempt()` could not complete the read yet. */
const WAIT = Symbol('wait');

const NEWLINE = /* @__PURE__ */ new Uint8Array([0x0a]);
/** The separators of any read but a readuntil() with several. */
const NO_SEPARATORS: readonly Uint8Array[] = [];

function decide_overrun(reader: StreamReader): void {
  reader._decide_overrun();
}

const METHOD_NAMES = ['read', 'read', 'readexactly', 'readuntil', 'readline', 'readuntil'] as const;

function check_bytes(data: unknown, what: string): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a bytes-like object, got ${repr(data)}`);
  }
}

/** A read size must be an integer: Python slices with it, and a float is a `TypeError` there. */
function check_integer(n: number, method: string): void {
  if (!Number.isInteger(n)) {
    throw new TypeError(`${method}() size must be an integer, got ${repr(n)}`);
  }
}

function check_number(n: unknown, method: string): asserts n is number {
  if (typeof n !== 'number') {
    throw new TypeError(`${method}() size must be an integer, got ${repr(n)}`);
  }
}

/**
 * The Future of a read. If the task that waited on it is cancelled after the
 * read was answered but before the task resumed, the bytes go back to the
 * front of the buffer, as if the read had never been made (asyncio keeps them
 * in the buffer in that case too).
 */
class ReadFuture extends Future<Uint8Array> {
  constructor(private readonly _reader: StreamReader) {
    super(_reader._loop);
  }

  override _result_dropped(): void {
    if (this._state === 'FINISHED' && this._exception === null) this._reader._unread(this._result!);
  }
}

/**
 * A buffer of incoming bytes that coroutines read from (asyncio's
 * `StreamReader`). `open_connection()` and `start_server()` make one per
 * connection; its protocol feeds it with `feed_data()` and `feed_eof()`.
 *
 * Every read method returns a `Future`, so all three styles work:
 * `yield From(reader.readline())`, the typed `yield* From(reader.readline())`,
 * and `await reader.readline()`. A read that the buffer can answer returns a
 * Future that is already done; otherwise the Future is completed by the
 * `feed_data()`/`feed_eof()`/`set_exception()` call that makes the answer
 * known (no Task is spawned per read). Cancelling a pending read leaves the
 * buffer as it was.
 *
 * Flow control (asyncio STR-1): when the buffer grows past `2 * limit` the
 * reader pauses its transport's reading, and resumes it once reads bring the
 * buffer back to `limit` or below, so a slow reader holds a bounded amount
 * of memory while the peer's sends block.
 *
 * `feed_data()` copies its bytes, so the caller may reuse its buffer; the
 * chunks a protocol receives from its transport (which hands them over) are
 * kept without a copy. Results may be views of the buffered chunks.
 *
 * @example
 * const [reader, writer] = yield* From(open_connection('127.0.0.1', 8888));
 * const line = yield* From(reader.readline());           // Uint8Array, '\n' included
 * const header = yield* From(reader.readexactly(4));
 * for await (const l of reader) console.log(l.length);    // lines until EOF
 */
export class StreamReader extends _StreamBuffer implements AsyncIterable<Uint8Array> {
  /** @internal */ readonly _limit: number;
  /** @internal */ _eof = false;
  /** @internal */ _exception: unknown = null;
  /** @internal */ _transport: ReadTransport | null = null;
  /** @internal The reader paused its transport. */ _paused = false;

  // The one pending read: what it asked for, and the Future it completes.
  /** @internal */ _waiter: Future<Uint8Array> | null = null;
  private _kind: Kind = Kind.READ;
  private _n = 0;
  /** readline() and readuntil() with one separator: it. */
  private _sep: Uint8Array = NEWLINE;
  /** readuntil() with several separators: them, shortest first. */
  private _seps: readonly Uint8Array[] = NO_SEPARATORS;
  /** read(-1): the blocks taken out of the buffer so far. */
  private _blocks: Uint8Array[] | null = null;
  /** An overrun waits for `_decide_overrun()` (scheduled). */
  private _deciding = false;

  /**
   * `new StreamReader()`, `new StreamReader(limit)`, `new StreamReader(limit, {loop})`
   * or `new StreamReader({limit, loop})` (asyncio's `StreamReader(limit=..., loop=...)`).
   *
   * @param limit - the buffer limit (default 64 KiB): a line longer than this
   *   is an error, and reading pauses at twice this much buffered. Or the
   *   options object.
   * @param options - `loop` (and `limit`, when not passed positionally); a
   *   loop may also be passed directly, as asyncio's positional `loop` argument.
   *   An unknown key or a value of the wrong type is a `TypeError`.
   */
  constructor(
    limit?: number | StreamReaderOptions | null,
    options?: StreamReaderOptions | AbstractEventLoop | null,
  ) {
    let loop: AbstractEventLoop | null | undefined;
    if (typeof limit === 'object' && limit !== null) {
      if (options !== undefined) {
        throw new TypeError('StreamReader() takes the options object as its only argument');
      }
      const checked = check_options('StreamReader', limit, READER_OPTIONS);
      limit = checked.limit;
      loop = checked.loop;
    } else if (options instanceof AbstractEventLoop) {
      loop = options;
    } else {
      const checked = check_options('StreamReader', options, READER_OPTIONS);
      if (checked.limit !== undefined && limit !== undefined) {
        throw new TypeError("StreamReader() got multiple values for argument 'limit'");
      }
      limit ??= checked.limit;
      loop = checked.loop;
    }
    limit ??= _DEFAULT_LIMIT;
    if (typeof limit !== 'number' || Number.isNaN(limit)) {
      throw new TypeError(`limit must be a number, got ${repr(limit)}`);
    }
    // asyncio's own check: a limit of 0 or less would make every line too long.
    if (limit <= 0) throw new ValueError('Limit cannot be <= 0');
    super(_loop_of(loop, 'StreamReader()'));
    this._limit = limit;
  }

  override toString(): string {
    const info = ['StreamReader'];
    if (this._size > 0) info.push(`${this._size} bytes`);
    if (this._eof) info.push('eof');
    if (this._limit !== _DEFAULT_LIMIT) info.push(`limit=${this._limit}`);
    if (this._waiter !== null && !this._waiter.done()) info.push(`waiter=${this._waiter}`);
    if (this._exception !== null) info.push(`exception=${repr(this._exception)}`);
    if (this._transport !== null) info.push(`transport=${String(this._transport)}`);
    if (this._paused) info.push('paused');
    return `<${info.join(' ')}>`;
  }

  // ---- the protocol's side -------------------------------------------------------------------

  /** The exception set by `set_exception()`, or `null`. */
  exception(): unknown {
    return this._exception;
  }

  /**
   * Make every later read fail with `exc`; a pending read fails with it now
   * (the protocol calls this when the connection is lost with an error).
   */
  set_exception(exc: unknown): void {
    this._exception = exc;
    const waiter = this._waiter;
    if (waiter === null) return;
    this._clear_request();
    if (!waiter.done()) waiter.set_exception(exc);
  }

  /** Attach the transport whose reading the reader pauses and resumes. Once only. */
  set_transport(transport: ReadTransport): void {
    if (this._transport !== null) throw new RuntimeError('Transport already set');
    this._transport = transport;
  }

  /** The peer sent EOF: pending and later reads return what is left, then `b''`. */
  feed_eof(): void {
    this._eof = true;
    // No more data can come: a pending readline()/readuntil() decides now.
    if (this._waiter !== null) this._wakeup(true);
  }

  /** Whether EOF was fed and the buffer is empty: every read would return `b''`. */
  at_eof(): boolean {
    return this._eof && this._size === 0;
  }

  /**
   * Append a copy of `data` to the buffer (the caller may reuse `data`
   * afterwards, as Python's `bytearray.extend` copies), complete a pending
   * read it answers, and pause the transport when more than `2 * limit`
   * bytes are buffered. Empty data is ignored. Throws `TypeError` for
   * anything but bytes (a `Uint8Array`, Node `Buffer` included), and
   * `RuntimeError` after `feed_eof()`.
   */
  feed_data(data: Uint8Array): void {
    check_bytes(data, 'feed_data() data');
    if (this._eof) throw new RuntimeError('feed_data after feed_eof');
    const length = data.length;
    if (length === 0) return;
    const copy = this._loop._platform.alloc_bytes(length);
    copy.set(data);
    this._append(copy);
  }

  /**
   * `feed_data()` without the copy, for bytes handed over for good: what
   * `Protocol.data_received()` receives belongs to the protocol (transports
   * deliver fresh host buffers), so `StreamReaderProtocol` and the
   * subprocess protocol feed it this way.
   * @internal
   */
  _feed_owned(data: Uint8Array): void {
    check_bytes(data, 'data_received() data');
    if (this._eof) throw new RuntimeError('feed_data after feed_eof');
    if (data.length === 0) return;
    this._append(data);
  }

  private _append(data: Uint8Array): void {
    this._chunks.push(data);
    this._size += data.length;
    if (this._waiter !== null) {
      this._wakeup(false);
      if (this._waiter !== null) return; // still waiting: it needs more than is here
    }
    if (this._size > 2 * this._limit && !this._paused) this._pause_transport();
  }

  private _pause_transport(): void {
    const transport = this._transport;
    if (transport === null || transport.is_closing()) return;
    try {
      transport.pause_reading();
    } catch (exc) {
      // A transport that cannot pause: forget it and buffer without bound (asyncio).
      if (!(exc instanceof NotImplementedError)) throw exc;
      this._transport = null;
      return;
    }
    this._paused = true;
  }

  /** @internal Resume the transport once the buffer is back to `limit` or below. */
  _maybe_resume_transport(): void {
    if (this._paused && this._size <= this._limit) {
      this._paused = false;
      this._transport!.resume_reading();
    }
  }

  /**
   * Complete the pending read if the buffer now answers it. `final` is false
   * while more data may still come in this loop iteration (a `feed_data()`):
   * a line that overruns the limit is then judged later, see `_attempt_until`.
   */
  private _wakeup(final: boolean): void {
    const waiter = this._waiter!;
    if (waiter.done()) {
      // Cancelled while waiting: the buffer stays as it is.
      this._clear_request();
      return;
    }
    let result: Uint8Array | typeof WAIT;
    try {
      result = this._attempt(final);
    } catch (exc) {
      this._clear_request();
      waiter.set_exception(exc);
      return;
    }
    if (result === WAIT) return;
    this._clear_request();
    waiter.set_result(result);
  }

  private _clear_request(): void {
    this._waiter = null;
    this._blocks = null;
  }

  // ---- the buffer --------------------------------------------------------------------------

  /** Put bytes a cancelled reader never received back in front of the buffer. @internal */
  _unread(data: Uint8Array): void {
    if (data.length === 0) return;
    this._prepend(data);
    if (this._waiter !== null) this._wakeup(false);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /**
   * Try to answer the pending request from the buffer: its result, `WAIT`, or
   * a thrown error (asyncio's read loops, one turn each). `final`: see `_wakeup`.
   */
  private _attempt(final: boolean): Uint8Array | typeof WAIT {
    if (this._exception !== null) throw this._exception;
    let result: Uint8Array | typeof WAIT;
    switch (this._kind) {
      case Kind.READ:
        if (this._size === 0 && !this._eof) return WAIT;
        result = this._take(Math.min(this._n, this._size));
        break;
      case Kind.ALL: {
        // Move what is buffered out of the buffer, so the transport keeps reading.
        if (this._size > 0) (this._blocks ??= []).push(this._take(this._size));
        if (!this._eof) result = WAIT;
        else result = this._concat(this._blocks ?? []);
        break;
      }
      case Kind.EXACTLY:
        if (this._size >= this._n) {
          result = this._take(this._n);
        } else if (this._eof) {
          throw new IncompleteReadError(this._take(this._size), this._n);
        } else {
          return WAIT;
        }
        break;
      case Kind.UNTIL:
        result = this._until(this._search(this._sep), final);
        break;
      case Kind.UNTIL_ANY:
        result = this._until(this._search_any(this._seps), final);
        break;
      case Kind.LINE:
        try {
          result = this._until(this._search(this._sep), final);
        } catch (exc) {
          if (exc instanceof IncompleteReadError) return exc.partial;
          if (exc instanceof LimitOverrunError) {
            // Drop the overlong line (through its newline if that is in the
            // buffer) so the next readline() reads the next line (asyncio 3.5.2+).
            if (this._starts_with(this._sep, exc.consumed)) {
              this._discard(exc.consumed + this._sep.length);
            } else {
              this._discard(this._size);
            }
            this._maybe_resume_transport();
            throw new ValueError(exc.message);
          }
          throw exc;
        }
        break;
    }
    if (result !== WAIT) this._maybe_resume_transport();
    return result;
  }

  /**
   * One turn of asyncio's readuntil() loop, after the search: `start` is
   * where the separator matched (`_offset` is then where the match ends), or
   * -1 when it is not in the buffer yet.
   *
   * asyncio's reader runs this when its task resumes, once per wakeup, over
   * everything fed since: several `feed_data()` calls of one loop iteration
   * count as one. Here a feed answers the read at once, which gives the same
   * results, except for a chunk that overruns the limit with no separator
   * yet: later data of the same iteration may bring the separator, which
   * makes it "found, but longer than limit" and lets `readline()` drop the
   * whole line, through its newline, instead of its head alone (leaving the
   * tail to be read as a line of its own). So unless `final`, that case
   * waits for the next loop iteration to decide (`_decide_overrun()`).
   */
  private _until(start: number, final: boolean): Uint8Array | typeof WAIT {
    const limit = this._limit;
    if (start !== -1) {
      if (start > limit) {
        throw new LimitOverrunError('Separator is found, but chunk is longer than limit', start);
      }
      return this._take(this._offset);
    }
    // Outside the search: a deferred overrun is still one when no data came since.
    if (this._offset > limit) {
      if (!final && !this._loop.is_closed()) {
        if (!this._deciding) {
          this._deciding = true;
          this._loop._call_soon(decide_overrun, [this]);
        }
        return WAIT;
      }
      throw new LimitOverrunError(
        'Separator is not found, and chunk exceed the limit',
        this._offset,
      );
    }
    if (this._eof) throw new IncompleteReadError(this._take(this._size), null);
    return WAIT;
  }

  /** @internal The loop iteration after an overrun: the pending read decides with what came meanwhile. */
  _decide_overrun(): void {
    this._deciding = false;
    if (this._waiter !== null) this._wakeup(true);
  }

  /** Start a read: answer it now if the buffer can, else leave it pending. */
  private _start(
    kind: Kind,
    n: number,
    sep: Uint8Array,
    seps: readonly Uint8Array[] = NO_SEPARATORS,
  ): Future<Uint8Array> {
    const pending = this._waiter;
    if (pending !== null) {
      if (!pending.done()) {
        throw new RuntimeError(
          `${METHOD_NAMES[kind]}() called while another coroutine is already waiting for incoming data`,
        );
      }
      this._clear_request(); // cancelled while waiting
    }
    this._kind = kind;
    this._n = n;
    this._sep = sep;
    this._seps = seps;
    this._offset = 0;
    const future = new ReadFuture(this);
    let result: Uint8Array | typeof WAIT;
    try {
      result = this._attempt(true);
    } catch (exc) {
      this._blocks = null;
      future.set_exception(exc);
      return future;
    }
    if (result !== WAIT) {
      this._blocks = null;
      future.set_result(result);
      return future;
    }
    this._waiter = future;
    // Waiting for data that a paused transport would never deliver (asyncio _wait_for_data).
    if (this._paused) {
      this._paused = false;
      this._transport!.resume_reading();
    }
    return future;
  }

  /**
   * Read up to `n` bytes (asyncio STR-3). With `n < 0` (the default), read
   * until EOF and return everything. With `n == 0`, return `b''` at once.
   * Otherwise wait for at least one byte (or EOF) and return at most `n`
   * bytes; at EOF with an empty buffer, return `b''`. A size that is not a
   * number, or a positive one that is not an integer (`read(2.5)`), throws
   * `TypeError`, as asyncio's slicing with it does.
   */
  read(n = -1): Future<Uint8Array> {
    check_number(n, 'read');
    if (n < 0) return this._start(Kind.ALL, -1, NEWLINE);
    check_integer(n, 'read');
    if (n === 0 && this._exception === null) {
      const future = new Future<Uint8Array>({ loop: this._loop });
      future.set_result(this._loop._platform.alloc_bytes(0));
      return future;
    }
    return this._start(Kind.READ, n, NEWLINE);
  }

  /**
   * Read one line, the `'\n'` included (asyncio 3.5.2+). At EOF, return the
   * partial last line, or `b''` when nothing is left. A line longer than
   * `limit` (newline excluded) fails with `ValueError`, once, and is dropped
   * from the buffer: through its newline when that has come, else all that is
   * buffered (asyncio's rule). As in asyncio, the limit is judged over all the
   * data that arrived by the time the reader would resume, so the chunks of
   * one loop iteration count together: an overlong line fed in several
   * pieces at once is dropped whole, and no tail of it is left to read as a
   * line of its own.
   */
  readline(): Future<Uint8Array> {
    return this._start(Kind.LINE, 0, NEWLINE);
  }

  /**
   * Read exactly `n` bytes. At EOF before that, fail with
   * `IncompleteReadError` (its `partial` holds the bytes read, its `expected`
   * is `n`). `n == 0` returns `b''`; a negative `n` throws `ValueError`, and
   * one that is not an integer (`readexactly(2.5)`) `TypeError`.
   */
  readexactly(n: number): Future<Uint8Array> {
    check_number(n, 'readexactly');
    if (n < 0) throw new ValueError('readexactly size can not be less than zero');
    check_integer(n, 'readexactly');
    return this._start(Kind.EXACTLY, n, NEWLINE);
  }

  /**
   * Read up to and including `separator` (default `'\n'`), or the first of
   * several separators (asyncio 3.13's tuple of separators).
   *
   * - Several separators: the read ends with the match that ends first in the
   *   stream, which makes the result as short as it can be; when two matches
   *   end at the same byte, the shorter separator is the one that matched.
   *   An empty list, or an empty separator in it, throws `ValueError` at once,
   *   as an empty `separator` does.
   * - EOF first: fails with `IncompleteReadError` whose `partial` is the rest
   *   of the stream and `expected` is `null`; the buffer is emptied.
   * - More than `limit` bytes before the separator (before where the matched
   *   separator starts): fails with `LimitOverrunError` (`consumed` tells how
   *   far the overrun goes); the data stays in the buffer. As with
   *   `readline()`, the data of one loop iteration is judged together.
   *
   * @example
   * const bytes = (text: string) => new TextEncoder().encode(text);
   * const header = yield* From(reader.readuntil(bytes('\r\n\r\n')));
   * // a record ends at ';' or at a newline, whichever comes first
   * const record = yield* From(reader.readuntil([bytes(';'), bytes('\n')]));
   */
  readuntil(separator: Uint8Array | readonly Uint8Array[] = NEWLINE): Future<Uint8Array> {
    if (Array.isArray(separator)) return this._readuntil_any(separator);
    check_bytes(separator, 'separator');
    if (separator.length === 0) {
      throw new ValueError('Separator should be at least one-byte string');
    }
    return this._start(Kind.UNTIL, 0, separator);
  }

  /** readuntil() with a list of separators: check them, shortest first. */
  private _readuntil_any(separators: readonly Uint8Array[]): Future<Uint8Array> {
    if (separators.length === 0) {
      throw new ValueError('Separator should contain at least one element');
    }
    const seps = separators.slice();
    for (const sep of seps) check_bytes(sep, 'separator');
    // Shortest first: of two matches that end together, the shorter separator matched.
    seps.sort((x, y) => x.length - y.length);
    if (seps[0]!.length === 0) throw new ValueError('Separator should be at least one-byte string');
    if (seps.length === 1) return this._start(Kind.UNTIL, 0, seps[0]!);
    return this._start(Kind.UNTIL_ANY, 0, NEWLINE, seps);
  }

  /**
   * Iterate over the lines until EOF: `for await (const line of reader)`
   * (asyncio's `async for line in reader`).
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: () =>
        this.readline().then((line): IteratorResult<Uint8Array> =>
          line.length === 0 ? { done: true, value: undefined } : { done: false, value: line },
        ),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
