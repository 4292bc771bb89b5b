// Protocols and transports over real loopback sockets: create_connection/create_server, order, half-close, errors.
import net from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { NotImplementedError, RuntimeError, ValueError } from '../../src/exceptions.js';
import { ConnectionRefusedError, ConnectionResetError, OSError } from '../../src/os_errors.js';
import { Protocol } from '../../src/protocols.js';
import { Server } from '../../src/server.js';
import { socket } from '../../src/sockets.js';
import { sleep } from '../../src/task_helpers.js';
import { ReadTransport, Transport, WriteTransport } from '../../src/transports.js';
import { RecordingProtocol, b, run, s, squash } from '../support/net.js';
import { capture_exceptions as capture } from '../support/test_loop.js';

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

/** An echo protocol: writes back what it receives, closes on EOF. */
class EchoProtocol extends Protocol {
  transport: Transport | null = null;
  override connection_made(transport: Transport): void {
    this.transport = transport;
  }
  override data_received(data: Uint8Array): void {
    this.transport!.write(data);
  }
}

function port_of(server: Server): number {
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

describe('create_server / create_connection', () => {
  it('echoes bytes, and calls connection_made, data_received, eof_received, connection_lost in order', async () => {
    const server_protocols: RecordingProtocol[] = [];
    const main = coroutine(function* () {
      const server: Server = yield From(
        loop.create_server(
          () => {
            const p = new RecordingProtocol(loop);
            server_protocols.push(p);
            return p;
          },
          '127.0.0.1',
          0,
        ),
      );
      expect(server.sockets).toHaveLength(1);
      expect(server.sockets![0]!.family).toBe(socket.AF_INET);
      const port = port_of(server);
      const [transport, client] = (yield From(
        loop.create_connection(() => new RecordingProtocol(loop), '127.0.0.1', port),
      )) as [Transport, RecordingProtocol];
      // create_connection resolves only after connection_made ran.
      expect(client.events).toEqual(['made']);
      expect(transport).toBeInstanceOf(Transport);
      expect(transport).toBeInstanceOf(ReadTransport);
      expect(transport).toBeInstanceOf(WriteTransport);
      expect(transport.get_extra_info('peername')).toEqual(['127.0.0.1', port]);
      expect((transport.get_extra_info('sockname') as [string, number])[0]).toBe('127.0.0.1');
      expect(transport.get_extra_info('socket')).toBeInstanceOf(net.Socket);
      expect(transport.get_extra_info('nope', 'dflt')).toBe('dflt');
      transport.write(b('hello '));
      transport.writelines([b('wor'), b('ld')]);
      transport.write_eof();
      expect(transport.can_write_eof()).toBe(true);
      yield From(server_protocols[0]!.lost);
      // The server's protocol got EOF, returned false, so its transport closed itself.
      expect(squash(server_protocols[0]!.events)).toEqual(['made', 'data', 'eof', 'lost']);
      expect(s(server_protocols[0]!.data)).toBe('hello world');
      expect(server_protocols[0]!.lost_exc).toBeNull();
      yield From(client.lost);
      expect(squash(client.events)).toEqual(['made', 'eof', 'lost']);
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('round-trips data through an echo server', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        loop.create_server(() => new EchoProtocol(), '127.0.0.1', 0),
      );
      const [transport, client] = (yield From(
        loop.create_connection(() => new RecordingProtocol(loop), '127.0.0.1', port_of(server)),
      )) as [Transport, RecordingProtocol];
      const payload = new Uint8Array(300_000).map((_, i) => i % 251);
      transport.write(payload);
      transport.write_eof();
      yield From(client.lost);
      expect(client.data).toEqual(payload);
      server.close();
    });
    await run(loop, main());
  });

  it('resolves host names through getaddrinfo ("localhost")', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        loop.create_server(() => new EchoProtocol(), 'localhost', 0, { family: socket.AF_INET }),
      );
      const [transport, client] = (yield From(
        loop.create_connection(() => new RecordingProtocol(loop), 'localhost', port_of(server), {
          family: socket.AF_INET,
        }),
      )) as [Transport, RecordingProtocol];
      transport.write(b('ping'));
      transport.write_eof();
      yield From(client.lost);
      expect(s(client.data)).toBe('ping');
      server.close();
    });
    await run(loop, main());
  });

  it('listens on several hosts given as a list, and on all interfaces for null', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        loop.create_server(() => new EchoProtocol(), ['127.0.0.1', '::1'], 0),
      );
      expect(server.sockets!.map((sock) => sock.family).sort((x, y) => x - y)).toEqual([
        socket.AF_INET,
        socket.AF_INET6,
      ]);
      const v6 = server.sockets!.find((sock) => sock.family === socket.AF_INET6)!;
      expect(v6.getsockname()).toEqual(['::1', expect.any(Number), 0, 0]);
      server.close();
      const any: Server = yield From(loop.create_server(() => new EchoProtocol(), null, 0));
      const names = any.sockets!.map((sock) => (sock.getsockname() as [string, number])[0]).sort();
      expect(names).toEqual(['0.0.0.0', '::']);
      any.close();
      yield From(any.wait_closed());
    });
    await run(loop, main());
  });

  it('works with await as well as yield From', async () => {
    const server = await loop.run_until_complete(
      loop.create_server(() => new EchoProtocol(), '127.0.0.1', 0),
    );
    const client = new RecordingProtocol(loop);
    const [transport] = await loop.run_until_complete(
      loop.create_connection(() => client, '127.0.0.1', port_of(server)),
    );
    transport.write(b('x'));
    transport.write_eof();
    await run(loop, client.lost);
    expect(s(client.data)).toBe('x');
    server.close();
  });
});

