// Streams: StreamWriter, StreamReaderProtocol and its FlowControlMixin (asyncio streams.py).
// StreamReader is in stream_reader.ts; open_connection/start_server and their Unix twins in stream_functions.ts.

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { From, iscoroutine } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { Future } from './futures.js';
import { is_thenable } from './thenable.js';
import { check_options, type OptionSpec } from './options.js';
import { ConnectionResetError } from './os_errors.js';
import { Protocol } from './protocols.js';
import { SSLContext, check_ssl_timeouts } from './ssl.js';
import type { StartTlsOptions } from './start_tls.js';
import { _DEFAULT_LIMIT, type StreamReader } from './stream_reader.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

export { StreamReader, _DEFAULT_LIMIT, type StreamReaderOptions } from './stream_reader.js';

/** The `loop` option of the stream classes (asyncio's `loop=None` argument). */
export interface StreamLoopOption {
  /** The loop to use; default `get_event_loop()`. */
  loop?: AbstractEventLoop | null;
}

/** The options `open_connection()` adds to `loop.create_connection()`'s. */
export interface StreamOptions extends StreamLoopOption {
  /** The StreamReader's buffer limit (default 64 KiB). */
  limit?: number | null;
}

/** Options of `StreamWriter.start_tls()` (asyncio 3.11's keyword arguments): `loop.start_tls()`'s but `server_side`, which the stream decides. */
export type StreamWriterStartTlsOptions = Omit<StartTlsOptions, 'server_side'>;

const LOOP_OPTION: OptionSpec = { loop: ['object', 'null'] };
const WRITER_START_TLS_OPTIONS: OptionSpec = {
  server_hostname: ['string', 'null'],
  ssl_handshake_timeout: ['number', 'null'],
  ssl_shutdown_timeout: ['number', 'null'],
};
const STREAM_OPTIONS: OptionSpec = { limit: ['number', 'null'], loop: ['object', 'null'] };

/**
 * What `start_server()` calls for each connection: a plain function, a
 * coroutine function (its coroutine runs in a Task), or an `async` function.
 */
export type ClientConnectedCallback = (reader: StreamReader, writer: StreamWriter) => unknown;

function resolve_loop(loop: AbstractEventLoop | null | undefined): _LoopInternals {
  return _loop_of(loop, 'streams');
}

function check_limit(limit: unknown): number {
  if (limit === undefined || limit === null) return _DEFAULT_LIMIT;
  if (typeof limit !== 'number' || Number.isNaN(limit)) {
    throw new TypeError(`limit must be a number, got ${repr(limit)}`);
  }
  if (limit <= 0) throw new ValueError('Limit cannot be <= 0');
  return limit;
}

/**
 * Take the stream keys (`limit`, `loop`) out of the options of `where()`,
 * checked, and return them with the other keys: those belong to the loop
 * method called next (`create_connection()`, `subprocess_exec()`, ...), which
 * checks them and names an unknown one, as asyncio's `**kwds` do.
 * @internal
 */
