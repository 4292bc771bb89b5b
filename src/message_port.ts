// MessagePort transports: a byte stream over a MessagePort (browsers' MessageChannel/Workers, Node's worker_threads), and the Worker pairing helpers.
//
// The port is the one host object both sides already hold, and browsers and
// Node give it the same shape (EventTarget 'message' events, postMessage with
// a transfer list), so one RawStream serves both hosts; only finding a
// worker's parent endpoint goes through the platform (`parent_port()`).

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import { _make_transport, type ProtocolFactory } from './base_events_net.js';
import { From } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { RuntimeError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { check_options, type OptionSpec } from './options.js';
import { ConnectionResetError } from './os_errors.js';
import type { MessageEndpoint, RawStream } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import { StreamReader, StreamReaderProtocol, StreamWriter, type StreamOptions } from './streams.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

export type { MessageEndpoint } from './platform.js';

/** The control messages of the wire format; data travels as bare ArrayBuffers. */
const CONTROL_KEY = '__trollius_stream__';
type Control = 'eof' | 'close' | 'reset';

const OPEN_MESSAGE_PORT_OPTIONS: OptionSpec = {
  loop: ['object', 'null'],
  limit: ['number', 'null'],
};

const ACCEPT_PARENT_PORT_OPTIONS: OptionSpec = {
  source: ['object', 'null'],
  loop: ['object', 'null'],
};

/** The key of the message `connect_worker()` sends, carrying the port. */
const PORT_KEY = '__trollius_port__';

function control(kind: Control): Record<string, Control> {
  return { [CONTROL_KEY]: kind };
}

function control_of(data: unknown): Control | null {
  if (typeof data !== 'object' || data === null) return null;
  const kind = (data as Record<string, unknown>)[CONTROL_KEY];
  return kind === 'eof' || kind === 'close' || kind === 'reset' ? kind : null;
}

function noop(): void {}

function check_port(port: unknown, what: string): MessageEndpoint {
  const p = port as Partial<MessageEndpoint> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.postMessage !== 'function' ||
    typeof p.addEventListener !== 'function' ||
    typeof p.removeEventListener !== 'function'
  ) {
    throw new TypeError(`${what} must be a MessagePort, got ${repr(port)}`);
  }
  return p as MessageEndpoint;
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
  on_data: (chunk: Uint8Array) => void = noop;
  on_eof: () => void = noop;
  on_close: (err: Error | null) => void = noop;
  on_drain: () => void = noop;
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
      if (item.length > 0) this.on_data(item);
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
    this.on_eof();
  }

  private _finish(err: Error | null): void {
    if (this._closed) return;
    this._closed = true;
    this._pending = [];
    this._port.removeEventListener('message', this._port_on_message);
    this._port.close?.();
    this.on_close(err);
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
      if (!this._closed) this.on_drain();
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
    // on_close comes from a later task, as a socket's would.
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

/**
 * Open a stream connection over a MessagePort and resolve to `[reader, writer]`
 * (the `open_connection()` of MessagePorts). The other end of the channel
 * does the same (or uses `loop.connect_message_port()` with a Protocol).
 *
 * Each `writer.write(data)` transfers the bytes to the other side without a
 * copy when `data` covers a whole ArrayBuffer (which is then detached, so do
 * not reuse it); a view on part of a larger buffer is copied first.
 * `writer.close()` reaches the other side as EOF then `connection_lost(null)`;
 * `writer.transport.abort()` as `ConnectionResetError`. If the other side
 * vanishes without closing (a terminated Worker), nothing is reported.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * const [reader, writer] = yield* From(open_message_port(port1));
 * writer.write(new TextEncoder().encode('ping\n'));
 * const line = yield* From(reader.readline());
 */
export function open_message_port(
  port: unknown,
  options?: StreamOptions | null,
): Task<[StreamReader, StreamWriter]> {
  const opts = check_options('open_message_port', options, OPEN_MESSAGE_PORT_OPTIONS);
  const loop = _loop_of(opts.loop, 'open_message_port()');
  const limit = opts.limit ?? undefined;
  if (limit !== undefined && !(limit > 0)) throw new ValueError('Limit cannot be <= 0');
  const reader = new StreamReader(limit, loop);
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const connecting = loop.connect_message_port(() => protocol, port);
  return loop.create_task(
    (function* (): Generator<unknown, [StreamReader, StreamWriter], unknown> {
      const [transport] = yield* From(connecting);
      return [reader, new StreamWriter(transport, protocol, reader, loop)];
    })(),
  );
}

/** What `connect_worker()` needs of a Worker (a Web Worker or a Node `worker_threads.Worker`). */
export interface WorkerLike {
  /** Send `message` to the worker, transferring the objects of `transfer` (a MessagePort). */
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
}

interface MessageChannelLike {
  readonly port1: MessageEndpoint;
  readonly port2: MessageEndpoint;
}

/**
 * Pair the page (or parent thread) with `worker`: make a MessageChannel,
 * send one of its ports to the worker (where `accept_parent_port()` picks it
 * up) and return the other, ready for `open_message_port()` or
 * `loop.connect_message_port()`. Call it once per connection; the worker
 * accepts each with its own `accept_parent_port()`.
 *
 * @example
 * // page
 * const worker = new Worker('./worker.mjs', { type: 'module' });
 * const [reader, writer] = yield* From(open_message_port(connect_worker(worker)));
 * // worker.mjs
 * const [reader, writer] = yield* From(open_message_port(yield* From(accept_parent_port())));
 */
export function connect_worker(worker: WorkerLike): MessageEndpoint {
  if (typeof (worker as Partial<WorkerLike> | null)?.postMessage !== 'function') {
    throw new TypeError(`worker must be a Worker, got ${repr(worker)}`);
  }
  const Channel = (globalThis as unknown as { MessageChannel?: new () => MessageChannelLike })
    .MessageChannel;
  if (Channel === undefined) throw new RuntimeError('connect_worker() needs MessageChannel');
  const channel = new Channel();
  worker.postMessage({ [PORT_KEY]: channel.port2 }, [channel.port2]);
  return channel.port1;
}

/**
 * In a worker: wait for the next port the parent sends with
 * `connect_worker()` and resolve to it. Listens on the worker's parent
 * endpoint (a Web Worker's global scope, Node's `worker_threads.parentPort`)
 * or on `options.source`; other messages are left alone. Throws
 * `RuntimeError` outside a worker when no `source` is given.
 */
export function accept_parent_port(
  options?: { source?: unknown; loop?: AbstractEventLoop | null } | null,
): Future<MessageEndpoint> {
  const opts = check_options('accept_parent_port', options, ACCEPT_PARENT_PORT_OPTIONS);
  const loop = _loop_of(opts.loop, 'accept_parent_port()');
  const source =
    opts.source === undefined || opts.source === null
      ? loop._platform.parent_port()
      : check_port(opts.source, 'source');
  if (source === null) {
    throw new RuntimeError(
      'accept_parent_port() must run in a worker (a Web Worker or a worker_threads thread), or be given a source',
    );
  }
  const inbox = inbox_of(source);
  const future = loop.create_future<MessageEndpoint>();
  const queued = inbox.ports.shift();
  if (queued !== undefined) {
    future.set_result(queued);
  } else {
    inbox.waiters.push(future);
    hold_while_waiting(source, inbox);
    future.add_done_callback(() => hold_while_waiting(source, inbox));
  }
  return future;
}

/**
 * Keep a worker_threads thread alive while an accept_parent_port() waits, and
 * only then: the listener stays, but must not keep the thread running on its
 * own once nobody waits (browsers have no such notion; ref/unref are absent).
 */
function hold_while_waiting(source: MessageEndpoint, inbox: PortInbox): void {
  inbox.waiters = inbox.waiters.filter((waiter) => !waiter.done());
  const endpoint = source as { ref?: () => void; unref?: () => void };
  if (inbox.waiters.length > 0) endpoint.ref?.();
  else endpoint.unref?.();
}

/** Ports a parent sent and the accept_parent_port() calls waiting for one, per source. */
interface PortInbox {
  ports: MessageEndpoint[];
  waiters: Future<MessageEndpoint>[];
}

const inboxes = new WeakMap<object, PortInbox>();

/**
 * The inbox of `source`, listening from its first use on: a port that comes
 * while nobody waits (a page calling connect_worker() twice in a row) is kept
 * for the next accept_parent_port() instead of being lost.
 */
function inbox_of(source: MessageEndpoint): PortInbox {
  let inbox = inboxes.get(source);
  if (inbox !== undefined) return inbox;
  const box: PortInbox = { ports: [], waiters: [] };
  source.addEventListener('message', (event: { data: unknown }) => {
    const data = event.data;
    if (typeof data !== 'object' || data === null || !(PORT_KEY in data)) return;
    const port = (data as Record<string, unknown>)[PORT_KEY] as MessageEndpoint;
    for (;;) {
      const waiter = box.waiters.shift();
      if (waiter === undefined) return void box.ports.push(port);
      if (waiter.done() || waiter.get_loop().is_closed()) continue;
      waiter.set_result(port);
      return hold_while_waiting(source, box);
    }
  });
  source.start?.();
  inboxes.set(source, (inbox = box));
  return inbox;
}
