// Browser backend: assembles the Platform object from the browser host adapters beside it.

import { repr } from '../../src/format_helpers.js';
import type { Platform, RawFile, RawStream, StreamConnectOptions } from '../../src/platform.js';

import {
  clear_timer,
  clock_resolution,
  getenv,
  monotonic,
  schedule,
  set_timer,
  watch_for_hang,
} from './scheduler.js';
import {
  add_signal_handler,
  alloc_bytes,
  connect_stream as connect_socket,
  getaddrinfo,
  getnameinfo,
  listen_stream,
  map_error,
  open_datagram,
  open_pipe,
  remove_signal_handler,
  signal_name,
  spawn,
  start_tls,
} from './unsupported.js';
import { connect_websocket } from './websocket.js';
import { parent_port } from './worker.js';
import { cpu_count, has_workers, module_url, start_worker } from './workers.js';

/** Open a WebSocket for a `url` (the core builds one from host/port); anything else is unsupported. */
function connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
  return opts.url !== undefined ? connect_websocket(opts) : connect_socket(opts);
}

/**
 * `loop.sendfile()`'s file in a browser: a `Blob` or `File` (an `<input
 * type=file>` pick, `await response.blob()`), read in slices. Browsers have
 * no file descriptors; anything else is a `TypeError` saying so.
 */
function open_file(file: unknown): RawFile {
  if (!(file instanceof Blob)) {
    throw new TypeError(
      'file must be a Blob or a File (an <input type=file> pick, await response.blob()), or an ' +
        `object with read(size) and seek(offset) (a Python-style binary file), got ${repr(file)}`,
    );
  }
  return {
    async read(position: number, size: number): Promise<Uint8Array> {
      return new Uint8Array(await file.slice(position, position + size).arrayBuffer());
    },
  };
}

/**
 * The browser implementation of the core's `Platform` interface (windows and workers).
 *
 * Installed by `platform/browser/index.ts`, the entry of
 * `dist/trollius.browser.mjs` and `dist/trollius.browser.iife.js`.
 */
export const browser_platform: Platform = {
  name: 'browser',
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
  listen_stream,
  open_pipe,
  open_file,
  open_datagram,
  spawn,
  start_tls,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  host_port_websocket: true,
  parent_port,
  cpu_count,
  has_workers,
  start_worker,
  module_url,
  map_error,
};
