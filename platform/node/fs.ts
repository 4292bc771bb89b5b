// Node backend: fs file objects (FileHandle, descriptor, Blob) -> the core's RawFile, for loop.sendfile().
//
// Usage: `open_file` becomes the node_platform member of the same name.
// @see https://nodejs.org/api/fs.html#class-filehandle

import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

import { repr } from '../../src/format_helpers.js';
import type { RawFile } from '../../src/platform.js';

import { map_error } from './errors.js';

/** `fs/promises` exports no FileHandle class to test with `instanceof`: its shape, then. */
function is_file_handle(file: unknown): file is FileHandle {
  if (typeof file !== 'object' || file === null) return false;
  const handle = file as Partial<FileHandle>;
  return (
    typeof handle.fd === 'number' &&
    typeof handle.read === 'function' &&
    typeof handle.stat === 'function' &&
    typeof handle.close === 'function'
  );
}

/** Reads of a `FileHandle`: `handle.read(buffer, 0, size, position)`, which leaves its position alone. */
class _NodeFileHandle implements RawFile {
  constructor(private readonly _handle: FileHandle) {}

  async read(position: number, size: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(size);
    try {
      const { bytesRead } = await this._handle.read(buffer, 0, size, position);
      return buffer.subarray(0, bytesRead);
    } catch (err) {
      throw map_error(err);
    }
  }
}

/** Reads of a file descriptor: `fs.read(fd, ..., position)` (pread), which leaves its position alone. */
class _NodeFileDescriptor implements RawFile {
  constructor(private readonly _fd: number) {}

  read(position: number, size: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(size);
    return new Promise((resolve, reject) => {
      fs.read(this._fd, buffer, 0, size, position, (err, bytes_read) => {
        if (err) reject(map_error(err));
        else resolve(buffer.subarray(0, bytes_read));
      });
    });
  }
}

/** Reads of a `Blob` (`fs.openAsBlob(path)`, or bytes in memory): slices. */
class _NodeBlob implements RawFile {
  constructor(private readonly _blob: Blob) {}

  async read(position: number, size: number): Promise<Uint8Array> {
    const bytes = await this._blob.slice(position, position + size).arrayBuffer();
    return Buffer.from(bytes);
  }
}

/**
 * Wrap what `loop.sendfile()` was given to read: a `FileHandle`
 * (`fs.promises.open(path)`), a file descriptor (`fs.openSync(path)`) or a
 * `Blob`. Throws `TypeError` for anything else, a path included: the caller
 * opens the file and closes it, as asyncio's caller does.
 */
export function open_file(file: unknown): RawFile {
  if (is_file_handle(file)) return new _NodeFileHandle(file);
  if (typeof file === 'number' && Number.isInteger(file) && file >= 0) {
    return new _NodeFileDescriptor(file);
  }
  if (file instanceof Blob) return new _NodeBlob(file);
  const hint =
    typeof file === 'string' ? ' (a path: open it with fs.promises.open(path) first)' : '';
  throw new TypeError(
    'file must be a file opened for reading: a FileHandle from fs.promises.open(), a file ' +
      'descriptor, a Blob, or an object with read(size) and seek(offset) (a Python-style ' +
      `binary file), got ${repr(file)}${hint}`,
  );
}
