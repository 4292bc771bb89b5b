// TLS over loopback with certificates made by openssl at test time: verification, hostname checks, SNI, ALPN, errors, a Python peer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { ValueError } from '../../src/exceptions.js';
import {
  ConnectionAbortedError,
  FileNotFoundError,
  SSLCertVerificationError,
} from '../../src/os_errors.js';
import { SSLContext, create_default_context, ssl } from '../../src/ssl.js';
import type { Future } from '../../src/futures.js';
import { Protocol } from '../../src/protocols.js';
import { StreamReader } from '../../src/stream_reader.js';
import {
  open_connection,
  open_unix_connection,
  start_server,
  start_unix_server,
} from '../../src/stream_functions.js';
import { StreamWriter } from '../../src/streams.js';
import { Process, create_subprocess_exec, subprocess } from '../../src/subprocess.js';
import type { _StreamTransport } from '../../src/stream_transport.js';
import type { Transport } from '../../src/transports.js';
import { b, run, s } from '../support/net.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

let dir: string;
const f = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A key and a certificate for `cn` with these SANs, signed by the test CA (or self-signed). */
function make_cert(name: string, cn: string, san: string, self_signed = false): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  if (self_signed) {
    openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2',
      '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`); // prettier-ignore
    return;
  }
  openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\n`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`); // prettier-ignore
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-tls-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/O=Trollius Test/CN=Trollius Test CA'); // prettier-ignore
  make_cert('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  make_cert('other', 'other.test', 'DNS:other.test');
  make_cert('self', 'localhost', 'DNS:localhost', true);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
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

/** An echo server over TLS; `writers` collects the server side of each connection. */
function* echo_server(ctx: SSLContext, writers: StreamWriter[] = []) {
  const handle = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
    writers.push(writer);
    for (;;) {
      const line = (yield From(reader.readline())) as Uint8Array;
      if (line.length === 0) break;
      writer.write(line);
    }
    writer.close();
  });
  const server = (yield From(start_server(handle, '127.0.0.1', 0, { ssl: ctx, loop }))) as Server;
  return [server, (server.sockets![0]!.getsockname() as [string, number])[1]] as const;
}

describe('SSLContext', () => {
  it('has asyncio/ssl defaults: a client context verifies, a server context does not', () => {
    const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    expect([client.verify_mode, client.check_hostname]).toEqual([ssl.CERT_REQUIRED, true]);
    const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
    expect([server.verify_mode, server.check_hostname]).toEqual([ssl.CERT_NONE, false]);
    expect(new SSLContext().protocol).toBe(ssl.PROTOCOL_SSLv23);
    const dflt = create_default_context();
    expect([dflt.verify_mode, dflt.check_hostname, dflt._default_verify_paths]).toEqual([
      ssl.CERT_REQUIRED,
      true,
      true,
    ]);
    expect(create_default_context(ssl.Purpose.CLIENT_AUTH).verify_mode).toBe(ssl.CERT_NONE);
  });

  it('checks verify_mode against check_hostname, and load_verify_locations arguments', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    expect(() => (ctx.verify_mode = ssl.CERT_NONE)).toThrow(
      new ValueError('Cannot set verify_mode to CERT_NONE when check_hostname is enabled.'),
    );
    ctx.check_hostname = false;
    ctx.verify_mode = ssl.CERT_NONE;
    ctx.check_hostname = true;
    expect(ctx.verify_mode).toBe(ssl.CERT_REQUIRED);
    expect(() => ctx.load_verify_locations()).toThrow(
      new TypeError('cafile, capath and cadata cannot be all omitted'),
    );
    expect(() => new SSLContext(99)).toThrow(ValueError);
    expect(() => ctx.set_alpn_protocols([''])).toThrow(ValueError);
  });
});

