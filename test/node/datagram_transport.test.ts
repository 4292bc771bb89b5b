// UDP over real loopback sockets: create_datagram_endpoint, sendto/datagram_received, errors, close/abort, flow control.
import dgram from 'node:dgram';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { open_datagram, spawn } from '../../platform/browser/unsupported.js';
import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { _DatagramTransport } from '../../src/datagram_transport.js';
import { NotImplementedError, ValueError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { logger } from '../../src/log.js';
import { ConnectionRefusedError, OSError } from '../../src/os_errors.js';
import type { SockAddr } from '../../src/platform.js';
import { DatagramProtocol } from '../../src/protocols.js';
import { socket } from '../../src/sockets.js';
import { sleep } from '../../src/task_helpers.js';
import { DatagramTransport } from '../../src/transports.js';
import { b, run, s } from '../support/net.js';
import { capture_exceptions as capture } from '../support/test_loop.js';

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

/** Records every call; `next()` resolves with the next datagram. */
class Recorder extends DatagramProtocol {
  events: string[] = [];
  datagrams: Array<[string, SockAddr]> = [];
  errors: Error[] = [];
  transport: DatagramTransport | null = null;
  readonly lost: Future<Error | null>;
  private _waiters: Array<Future<[string, SockAddr]>> = [];
  private _error_waiters: Array<Future<Error>> = [];

  constructor() {
    super();
    this.lost = loop.create_future();
  }

  override connection_made(transport: DatagramTransport): void {
    this.transport = transport;
    this.events.push('made');
  }

  override datagram_received(data: Uint8Array, addr: SockAddr): void {
    this.events.push('datagram');
    this.datagrams.push([s(data), addr]);
    this._waiters.shift()?.set_result([s(data), addr]);
  }

  override error_received(exc: Error): void {
    this.events.push('error');
    this.errors.push(exc);
    this._error_waiters.shift()?.set_result(exc);
  }

  override pause_writing(): void {
    this.events.push('pause');
  }

  override resume_writing(): void {
    this.events.push('resume');
  }

  override connection_lost(exc: Error | null): void {
    this.events.push('lost');
    this.lost.set_result(exc);
  }

  next(): Future<[string, SockAddr]> {
    const f = loop.create_future<[string, SockAddr]>();
    this._waiters.push(f);
    return f;
  }

  next_error(): Future<Error> {
    const f = loop.create_future<Error>();
    this._error_waiters.push(f);
    return f;
  }
}

/** Echoes every datagram back to its sender. */
class EchoServer extends DatagramProtocol {
  transport: DatagramTransport | null = null;
  override connection_made(transport: DatagramTransport): void {
    this.transport = transport;
  }
  override datagram_received(data: Uint8Array, addr: SockAddr): void {
    this.transport!.sendto(data, addr);
  }
}

const endpoint = (options: Parameters<BaseEventLoop['create_datagram_endpoint']>[1]) =>
  loop.create_datagram_endpoint(() => new Recorder(), options) as Future<
    [DatagramTransport, Recorder]
  >;

describe('create_datagram_endpoint', () => {
  it('echoes datagrams between a bound server and a connected client (UDP echo)', async () => {
    const main = coroutine(function* () {
      const [server_t] = (yield From(
        loop.create_datagram_endpoint(() => new EchoServer(), {
          local_addr: ['127.0.0.1', 0],
        }),
      )) as [DatagramTransport, EchoServer];
      expect(server_t).toBeInstanceOf(DatagramTransport);
      expect(server_t).toBeInstanceOf(_DatagramTransport);
      const server_addr = server_t.get_extra_info('sockname') as [string, number];
      expect(server_addr[0]).toBe('127.0.0.1');
      expect(server_addr[1]).toBeGreaterThan(0);
      expect(server_t.get_extra_info('peername')).toBeNull();
      expect(server_t.get_extra_info('socket')).toBeInstanceOf(dgram.Socket);

      const [client_t, client] = (yield From(endpoint({ remote_addr: server_addr }))) as [
        DatagramTransport,
        Recorder,
      ];
      // resolves only after connection_made ran
      expect(client.events).toEqual(['made']);
      expect(client_t.get_extra_info('peername')).toEqual(server_addr);
      const client_addr = client_t.get_extra_info('sockname') as [string, number];
      expect(client_addr[0]).toBe('127.0.0.1');

      let got = client.next();
      client_t.sendto(b('ping'));
      expect(yield From(got)).toEqual(['ping', server_addr]);
      got = client.next();
      client_t.sendto(b('pong'), server_addr); // the connected address itself is fine
      expect(yield From(got)).toEqual(['pong', server_addr]);
      client_t.sendto(new Uint8Array(0)); // ignored
      expect(client_t.get_write_buffer_size()).toBe(0);

      client_t.close();
      server_t.close();
      expect(yield From(client.lost)).toBeNull();
      expect(client.events).toEqual(['made', 'datagram', 'datagram', 'lost']);
    });
    await run(loop, main());
  });

  it('sends to any address from an unconnected endpoint, and receives with the sender address', async () => {
    const main = coroutine(function* () {
      const [a_t, a] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const [b_t, bp] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const a_addr = a_t.get_extra_info('sockname') as SockAddr;
      const b_addr = b_t.get_extra_info('sockname') as SockAddr;
      const got = bp.next();
      a_t.sendto(b('hello'), b_addr);
      expect(yield From(got)).toEqual(['hello', a_addr]);
      // no address and not connected: asyncio's EDESTADDRREQ goes to error_received
      const err = a.next_error();
      a_t.sendto(b('x'));
      const exc = (yield From(err)) as OSError;
      expect(exc).toBeInstanceOf(OSError);
      expect(exc.errno).toBe(89);
      expect(a_t.is_closing()).toBe(false);
      a_t.abort();
      b_t.close();
      yield From(a.lost);
      yield From(bp.lost);
    });
    await run(loop, main());
  });

  it('resolves names of local_addr and remote_addr, and picks the family (localhost)', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(
        endpoint({ local_addr: ['localhost', 0], family: socket.AF_INET }),
      )) as [DatagramTransport, Recorder];
      expect((t.get_extra_info('sockname') as SockAddr)[0]).toBe('127.0.0.1');
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('checks its arguments synchronously', () => {
    expect(() => loop.create_datagram_endpoint(() => new Recorder())).toThrow(
      new ValueError('unexpected address family'),
    );
    expect(() =>
      loop.create_datagram_endpoint(() => new Recorder(), {
        local_addr: ['127.0.0.1'] as unknown as [string, number],
      }),
    ).toThrow(/^2-tuple is expected$/);
    expect(() =>
      loop.create_datagram_endpoint(() => new Recorder(), {
        sock: {},
        local_addr: ['127.0.0.1', 0],
      }),
    ).toThrow(/^socket modifier keyword arguments can not be used when sock is specified/);
    expect(() => loop.create_datagram_endpoint(42 as never, { family: 2 })).toThrow(TypeError);
  });

  it('opens an unbound endpoint when only family is given', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ family: socket.AF_INET }))) as [
        DatagramTransport,
        Recorder,
      ];
      expect(t.get_extra_info('peername')).toBeNull();
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('rejects with a mapped OSError when the address is in use', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const addr = t.get_extra_info('sockname') as [string, number];
      try {
        yield From(endpoint({ local_addr: addr }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(OSError);
        expect((exc as OSError).errno).toBe(98);
        expect((exc as OSError).message).toBe(
          `[Errno 98] error while attempting to bind on address ('127.0.0.1', ${addr[1]}): address already in use`,
        );
      }
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('adopts a bound dgram.Socket (sock)', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ sock }))) as [DatagramTransport, Recorder];
      expect(t.get_extra_info('socket')).toBe(sock);
      expect(t.get_extra_info('sockname')).toEqual(['127.0.0.1', sock.address().port]);
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });
});

