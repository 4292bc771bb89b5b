// Node backend: assembles the Platform object from the Node host adapters beside it.

import type { Platform } from '../../src/platform.js';

import {
  clear_timer,
  clock_resolution,
  getenv,
  monotonic,
  schedule,
  set_timer,
} from './scheduler.js';
import { getaddrinfo, getnameinfo } from './dns.js';
import { map_error } from './errors.js';
import { connect_stream, listen_stream } from './net.js';
import { open_pipe } from './pipe.js';
import { add_signal_handler, remove_signal_handler, signal_name } from './signals.js';

/** Node's byte type: bytes the core builds are Buffers, like the chunks sockets deliver. */
function alloc_bytes(size: number): Uint8Array {
  return Buffer.allocUnsafe(size);
}

/**
 * The Node implementation of the core's `Platform` interface.
 *
 * Installed by `platform/node/index.ts`, the entry of `dist/trollius.node.mjs`
 * and `dist/trollius.node.cjs`.
 */
export const node_platform: Platform = {
  name: 'node',
  schedule,
  set_timer,
  clear_timer,
  monotonic,
  clock_resolution,
  getenv,
  alloc_bytes,
  getaddrinfo,
  getnameinfo,
  connect_stream,
  listen_stream,
  open_pipe,
  signal_name,
  add_signal_handler,
  remove_signal_handler,
  map_error,
};