describe('TLS streams', () => {
  it('connects a verifying client, echoes, and reports sslcontext, peercert, cipher, compression', async () => {
    const main = coroutine(function* () {
      const server_ctx = server_context();
      const writers: StreamWriter[] = [];
      const [server, port] = yield* echo_server(server_ctx, writers);
      const ctx = client_context();
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: ctx, server_hostname: 'localhost', loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('hello tls\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('hello tls\n');
      expect(writer.get_extra_info('sslcontext')).toBe(ctx);
      expect(writer.get_extra_info('compression')).toBeNull();
      expect(writer.get_extra_info('ssl_object')).not.toBeNull();
      expect(writer.get_extra_info('peername')).toEqual(['127.0.0.1', port]);
      const cert = writer.get_extra_info('peercert') as Record<string, unknown>;
      expect(cert['subject']).toEqual([[['commonName', 'localhost']]]);
      expect(cert['issuer']).toEqual([
        [['organizationName', 'Trollius Test']],
        [['commonName', 'Trollius Test CA']],
      ]);
      expect(cert['subjectAltName']).toEqual([
        ['DNS', 'localhost'],
        ['IP Address', '127.0.0.1'],
      ]);
      expect(cert['notAfter']).toMatch(/GMT$/);
      const [name, version, bits] = writer.get_extra_info('cipher') as [string, string, number];
      expect(name).toMatch(/^TLS_/);
      expect(version).toBe('TLSv1.3');
      expect([128, 256]).toContain(bits);
      expect(writers[0]!.get_extra_info('sslcontext')).toBe(server_ctx);
      // the server did not ask for a client certificate
      expect(writers[0]!.get_extra_info('peercert')).toBeNull();
      writer.close();
      yield From(writer.wait_closed());
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('verifies an IP address host against the IP SAN without server_hostname', async () => {
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context());
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client_context(), loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('ip\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('ip\n');
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('refuses an untrusted server: SSLCertVerificationError with verify_code', async () => {
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context('self'));
      try {
        yield From(
          open_connection('127.0.0.1', port, {
            ssl: client_context(),
            server_hostname: 'localhost',
            loop,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(SSLCertVerificationError);
        const err = exc as SSLCertVerificationError;
        expect(err.verify_code).toBe(18);
        expect(err.verify_message).toBe('self-signed certificate');
        expect(err.message).toBe(
          '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate',
        );
        expect(err.reason).toBe('CERTIFICATE_VERIFY_FAILED');
        expect(err.cause).toBeDefined();
      }
      // ssl: true is the default context: Node's root store does not know the test CA
      const [server2, port2] = yield* echo_server(server_context());
      try {
        yield From(
          open_connection('127.0.0.1', port2, { ssl: true, server_hostname: 'localhost', loop }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(SSLCertVerificationError);
        // OpenSSL's code for an unknown issuer: 20, or 21 when only the leaf was sent
        expect([20, 21]).toContain((exc as SSLCertVerificationError).verify_code);
      }
      server.close();
      server2.close();
    });
    await run(loop, main());
  });

  it('refuses a hostname mismatch, unless check_hostname is off', async () => {
    const main = coroutine(function* () {
      const [server, port] = yield* echo_server(server_context());
      try {
        yield From(
          open_connection('127.0.0.1', port, {
            ssl: client_context(),
            server_hostname: 'other.test',
            loop,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(SSLCertVerificationError);
        const err = exc as SSLCertVerificationError;
        expect(err.verify_code).toBe(62);
        expect(err.verify_message).toBe(
          "Hostname mismatch, certificate is not valid for 'other.test'.",
        );
      }
      const lax = client_context();
      lax.check_hostname = false;
      const [, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: lax, server_hostname: 'other.test', loop }),
      )) as [StreamReader, StreamWriter];
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('serves by SNI: the servername callback can switch the context', async () => {
    const main = coroutine(function* () {
      const ctx = server_context();
      const other = server_context('other');
      const names: Array<string | null> = [];
      ctx.set_servername_callback((ssl_object, name) => {
        names.push(name);
        if (name === 'other.test') ssl_object.context = other;
      });
      const [server, port] = yield* echo_server(ctx);
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port, {
          ssl: client_context(),
          server_hostname: 'other.test',
          loop,
        }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('sni\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('sni\n');
      const cert = writer.get_extra_info('peercert') as Record<string, unknown>;
      expect(cert['subject']).toEqual([[['commonName', 'other.test']]]);
      expect(names).toEqual(['other.test']);
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('negotiates ALPN', async () => {
    const main = coroutine(function* () {
      const ctx = server_context();
      ctx.set_alpn_protocols(['http/1.1']);
      const [server, port] = yield* echo_server(ctx);
      const client = client_context();
      client.set_alpn_protocols(['h2', 'http/1.1']);
      const [, writer] = (yield From(
        open_connection('127.0.0.1', port, { ssl: client, server_hostname: 'localhost', loop }),
      )) as [StreamReader, StreamWriter];
      expect(writer.get_extra_info('selected_alpn_protocol')).toBe('http/1.1');
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('checks the ssl argument, and refuses a missing CA file at load_verify_locations', () => {
    expect(() => loop.create_server(() => null as never, '127.0.0.1', 0, { ssl: true })).toThrow(
      new TypeError('ssl argument must be an SSLContext or None'),
    );
    expect(() =>
      loop.create_connection(() => null as never, '127.0.0.1', 1, { server_hostname: 'x' }),
    ).toThrow(new ValueError('server_hostname is only meaningful with ssl'));
    // As Python's ssl: the file is read at the call, not when a connection uses the context.
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    expect(() => ctx.load_verify_locations(f('missing.pem'))).toThrow(FileNotFoundError);
    expect(ctx._cafiles).toEqual([]);
  });

  it('aborts a handshake that takes longer than ssl_handshake_timeout', async () => {
    const main = coroutine(function* () {
      // A plain TCP server that never answers the ClientHello.
      const server = (yield From(
        loop.create_server(() => new Protocol(), '127.0.0.1', 0),
      )) as Server;
      const port = (server.sockets![0]!.getsockname() as [string, number])[1];
      try {
        yield From(
          open_connection('127.0.0.1', port, {
            ssl: client_context(),
            server_hostname: 'localhost',
            ssl_handshake_timeout: 0.1,
            loop,
          }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(ConnectionAbortedError);
        expect((exc as Error).message).toBe(
          'SSL handshake is taking longer than 0.1 seconds: aborting the connection',
        );
      }
      server.close();
    });
    await run(loop, main());
  });

  it('runs over Unix sockets too', async () => {
    const main = coroutine(function* () {
      const sock_path = f('tls.sock');
      const handle = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
        writer.write((yield From(reader.readline())) as Uint8Array);
        writer.close();
      });
      const server = (yield From(
        start_unix_server(handle, sock_path, { ssl: server_context(), loop }),
      )) as Server;
      const [reader, writer] = (yield From(
        open_unix_connection(sock_path, {
          ssl: client_context(),
          server_hostname: 'localhost',
          loop,
        }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('unix\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('unix\n');
      expect(writer.get_extra_info('peername')).toBe(sock_path);
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('talks to a Python asyncio + ssl server', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec(
          'python3',
          path.join(FIXTURES, 'py_tls_echo_server.py'),
          f('server.pem'),
          f('server.key'),
          { stdout: subprocess.PIPE, loop },
        ),
      )) as Process;
      const port = Number(s((yield From(proc.stdout!.readline())) as Uint8Array));
      const [reader, writer] = (yield From(
        open_connection('localhost', port, { ssl: client_context(), loop }),
      )) as [StreamReader, StreamWriter];
      expect(s((yield From(reader.readline())) as Uint8Array)).toMatch(/^cipher TLSv1\.[23]\n$/);
      writer.write(b('from trollius\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('from trollius\n');
      writer.write_eof();
      expect(s((yield From(reader.read())) as Uint8Array)).toBe('');
      writer.close();
      expect(yield From(proc.wait())).toBe(0);
    });
    await run(loop, main(), 20);
  });
});

describe('loop.start_tls', () => {
  it('upgrades a plain connection after a STARTTLS exchange, on both sides', async () => {
    /** Collects data; `until(text)` resolves once the data so far ends with `text`. */
    class Collector extends Protocol {
      transport: Transport | null = null;
      text = '';
      lost = 0;
      readonly lost_future = loop.create_future<null>();
      private _want: [string, Future<null>] | null = null;
      override connection_made(transport: Transport): void {
        this.transport = transport;
      }
      override data_received(data: Uint8Array): void {
        this.text += s(data);
        this.on_data();
        if (this._want !== null && this.text.endsWith(this._want[0]))
          this._want[1].set_result(null);
      }
      on_data(): void {}
      until(text: string): Future<null> {
        const f = loop.create_future<null>();
        if (this.text.endsWith(text)) f.set_result(null);
        else this._want = [text, f];
        return f;
      }
      override connection_lost(): void {
        this.lost++;
        this.lost_future.set_result(null);
      }
    }
    const server_ctx = server_context();
    class StartTlsServer extends Collector {
      tls: Transport | null = null;
      override on_data(): void {
        if (this.tls === null && this.text === 'STARTTLS\n') {
          this.transport!.write(b('OK\n'));
          this.text = '';
          loop
            .start_tls(this.transport!, this, server_ctx, { server_side: true })
            .add_done_callback((f) => (this.tls = f.result()));
        } else if (this.tls !== null && this.text.endsWith('\n')) {
          this.tls.write(b(this.text.toUpperCase()));
          this.text = '';
        }
      }
    }
    let server_protocol: StartTlsServer | null = null;
    const server_side_tls = (): Transport => server_protocol!.tls!;
    const main = coroutine(function* () {
      const server = (yield From(
        loop.create_server(() => (server_protocol = new StartTlsServer()), '127.0.0.1', 0),
      )) as Server;
      const port = (server.sockets![0]!.getsockname() as [string, number])[1];
      const [transport, client] = (yield From(
        loop.create_connection(() => new Collector(), '127.0.0.1', port),
      )) as [Transport, Collector];
      transport.write(b('STARTTLS\n'));
      yield From(client.until('OK\n'));
      expect(transport.get_extra_info('sslcontext')).toBeNull();
      expect(() => loop.start_tls(transport, client, {} as SSLContext)).toThrow(TypeError);
      const ctx = client_context();
      const tls_transport = (yield From(
        loop.start_tls(transport, client, ctx, {
          server_hostname: 'localhost',
          ssl_shutdown_timeout: 5,
        }),
      )) as Transport;
      expect(tls_transport.get_extra_info('sslcontext')).toBe(ctx);
      // The new transport's close() is bounded by ssl_shutdown_timeout (default 30).
      expect((tls_transport as _StreamTransport)._ssl_shutdown_timeout).toBe(5);
      expect(
        (tls_transport.get_extra_info('peercert') as Record<string, unknown>)['subject'],
      ).toEqual([[['commonName', 'localhost']]]);
      tls_transport.write(b('secret\n'));
      yield From(client.until('SECRET\n'));
      expect(client.text).toBe('OK\nSECRET\n');
      expect((server_side_tls() as _StreamTransport)._ssl_shutdown_timeout).toBe(30);
      tls_transport.close();
      yield From(client.lost_future);
      expect(client.lost).toBe(1);
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });
});
