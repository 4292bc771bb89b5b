// Python's OSError and ssl.SSLError trees (errno.ts maps host error codes to them).

import { _set_own_name } from './exceptions.js';

/** Options for {@link OSError} and its subclasses. */
export interface OSErrorOptions extends ErrorOptions {
  /** The host's error code string, e.g. `'ECONNRESET'` (Node's `err.code`). */
  code?: string;
  /** The file the error is about, as in Python's `OSError(errno, strerror, filename)`. */
  filename?: string | null;
}

/**
 * An operating-system or I/O error (Python's builtin `OSError`).
 *
 * Two forms, as in Python:
 * - `new OSError(errno, strerror, options?)`: `errno` and `strerror` are set
 *   and the message is `[Errno 104] Connection reset by peer` (with
 *   `: 'name'` appended when `filename` is given). When `errno` is `null` the
 *   message is just `strerror` (Python would print `[Errno None] ...`).
 * - `new OSError(message?, options?)`: `errno` and `strerror` are `null` and
 *   the message is the text as given.
 *
 * Unlike Python, `new OSError(104, ...)` does not pick the subclass by itself:
 * construct the subclass (`new ConnectionResetError(104, ...)`). The errors
 * trollius raises for host failures already have the class of their code,
 * keep the host's code string in `code` and the original error in `cause`.
 */