export function _split_stream_options<O extends StreamOptions>(
  where: string,
  options: O | null | undefined,
): [limit: number, loop: _LoopInternals, rest: Omit<O, 'limit' | 'loop'>] {
  if (options === undefined || options === null) {
    return [_DEFAULT_LIMIT, resolve_loop(null), {} as Omit<O, 'limit' | 'loop'>];
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}() options must be an object, got ${repr(options)}`);
  }
  const { limit, loop, ...rest } = options;
  check_options(where, { limit, loop }, STREAM_OPTIONS);
  return [check_limit(limit), resolve_loop(loop), rest];
}

/** Throw `TypeError` unless `cb` is a function. @internal */
export function _check_client_connected_cb(cb: unknown): void {
  if (typeof cb !== 'function') {
    throw new TypeError(`client_connected_cb must be a callable, got ${repr(cb)}`);
  }
}

// ---- FlowControlMixin ---------------------------------------------------------------------------

/**
 * A protocol that turns `pause_writing()`/`resume_writing()` into the waits
 * of `StreamWriter.drain()` (asyncio's `FlowControlMixin`). Subclasses that
 * override `connection_lost()` must call `super.connection_lost(exc)`.
 */
export class FlowControlMixin extends Protocol {
  /** @internal */ readonly _loop: _LoopInternals;
  /** @internal The transport asked to stop writing. */ _paused = false;
  /** @internal */ _connection_lost = false;
  /** @internal Drains waiting for resume_writing() or connection_lost(). */
  _drain_waiters: Future<void>[] | null = null;
  /** A done Future, handed out by every drain() that need not wait. */
  private _drained: Future<void> | null = null;
  /** @internal The exception connection_lost() was called with. */ _lost_exc: Error | null = null;
  /** @internal Futures of wait_closed() calls made before the connection was lost. */
  _closed_waiters: Future<void>[] | null = null;

  constructor(options?: StreamLoopOption | null) {
    super();
    this._loop = resolve_loop(check_options('FlowControlMixin', options, LOOP_OPTION).loop);
  }

  override pause_writing(): void {
    this._paused = true;
  }

  override resume_writing(): void {
    this._paused = false;
    const waiters = this._drain_waiters;
    if (waiters === null) return;
    this._drain_waiters = null;
    for (const waiter of waiters) if (!waiter.done()) waiter.set_result(undefined);
  }

  /** Wake every `drain()` and `wait_closed()` waiter: with `exc` if there is one. */
  override connection_lost(exc: Error | null): void {
    this._connection_lost = true;
    this._lost_exc = exc;
    const drains = this._drain_waiters;
    this._drain_waiters = null;
    if (drains !== null) for (const waiter of drains) settle_closed(waiter, exc);
    const closes = this._closed_waiters;
    this._closed_waiters = null;
    if (closes !== null) for (const waiter of closes) settle_closed(waiter, exc);
  }

  /** A Future done once connection_lost() ran (with its exception, if any). @internal */
  _get_close_waiter(): Future<void> {
    const waiter = new Future<void>(this._loop);
    if (this._connection_lost) settle_closed(waiter, this._lost_exc);
    else (this._closed_waiters ??= []).push(waiter);
    return waiter;
  }

  /**
   * A Future that is done when writing may go on: at once unless paused;
   * `ConnectionResetError('Connection lost')` once the connection is gone.
   * @internal
   */
  _drain_helper(): Future<void> {
    if (this._connection_lost) {
      const lost = new Future<void>(this._loop);
      lost.set_exception(new ConnectionResetError('Connection lost'));
      return lost;
    }
    if (!this._paused) {
      let drained = this._drained;
      if (drained === null) {
        drained = this._drained = new Future<void>(this._loop);
        drained.set_result(undefined);
      }
      return drained;
    }
    const waiter = new Future<void>(this._loop);
    (this._drain_waiters ??= []).push(waiter);
    return waiter;
  }
}

// ---- StreamReaderProtocol -----------------------------------------------------------------------

/**
 * The protocol between a transport and a `StreamReader` (asyncio's
 * `StreamReaderProtocol`): data and EOF go to the reader, and
 * `connection_lost(exc)` ends it (`feed_eof()`, or `set_exception(exc)`).
 *
 * With a `client_connected_cb` (what `start_server()` does), `connection_made`
 * makes a `StreamWriter` and calls `client_connected_cb(reader, writer)`. A
 * coroutine it returns runs in a Task; a Promise (an `async` function) is
 * kept as well. Either one's failure, or an exception the callback throws, is
 * reported through the loop's exception handler ("Unhandled exception in
 * client_connected_cb") and closes the transport.
 */
export class StreamReaderProtocol extends FlowControlMixin {
  /** @internal */ _stream_reader: StreamReader | null;
  /** @internal */ _stream_writer: StreamWriter | null = null;
  /** @internal */ readonly _client_connected_cb: ClientConnectedCallback | null;
  /** @internal The callback's Task or Promise, kept alive until it settles. */
  _task: PromiseLike<unknown> | null = null;
  /** @internal */ _transport: Transport | null = null;
  /** @internal */ _over_ssl = false;

  constructor(
    stream_reader: StreamReader,
    client_connected_cb: ClientConnectedCallback | null = null,
    options?: StreamLoopOption | null,
  ) {
    const loop = check_options('StreamReaderProtocol', options, LOOP_OPTION).loop;
    super({ loop: loop ?? stream_reader._loop });
    if (client_connected_cb !== null && client_connected_cb !== undefined) {
      _check_client_connected_cb(client_connected_cb);
    }
    this._stream_reader = stream_reader;
    this._client_connected_cb = client_connected_cb ?? null;
  }

  override connection_made(transport: Transport): void {
    this._transport = transport;
    const reader = this._stream_reader!;
    reader.set_transport(transport);
    this._over_ssl = transport.get_extra_info('sslcontext') != null;
    const cb = this._client_connected_cb;
    if (cb === null) return;
    const writer = (this._stream_writer = new StreamWriter(transport, this, reader, this._loop));
    let result: unknown;
    try {
      result = cb(reader, writer);
    } catch (exc) {
      this._report_callback_error(exc);
      return;
    }
    if (iscoroutine(result)) {
      const task = this._loop.create_task(result);
      this._task = task;
      task.add_done_callback(this._on_task_done);
    } else if (result instanceof Future) {
      this._task = result;
      result.add_done_callback(this._on_task_done);
    } else if (is_thenable(result)) {
      this._task = result;
      result.then(this._on_promise_done, this._on_promise_failed);
    }
  }

  /**
   * The connection was upgraded to TLS (`StreamWriter.start_tls()`): the new
   * transport replaces the plain one, which is inert from now on, so the
   * reader pauses and resumes the new one (asyncio 3.13's `_replace_transport`).
   * @internal
   */
  _replace_transport(transport: Transport): void {
    this._transport = transport;
    this._over_ssl = transport.get_extra_info('sslcontext') != null;
    const reader = this._stream_reader;
    if (reader === null) return;
    reader._transport = transport;
    // A reader holding more than it may keeps the new transport paused too.
    if (reader._paused && !transport.is_closing()) transport.pause_reading();
  }

  private readonly _on_task_done = (task: Future<unknown>): void => {
    this._task = null;
    if (task.cancelled()) {
      this._transport?.close();
      return;
    }
    const exc = task.exception();
    if (exc !== null) this._report_callback_error(exc);
  };

  private readonly _on_promise_done = (): void => {
    this._task = null;
  };

  private readonly _on_promise_failed = (exc: unknown): void => {
    this._task = null;
    if (!this._loop.is_closed()) this._report_callback_error(exc);
  };

  private _report_callback_error(exc: unknown): void {
    this._loop.call_exception_handler({
      message: 'Unhandled exception in client_connected_cb',
      exception: exc,
      transport: this._transport,
      protocol: this,
    });
    this._transport?.close();
  }

  override connection_lost(exc: Error | null): void {
    const reader = this._stream_reader;
    if (reader !== null) {
      if (exc === null) reader.feed_eof();
      else reader.set_exception(exc);
    }
    super.connection_lost(exc);
    this._stream_reader = null;
    this._stream_writer = null;
  }

  /** Hand `data` to the reader; it keeps the chunk without copying, as it belongs to the protocol. */
  override data_received(data: Uint8Array): void {
    this._stream_reader!._feed_owned(data);
  }

  /** Feed EOF to the reader and keep the transport open for writing (half-close), except over TLS. */
  override eof_received(): boolean {
    this._stream_reader!.feed_eof();
    return !this._over_ssl;
  }
}

function settle_closed(waiter: Future<void>, exc: Error | null): void {
  if (waiter.done()) return;
  if (exc === null) waiter.set_result(undefined);
  else waiter.set_exception(exc);
}

// ---- StreamWriter -------------------------------------------------------------------------------

/**
 * The writing half of a stream connection (asyncio's `StreamWriter`): a
 * transport plus `drain()`, the flow control wait.
 *
 * @example
 * writer.write(data);
 * yield From(writer.drain());   // or: await writer.drain()
 * writer.close();
 * yield From(writer.wait_closed());
 */
export class StreamWriter {
  /** @internal Replaced by the TLS transport after `start_tls()`. */ _transport: Transport;
  /** @internal */ readonly _protocol: FlowControlMixin;
  /** @internal */ readonly _reader: StreamReader | null;
  /** @internal */ readonly _loop: _LoopInternals;

  constructor(
    transport: Transport,
    protocol: FlowControlMixin,
    reader: StreamReader | null,
    loop: AbstractEventLoop,
  ) {
    this._transport = transport;
    this._protocol = protocol;
    this._reader = reader;
    this._loop = _loop_of(loop, 'StreamWriter()');
  }

  /** The repr, as asyncio's: `<StreamWriter transport=... reader=...>`. */
  toString(): string {
    const info = [`transport=${String(this._transport)}`];
    if (this._reader !== null) info.push(`reader=${String(this._reader)}`);
    return `<StreamWriter ${info.join(' ')}>`;
  }

  /** The underlying transport. */
  get transport(): Transport {
    return this._transport;
  }

  /** Write `data` to the transport (buffered if need be); follow with `drain()`. */
  write(data: Uint8Array): void {
    this._transport.write(data);
  }

  /** Write every chunk of `data`, in order. */
  writelines(data: Iterable<Uint8Array>): void {
    this._transport.writelines(data);
  }

  /** Send EOF after the buffered data (half-close); the reading side stays open. */
  write_eof(): void {
    this._transport.write_eof();
  }

  /** Whether the transport supports `write_eof()`. */
  can_write_eof(): boolean {
    return this._transport.can_write_eof();
  }

  /** Close the transport: buffered data is sent first. See `wait_closed()`. */
  close(): void {
    this._transport.close();
  }

  /** Whether the transport is closed or closing. */
  is_closing(): boolean {
    return this._transport.is_closing();
  }

  /**
   * A Future done once the connection is closed (`connection_lost` ran);
   * it fails with the error that closed the connection, if any (asyncio 3.7).
   */
  wait_closed(): Future<void> {
    const protocol = this._protocol;
    if (protocol instanceof FlowControlMixin) return protocol._get_close_waiter();
    throw new TypeError(`wait_closed() needs a stream protocol, got ${repr(protocol)}`);
  }

  /** Transport extra info (`peername`, `sockname`, `socket`, ...), or `default_value`. */
  get_extra_info(name: string, default_value: unknown = null): unknown {
    return this._transport.get_extra_info(name, default_value);
  }

  /**
   * Wait until it is fine to write again (asyncio STR-6): done at once unless
   * the transport paused writing; then done at `resume_writing()`. Fails with
   * the reader's exception if it has one, and with
   * `ConnectionResetError('Connection lost')` once the connection is lost.
   *
   * @example
   * for (const chunk of chunks) {
   *   writer.write(chunk);
   *   yield From(writer.drain());
   * }
   */
  drain(): Future<void> {
    const exc = this._reader?.exception() ?? null;
    if (exc !== null) {
      const failed = new Future<void>(this._loop);
      failed.set_exception(exc);
      return failed;
    }
    if (this._transport.is_closing() && !this._protocol._connection_lost) {
      // Yield to the loop once so that connection_lost() may run first: a
      // write()/drain() loop then sees the error of a closed socket (asyncio).
      const waiter = new Future<void>(this._loop);
      this._loop._call_soon(drain_after_yield, [this._protocol, waiter]);
      return waiter;
    }
    return this._protocol._drain_helper();
  }

  /**
   * Upgrade the connection to TLS in place (asyncio 3.11's
   * `StreamWriter.start_tls`): wait for `drain()`, run the TLS handshake
   * (the server side when the writer came from `start_server()`, the client
   * side otherwise), then carry on over TLS. The writer, its `StreamReader`
   * and their protocol stay the same: writes are encrypted from then on,
   * reads return decrypted data, and `get_extra_info('sslcontext')` and
   * `transport` are the TLS transport's.
   *
   * Bad arguments throw at the call (`TypeError` for a non-`SSLContext` or a
   * writer without a `StreamReaderProtocol`, `ValueError` for a timeout that is
   * not a positive number); a failed handshake fails the Future with the
   * mapped `SSLError` and closes the connection. When nothing waits for
   * `drain()`, the upgrade starts within the call, as asyncio's does, so no
   * byte sent after the peer's cue is read as plaintext.
   *
   * @example
   * writer.write(new TextEncoder().encode('STARTTLS\n'));
   * yield From(reader.readline());                              // '+OK\n'
   * yield From(writer.start_tls(ctx, { server_hostname: 'mail.example.com' }));
   * writer.write(new TextEncoder().encode('EHLO me\n'));          // encrypted
   */
  start_tls(sslcontext: SSLContext, options?: StreamWriterStartTlsOptions | null): Task<void> {
    const opts = check_options('start_tls', options, WRITER_START_TLS_OPTIONS);
    if (!(sslcontext instanceof SSLContext)) {
      throw new TypeError(
        `sslcontext is expected to be an instance of ssl.SSLContext, got ${repr(sslcontext)}`,
      );
    }
    check_ssl_timeouts(true, opts);
    const protocol = this._protocol;
    if (!(protocol instanceof StreamReaderProtocol)) {
      throw new TypeError(
        `start_tls() needs the StreamReaderProtocol of open_connection() or start_server(), got ${repr(protocol)}`,
      );
    }
    const loop = this._loop;
    const tls_options: StartTlsOptions = {
      ...opts,
      server_side: protocol._client_connected_cb !== null,
    };
    const drained = this.drain();
    // asyncio's `await self.drain()` does not yield unless writing is paused,
    // so its loop.start_tls() pauses reading before anything more is read.
    const upgrade: TlsUpgrade = {
      start: () => loop.start_tls(this._transport, protocol, sslcontext, tls_options),
      drain:
        drained.done() && !drained.cancelled() && drained.exception() === null ? null : drained,
      future: null,
    };
    if (upgrade.drain === null) upgrade.future = upgrade.start();
    const task = loop.create_task(finish_start_tls(this, protocol, upgrade));
    // Cancelled, even before its first step: the handshake is abandoned and the connection closed.
    task.add_done_callback(() => {
      if (task.cancelled()) upgrade.future?.cancel();
    });
    return task;
  }
}

/** A `StreamWriter.start_tls()` under way: the `loop.start_tls()` Future once started. */
interface TlsUpgrade {
  start: () => Future<Transport>;
  /** The `drain()` to wait for before starting, or `null` when started at the call. */
  drain: Future<void> | null;
  future: Future<Transport> | null;
}

function* finish_start_tls(
  writer: StreamWriter,
  protocol: StreamReaderProtocol,
  upgrade: TlsUpgrade,
): Generator<unknown, void, unknown> {
  if (upgrade.drain !== null) {
    yield From(upgrade.drain);
    upgrade.future = upgrade.start();
  }
  const transport = yield* From(upgrade.future!);
  writer._transport = transport;
  protocol._replace_transport(transport);
}

function drain_after_yield(protocol: FlowControlMixin, waiter: Future<void>): void {
  if (waiter.done()) return;
  const helper = protocol._drain_helper();
  if (!helper.done()) {
    helper.add_done_callback(() => copy_outcome(helper, waiter));
    return;
  }
  copy_outcome(helper, waiter);
}

function copy_outcome(source: Future<void>, target: Future<void>): void {
  if (target.done()) return;
  if (source.cancelled()) target.cancel();
  else if (source.exception() !== null) target.set_exception(source.exception());
  else target.set_result(undefined);
}
