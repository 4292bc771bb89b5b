// Browser backend: assembles the Platform object from the browser host adapters beside it.

import type { Platform, RawStream, StreamConnectOptions } from '../../src/platform.js';

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

/** Open a WebSocket for a `url` (the core builds one from host/port); anything else is unsupported. */
function connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
  return opts.url !== undefined ? connect_websocket(opts) : connect_socket(opts);
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
  open_datagram,
  spawn,
  start_tls,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  host_port_websocket: true,
  parent_port,
  map_error,
};
