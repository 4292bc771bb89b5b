// Tests for src/os_errors.ts: the OSError and SSLError trees and the errno table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OSError,
  BlockingIOError,
  ChildProcessError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  SSLError,
  SSLZeroReturnError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLSyscallError,
  SSLEOFError,
  SSLCertVerificationError,
  BACKPORT_SSL_ERRORS,
  BACKPORT_SSL_CONTEXT,
} from '../../src/os_errors.js';
import { ERRNO_TABLE, os_error_from_code } from '../../src/errno.js';
import { TimeoutError } from '../../src/exceptions.js';
import { _install_ssl_file_loader, ssl } from '../../src/ssl.js';

describe('OSError', () => {
  it('formats the (errno, strerror) form like Python', () => {
    const err = new OSError(104, 'Connection reset by peer');
    expect(err.errno).toBe(104);
    expect(err.strerror).toBe('Connection reset by peer');
    expect(err.message).toBe('[Errno 104] Connection reset by peer');
    expect(String(err)).toBe('OSError: [Errno 104] Connection reset by peer');
    expect(err.filename).toBeNull();
    expect(err.code).toBeUndefined();
  });

  it('appends the filename like Python', () => {
    const err = new FileNotFoundError(2, 'No such file or directory', { filename: 'foo.txt' });
    expect(err.message).toBe("[Errno 2] No such file or directory: 'foo.txt'");
    expect(err.filename).toBe('foo.txt');
  });

  it('takes a single message, leaving errno and strerror null', () => {
    const err = new OSError('something broke');
    expect(err.message).toBe('something broke');
    expect(String(err)).toBe('OSError: something broke');
    expect(err.errno).toBeNull();
    expect(err.strerror).toBeNull();
  });

  it('prints only strerror when errno is null', () => {
    const err = new OSError(null, 'no errno here');
    expect(err.message).toBe('no errno here');
    expect(err.strerror).toBe('no errno here');
    expect(err.errno).toBeNull();
  });

  it('keeps code and cause from the options, in both forms', () => {
    const cause = new Error('host');
    const a = new ConnectionResetError(104, 'Connection lost', { code: 'ECONNRESET', cause });
    expect(a.code).toBe('ECONNRESET');
    expect(a.cause).toBe(cause);
    const b = new OSError('msg', { code: 'EFOO', cause });
    expect(b.code).toBe('EFOO');
    expect(b.cause).toBe(cause);
  });

  it('has no cause property unless one is given', () => {
    expect('cause' in new OSError(1, 'x')).toBe(false);
  });

  it("lets asyncio's drain() error be built with a bare message", () => {
    const err = new ConnectionResetError('Connection lost');
    expect(String(err)).toBe('ConnectionResetError: Connection lost');
  });
});

