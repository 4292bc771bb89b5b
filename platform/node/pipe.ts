// Node backend: pipes (a Node stream or a file descriptor) -> one-way RawStreams for connect_read_pipe / connect_write_pipe.
//
// Usage: `open_pipe` becomes the node_platform member of the same name.
// @see https://nodejs.org/api/net.html#new-netsocketoptions , https://nodejs.org/api/fs.html#fscreatereadstreampath-options

import fs from 'node:fs';
import net from 'node:net';
import { Readable, Writable } from 'node:stream';

import { ValueError } from '../../src/exceptions.js';
import type { RawStream } from '../../src/platform.js';

import { map_error } from './errors.js';
import { _NodeStream, type NodeStream } from './stream.js';

/** Open a file descriptor as a Node stream: a pipe or socket through net.Socket, a character device through fs. */
function stream_of_fd(fd: number, mode: 'read' | 'write'): NodeStream {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch (err) {
    throw map_error(err);
  }
  if (stat.isFIFO() || stat.isSocket()) {
    return new net.Socket({
      fd,
      readable: mode === 'read',
      writable: mode === 'write',
      allowHalfOpen: true,
    });
  }
  if (stat.isCharacterDevice()) {
    return mode === 'read'
      ? fs.createReadStream('', { fd, autoClose: true })
      : fs.createWriteStream('', { fd, autoClose: true });
  }
  throw new ValueError(
    mode === 'read'
      ? 'Pipe transport is for pipes/sockets only.'
      : 'Pipe transport is only for pipes, sockets and character devices',
  );
}

/**
 * Wrap `pipe` for one direction: a file descriptor number, or a Node
 * `Readable` (read) / `Writable` (write) such as `process.stdin` or a child's
 * stdio stream. Extra info `pipe` is what was passed.
 */
export function open_pipe(pipe: unknown, mode: 'read' | 'write'): RawStream {
  let stream: NodeStream;
  if (typeof pipe === 'number') {
    stream = stream_of_fd(pipe, mode);
  } else if (mode === 'read' && pipe instanceof Readable) {
    stream = pipe;
  } else if (mode === 'write' && pipe instanceof Writable) {
    stream = pipe;
  } else {
    throw new TypeError(
      `connect_${mode}_pipe() needs a file descriptor or a Node ${mode === 'read' ? 'Readable' : 'Writable'} stream, got ${String(pipe)}`,
    );
  }
  return new _NodeStream(stream, { pipe }, mode === 'write');
}
