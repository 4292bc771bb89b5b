// Browser backend: the host I/O (WebSocket streams, Blob files, loud stubs for what browsers lack) and the loop's I/O methods, loaded together on the first I/O call.
//
// Usage: platform/browser/index.ts hands `import('./io.js')` to install_platform;
// a bundler that splits code puts this module and everything only it reaches
// (src/loop_io_methods.ts and the transports) in a chunk of its own.

import { repr } from '../../src/format_helpers.js';
import { PORTABLE_IO_METHODS } from '../../src/loop_io_methods.js';
import type { LoadedIo, RawFile } from '../../src/platform.js';

import {
  connect_stream,
  getaddrinfo,
  getnameinfo,
  listen_stream,
  map_error,
  open_datagram,
  open_pipe,
  spawn,
  start_tls,
  UNSUPPORTED_IO_METHODS,
} from './unsupported.js';
import { connect_websocket } from './websocket.js';

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

/** The browser's `HostIo`, and the loop methods: the portable ones over it, and refusals for the rest. */
export const browser_io: LoadedIo = {
  host: {
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
    host_port_websocket: true,
    map_error,
  },
  // Marked pure, so that a bundler may drop this module when nothing uses it.
  loop_io: /* @__PURE__ */ Object.assign({}, PORTABLE_IO_METHODS, UNSUPPORTED_IO_METHODS),
};