describe('the OSError class tree', () => {
  const direct = [
    ['BlockingIOError', BlockingIOError],
    ['ChildProcessError', ChildProcessError],
    ['ConnectionError', ConnectionError],
    ['FileExistsError', FileExistsError],
    ['FileNotFoundError', FileNotFoundError],
    ['InterruptedError', InterruptedError],
    ['IsADirectoryError', IsADirectoryError],
    ['NotADirectoryError', NotADirectoryError],
    ['PermissionError', PermissionError],
    ['ProcessLookupError', ProcessLookupError],
    ['SSLError', SSLError],
  ] as const;
  for (const [name, cls] of direct) {
    it(`${name} derives from OSError and is named ${name}`, () => {
      const err = new cls(1, 'x');
      expect(err).toBeInstanceOf(OSError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(String(new cls('m'))).toBe(`${name}: m`);
    });
  }

  const connection = [
    ['BrokenPipeError', BrokenPipeError],
    ['ConnectionAbortedError', ConnectionAbortedError],
    ['ConnectionRefusedError', ConnectionRefusedError],
    ['ConnectionResetError', ConnectionResetError],
  ] as const;
  for (const [name, cls] of connection) {
    it(`${name} derives from ConnectionError, OSError and Error`, () => {
      const err = new cls(32, 'x');
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toBeInstanceOf(OSError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
    });
  }

  it('is not the asyncio TimeoutError', () => {
    expect(new OSError(110, 'Connection timed out')).not.toBeInstanceOf(TimeoutError);
  });

  it('sibling classes do not match each other', () => {
    expect(new ConnectionResetError(104, 'x')).not.toBeInstanceOf(BrokenPipeError);
    expect(new FileNotFoundError(2, 'x')).not.toBeInstanceOf(ConnectionError);
  });
});

describe('SSL errors', () => {
  const subclasses = [
    ['SSLZeroReturnError', SSLZeroReturnError],
    ['SSLWantReadError', SSLWantReadError],
    ['SSLWantWriteError', SSLWantWriteError],
    ['SSLSyscallError', SSLSyscallError],
    ['SSLEOFError', SSLEOFError],
    ['SSLCertVerificationError', SSLCertVerificationError],
  ] as const;
  for (const [name, cls] of subclasses) {
    it(`${name} derives from SSLError and OSError`, () => {
      const err = new cls('x');
      expect(err).toBeInstanceOf(SSLError);
      expect(err).toBeInstanceOf(OSError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(String(err)).toBe(`${name}: x`);
    });
  }

  it('SSLError keeps library, reason, code and cause', () => {
    const cause = new Error('host tls');
    const err = new SSLError('wrong version number', {
      library: 'SSL routines',
      reason: 'wrong version number',
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      cause,
    });
    expect(err.library).toBe('SSL routines');
    expect(err.reason).toBe('wrong version number');
    expect(err.code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(err.cause).toBe(cause);
    expect(err.errno).toBeNull();
  });

  it('SSLError defaults library and reason to null', () => {
    const err = new SSLEOFError('EOF occurred in violation of protocol');
    expect(err.library).toBeNull();
    expect(err.reason).toBeNull();
  });

  it('SSLError of the (errno, strerror) form prints strerror alone, as Python', () => {
    const err = new SSLEOFError(8, 'EOF occurred in violation of protocol', { reason: 'EOF' });
    expect(err.errno).toBe(8);
    expect(err.strerror).toBe('EOF occurred in violation of protocol');
    expect(err.message).toBe('EOF occurred in violation of protocol');
    expect(err.reason).toBe('EOF');
  });

  it('SSLCertVerificationError keeps verify_code and verify_message', () => {
    const err = new SSLCertVerificationError('certificate verify failed: self-signed certificate', {
      verify_code: 18,
      verify_message: 'self-signed certificate',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      library: 'SSL routines',
    });
    expect(err.verify_code).toBe(18);
    expect(err.verify_message).toBe('self-signed certificate');
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.library).toBe('SSL routines');
    expect(new SSLCertVerificationError('x').verify_code).toBeNull();
    expect(new SSLCertVerificationError(1, 'x').verify_message).toBeNull();
  });

  it('BACKPORT_SSL_ERRORS is true: TLS errors are always the SSLError classes exported here', () => {
    expect(BACKPORT_SSL_ERRORS).toBe(true);
  });

  it('BACKPORT_SSL_CONTEXT is false: the SSLContext verifies and sends SNI, unlike the Trollius backport', () => {
    expect(BACKPORT_SSL_CONTEXT).toBe(false);
    // What Trollius code skips when the flag is true is here: a client context
    // verifies the certificate and the hostname, and can take a SNI callback.
    const ctx = ssl.create_default_context();
    expect(ctx.verify_mode).toBe(ssl.CERT_REQUIRED);
    expect(ctx.check_hostname).toBe(true);
    expect(typeof ctx.set_servername_callback).toBe('function');
    expect(typeof ctx.set_default_verify_paths).toBe('function');
  });
});

// The SSLContext's keyword arguments (src/ssl.ts has no unit test file of its own;
// test/node/tls.test.ts covers it over real connections).
describe('ssl: keyword arguments as one checked options object', () => {
  // The names alone, without the host reading the files they name (Node's
  // loader does; test/node/tls_failures.test.ts covers what it refuses).
  let host_loader: ReturnType<typeof _install_ssl_file_loader> = null;
  beforeEach(() => {
    host_loader = _install_ssl_file_loader(null);
  });
  afterEach(() => {
    _install_ssl_file_loader(host_loader);
  });

  it('create_default_context takes cafile/capath/cadata by name, with or without purpose', () => {
    const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: 'ca.pem' });
    expect(ctx._cafiles).toEqual(['ca.pem']);
    expect(ctx._default_verify_paths).toBe(false);
    const alone = ssl.create_default_context({ cadata: 'PEM' });
    expect(alone._cadata).toEqual(['PEM']);
    expect(alone.verify_mode).toBe(ssl.CERT_REQUIRED);
    const server = ssl.create_default_context({ purpose: ssl.Purpose.CLIENT_AUTH });
    expect(server.verify_mode).toBe(ssl.CERT_NONE);
    expect(() =>
      ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { ca_file: 'x' } as never),
    ).toThrow(
      new TypeError("create_default_context() got an unexpected keyword argument 'ca_file'"),
    );
    expect(() => ssl.create_default_context({ cafile: 5 } as never)).toThrow(
      new TypeError("create_default_context() argument 'cafile' must be string or null, not 5"),
    );
    expect(() => ssl.create_default_context('server' as never)).toThrow(
      new TypeError("'server' is not a Purpose"),
    );
  });

  it('load_verify_locations and load_cert_chain take their arguments by position or by name', () => {
    const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    ctx.load_verify_locations({ capath: '/etc/ssl/certs' });
    ctx.load_verify_locations(null, null, 'PEM');
    expect(ctx._capaths).toEqual(['/etc/ssl/certs']);
    expect(ctx._cadata).toEqual(['PEM']);
    expect(() => ctx.load_verify_locations({ cafle: 'x' } as never)).toThrow(
      new TypeError("load_verify_locations() got an unexpected keyword argument 'cafle'"),
    );
    expect(() => ctx.load_verify_locations({})).toThrow(
      new TypeError('cafile, capath and cadata cannot be all omitted'),
    );
    expect(() => ctx.load_verify_locations(5 as never)).toThrow(
      new TypeError('cafile should be a valid filesystem path, not 5'),
    );
    ctx.load_cert_chain({ certfile: 'cert.pem', keyfile: 'key.pem' });
    expect(ctx._cert_chain).toMatchObject({
      certfile: 'cert.pem',
      keyfile: 'key.pem',
      password: null,
    });
    ctx.load_cert_chain('c.pem', null, 'secret');
    expect(ctx._cert_chain).toMatchObject({ certfile: 'c.pem', keyfile: null, password: 'secret' });
    expect(() => ctx.load_cert_chain({ certfile: 'c.pem', key: 'k' } as never)).toThrow(
      new TypeError("load_cert_chain() got an unexpected keyword argument 'key'"),
    );
    expect(() => ctx.load_cert_chain({ keyfile: 'k.pem' } as never)).toThrow(TypeError);
  });
});