describe('argument checks (asyncio messages)', () => {
  const factory = (): Protocol => new Protocol();
  it('create_connection', () => {
    expect(() => loop.create_connection(factory, 'h', 1, { server_hostname: 'x' })).toThrow(
      new ValueError('server_hostname is only meaningful with ssl'),
    );
    expect(() => loop.create_connection(factory, null, null, { ssl: true })).toThrow(
      new ValueError('You must set server_hostname when using ssl without a host'),
    );
    expect(() => loop.create_connection(factory, 'h', 1, { sock: {} })).toThrow(
      new ValueError('host/port and sock can not be specified at the same time'),
    );
    expect(() => loop.create_connection(factory)).toThrow(
      new ValueError('host and port was not specified and no sock specified'),
    );
  });
  it('create_server', () => {
    expect(() => loop.create_server(factory, 'h', 1, { ssl: true })).toThrow(
      new TypeError('ssl argument must be an SSLContext or None'),
    );
    expect(() => loop.create_server(factory, 'h', 1, { sock: {} })).toThrow(
      new ValueError('host/port and sock can not be specified at the same time'),
    );
    expect(() => loop.create_server(factory)).toThrow(
      new ValueError('Neither host/port nor sock were specified'),
    );
  });
  it('sock_* methods say why they are missing', () => {
    expect(() => loop.sock_recv(null, 1)).toThrow(NotImplementedError);
    expect(() => loop.sock_connect(null, ['127.0.0.1', 1])).toThrow(
      /JavaScript hosts do not expose/,
    );
  });
  it('ssl must be an SSLContext or true, checked at the call (TLS: test/node/tls.test.ts)', () => {
    expect(() => loop.create_connection(factory, '127.0.0.1', 1, { ssl: {} })).toThrow(
      /^ssl argument must be an SSLContext or None, got /,
    );
  });
});

describe('OS errors', () => {
  it('a refused connection rejects with ConnectionRefusedError, asyncio message, Node cause', async () => {
    // A port that was just free: bind, note it, close.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = (await run(
      loop,
      loop.create_connection(() => new Protocol(), '127.0.0.1', port),
    ).catch((e: unknown) => e)) as ConnectionRefusedError;
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err.errno).toBe(111);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe(`[Errno 111] Connect call failed ('127.0.0.1', ${port})`);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('a reset connection calls connection_lost with ConnectionResetError', async () => {
    const main = coroutine(function* () {
      const server_side: RecordingProtocol[] = [];
      const server: Server = yield From(
        loop.create_server(
          () => {
            const p = new RecordingProtocol(loop);
            server_side.push(p);
            return p;
          },
          '127.0.0.1',
          0,
        ),
      );
      const client = new RecordingProtocol(loop);
      yield From(loop.create_connection(() => client, '127.0.0.1', port_of(server)));
      yield From(server_side[0]!.made);
      // Reset from the server side: SO_LINGER 0 through Node's resetAndDestroy().
      (server_side[0]!.transport!.get_extra_info('socket') as net.Socket).resetAndDestroy();
      const exc = (yield From(client.lost)) as Error;
      expect(exc).toBeInstanceOf(ConnectionResetError);
      expect((exc as OSError).errno).toBe(104);
      expect(client.events.at(-1)).toBe('lost');
      expect(client.events.filter((e) => e === 'lost')).toHaveLength(1);
      server.close();
    });
    await run(loop, main());
  });

  it('a transport reset by its peer still tells both addresses, first asked in connection_lost', async () => {
    // asyncio takes them when the connection is made; Node forgets a closed socket's own address.
    class AddressesAtLoss extends RecordingProtocol {
      addresses: unknown[] = [];
      override connection_lost(exc: Error | null): void {
        this.addresses = ['peername', 'sockname'].map((key) => this.transport!.get_extra_info(key));
        super.connection_lost(exc);
      }
    }
    const main = coroutine(function* () {
      const server_side = new AddressesAtLoss(loop);
      const server: Server = yield From(loop.create_server(() => server_side, '127.0.0.1', 0));
      const peer = net.connect(port_of(server), '127.0.0.1');
      yield From(server_side.made);
      const peer_port = peer.localPort;
      peer.resetAndDestroy();
      expect((yield From(server_side.lost)) as Error).toBeInstanceOf(ConnectionResetError);
      expect(server_side.addresses).toEqual([
        ['127.0.0.1', peer_port],
        ['127.0.0.1', port_of(server)],
      ]);
      server.close();
    });
    await run(loop, main());
  });

  it('binding a port in use rejects with asyncio message', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(loop.create_server(() => new Protocol(), '127.0.0.1', 0));
      const port = port_of(server);
      try {
        yield From(
          loop.create_server(() => new Protocol(), '127.0.0.1', port, { reuse_address: true }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
        expect((exc as OSError).errno).toBe(98);
        expect((exc as OSError).message).toBe(
          `[Errno 98] error while attempting to bind on address ('127.0.0.1', ${port}): address already in use`,
        );
      }
      server.close();
    });
    await run(loop, main());
  });
});

