// loop.connect_accepted_socket() over real loopback sockets: a plain net.Server accepts, the loop serves the connection, in the clear and over TLS.
import net from 'node:net';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { connect_accepted_socket } from '../../src/connect_accepted_socket.js';
import { From, coroutine } from '../../src/coroutines.js';
import { ValueError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { ConnectionAbortedError, OSError, SSLCertVerificationError } from '../../src/os_errors.js';
import { Protocol } from '../../src/protocols.js';
import { open_connection } from '../../src/stream_functions.js';
import type { StreamReader } from '../../src/stream_reader.js';
import type { StreamWriter } from '../../src/streams.js';
import { sleep } from '../../src/task_helpers.js';
import { Transport } from '../../src/transports.js';
import { RecordingProtocol, b, run, s } from '../support/net.js';
import { make_test_certificates, type TestCertificates } from '../support/tls_certs.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = make_test_certificates();
});
afterAll(() => {
  certs.remove();
});

let loop: BaseEventLoop;
let servers: net.Server[];
beforeEach(() => {
  loop = new BaseEventLoop();
  servers = [];
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
  for (const server of servers) server.close();
});

/** An echo protocol: writes back what it receives. */
class EchoProtocol extends Protocol {
  transport: Transport | null = null;
  override connection_made(transport: Transport): void {
    this.transport = transport;
  }
  override data_received(data: Uint8Array): void {
    this.transport!.write(data);
  }
}

/**
 * A plain `net.Server` on 127.0.0.1 that accepts outside the loop, as a
 * server written without trollius does; its sockets are collected in `accepted`.
 */
function host_server(): Promise<{ port: number; accepted: Future<net.Socket> }> {
  const accepted = loop.create_future<net.Socket>();
  const server = net.createServer((socket) => {
    if (!accepted.done()) accepted.set_result(socket);
  });
  servers.push(server);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: (server.address() as net.AddressInfo).port, accepted });
    });
  });
}