describe('ERRNO_TABLE and os_error_from_code', () => {
  const expected: Array<[string, number, string, new (...a: never[]) => OSError]> = [
    ['ECONNREFUSED', 111, 'Connection refused', ConnectionRefusedError],
    ['ECONNRESET', 104, 'Connection reset by peer', ConnectionResetError],
    ['EPIPE', 32, 'Broken pipe', BrokenPipeError],
    ['ESHUTDOWN', 108, 'Cannot send after transport endpoint shutdown', BrokenPipeError],
    ['ECONNABORTED', 103, 'Software caused connection abort', ConnectionAbortedError],
    ['ENOENT', 2, 'No such file or directory', FileNotFoundError],
    ['EACCES', 13, 'Permission denied', PermissionError],
    ['EPERM', 1, 'Operation not permitted', PermissionError],
    ['EAGAIN', 11, 'Resource temporarily unavailable', BlockingIOError],
    ['EWOULDBLOCK', 11, 'Resource temporarily unavailable', BlockingIOError],
    ['EALREADY', 114, 'Operation already in progress', BlockingIOError],
    ['EINPROGRESS', 115, 'Operation now in progress', BlockingIOError],
    ['EINTR', 4, 'Interrupted system call', InterruptedError],
    ['ECHILD', 10, 'No child processes', ChildProcessError],
    ['ESRCH', 3, 'No such process', ProcessLookupError],
    ['EEXIST', 17, 'File exists', FileExistsError],
    ['EISDIR', 21, 'Is a directory', IsADirectoryError],
    ['ENOTDIR', 20, 'Not a directory', NotADirectoryError],
    ['EADDRINUSE', 98, 'Address already in use', OSError],
    ['EADDRNOTAVAIL', 99, 'Cannot assign requested address', OSError],
    ['ETIMEDOUT', 110, 'Connection timed out', OSError],
    ['EHOSTUNREACH', 113, 'No route to host', OSError],
    ['ENETUNREACH', 101, 'Network is unreachable', OSError],
    ['ENOTCONN', 107, 'Transport endpoint is not connected', OSError],
    ['EINVAL', 22, 'Invalid argument', OSError],
    ['EBADF', 9, 'Bad file descriptor', OSError],
    ['EMFILE', 24, 'Too many open files', OSError],
    ['ENOTSOCK', 88, 'Socket operation on non-socket', OSError],
    ['EPROTO', 71, 'Protocol error', OSError],
    ['ECANCELED', 125, 'Operation canceled', OSError],
  ];

  for (const [code, errno, strerror, cls] of expected) {
    it(`maps ${code} to ${cls.name} with errno ${errno}`, () => {
      expect(ERRNO_TABLE[code]).toEqual([errno, strerror, cls]);
      const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
      const err = os_error_from_code(code, undefined, cause);
      expect(err.constructor).toBe(cls);
      expect(err).toBeInstanceOf(OSError);
      expect(err.errno).toBe(errno);
      expect(err.strerror).toBe(strerror);
      expect(err.message).toBe(`[Errno ${errno}] ${strerror}`);
      expect(err.code).toBe(code);
      expect(err.cause).toBe(cause);
    });
  }

  it("gives a plain OSError for ETIMEDOUT, not asyncio's TimeoutError", () => {
    const err = os_error_from_code('ETIMEDOUT');
    expect(err.constructor).toBe(OSError);
    expect(err).not.toBeInstanceOf(TimeoutError);
  });

  it('uses the given message as strerror for a known code', () => {
    const err = os_error_from_code('ECONNREFUSED', "Connect call failed ('127.0.0.1', 1)");
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err.errno).toBe(111);
    expect(err.strerror).toBe("Connect call failed ('127.0.0.1', 1)");
    expect(String(err)).toBe(
      "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)",
    );
  });

  it('gives a plain OSError with errno null for an unknown code, keeping code and cause', () => {
    const cause = new Error('weird');
    const err = os_error_from_code('EWEIRD', 'something weird', cause);
    expect(err.constructor).toBe(OSError);
    expect(err.errno).toBeNull();
    expect(err.strerror).toBe('something weird');
    expect(err.message).toBe('something weird');
    expect(err.code).toBe('EWEIRD');
    expect(err.cause).toBe(cause);
  });

  it('uses the code itself as strerror for an unknown code without a message', () => {
    const err = os_error_from_code('ERR_SOMETHING');
    expect(err.strerror).toBe('ERR_SOMETHING');
    expect(String(err)).toBe('OSError: ERR_SOMETHING');
  });

  it('does not treat Object.prototype keys as codes', () => {
    expect(os_error_from_code('toString').constructor).toBe(OSError);
    expect(os_error_from_code('constructor').errno).toBeNull();
  });

  it('has no cause when none is given', () => {
    expect('cause' in os_error_from_code('EPIPE')).toBe(false);
  });

  it('the table cannot be modified', () => {
    expect(Object.isFrozen(ERRNO_TABLE)).toBe(true);
  });
});