describe('transport semantics', () => {
  /** A connected pair: [client transport, client protocol, server protocol, server]. */
  const pair = coroutine(function* (server_factory?: () => RecordingProtocol) {
    const server_side: RecordingProtocol[] = [];
    const server: Server = yield From(
      loop.create_server(
        () => {
          const p = server_factory ? server_factory() : new RecordingProtocol(loop);
          server_side.push(p);
          return p;
        },
        '127.0.0.1',
        0,
      ),
    );
    const [transport, client] = (yield From(
      loop.create_connection(() => new RecordingProtocol(loop), '127.0.0.1', port_of(server)),
    )) as [Transport, RecordingProtocol];
    yield From(server_side[0]!.made);
    return [transport, client, server_side[0]!, server] as const;
  });

  it('eof_received returning true keeps the transport open for writing (half-close)', async () => {
    const main = coroutine(function* () {
      const [transport, client, server_protocol, server] = (yield From(
        pair(() => {
          const p = new RecordingProtocol(loop);
          p.keep_open_on_eof = true;
          return p;
        }),
      )) as [Transport, RecordingProtocol, RecordingProtocol, Server];
      transport.write(b('question'));
      transport.write_eof();
      yield From(server_protocol.eof);
      expect(server_protocol.transport!.is_closing()).toBe(false);
      // Still open for writing after EOF.
      server_protocol.transport!.write(b('answer'));
      server_protocol.transport!.close();
      yield From(client.lost);
      expect(s(client.data)).toBe('answer');
      expect(s(server_protocol.data)).toBe('question');
      yield From(server_protocol.lost);
      expect(squash(server_protocol.events)).toEqual(['made', 'data', 'eof', 'lost']);
      server.close();
    });
    await run(loop, main());
  });

  it('close() flushes buffered data first; abort() drops it', async () => {
    const main = coroutine(function* () {
      const [transport, client, server_protocol, server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      const big = new Uint8Array(4 * 1024 * 1024).fill(7);
      server_protocol.transport!.write(big);
      server_protocol.transport!.close();
      expect(server_protocol.transport!.is_closing()).toBe(true);
      yield From(client.lost);
      expect(client.data.length).toBe(big.length);
      // abort: connection_lost(null) comes, exactly once.
      transport.abort();
      transport.abort();
      transport.close();
      const exc = yield From(client.lost);
      expect(exc).toBeNull();
      expect(client.events.filter((e) => e === 'lost')).toHaveLength(1);
      server.close();
    });
    await run(loop, main());
  });

  it('write after write_eof throws; writes after close are dropped (then logged)', async () => {
    const main = coroutine(function* () {
      const [transport, client, , server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      transport.write(b(''));
      expect(() => transport.write('str' as unknown as Uint8Array)).toThrow(
        new TypeError("data argument must be a bytes-like object, not 'string'"),
      );
      transport.write_eof();
      expect(() => transport.write(b('x'))).toThrow(
        new RuntimeError('Cannot call write() after write_eof()'),
      );
      transport.close();
      yield From(client.lost);
      server.close();
    });
    await run(loop, main());
  });

  it('pause_reading/resume_reading raise when out of order (TR-7)', async () => {
    const main = coroutine(function* () {
      const [transport, client, , server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      expect(transport.is_reading()).toBe(true);
      expect(() => transport.resume_reading()).toThrow(new RuntimeError('Not paused'));
      transport.pause_reading();
      expect(transport.is_reading()).toBe(false);
      expect(() => transport.pause_reading()).toThrow(new RuntimeError('Already paused'));
      transport.resume_reading();
      transport.close();
      expect(() => transport.pause_reading()).toThrow(
        new RuntimeError('Cannot pause_reading() when closing'),
      );
      yield From(client.lost);
      server.close();
    });
    await run(loop, main());
  });

  it('pause_reading holds data back until resume_reading, keeping the order', async () => {
    const main = coroutine(function* () {
      const [transport, client, server_protocol, server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      transport.pause_reading();
      server_protocol.transport!.write(b('one '));
      yield From(sleep(0.05));
      server_protocol.transport!.write(b('two'));
      server_protocol.transport!.write_eof();
      yield From(sleep(0.05));
      expect(client.events).toEqual(['made']);
      transport.resume_reading();
      yield From(client.eof);
      expect(s(client.data)).toBe('one two');
      expect(squash(client.events)).toEqual(['made', 'data', 'eof']);
      yield From(client.lost);
      server.close();
    });
    await run(loop, main());
  });

  it('set_write_buffer_limits: defaults, validation, pause_writing and resume_writing', async () => {
    const main = coroutine(function* () {
      const [transport, client, server_protocol, server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      expect(transport.get_write_buffer_limits()).toEqual([16384, 65536]);
      transport.set_write_buffer_limits(null, 100);
      expect(transport.get_write_buffer_limits()).toEqual([100, 400]);
      expect(() => transport.set_write_buffer_limits(1, 2)).toThrow(
        new ValueError('high (1) must be >= low (2) must be >= 0'),
      );
      transport.set_write_buffer_limits(1024);
      server_protocol.transport!.pause_reading();
      // Fill the OS buffers: the peer does not read.
      const chunk = new Uint8Array(256 * 1024);
      for (let i = 0; i < 64 && !client.events.includes('pause'); i++) transport.write(chunk);
      expect(client.events).toContain('pause');
      expect(transport.get_write_buffer_size()).toBeGreaterThan(1024);
      server_protocol.transport!.resume_reading();
      while (!client.events.includes('resume')) yield From(sleep(0.01));
      expect(transport.get_write_buffer_size()).toBeLessThanOrEqual(256);
      expect(client.events.filter((e) => e === 'pause')).toHaveLength(1);
      transport.close();
      yield From(client.lost);
      server.close();
    });
    await run(loop, main());
  });

  it('pauses the socket while the loop is stopped; the data waits for the next run', async () => {
    const [transport, client, server_protocol, server] = await run(loop, pair());
    void transport;
    // The loop is stopped now: the server writes, nothing is delivered.
    server_protocol.transport!.write(b('while stopped'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.events).toEqual(['made']);
    await run(loop, sleep(0.05, null, { loop }));
    expect(s(client.data)).toBe('while stopped');
    server_protocol.transport!.close();
    await run(loop, client.lost);
    server.close();
  });

  it('Server.wait_closed waits for the accepted connections (TR-8)', async () => {
    const main = coroutine(function* () {
      const [transport, client, server_protocol, server] = (yield From(pair())) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      expect(server.is_serving()).toBe(true);
      const waiting = server.wait_closed();
      server.close();
      expect(server.sockets).toEqual([]);
      expect(server.is_serving()).toBe(false);
      yield From(sleep(0.02));
      expect(waiting.done()).toBe(false);
      // A wait_closed after close() waits too (asyncio 3.12+; 3.11 returned at once).
      const late = server.wait_closed();
      yield From(sleep(0));
      expect(late.done()).toBe(false);
      transport.close();
      yield From(server_protocol.lost);
      yield From(waiting);
      yield From(late);
      expect(server.wait_closed().done()).toBe(true);
      yield From(client.lost);
    });
    await run(loop, main());
  });

  it('an exception in data_received closes the transport and is reported', async () => {
    const seen = capture(loop);
    const main = coroutine(function* () {
      class Bad extends RecordingProtocol {
        override data_received(): void {
          throw new Error('boom');
        }
      }
      const [transport, , server_protocol, server] = (yield From(pair(() => new Bad(loop)))) as [
        Transport,
        RecordingProtocol,
        RecordingProtocol,
        Server,
      ];
      transport.write(b('x'));
      const exc = yield From(server_protocol.lost);
      expect((exc as Error).message).toBe('boom');
      expect(seen[0]!['message']).toBe('Fatal error: protocol.data_received() call failed.');
      transport.close();
      server.close();
    });
    await run(loop, main());
  });
});
