// TLS that fails, fails loudly and frees everything: SSLContext files checked at the call, handshake failures and timeouts on both sides, no socket left open.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { connect_websocket as browser_connect_websocket } from '../../platform/browser/websocket.js';
import { BaseEventLoop } from '../../src/base_events.js';
import { SSL_HANDSHAKE_TIMEOUT, SSL_SHUTDOWN_TIMEOUT } from '../../src/constants.js';
import { From, coroutine } from '../../src/coroutines.js';
import type { ExceptionContext } from '../../src/exception_handler.js';
import { ValueError } from '../../src/exceptions.js';
import {
  ConnectionAbortedError,
  ConnectionResetError,
  FileNotFoundError,
  OSError,
  SSLCertVerificationError,
  SSLError,
} from '../../src/os_errors.js';
import { get_platform, type Platform } from '../../src/platform.js';
import { Protocol } from '../../src/protocols.js';
import type { Server } from '../../src/server.js';
import { SSLContext, create_default_context, ssl } from '../../src/ssl.js';
import type { StreamReader } from '../../src/stream_reader.js';
import {
  open_connection,
  open_unix_connection,
  start_server,
  start_unix_server,
} from '../../src/stream_functions.js';
import { StreamWriter } from '../../src/streams.js';
import { sleep } from '../../src/task_helpers.js';
import type { Transport } from '../../src/transports.js';
import { b, run, s } from '../support/net.js';

let dir: string;
const f = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A key and a certificate for `cn` with these SANs, signed by the test CA (as test/node/tls.test.ts makes them). */
function make_cert(name: string, cn: string, san: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\n`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`); // prettier-ignore
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-tls-failures-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/O=Trollius Test/CN=Trollius Test CA'); // prettier-ignore
  make_cert('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  make_cert('other', 'other.test', 'DNS:other.test');
  make_cert('client', 'client.test', 'DNS:client.test');
  openssl('x509', '-in', 'ca.pem', '-outform', 'der', '-out', 'ca.der');
  openssl(
    'pkey',
    '-in',
    'server.key',
    '-aes256',
    '-passout',
    'pass:secret',
    '-out',
    'server.enc.key',
  );
  fs.writeFileSync(f('garbage.pem'), 'this is not PEM\n');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let loop: BaseEventLoop;
let handled: ExceptionContext[];
beforeEach(() => {
  loop = new BaseEventLoop();
  handled = [];
  loop.set_exception_handler((_loop, context) => {
    handled.push(context);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  if (!loop.is_running()) loop.close();
});

function server_context(name = 'server'): SSLContext {
  const ctx = create_default_context(ssl.Purpose.CLIENT_AUTH);
  ctx.load_cert_chain(f(`${name}.pem`), f(`${name}.key`));
  return ctx;
}

function client_context(): SSLContext {
  return create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: f('ca.pem') });
}

/** What `fn` throws (synchronously). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (exc) {
    return exc as Error;
  }
  throw new Error('nothing was thrown');
}

/** A TLS echo server on 127.0.0.1 and its port. */
function* echo_server(ctx: SSLContext, options: { ssl_handshake_timeout?: number } = {}) {
  const handle = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
    for (;;) {
      const line = (yield From(reader.readline())) as Uint8Array;
      if (line.length === 0) break;
      writer.write(line);
    }
    writer.close();
  });
  const server = (yield From(
    start_server(handle, '127.0.0.1', 0, { ssl: ctx, loop, ...options }),
  )) as Server;
  return [server, (server.sockets[0]!.getsockname() as [string, number])[1]] as const;
}

/** The connections the host server of `server` still holds. */
function open_connections(server: Server): Promise<number> {
  const host = server.sockets[0]!.get_host_socket() as net.Server;
  return new Promise((resolve, reject) =>
    host.getConnections((err, count) => (err ? reject(err) : resolve(count))),
  );
}