describe('DatagramTransport', () => {
  it('sendto checks data and the address against the connected one (Invalid address)', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ remote_addr: ['127.0.0.1', 9] }))) as [
        DatagramTransport,
        Recorder,
      ];
      expect(() => t.sendto(b('x'), ['127.0.0.1', 10])).toThrow(
        new ValueError("Invalid address: must be None or ('127.0.0.1', 9)"),
      );
      expect(() => t.sendto('x' as never)).toThrow(
        new TypeError("data argument must be a bytes-like object, not 'string'"),
      );
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('reports ICMP port unreachable to error_received and stays open (TR-6)', async () => {
    // A port nobody listens on: bind one, note it, close it.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const dead_port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(resolve));
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ remote_addr: ['127.0.0.1', dead_port] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const err = p.next_error();
      t.sendto(b('anyone?'));
      // Linux reports the refusal on the next receive (or send) of the connected socket.
      const exc = (yield From(err)) as Error;
      expect(exc).toBeInstanceOf(ConnectionRefusedError);
      expect(t.is_closing()).toBe(false);
      expect(p.events).not.toContain('lost');
      t.close();
      expect(yield From(p.lost)).toBeNull();
    });
    await run(loop, main());
  });

  it('sendto to an impossible address goes to error_received', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const err = p.next_error();
      t.sendto(b('x'), ['127.0.0.1', 0]);
      expect(yield From(err)).toBeInstanceOf(Error);
      expect(t.is_closing()).toBe(false);
      t.close();
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('close() and abort() call connection_lost exactly once, and stop delivery', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const addr = t.get_extra_info('sockname') as SockAddr;
      t.sendto(b('to myself'), addr);
      t.close();
      expect(t.is_closing()).toBe(true);
      t.close();
      t.abort();
      yield From(p.lost);
      yield From(sleep(0.05));
      expect(p.events.filter((e) => e === 'lost')).toHaveLength(1);
      expect(p.events).not.toContain('datagram');

      const [t2, p2] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      t2.abort();
      t2.abort();
      t2.close();
      yield From(p2.lost);
      yield From(sleep(0));
      expect(p2.events).toEqual(['made', 'lost']);
    });
    await run(loop, main());
  });

  it('drops sends after close, warning from the fifth on', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      t.close();
      const records: string[] = [];
      logger.set_handler((record) => records.push(record.message));
      try {
        for (let i = 0; i < 6; i++) t.sendto(b('late'), ['127.0.0.1', 9]);
      } finally {
        logger.set_handler(null);
      }
      expect(records).toEqual([
        'socket.send() raised exception.',
        'socket.send() raised exception.',
      ]);
      expect(t.get_write_buffer_size()).toBe(0);
      yield From(p.lost);
    });
    await run(loop, main());
  });

  it('counts datagrams in flight as the write buffer, with pause_writing/resume_writing', async () => {
    const main = coroutine(function* () {
      const [t, p] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const [sink_t, sink] = (yield From(endpoint({ local_addr: ['127.0.0.1', 0] }))) as [
        DatagramTransport,
        Recorder,
      ];
      const to = sink_t.get_extra_info('sockname') as SockAddr;
      const dt = t as _DatagramTransport;
      expect(dt.get_write_buffer_limits()).toEqual([16384, 65536]);
      dt.set_write_buffer_limits(1000);
      expect(dt.get_write_buffer_limits()).toEqual([250, 1000]);
      expect(() => dt.set_write_buffer_limits(1, 2)).toThrow(
        new ValueError('high (1) must be >= low (2) must be >= 0'),
      );
      dt.sendto(new Uint8Array(600), to);
      expect(dt.get_write_buffer_size()).toBe(600);
      expect(p.events).toEqual(['made']);
      dt.sendto(new Uint8Array(600), to);
      expect(dt.get_write_buffer_size()).toBe(1200);
      // strictly above high: paused synchronously, once
      expect(p.events).toEqual(['made', 'pause']);
      dt.sendto(new Uint8Array(600), to);
      expect(p.events).toEqual(['made', 'pause']);
      while (dt.get_write_buffer_size() > 0) yield From(sleep(0.001));
      yield From(sleep(0));
      expect(p.events).toEqual(['made', 'pause', 'resume']);
      t.close();
      sink_t.close();
      yield From(p.lost);
      yield From(sink.lost);
    });
    await run(loop, main());
  });

  it('reports an exception from datagram_received and closes (Fatal error)', async () => {
    const errors = capture(loop);
    class Broken extends Recorder {
      override datagram_received(): void {
        throw new Error('boom');
      }
    }
    const main = coroutine(function* () {
      const [t, p] = (yield From(
        loop.create_datagram_endpoint(() => new Broken(), { local_addr: ['127.0.0.1', 0] }),
      )) as [DatagramTransport, Broken];
      t.sendto(b('x'), t.get_extra_info('sockname') as SockAddr);
      const exc = (yield From(p.lost)) as Error;
      expect(exc.message).toBe('boom');
      expect(errors[0]!['message']).toBe('Fatal error: protocol.datagram_received() call failed.');
    });
    await run(loop, main());
  });
});

describe('browser backend', () => {
  it('fails loudly for UDP and child processes, naming what to use instead', () => {
    expect(() => open_datagram()).toThrow(NotImplementedError);
    expect(() => open_datagram()).toThrow(
      /create_datagram_endpoint\(\) needs UDP sockets.*WebSocket/,
    );
    expect(() => spawn()).toThrow(/subprocess_exec\(\) .* need child processes.*Worker/);
  });
});