export class OSError extends Error {
  /** @internal */
  override get name(): string {
    return 'OSError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The numeric error code (Linux values), or `null` when unknown. */
  readonly errno: number | null;
  /** The error text that goes with `errno`, or `null` in the single-message form. */
  readonly strerror: string | null;
  /** The file the error is about, or `null`. */
  readonly filename: string | null;
  /** The host's error code string (e.g. `'ECONNRESET'`); absent when there is none. */
  declare readonly code?: string;

  /**
   * @param message - the whole message; `errno` and `strerror` stay `null`.
   * @param options - `code`, `cause`, `filename`.
   */
  constructor(message?: string, options?: OSErrorOptions);
  /**
   * @param errno - the numeric error code, or `null` when unknown.
   * @param strerror - the error text.
   * @param options - `code`, `cause`, `filename`.
   */
  constructor(errno: number | null, strerror: string, options?: OSErrorOptions);
  constructor(
    first?: number | string | null,
    second?: string | OSErrorOptions,
    third?: OSErrorOptions,
  ) {
    const errno_form = typeof second === 'string';
    const errno = errno_form ? ((first as number | null | undefined) ?? null) : null;
    const strerror = errno_form ? (second as string) : null;
    const options = (errno_form ? third : (second as OSErrorOptions | undefined)) ?? {};
    const filename = options.filename ?? null;
    const message = errno_form
      ? new.target._format(errno, strerror as string, filename)
      : first == null
        ? ''
        : String(first);
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.errno = errno;
    this.strerror = strerror;
    this.filename = filename;
    if (options.code !== undefined) this.code = options.code;
  }

  /**
   * Build the message of the `(errno, strerror)` form, as Python's `OSError.__str__`.
   * @internal
   */
  protected static _format(
    errno: number | null,
    strerror: string,
    filename: string | null,
  ): string {
    const text = errno === null ? strerror : `[Errno ${errno}] ${strerror}`;
    return filename === null ? text : `${text}: '${filename}'`;
  }
}

/**
 * An operation would block on an object set for non-blocking operation
 * (`EAGAIN`, `EWOULDBLOCK`, `EALREADY`, `EINPROGRESS`).
 */
export class BlockingIOError extends OSError {
  /** @internal */
  override get name(): string {
    return 'BlockingIOError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** An operation on a child process failed (`ECHILD`). */
export class ChildProcessError extends OSError {
  /** @internal */
  override get name(): string {
    return 'ChildProcessError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The base class for connection-related errors (Python's `ConnectionError`). */
export class ConnectionError extends OSError {
  /** @internal */
  override get name(): string {
    return 'ConnectionError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/**
 * Writing to a pipe or socket whose other end is closed, or that was shut down
 * for writing (`EPIPE`, `ESHUTDOWN`).
 */
export class BrokenPipeError extends ConnectionError {
  /** @internal */
  override get name(): string {
    return 'BrokenPipeError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The peer aborted a connection attempt (`ECONNABORTED`). */
export class ConnectionAbortedError extends ConnectionError {
  /** @internal */
  override get name(): string {
    return 'ConnectionAbortedError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The peer refused a connection attempt (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectionError {
  /** @internal */
  override get name(): string {
    return 'ConnectionRefusedError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/**
 * The peer reset the connection (`ECONNRESET`); also what asyncio's `drain()`
 * raises after the connection was lost (`Connection lost`).
 */
export class ConnectionResetError extends ConnectionError {
  /** @internal */
  override get name(): string {
    return 'ConnectionResetError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** Creating a file or directory that already exists (`EEXIST`). */
export class FileExistsError extends OSError {
  /** @internal */
  override get name(): string {
    return 'FileExistsError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A file or directory does not exist (`ENOENT`). */
export class FileNotFoundError extends OSError {
  /** @internal */
  override get name(): string {
    return 'FileNotFoundError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A system call was interrupted by a signal (`EINTR`). */
export class InterruptedError extends OSError {
  /** @internal */
  override get name(): string {
    return 'InterruptedError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A file operation was requested on a directory (`EISDIR`). */
export class IsADirectoryError extends OSError {
  /** @internal */
  override get name(): string {
    return 'IsADirectoryError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A directory operation was requested on something that is not a directory (`ENOTDIR`). */
export class NotADirectoryError extends OSError {
  /** @internal */
  override get name(): string {
    return 'NotADirectoryError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The operation lacks the access rights (`EACCES`, `EPERM`). */
export class PermissionError extends OSError {
  /** @internal */
  override get name(): string {
    return 'PermissionError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A given process does not exist (`ESRCH`). */
export class ProcessLookupError extends OSError {
  /** @internal */
  override get name(): string {
    return 'ProcessLookupError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** Options for {@link SSLError} and its subclasses. */
export interface SSLErrorOptions extends OSErrorOptions {
  /** The OpenSSL sub-library the error comes from, e.g. `'SSL routines'` (Node's `err.library`). */
  library?: string | null;
  /** The OpenSSL reason, e.g. `'wrong version number'` (Node's `err.reason`). */
  reason?: string | null;
}

/**
 * A TLS error (Python's `ssl.SSLError`, a subclass of `OSError`).
 *
 * Constructed like {@link OSError}, plus `library` and `reason` options. As in
 * Python, the message of the `(errno, strerror)` form is `strerror` alone,
 * without an `[Errno N]` prefix. Host TLS errors are always wrapped into this
 * class or a subclass (see {@link BACKPORT_SSL_ERRORS}).
 */
export class SSLError extends OSError {
  /** @internal */
  override get name(): string {
    return 'SSLError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The OpenSSL sub-library the error comes from, or `null`. */
  readonly library: string | null;
  /** The OpenSSL reason text, or `null`. */
  readonly reason: string | null;

  /**
   * @param message - the whole message.
   * @param options - `library`, `reason`, `code`, `cause`, `filename`.
   */
  constructor(message?: string, options?: SSLErrorOptions);
  /**
   * @param errno - the numeric SSL error code, or `null`.
   * @param strerror - the error text, which is also the message.
   * @param options - `library`, `reason`, `code`, `cause`, `filename`.
   */
  constructor(errno: number | null, strerror: string, options?: SSLErrorOptions);
  constructor(
    first?: number | string | null,
    second?: string | SSLErrorOptions,
    third?: SSLErrorOptions,
  ) {
    let options: SSLErrorOptions | undefined;
    if (typeof second === 'string') {
      super(first as number | null, second, third);
      options = third;
    } else {
      super(first as string | undefined, second);
      options = second;
    }
    this.library = options?.library ?? null;
    this.reason = options?.reason ?? null;
  }

  /**
   * Build the message of the `(errno, strerror)` form: `strerror`, as Python's `SSLError.__str__`.
   * @internal
   */
  protected static override _format(
    _errno: number | null,
    strerror: string,
    filename: string | null,
  ): string {
    return filename === null ? strerror : `${strerror}: '${filename}'`;
  }
}

/** The TLS connection was closed cleanly by the peer's close_notify (`ssl.SSLZeroReturnError`). */
export class SSLZeroReturnError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLZeroReturnError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The TLS layer needs more incoming data before it can go on (`ssl.SSLWantReadError`). */
export class SSLWantReadError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLWantReadError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The TLS layer needs to send data before it can go on (`ssl.SSLWantWriteError`). */
export class SSLWantWriteError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLWantWriteError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** A system error happened inside the TLS layer (`ssl.SSLSyscallError`). */
export class SSLSyscallError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLSyscallError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** The transport closed in the middle of the TLS protocol, without close_notify (`SSLEOFError`). */
export class SSLEOFError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLEOFError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }
}

/** Options for {@link SSLCertVerificationError}. */
export interface SSLCertVerificationErrorOptions extends SSLErrorOptions {
  /** The numeric X.509 verification error code, or `null`. */
  verify_code?: number | null;
  /** The verification error text, e.g. `'self-signed certificate'`, or `null`. */
  verify_message?: string | null;
}

/**
 * The peer's certificate failed verification (`ssl.SSLCertVerificationError`,
 * Python 3.7+; older Pythons raise a plain `SSLError`).
 */
export class SSLCertVerificationError extends SSLError {
  /** @internal */
  override get name(): string {
    return 'SSLCertVerificationError';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The numeric X.509 verification error code, or `null`. */
  readonly verify_code: number | null;
  /** The verification error text, or `null`. */
  readonly verify_message: string | null;

  /**
   * @param message - the whole message.
   * @param options - `verify_code`, `verify_message`, `library`, `reason`, `code`, `cause`.
   */
  constructor(message?: string, options?: SSLCertVerificationErrorOptions);
  /**
   * @param errno - the numeric SSL error code, or `null`.
   * @param strerror - the error text, which is also the message.
   * @param options - `verify_code`, `verify_message`, `library`, `reason`, `code`, `cause`.
   */
  constructor(errno: number | null, strerror: string, options?: SSLCertVerificationErrorOptions);
  constructor(
    first?: number | string | null,
    second?: string | SSLCertVerificationErrorOptions,
    third?: SSLCertVerificationErrorOptions,
  ) {
    let options: SSLCertVerificationErrorOptions | undefined;
    if (typeof second === 'string') {
      super(first as number | null, second, third);
      options = third;
    } else {
      super(first as string | undefined, second);
      options = second;
    }
    this.verify_code = options?.verify_code ?? null;
    this.verify_message = options?.verify_message ?? null;
  }
}

/**
 * Always `true`: trollius wraps every host TLS error into its own
 * {@link SSLError} classes (`SSLWantReadError`, `SSLEOFError`, ...), never
 * passing the host's error through (it stays as `cause`).
 *
 * In Trollius (`py3_ssl`) the flag says the `ssl` module lacked these classes
 * and Trollius's backports are used; code written for Trollius that checks it
 * takes the path that works with the classes exported here.
 */
export const BACKPORT_SSL_ERRORS = true;

/**
 * Always `false`: this library's `SSLContext` is complete. It verifies
 * certificates and hostnames (`verify_mode`, `check_hostname`), sends SNI
 * (`server_hostname`), and has `load_verify_locations()`,
 * `set_default_verify_paths()`, `set_servername_callback()`, ALPN, ....
 *
 * In Trollius (`py3_ssl`) `true` meant that `ssl.SSLContext` was missing and
 * a limited backport was used: no certificate or hostname verification, no
 * SNI. Code written for Trollius skips verification and SNI when the flag is
 * `true`; with `false` it takes the complete, verifying path.
 */
export const BACKPORT_SSL_CONTEXT = false;