/** Open file descriptors of this process (Linux), or `null` elsewhere. */
function fd_count(): number | null {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** Plain TCP clients to `port` that write `bytes` (if any) and never start TLS; each resolves when the server closes it. */
function raw_clients(port: number, count: number, bytes: string | null = null): Promise<void>[] {
  return Array.from(
    { length: count },
    () =>
      new Promise<void>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.on('data', () => undefined);
        if (bytes !== null) socket.on('connect', () => socket.write(bytes));
        socket.on('close', () => resolve());
        // The server ends the connection: end ours too, so that nothing stays half-open.
        socket.on('end', () => socket.destroy());
      }),
  );
}

/** Wait (running the loop) until `check()` is true, polling every 20 ms, at most `seconds`. */
function* until(check: () => boolean | Promise<boolean>, seconds = 5) {
  const deadline = loop.time() + seconds;
  for (;;) {
    if ((yield From(Promise.resolve(check()))) as boolean) return;
    if (loop.time() > deadline) throw new Error('condition not reached in time');
    yield From(sleep(0.02, { loop }));
  }
}

describe('SSLContext reads and checks its files at the call, as Python ssl does', () => {
  it('load_cert_chain raises FileNotFoundError for a missing certfile or keyfile, and leaves the context as it was', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
    const missing = thrown(() => ctx.load_cert_chain(f('missing.pem')));
    expect(missing).toBeInstanceOf(FileNotFoundError);
    expect((missing as FileNotFoundError).errno).toBe(2);
    expect(missing.message).toBe('[Errno 2] No such file or directory');
    expect(() => ctx.load_cert_chain(f('server.pem'), f('missing.key'))).toThrow(FileNotFoundError);
    expect(ctx._cert_chain).toBeNull();
  });

  it('load_cert_chain raises SSLError for a file that is not PEM, a key that does not match, or a wrong password', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
    const garbage = thrown(() => ctx.load_cert_chain(f('garbage.pem'), f('server.key')));
    expect(garbage).toBeInstanceOf(SSLError);
    expect(garbage.message).toBe('[PEM: NO_START_LINE] no start line');
    // Python: '[X509: KEY_VALUES_MISMATCH] key values mismatch'
    const mismatch = thrown(() => ctx.load_cert_chain(f('server.pem'), f('other.key')));
    expect(mismatch).toBeInstanceOf(SSLError);
    expect(mismatch.message).toBe('[X509: KEY_VALUES_MISMATCH] key values mismatch');
    expect((mismatch as SSLError).reason).toBe('KEY_VALUES_MISMATCH');
    // The certificate alone is no chain: its key is missing.
    expect(() => ctx.load_cert_chain(f('server.pem'))).toThrow(SSLError);
    expect(() => ctx.load_cert_chain(f('server.pem'), f('server.enc.key'), 'wrong')).toThrow(
      SSLError,
    );
    expect(ctx._cert_chain).toBeNull();
    ctx.load_cert_chain(f('server.pem'), f('server.enc.key'), 'secret');
    expect(ctx._cert_chain?.certfile).toBe(f('server.pem'));
  });

  it('load_verify_locations raises FileNotFoundError for a missing cafile and SSLError for one without certificates', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    expect(() => ctx.load_verify_locations(f('missing.pem'))).toThrow(FileNotFoundError);
    const empty = thrown(() => ctx.load_verify_locations(f('garbage.pem')));
    expect(empty).toBeInstanceOf(SSLError);
    expect(empty.message).toBe('[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found');
    expect(() => create_default_context({ cafile: f('missing.pem') })).toThrow(FileNotFoundError);
    // A capath is looked in when a certificate is verified, so a missing one is no error (Python).
    ctx.load_verify_locations(null, f('no-such-dir'));
    expect(ctx._cafiles).toEqual([]);
    expect(ctx._capaths).toEqual([f('no-such-dir')]);
  });

  it('load_verify_locations raises SSLError for cadata that holds no certificate, PEM text or DER bytes', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    expect(thrown(() => ctx.load_verify_locations({ cadata: 'not a certificate' }))).toEqual(
      new SSLError(0, 'no start line: cadata does not contain a certificate'),
    );
    expect(
      thrown(() => ctx.load_verify_locations({ cadata: new Uint8Array([1, 2, 3]) })).message,
    ).toBe('not enough data: cadata does not contain a certificate');
    const broken = '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n';
    expect(() => ctx.load_verify_locations({ cadata: broken })).toThrow(SSLError);
    expect(ctx._cadata).toEqual([]);
    // Two DER certificates one after the other are two CA certificates, as in Python.
    const der = fs.readFileSync(f('ca.der'));
    ctx.load_verify_locations({ cadata: new Uint8Array(Buffer.concat([der, der])) });
    ctx.load_verify_locations({ cadata: fs.readFileSync(f('ca.pem'), 'latin1') });
    expect(ctx._cadata).toHaveLength(2);
  });

  it('set_ciphers raises SSLError for a list that selects no cipher', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    const err = thrown(() => ctx.set_ciphers('NO-SUCH-CIPHER'));
    expect(err).toBeInstanceOf(SSLError);
    expect(err.message).toBe('No cipher can be selected.');
    expect(ctx._ciphers).toBeNull();
  });

  it('keeps serving after its files are deleted, since they were read at the call', async () => {
    const main = coroutine(function* () {
      for (const name of ['server.pem', 'server.key', 'ca.pem']) {
        fs.copyFileSync(f(name), f(`copy-${name}`));
      }
      const server_ctx = create_default_context(ssl.Purpose.CLIENT_AUTH);
      server_ctx.load_cert_chain(f('copy-server.pem'), f('copy-server.key'));
      const client_ctx = create_default_context({ cafile: f('copy-ca.pem') });
      for (const name of ['server.pem', 'server.key', 'ca.pem']) fs.rmSync(f(`copy-${name}`));
      const [server, port] = yield* echo_server(server_ctx);
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client_ctx, loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('still here\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('still here\n');
      writer.close();
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });
});

describe('a TLS handshake that fails reaches the caller and closes the socket', () => {
  it('20 clients of a server whose context has no certificate each get SSLError, and no connection or descriptor stays open', async () => {
    loop.set_debug(false);
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(create_default_context(ssl.Purpose.CLIENT_AUTH));
      const fds_before = fd_count();
      const attempts = Array.from({ length: 20 }, () =>
        open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
      );
      for (const attempt of attempts) {
        try {
          yield From(attempt);
          expect.unreachable();
        } catch (exc) {
          expect(exc).toBeInstanceOf(SSLError);
        }
      }
      yield* until(async () => (await open_connections(server)) === 0);
      if (fds_before !== null) yield* until(() => fd_count()! <= fds_before);
      // Not debug mode: a failed server-side handshake is an OSError (the client's doing),
      // which asyncio reports only in debug mode.
      expect(handled).toEqual([]);
      server.close();
    });
    await run(loop, main());
  });

  it('a client gets ConnectionResetError from a server that closes before the handshake', async () => {
    const main = coroutine(function* () {
      const server = (yield From(
        loop.create_server(
          () =>
            new (class extends Protocol {
              override connection_made(transport: Transport): void {
                transport.abort();
              }
            })(),
          '127.0.0.1',
          0,
        ),
      )) as Server;
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      try {
        yield From(open_connection('127.0.0.1', port, { ssl: client_context(), loop }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
        expect([ConnectionResetError, SSLError].some((cls) => exc instanceof cls)).toBe(true);
      }
      server.close();
    });
    await run(loop, main());
  });

  it('reports a failed server-side handshake to the exception handler in debug mode, as asyncio', async () => {
    loop.set_debug(true);
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context());
      // A client that speaks plain text to a TLS server.
      yield From(Promise.all(raw_clients(port, 1, 'GET / HTTP/1.0\r\n\r\n')));
      yield* until(() => handled.length > 0);
      expect(handled[0]!.message).toBe('Error on transport creation for incoming connection');
      expect(handled[0]!.exception).toBeInstanceOf(SSLError);
      server.close();
    });
    await run(loop, main());
  });

  it('verifies client certificates as the server context asks: CERT_REQUIRED refuses a client without one', async () => {
    loop.set_debug(true);
    const main = coroutine(function* () {
      const ctx = server_context();
      ctx.verify_mode = ssl.CERT_REQUIRED;
      ctx.load_verify_locations(f('ca.pem'));
      const writers: StreamWriter[] = [];
      const handle = (_reader: StreamReader, writer: StreamWriter): void => {
        writers.push(writer);
      };
      const server = (yield From(
        start_server(handle, '127.0.0.1', 0, { ssl: ctx, loop }),
      )) as Server;
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      // With a certificate of the CA: accepted, and the server sees who it is.
      const with_cert = client_context();
      with_cert.load_cert_chain(f('client.pem'), f('client.key'));
      const [, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: with_cert, loop }),
      )) as [StreamReader, StreamWriter];
      yield* until(() => writers.length === 1);
      const cert = writers[0]!.get_extra_info('peercert') as Record<string, unknown>;
      expect(cert['subject']).toEqual([[['commonName', 'client.test']]]);
      writer.close();
      // Without one: refused on the server side (TLS 1.3 lets the client finish first).
      try {
        const [reader2, writer2] = (yield From(
          open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
        )) as [StreamReader, StreamWriter];
        yield From(reader2.read());
        writer2.close();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
      }
      yield* until(() => handled.length > 0);
      const refused = handled[0]!.exception as SSLError;
      expect(refused).toBeInstanceOf(SSLError);
      expect(refused.message).toBe(
        '[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate',
      );
      expect(writers).toHaveLength(1);
      yield* until(async () => (await open_connections(server)) === 0);
      server.close();
    });
    await run(loop, main());
  });

  it('CERT_OPTIONAL accepts a client without a certificate and refuses one the CA did not sign', async () => {
    loop.set_debug(true);
    const main = coroutine(function* () {
      const ctx = server_context();
      ctx.verify_mode = ssl.CERT_OPTIONAL;
      // Trusts another CA than the one that signed client.pem.
      ctx.load_verify_locations(f('server.pem'));
      const [server, port] = yield* echo_server(ctx);
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('anonymous\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('anonymous\n');
      writer.close();
      const signed = client_context();
      signed.load_cert_chain(f('client.pem'), f('client.key'));
      try {
        const [reader2, writer2] = (yield From(
          open_connection('127.0.0.1', port, { ssl: signed, loop }),
        )) as [StreamReader, StreamWriter];
        yield From(reader2.read());
        writer2.close();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
      }
      yield* until(() => handled.length > 0);
      expect(handled[0]!.exception).toBeInstanceOf(SSLCertVerificationError);
      server.close();
    });
    await run(loop, main());
  });

  it('a server context that allows no TLS version fails each handshake, on both sides, at once', async () => {
    loop.set_debug(true);
    const main = coroutine(function* () {
      const ctx = server_context();
      ctx.minimum_version = ssl.TLSVersion.TLSv1_3;
      ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
      const [server, port] = yield* echo_server(ctx);
      try {
        yield From(open_connection('127.0.0.1', port, { ssl: client_context(), loop }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
      }
      yield* until(() => handled.length > 0);
      expect(handled[0]!.exception).toBeInstanceOf(OSError);
      yield* until(async () => (await open_connections(server)) === 0);
      server.close();
    });
    await run(loop, main());
  });
});

describe('ssl_handshake_timeout applies on both sides', () => {
  it('is 60 seconds by default, as asyncio (and ssl_shutdown_timeout 30)', () => {
    expect(SSL_HANDSHAKE_TIMEOUT).toBe(60);
    expect(SSL_SHUTDOWN_TIMEOUT).toBe(30);
  });

  it('the server closes clients that never handshake: 20 of them leave no connection and no descriptor open', async () => {
    loop.set_debug(true);
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context(), { ssl_handshake_timeout: 0.3 });
      const fds_before = fd_count();
      const closed = raw_clients(port, 20);
      yield* until(async () => (await open_connections(server)) === 20);
      const started = loop.time();
      yield From(Promise.all(closed));
      expect(loop.time() - started).toBeLessThan(5);
      yield* until(async () => (await open_connections(server)) === 0);
      if (fds_before !== null) yield* until(() => fd_count()! <= fds_before);
      yield* until(() => handled.length === 20);
      for (const context of handled) {
        expect(context.exception).toEqual(
          new ConnectionAbortedError(
            'SSL handshake is taking longer than 0.3 seconds: aborting the connection',
          ),
        );
      }
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main(), 20);
  });

  it('the server closes 20 clients that send garbage at once, and keeps serving', async () => {
    loop.set_debug(false);
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context());
      yield From(Promise.all(raw_clients(port, 20, 'not TLS at all\r\n'.repeat(20))));
      yield* until(async () => (await open_connections(server)) === 0);
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('after the garbage\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('after the garbage\n');
      writer.close();
      expect(handled).toEqual([]);
      server.close();
    });
    await run(loop, main());
  });

  it('applies to Unix socket servers too', async () => {
    const main = coroutine(function* () {
      const sock_path = f('timeout.sock');
      const server = (yield From(
        start_unix_server(() => undefined, sock_path, {
          ssl: server_context(),
          ssl_handshake_timeout: 0.2,
          loop,
        }),
      )) as Server;
      const closed = new Promise<void>((resolve) => {
        const socket = net.connect({ path: sock_path });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve());
        socket.on('end', () => socket.destroy());
      });
      yield From(closed);
      yield* until(async () => (await open_connections(server)) === 0);
      server.close();
    });
    await run(loop, main());
  });

  it('a client facing a server that never answers gets ConnectionAbortedError, over TCP and Unix sockets', async () => {
    const main = coroutine(function* () {
      const silent = (yield From(
        loop.create_server(() => new Protocol(), '127.0.0.1', 0),
      )) as Server;
      const port = (silent.sockets[0]!.getsockname() as [string, number])[1];
      const message = 'SSL handshake is taking longer than 0.2 seconds: aborting the connection';
      try {
        yield From(
          loop.create_connection(() => new Protocol(), '127.0.0.1', port, {
            ssl: client_context(),
            ssl_handshake_timeout: 0.2,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toEqual(new ConnectionAbortedError(message));
      }
      const sock_path = f('silent.sock');
      const silent_unix = (yield From(
        loop.create_unix_server(() => new Protocol(), sock_path),
      )) as Server;
      try {
        yield From(
          open_unix_connection(sock_path, {
            ssl: client_context(),
            server_hostname: 'localhost',
            ssl_handshake_timeout: 0.2,
            loop,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toEqual(new ConnectionAbortedError(message));
      }
      // The server saw each client go away.
      yield* until(async () => (await open_connections(silent)) === 0);
      silent.close();
      silent_unix.close();
    });
    await run(loop, main());
  });

  it('the default deadline is armed for 60 seconds on both sides', async () => {
    const delays: number[] = [];
    const real_set_timeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      fn: () => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      if (ms !== undefined) delays.push(ms);
      return real_set_timeout(fn, ms, ...args);
    }) as typeof setTimeout);
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context());
      const [, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
      )) as [StreamReader, StreamWriter];
      writer.close();
      server.close();
    });
    await run(loop, main());
    // One for the client's handshake, one for the server's.
    expect(delays.filter((ms) => ms === 60_000)).toHaveLength(2);
  });

  it('loop.start_tls fails with ConnectionAbortedError on either side when the peer never handshakes, and closes the socket', async () => {
    const main = coroutine(function* () {
      const accepted: Transport[] = [];
      const server = (yield From(
        loop.create_server(
          () =>
            new (class extends Protocol {
              override connection_made(transport: Transport): void {
                accepted.push(transport);
              }
            })(),
          '127.0.0.1',
          0,
        ),
      )) as Server;
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      const [transport, protocol] = (yield From(
        loop.create_connection(() => new Protocol(), '127.0.0.1', port),
      )) as [Transport, Protocol];
      yield* until(() => accepted.length === 1);
      const message = 'SSL handshake is taking longer than 0.2 seconds: aborting the connection';
      // The server side waits for a ClientHello that never comes.
      try {
        yield From(
          loop.start_tls(accepted[0]!, new Protocol(), server_context(), {
            server_side: true,
            ssl_handshake_timeout: 0.2,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toEqual(new ConnectionAbortedError(message));
      }
      yield* until(async () => (await open_connections(server)) === 0);
      transport.close();
      // The client side waits for a ServerHello that never comes.
      const [plain] = (yield From(
        loop.create_connection(() => new Protocol(), '127.0.0.1', port),
      )) as [Transport, Protocol];
      try {
        yield From(
          loop.start_tls(plain, new Protocol(), client_context(), {
            server_hostname: 'localhost',
            ssl_handshake_timeout: 0.2,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toEqual(new ConnectionAbortedError(message));
      }
      expect(protocol).toBeInstanceOf(Protocol);
      yield* until(async () => (await open_connections(server)) === 0);
      server.close();
    });
    await run(loop, main());
  });

  it('a browser wss:// opening that takes longer is closed and fails with the same ConnectionAbortedError', async () => {
    const sockets: Array<{ url: string; closed: boolean }> = [];
    vi.stubGlobal(
      'WebSocket',
      class {
        static readonly OPEN = 1;
        readonly record: { url: string; closed: boolean };
        binaryType = 'blob';
        readyState = 0;
        constructor(url: string) {
          this.record = { url, closed: false };
          sockets.push(this.record);
        }
        addEventListener(): void {}
        removeEventListener(): void {}
        close(): void {
          this.record.closed = true;
        }
      },
    );
    loop.close();
    loop = new BaseEventLoop({
      ...get_platform(),
      connect_websocket: browser_connect_websocket,
    } as Platform);
    const err = await run(
      loop,
      loop.create_connection(() => new Protocol(), null, null, {
        url: 'wss://localhost:1/',
        ssl_handshake_timeout: 0.1,
      }),
    ).catch((exc: unknown) => exc);
    expect(err).toEqual(
      new ConnectionAbortedError(
        'SSL handshake is taking longer than 0.1 seconds: aborting the connection',
      ),
    );
    expect(sockets).toEqual([{ url: 'wss://localhost:1/', closed: true }]);
  });
});

describe('ssl_handshake_timeout and ssl_shutdown_timeout without ssl are a ValueError at the call', () => {
  const factory = (): Protocol => new Protocol();
  for (const key of ['ssl_handshake_timeout', 'ssl_shutdown_timeout'] as const) {
    it(`${key} for create_connection, create_server, the Unix ones, and the stream functions`, () => {
      const error = new ValueError(`${key} is only meaningful with ssl`);
      const opts = { [key]: 1 };
      const calls: Array<() => unknown> = [
        () => loop.create_connection(factory, '127.0.0.1', 1, opts),
        () => loop.create_server(factory, '127.0.0.1', 0, opts),
        () => loop.create_unix_connection(factory, f('x.sock'), opts),
        () => loop.create_unix_server(factory, f('x.sock'), opts),
        () => open_connection('127.0.0.1', 1, { ...opts, loop }),
        () => start_server(() => undefined, '127.0.0.1', 0, { ...opts, loop }),
        () => open_unix_connection(f('x.sock'), { ...opts, loop }),
        () => start_unix_server(() => undefined, f('x.sock'), { ...opts, loop }),
      ];
      for (const call of calls) expect(thrown(call)).toEqual(error);
    });
  }
});

describe('one tls.Server per SSLContext, not one per connection', () => {
  it('serves every connection through one tls.Server, and a new one only after the context changed', async () => {
    const created = vi.spyOn(tls, 'createServer');
    const main = coroutine(function* () {
      const ctx = server_context();
      const [server, port] = yield* echo_server(ctx);
      const subjects: unknown[] = [];
      const connect_once = function* (hostname: string) {
        const [, writer] = (yield From(
          open_connection('127.0.0.1', port, {
            ssl: client_context(),
            server_hostname: hostname,
            loop,
          }),
        )) as [StreamReader, StreamWriter];
        const cert = writer.get_extra_info('peercert') as Record<string, unknown>;
        subjects.push(cert['subject']);
        writer.close();
      };
      for (let i = 0; i < 5; i++) yield* connect_once('localhost');
      expect(created).toHaveBeenCalledTimes(1);
      // As with Python's context, a change applies to the connections accepted from then on.
      ctx.load_cert_chain(f('other.pem'), f('other.key'));
      yield* connect_once('other.test');
      expect(created).toHaveBeenCalledTimes(2);
      expect(subjects.at(-1)).toEqual([[['commonName', 'other.test']]]);
      server.close();
    });
    await run(loop, main());
  });
});
