// Streams over MessagePorts (open_message_port) and the Worker pairing helpers (connect_worker, accept_parent_port); the transport itself is in message_port_stream.ts.
//
// The port is the one host object both sides already hold, and browsers and
// Node give it the same shape (EventTarget 'message' events, postMessage with
// a transfer list), so one RawStream serves both hosts; only finding a
// worker's parent endpoint goes through the platform (`parent_port()`).

import { _loop_of } from './loop_internals.js';
import { From } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { RuntimeError, ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { check_options, type OptionSpec } from './options.js';
import type { MessageEndpoint } from './platform.js';
import { StreamReader, StreamReaderProtocol, StreamWriter, type StreamOptions } from './streams.js';
import type { Task } from './tasks.js';

export type { MessageEndpoint } from './platform.js';

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

/** `port` if it has what a MessagePort transport needs, else a TypeError naming `what`. @internal */
export function check_port(port: unknown, what: string): MessageEndpoint {
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
