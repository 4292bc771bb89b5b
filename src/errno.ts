// ERRNO_TABLE, the one host error code -> OSError class table, and os_error_from_code() (Trollius py33_exceptions._MAP_ERRNO); reached by the host I/O only.

import {
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  OSError,
  PermissionError,
  ProcessLookupError,
  type OSErrorOptions,
} from './os_errors.js';

/** A class of the OSError tree that {@link ERRNO_TABLE} names: built as `new cls(errno, strerror, options)`. */
export type OSErrorClass = new (
  errno: number | null,
  strerror: string,
  options?: OSErrorOptions,
) => OSError;

/** One {@link ERRNO_TABLE} row: the Linux errno, Linux's strerror text, and the class to raise. */
export type ErrnoEntry = readonly [errno: number, strerror: string, cls: OSErrorClass];

/**
 * Map a host error code string (Node/libuv `err.code`) to its Linux errno,
 * Linux's strerror text and the OSError subclass to raise: the one table every
 * host error goes through (Trollius `py33_exceptions._MAP_ERRNO`).
 *
 * Classes follow PEP 3151 (Python 3.3+'s builtin mapping), which is a superset
 * of Trollius's `_MAP_ERRNO`, except that `ETIMEDOUT` gives a plain `OSError`:
 * Python's builtin `TimeoutError` is not exported here because its name would
 * clash with asyncio's `TimeoutError`. Codes without a dedicated class
 * (`EADDRINUSE`, `EINVAL`, ...) give a plain `OSError` with the right errno.
 * errno values are Linux's whatever the host, so they are stable across hosts.
 */
export const ERRNO_TABLE: Readonly<Record<string, ErrnoEntry>> = /* @__PURE__ */ Object.freeze({
  EPERM: [1, 'Operation not permitted', PermissionError],
  ENOENT: [2, 'No such file or directory', FileNotFoundError],
  ESRCH: [3, 'No such process', ProcessLookupError],
  EINTR: [4, 'Interrupted system call', InterruptedError],
  EBADF: [9, 'Bad file descriptor', OSError],
  ECHILD: [10, 'No child processes', ChildProcessError],
  EAGAIN: [11, 'Resource temporarily unavailable', BlockingIOError],
  EWOULDBLOCK: [11, 'Resource temporarily unavailable', BlockingIOError],
  ENOMEM: [12, 'Cannot allocate memory', OSError],
  EACCES: [13, 'Permission denied', PermissionError],
  EEXIST: [17, 'File exists', FileExistsError],
  ENOTDIR: [20, 'Not a directory', NotADirectoryError],
  EISDIR: [21, 'Is a directory', IsADirectoryError],
  EINVAL: [22, 'Invalid argument', OSError],
  ENFILE: [23, 'Too many open files in system', OSError],
  EMFILE: [24, 'Too many open files', OSError],
  EPIPE: [32, 'Broken pipe', BrokenPipeError],
  EPROTO: [71, 'Protocol error', OSError],
  ENOTSOCK: [88, 'Socket operation on non-socket', OSError],
  EADDRINUSE: [98, 'Address already in use', OSError],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address', OSError],
  ENETDOWN: [100, 'Network is down', OSError],
  ENETUNREACH: [101, 'Network is unreachable', OSError],
  ECONNABORTED: [103, 'Software caused connection abort', ConnectionAbortedError],
  ECONNRESET: [104, 'Connection reset by peer', ConnectionResetError],
  ENOBUFS: [105, 'No buffer space available', OSError],
  ENOTCONN: [107, 'Transport endpoint is not connected', OSError],
  ESHUTDOWN: [108, 'Cannot send after transport endpoint shutdown', BrokenPipeError],
  ETIMEDOUT: [110, 'Connection timed out', OSError],
  ECONNREFUSED: [111, 'Connection refused', ConnectionRefusedError],
  EHOSTDOWN: [112, 'Host is down', OSError],
  EHOSTUNREACH: [113, 'No route to host', OSError],
  EALREADY: [114, 'Operation already in progress', BlockingIOError],
  EINPROGRESS: [115, 'Operation now in progress', BlockingIOError],
  ECANCELED: [125, 'Operation canceled', OSError],
} satisfies Record<string, ErrnoEntry>);

/**
 * Build the OSError for a host error code, through {@link ERRNO_TABLE}.
 *
 * A known code gives its class with the table's `errno`; `strerror` is
 * `message` when given (as asyncio's `OSError(errno, 'Connect call failed ...')`),
 * else the table's text. An unknown code gives a plain `OSError` with `errno`
 * `null` and `strerror` = `message`, or the code itself. Either way `code` is
 * kept, and `cause` (the original host error) when given.
 *
 * @example
 * os_error_from_code('ECONNRESET', undefined, node_err)
 * // -> ConnectionResetError: [Errno 104] Connection reset by peer
 * //    with code 'ECONNRESET' and cause node_err
 */
export function os_error_from_code(code: string, message?: string, cause?: unknown): OSError {
  const options: OSErrorOptions = cause === undefined ? { code } : { code, cause };
  const entry = Object.hasOwn(ERRNO_TABLE, code) ? ERRNO_TABLE[code] : undefined;
  if (entry === undefined) return new OSError(null, message ?? code, options);
  const [errno, strerror, cls] = entry;
  return new cls(errno, message ?? strerror, options);
}
