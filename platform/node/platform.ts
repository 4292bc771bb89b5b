// Node backend: assembles the Platform object from the Node host adapters beside it.

import type { Platform, RawServer, RawStream, StreamListenOptions } from '../../src/platform.js';

import {
  clear_timer,
  clock_resolution,
  getenv,
  monotonic,
  schedule,
  set_timer,
  watch_for_hang,
} from './scheduler.js';
import { getaddrinfo, getnameinfo } from './dns.js';
import { open_datagram } from './dgram.js';
import { map_error } from './errors.js';
import { open_file } from './fs.js';
import { connect_stream, listen_stream as listen_socket } from './net.js';
import { spawn } from './child_process.js';
import { open_pipe } from './pipe.js';
import { start_tls } from './tls.js';
import { add_signal_handler, remove_signal_handler, signal_name } from './signals.js';
import { connect_websocket, listen_websocket } from './websocket.js';
import { parent_port } from './worker_threads.js';
import { cpu_count, module_url, start_worker } from './workers.js';

/** The `websocket` option serves WebSocket clients; otherwise a plain socket server. */
function listen_stream(
  opts: StreamListenOptions,
  on_accept: (stream: RawStream) => void,
): Promise<RawServer> {
  return opts.websocket ? listen_websocket(opts, on_accept) : listen_socket(opts, on_accept);
}

/** Node's byte type: bytes the core builds are Buffers, like the chunks sockets deliver. */
function alloc_bytes(size: number): Uint8Array {
  return Buffer.allocUnsafe(size);
}

/**
 * The Node implementation of the core's `Platform` interface.
 *
 * Installed at import by the Node entry, and only by the first Node build a
 * process loads (see one_loop_world.ts).
 */
export const node_platform: Platform = {
  name: 'node',
  schedule,
  set_timer,
  clear_timer,
  monotonic,
  clock_resolution,
  getenv,
  watch_for_hang,
  alloc_bytes,
  getaddrinfo,
  getnameinfo,
  connect_stream,
  connect_websocket,
  listen_stream,
  open_pipe,
  open_file,
  open_datagram,
  spawn,
  start_tls,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  host_port_websocket: false,
  parent_port,
  cpu_count,
  has_workers: true,
  start_worker,
  module_url,
  map_error,
};
