// StreamWriter.start_tls() over real loopback sockets: a line-based protocol that upgrades mid-stream, as asyncio's test_start_tls (test_streams.py).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { ValueError } from '../../src/exceptions.js';
import { SSLCertVerificationError } from '../../src/os_errors.js';
import type { SSLContext } from '../../src/ssl.js';
import { open_connection, start_server } from '../../src/stream_functions.js';
import type { StreamReader } from '../../src/stream_reader.js';
import { FlowControlMixin, StreamWriter } from '../../src/streams.js';
import { b, run, s } from '../support/net.js';
import { make_test_certificates, type TestCertificates } from '../support/tls_certs.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = make_test_certificates();
});
afterAll(() => {
  certs.remove();
});

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

function port_of(server: Server): number {
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

const client_tls = { server_hostname: 'localhost' };

describe('StreamWriter.start_tls', () => {
  it('upgrades a line-based conversation mid-stream, both sides keeping their reader and writer (test_start_tls)', async () => {
    const seen: unknown[] = [];
    const handle_client = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
      const line1 = (yield From(reader.readline())) as Uint8Array;
      writer.write(line1);
      yield From(writer.drain());
      seen.push(writer.get_extra_info('sslcontext'));
      // the server side, since this writer came from start_server()
      yield From(writer.start_tls(certs.server_context()));
      seen.push(writer.get_extra_info('sslcontext'));
      const line2 = (yield From(reader.readline())) as Uint8Array;
      writer.write(line2);
      yield From(writer.drain());
      writer.close();
      yield From(writer.wait_closed());
    });
    const main = coroutine(function* () {
      const server = (yield From(start_server(handle_client, '127.0.0.1', 0, { loop }))) as Server;
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port_of(server), { loop }),
      )) as [StreamReader, StreamWriter];
      const plain = writer.transport;
      writer.write(b('hello world 1!\n'));
      yield From(writer.drain());
      const msgback1 = s((yield From(reader.readline())) as Uint8Array);
      expect(writer.get_extra_info('sslcontext')).toBeNull();
      const ctx = certs.client_context();
      yield From(writer.start_tls(ctx, client_tls));
      expect(writer.get_extra_info('sslcontext')).toBe(ctx);
      expect(writer.transport).not.toBe(plain);
      expect(writer.get_extra_info('peercert')).not.toBeNull();
      writer.write(b('hello world 2!\n'));
      yield From(writer.drain());
      const msgback2 = s((yield From(reader.readline())) as Uint8Array);
      writer.close();
      yield From(writer.wait_closed());
      server.close();
      yield From(server.wait_closed());
      expect([msgback1, msgback2]).toEqual(['hello world 1!\n', 'hello world 2!\n']);
      expect(seen[0]).toBeNull();
      expect(seen[1]).not.toBeNull();
    });
    await run(loop, main());
  });

  it('speaks STARTTLS: plaintext written before the upgrade arrives before the handshake, in order', async () => {
    const BULK = randomBytes(8 * 1024 * 1024);
    const handle_client = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
      const command = s((yield From(reader.readline())) as Uint8Array);
      const bulk = (yield From(reader.readexactly(BULK.length))) as Uint8Array;
      const starttls = s((yield From(reader.readline())) as Uint8Array);
      writer.write(b(`${command.trim()} ${Buffer.from(bulk).equals(BULK)} ${starttls}`));
      writer.write(b('+OK begin TLS\n'));
      yield From(writer.start_tls(certs.server_context()));
      const secret = s((yield From(reader.readline())) as Uint8Array);
      writer.write(b(`+OK ${secret}`));
      writer.close();
    });
    const main = coroutine(function* () {
      const server = (yield From(start_server(handle_client, '127.0.0.1', 0, { loop }))) as Server;
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port_of(server), { loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('BULK\n'));
      writer.write(BULK);
      writer.write(b('STARTTLS\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('BULK true STARTTLS\n');
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('+OK begin TLS\n');
      yield From(writer.start_tls(certs.client_context(), client_tls));
      writer.write(b('AUTH secret\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('+OK AUTH secret\n');
      expect(s((yield From(reader.read())) as Uint8Array)).toBe('');
      writer.close();
      server.close();
    });
    await run(loop, main(), 20);
  }, 25_000);

  it('sends the plaintext buffered at the call before the handshake: start_tls() waits for drain()', async () => {
    const BULK = randomBytes(8 * 1024 * 1024);
    // A host server that reads exactly BULK in the clear, then turns TLS server and echoes.
    const bulk_ok = loop.create_future<boolean>();
    const host = net.createServer((socket) => {
      const chunks: Buffer[] = [];
      let got = 0;
      const on_data = (chunk: Buffer): void => {
        const need = BULK.length - got;
        chunks.push(chunk.subarray(0, need));
        got += Math.min(need, chunk.length);
        if (got < BULK.length) return;
        socket.removeListener('data', on_data);
        socket.pause();
        if (chunk.length > need) socket.unshift(chunk.subarray(need));
        loop.call_soon_threadsafe(() => bulk_ok.set_result(Buffer.concat(chunks).equals(BULK)));
        const secure = new tls.TLSSocket(socket, {
          isServer: true,
          key: fs.readFileSync(certs.server_key),
          cert: fs.readFileSync(certs.server_cert),
        });
        secure.on('data', (data) => secure.write(data));
        secure.on('end', () => secure.end());
      };
      socket.on('data', on_data);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const port = (host.address() as net.AddressInfo).port;
    const main = coroutine(function* () {
      const [reader, writer] = (yield From(open_connection('127.0.0.1', port, { loop }))) as [
        StreamReader,
        StreamWriter,
      ];
      // No drain() of our own: the kernel takes a few MiB, the transport buffers the rest.
      writer.write(BULK);
      expect(writer.transport.get_write_buffer_size()).toBeGreaterThan(0);
      yield From(writer.start_tls(certs.client_context(), client_tls));
      expect(yield From(bulk_ok)).toBe(true);
      writer.write(b('over tls\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('over tls\n');
      writer.close();
      yield From(writer.wait_closed());
    });
    try {
      await run(loop, main(), 20);
    } finally {
      host.close();
    }
  }, 25_000);

  it('keeps the reader’s flow control working: it pauses and resumes the TLS transport', async () => {
    const PAYLOAD = randomBytes(512 * 1024);
    const handle_client = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
      yield From(reader.readline());
      writer.write(b('go\n'));
      yield From(writer.start_tls(certs.server_context()));
      writer.write(PAYLOAD);
      yield From(writer.drain());
      writer.close();
    });
    const main = coroutine(function* () {
      const server = (yield From(start_server(handle_client, '127.0.0.1', 0, { loop }))) as Server;
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port_of(server), { loop, limit: 1024 }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('STARTTLS\n'));
      yield From(reader.readline());
      yield From(writer.start_tls(certs.client_context(), client_tls));
      expect(reader._transport).toBe(writer.transport);
      // the reader fills past 2 * limit and pauses the (new) transport
      for (let i = 0; i < 200 && writer.transport.is_reading(); i++) {
        yield From(new Promise((resolve) => setTimeout(resolve, 5)));
      }
      expect(writer.transport.is_reading()).toBe(false);
      const got = (yield From(reader.readexactly(PAYLOAD.length))) as Uint8Array;
      expect(Buffer.from(got).equals(PAYLOAD)).toBe(true);
      expect(s((yield From(reader.read())) as Uint8Array)).toBe('');
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('fails with the verification error for an untrusted server, and the connection is closed', async () => {
    const handle_client = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
      yield From(reader.readline());
      writer.write(b('go\n'));
      try {
        yield From(writer.start_tls(certs.untrusted_server_context()));
      } catch {
        // the client hung up
      }
      writer.close();
    });
    const main = coroutine(function* () {
      const server = (yield From(start_server(handle_client, '127.0.0.1', 0, { loop }))) as Server;
      const [reader, writer] = (yield From(
        open_connection('127.0.0.1', port_of(server), { loop }),
      )) as [StreamReader, StreamWriter];
      writer.write(b('STARTTLS\n'));
      yield From(reader.readline());
      let error: unknown = null;
      try {
        yield From(writer.start_tls(certs.client_context(), client_tls));
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(SSLCertVerificationError);
      expect(writer.get_extra_info('sslcontext')).toBeNull();
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  it('checks its arguments at the call', async () => {
    const main = coroutine(function* () {
      const server = (yield From(
        start_server(() => undefined, '127.0.0.1', 0, { loop }),
      )) as Server;
      const [, writer] = (yield From(open_connection('127.0.0.1', port_of(server), { loop }))) as [
        StreamReader,
        StreamWriter,
      ];
      const ctx = certs.client_context();
      expect(() => writer.start_tls({} as SSLContext)).toThrow(
        new TypeError('sslcontext is expected to be an instance of ssl.SSLContext, got {...}'),
      );
      expect(() => writer.start_tls(ctx, { server_side: true } as never)).toThrow(
        new TypeError("start_tls() got an unexpected keyword argument 'server_side'"),
      );
      expect(() => writer.start_tls(ctx, { ssl_handshake_timeout: 0 })).toThrow(
        new ValueError('ssl_handshake_timeout should be a positive number, got 0'),
      );
      // a writer over a bare flow-control protocol has no stream to say which side it is
      const bare = new StreamWriter(writer.transport, new FlowControlMixin({ loop }), null, loop);
      expect(() => bare.start_tls(ctx)).toThrow(
        /^start_tls\(\) needs the StreamReaderProtocol of open_connection\(\) or start_server\(\), got /,
      );
      // nothing was upgraded
      expect(writer.get_extra_info('sslcontext')).toBeNull();
      writer.close();
      server.close();
    });
    await run(loop, main());
  });
});
