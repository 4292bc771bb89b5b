// Node backend: Node error codes -> the core's OSError classes, through the one table (src/os_errors.ts ERRNO_TABLE).
//
// Usage: `map_error` becomes `node_platform.map_error`; every Node error crossing into the core goes through it.
// @see https://nodejs.org/api/errors.html#errorcode

import { ERRNO_TABLE, os_error_from_code } from '../../src/errno.js';
import { OSError } from '../../src/os_errors.js';

/** A Node system error, as far as the mapping needs it. */
interface NodeSystemError {
  code?: unknown;
  message?: unknown;
}

/**
 * Map a Node error to the OSError tree.
 *
 * A code of `ERRNO_TABLE` (`ECONNRESET`, `EPIPE`, ...) gives its class with the
 * table's `errno` and Linux's `strerror`; any other code (`ERR_STREAM_DESTROYED`,
 * `ENOTFOUND`, ...) a plain `OSError` whose `strerror` is Node's message. The
 * Node `code` is kept, and the Node error is the `cause`. An `OSError` (already
 * mapped) is returned unchanged; an error without a code becomes an `OSError`
 * with its message.
 *
 * @example
 * map_error(node_err) // ECONNRESET -> ConnectionResetError: [Errno 104] Connection reset by peer
 */
export function map_error(err: unknown): Error {
  if (err instanceof OSError) return err;
  const code = (err as NodeSystemError | null)?.code;
  const message = (err as NodeSystemError | null)?.message;
  if (typeof code === 'string') {
    if (Object.hasOwn(ERRNO_TABLE, code)) return os_error_from_code(code, undefined, err);
    return os_error_from_code(code, typeof message === 'string' ? message : code, err);
  }
  if (err instanceof Error) return new OSError(err.message, { cause: err });
  return new OSError(String(err));
}

/**
 * Map a Node error with asyncio's message in place of Linux's text, keeping
 * the class, `errno`, `code` and `cause`: `[Errno 111] Connect call failed ('127.0.0.1', 1)`.
 */
export function map_error_with_message(err: unknown, message: string): Error {
  const code = (err as NodeSystemError | null)?.code;
  if (err instanceof OSError || typeof code !== 'string') return map_error(err);
  return os_error_from_code(code, message, err);
}
