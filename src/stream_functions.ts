// The stream functions: open_connection/start_server and their Unix twins, each connection a StreamReader and a StreamWriter (asyncio streams.py).

import type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  Server,
} from './base_events_net.js';
import { From } from './coroutines.js';
import type { Future } from './futures.js';
import type { _LoopInternals } from './loop_internals.js';
import { StreamReader } from './stream_reader.js';
import {
  StreamReaderProtocol,
  StreamWriter,
  _check_client_connected_cb,
  _split_stream_options,
  type ClientConnectedCallback,
  type StreamOptions,
} from './streams.js';
import type { Task } from './tasks.js';
import type { Transport } from './transports.js';

/** Options of `open_connection()`: `limit`, `loop`, and those of `loop.create_connection()`. */
export interface OpenConnectionOptions extends CreateConnectionOptions, StreamOptions {}
/** Options of `start_server()`: `limit`, `loop`, and those of `loop.create_server()`. */
export interface StartServerOptions extends CreateServerOptions, StreamOptions {}
/** Options of `open_unix_connection()`. */
export interface OpenUnixConnectionOptions extends CreateUnixConnectionOptions, StreamOptions {}
/** Options of `start_unix_server()`. */
export interface StartUnixServerOptions extends CreateUnixServerOptions, StreamOptions {}

/**
 * Connect to `host`/`port` and resolve to `[reader, writer]` (asyncio's
 * `open_connection`). `options` are those of `loop.create_connection()`
 * (`ssl`, `family`, `local_addr`, `server_hostname`, `sock`, ...) plus `limit`
 * (the reader's buffer limit) and `loop`. An unknown key or a value of the
 * wrong type is a `TypeError` at the call, naming the key (the keys other
 * than `limit` and `loop` are checked by `create_connection()`, which the
 * message names, as asyncio's does).
 *
 * @example
 * const client = coroutine(function* () {
 *   const [reader, writer] = yield* From(open_connection('127.0.0.1', 8888));
 *   writer.write(new TextEncoder().encode('Hello World!\n'));
 *   const line = yield* From(reader.readline());
 *   writer.close();
 *   return new TextDecoder().decode(line);
 * });
 */
export function open_connection(
  host?: string | null,
  port?: number | string | null,
  options?: OpenConnectionOptions | null,
): Task<[StreamReader, StreamWriter]> {
  const [limit, loop, rest] = _split_stream_options('open_connection', options);
  const reader = new StreamReader(limit, loop);
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const connecting = loop.create_connection(() => protocol, host, port, rest);
  return loop.create_task(make_streams(connecting, reader, protocol, loop));
}

/** Like `open_connection()`, to the Unix socket `path`. */
export function open_unix_connection(
  path?: string | null,
  options?: OpenUnixConnectionOptions | null,
): Task<[StreamReader, StreamWriter]> {
  const [limit, loop, rest] = _split_stream_options('open_unix_connection', options);
  const reader = new StreamReader(limit, loop);
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const connecting = loop.create_unix_connection(() => protocol, path, rest);
  return loop.create_task(make_streams(connecting, reader, protocol, loop));
}

function* make_streams(
  connecting: Future<[Transport, StreamReaderProtocol]>,
  reader: StreamReader,
  protocol: StreamReaderProtocol,
  loop: _LoopInternals,
): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  const [transport] = yield* From(connecting);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/**
 * Start a server calling `client_connected_cb(reader, writer)` for each
 * connection, and resolve to the `Server` (asyncio's `start_server`).
 * `options` are those of `loop.create_server()` plus `limit` and `loop`,
 * checked as `open_connection()`'s are.
 *
 * The callback may be a plain function, a coroutine function (its coroutine
 * runs in a Task) or an `async` function; a failure is reported through the
 * loop's exception handler and closes that connection.
 *
 * @example
 * const handle_echo = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
 *   const data = yield* From(reader.read(100));
 *   writer.write(data);
 *   yield From(writer.drain());
 *   writer.close();
 * });
 * const server = yield* From(start_server(handle_echo, '127.0.0.1', 8888));
 */
export function start_server(
  client_connected_cb: ClientConnectedCallback,
  host?: string | readonly string[] | null,
  port?: number | string | null,
  options?: StartServerOptions | null,
): Future<Server> {
  _check_client_connected_cb(client_connected_cb);
  const [limit, loop, rest] = _split_stream_options('start_server', options);
  const factory = stream_protocol_factory(client_connected_cb, limit, loop);
  return loop.create_server(factory, host, port, rest);
}

/** Like `start_server()`, on the Unix socket `path`. */
export function start_unix_server(
  client_connected_cb: ClientConnectedCallback,
  path?: string | null,
  options?: StartUnixServerOptions | null,
): Future<Server> {
  _check_client_connected_cb(client_connected_cb);
  const [limit, loop, rest] = _split_stream_options('start_unix_server', options);
  const factory = stream_protocol_factory(client_connected_cb, limit, loop);
  return loop.create_unix_server(factory, path, rest);
}

function stream_protocol_factory(
  client_connected_cb: ClientConnectedCallback,
  limit: number,
  loop: _LoopInternals,
): () => StreamReaderProtocol {
  return () =>
    new StreamReaderProtocol(new StreamReader(limit, loop), client_connected_cb, { loop });
}