describe('loop.connect_accepted_socket', () => {
  it('serves a socket a plain net.Server accepted: connection_made, data both ways, peername', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      const connecting = open_connection('127.0.0.1', port, { loop });
      const sock = yield* From(accepted);
      const [transport, protocol] = (yield From(
        connect_accepted_socket(loop, () => new EchoProtocol(), sock),
      )) as [Transport, EchoProtocol];
      const [reader, writer] = (yield From(connecting)) as [StreamReader, StreamWriter];
      expect(transport).toBeInstanceOf(Transport);
      expect(protocol.transport).toBe(transport);
      expect(transport.get_extra_info('socket')).toBe(sock);
      expect(transport.get_extra_info('peername')).toEqual(writer.get_extra_info('sockname'));
      expect(transport.get_extra_info('sockname')).toEqual(['127.0.0.1', port]);
      expect(transport.get_extra_info('sslcontext')).toBeNull();
      writer.write(b('hello\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('hello\n');
      writer.close();
      yield From(writer.wait_closed());
      transport.close();
    });
    await run(loop, main());
  });

  it('delivers what the client sent before the socket was handed over', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      const [, writer] = (yield From(open_connection('127.0.0.1', port, { loop }))) as [
        StreamReader,
        StreamWriter,
      ];
      writer.write(b('early bytes'));
      writer.write_eof();
      const sock = yield* From(accepted);
      // The host has read them into the socket's buffer by now.
      yield From(sleep(0.05));
      const protocol = new RecordingProtocol(loop);
      yield From(connect_accepted_socket(loop, () => protocol, sock));
      yield From(protocol.eof);
      expect(s(protocol.data)).toBe('early bytes');
      expect(protocol.events).toEqual(['made', 'data', 'eof']);
      yield From(protocol.lost);
      writer.close();
    });
    await run(loop, main());
  });

  it('runs the server side of the TLS handshake with ssl, then serves decrypted data', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      const server_ctx = certs.server_context();
      const connecting = open_connection('127.0.0.1', port, {
        ssl: certs.client_context(),
        server_hostname: 'localhost',
        loop,
      });
      const sock = yield* From(accepted);
      const [transport] = (yield From(
        connect_accepted_socket(loop, () => new EchoProtocol(), sock, { ssl: server_ctx }),
      )) as [Transport, EchoProtocol];
      const [reader, writer] = (yield From(connecting)) as [StreamReader, StreamWriter];
      expect(transport.get_extra_info('sslcontext')).toBe(server_ctx);
      expect(transport.get_extra_info('cipher')).not.toBeNull();
      expect(transport.get_extra_info('peername')).toEqual(writer.get_extra_info('sockname'));
      writer.write(b('secret\n'));
      expect(s((yield From(reader.readline())) as Uint8Array)).toBe('secret\n');
      writer.close();
      yield From(writer.wait_closed());
      transport.close();
    });
    await run(loop, main());
  });

  it('fails the Task when the client refuses the certificate, and closes the socket', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      const connecting = open_connection('127.0.0.1', port, {
        ssl: certs.client_context(),
        server_hostname: 'localhost',
        loop,
      });
      const sock = yield* From(accepted);
      const serving = connect_accepted_socket(loop, () => new EchoProtocol(), sock, {
        ssl: certs.untrusted_server_context(),
      });
      let client_error: unknown = null;
      try {
        yield From(connecting);
      } catch (exc) {
        client_error = exc;
      }
      expect(client_error).toBeInstanceOf(SSLCertVerificationError);
      let server_error: unknown = null;
      try {
        yield From(serving);
      } catch (exc) {
        server_error = exc;
      }
      // an SSLError, or the reset of a client that hung up mid-handshake (TLS 1.3)
      expect(server_error).toBeInstanceOf(OSError);
      expect(sock.destroyed).toBe(true);
    });
    await run(loop, main());
  });

  it('gives up a handshake that takes longer than ssl_handshake_timeout: ConnectionAbortedError', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      // a client that connects and never starts TLS
      const [, writer] = (yield From(open_connection('127.0.0.1', port, { loop }))) as [
        StreamReader,
        StreamWriter,
      ];
      const sock = yield* From(accepted);
      let error: unknown = null;
      try {
        yield From(
          connect_accepted_socket(loop, () => new EchoProtocol(), sock, {
            ssl: certs.server_context(),
            ssl_handshake_timeout: 0.2,
          }),
        );
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(ConnectionAbortedError);
      expect(sock.destroyed).toBe(true);
      writer.close();
    });
    await run(loop, main());
  });

  it('checks its arguments at the call, with asyncio’s errors', async () => {
    const { port, accepted } = await host_server();
    const main = coroutine(function* () {
      const [, writer] = (yield From(open_connection('127.0.0.1', port, { loop }))) as [
        StreamReader,
        StreamWriter,
      ];
      const sock = yield* From(accepted);
      const factory = (): Protocol => new Protocol();
      expect(() =>
        connect_accepted_socket(loop, factory, sock, { ssl_handshake_timeout: 1 }),
      ).toThrow(new ValueError('ssl_handshake_timeout is only meaningful with ssl'));
      expect(() =>
        connect_accepted_socket(loop, factory, sock, { ssl_shutdown_timeout: 1 }),
      ).toThrow(new ValueError('ssl_shutdown_timeout is only meaningful with ssl'));
      expect(() => connect_accepted_socket(loop, factory, sock, { ssl: true })).toThrow(
        new ValueError('Server side SSL needs a valid SSLContext'),
      );
      expect(() =>
        connect_accepted_socket(loop, factory, sock, {
          ssl: certs.server_context(),
          ssl_handshake_timeout: -1,
        }),
      ).toThrow(new ValueError('ssl_handshake_timeout should be a positive number, got -1'));
      expect(() => connect_accepted_socket(loop, factory, sock, { sll: null } as never)).toThrow(
        new TypeError("connect_accepted_socket() got an unexpected keyword argument 'sll'"),
      );
      expect(() => connect_accepted_socket(loop, 'factory' as never, sock)).toThrow(
        new TypeError("protocol_factory must be a callable, got 'factory'"),
      );
      expect(() => connect_accepted_socket(loop, factory, null)).toThrow(
        new TypeError('sock must be a connected socket (Node: a net.Socket), got null'),
      );
      // what only the host can judge fails the Task
      let error: unknown = null;
      try {
        yield From(connect_accepted_socket(loop, factory, { fileno: 3 }));
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(/^TypeError: sock must be a connected net\.Socket/);
      // the refused calls left the socket alone: it still works
      expect(sock.destroyed).toBe(false);
      sock.destroy();
      writer.close();
    });
    await run(loop, main());
  });
});
