// Ports are checked at the call: out of 0-65535 is a ValueError, not an integer a TypeError, for every network method.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { ValueError } from '../../src/exceptions.js';
import { DatagramProtocol, Protocol } from '../../src/protocols.js';
import type { Server } from '../../src/server.js';
import { open_connection, start_server } from '../../src/stream_functions.js';
import { sleep } from '../../src/task_helpers.js';
import type { DatagramTransport } from '../../src/transports.js';
import { b, run } from '../support/net.js';

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

const factory = (): Protocol => new Protocol();

/** What `fn` throws (synchronously). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (exc) {
    return exc as Error;
  }
  throw new Error('nothing was thrown');
}

describe('a port out of 0-65535 is a ValueError at the call', () => {
  it('for getaddrinfo, create_connection, create_server, open_connection and start_server', () => {
    for (const port of [70000, 65536, -1, '70000']) {
      const shown = typeof port === 'string' ? `'${port}'` : String(port);
      const calls: Array<[string, () => unknown]> = [
        ['getaddrinfo', () => loop.getaddrinfo('127.0.0.1', port)],
        ['create_connection', () => loop.create_connection(factory, '127.0.0.1', port)],
        ['create_server', () => loop.create_server(factory, '127.0.0.1', port)],
        ['create_connection', () => open_connection('127.0.0.1', port, { loop })],
        ['create_server', () => start_server(() => undefined, '127.0.0.1', port, { loop })],
      ];
      for (const [where, call] of calls) {
        expect(thrown(call)).toEqual(
          new ValueError(`${where}(): port must be 0-65535, not ${shown}`),
        );
      }
    }
  });

  it("for create_connection's local_addr and getnameinfo's address", () => {
    expect(
      thrown(() =>
        loop.create_connection(factory, '127.0.0.1', 80, { local_addr: ['127.0.0.1', 70000] }),
      ),
    ).toEqual(new ValueError('create_connection(): local_addr port must be 0-65535, not 70000'));
    expect(thrown(() => loop.getnameinfo(['127.0.0.1', 70000]))).toEqual(
      new ValueError('getnameinfo(): port must be 0-65535, not 70000'),
    );
  });

  it('accepts 0 and 65535, numeric strings, service names and None', async () => {
    const main = coroutine(function* () {
      for (const port of [0, 65535, '80', 'http', null]) {
        const infos = (yield From(loop.getaddrinfo('127.0.0.1', port))) as unknown[];
        expect(infos.length).toBeGreaterThan(0);
      }
      const server = (yield From(loop.create_server(factory, '127.0.0.1', 0))) as Server;
      server.close();
    });
    await run(loop, main());
  });
});

describe('a port that is not an integer is a TypeError at the call', () => {
  it('for getaddrinfo, create_connection, create_server, open_connection and start_server', () => {
    for (const [port, shown] of [
      [1.5, '1.5'],
      [Number.NaN, 'NaN'],
      [true, 'true'],
      [[80], '[80]'],
    ] as const) {
      const calls: Array<[string, () => unknown]> = [
        ['getaddrinfo', () => loop.getaddrinfo('127.0.0.1', port as never)],
        ['create_connection', () => loop.create_connection(factory, '127.0.0.1', port as never)],
        ['create_server', () => loop.create_server(factory, '127.0.0.1', port as never)],
        ['create_connection', () => open_connection('127.0.0.1', port as never, { loop })],
        [
          'create_server',
          () => start_server(() => undefined, '127.0.0.1', port as never, { loop }),
        ],
      ];
      for (const [where, call] of calls) {
        const err = thrown(call);
        expect(err).toBeInstanceOf(TypeError);
        expect(err.message).toBe(
          `${where}(): port must be an integer, a string or None, not ${shown}`,
        );
      }
    }
  });
});

describe('DatagramTransport.sendto() checks the port of its address at the call', () => {
  it('raises ValueError or TypeError, sends nothing, and keeps the endpoint open', async () => {
    const errors: Error[] = [];
    class Recorder extends DatagramProtocol {
      override error_received(exc: Error): void {
        errors.push(exc);
      }
    }
    const main = coroutine(function* () {
      const [transport] = (yield From(
        loop.create_datagram_endpoint(() => new Recorder(), { local_addr: ['127.0.0.1', 0] }),
      )) as [DatagramTransport, Recorder];
      expect(thrown(() => transport.sendto(b('x'), ['127.0.0.1', 70000]))).toEqual(
        new ValueError('sendto(): port must be 0-65535, not 70000'),
      );
      expect(thrown(() => transport.sendto(b('x'), ['127.0.0.1', -1]))).toEqual(
        new ValueError('sendto(): port must be 0-65535, not -1'),
      );
      // Python's sendto() takes no service name, nor a float: TypeError.
      expect(thrown(() => transport.sendto(b('x'), ['127.0.0.1', '80' as never]))).toEqual(
        new TypeError("sendto(): port must be an integer, not '80'"),
      );
      expect(thrown(() => transport.sendto(b('x'), ['127.0.0.1', 1.5]))).toEqual(
        new TypeError('sendto(): port must be an integer, not 1.5'),
      );
      // Checked before anything else, empty data too.
      expect(thrown(() => transport.sendto(new Uint8Array(0), ['127.0.0.1', 70000]))).toEqual(
        new ValueError('sendto(): port must be 0-65535, not 70000'),
      );
      yield From(sleep(0.05, { loop }));
      expect(errors).toEqual([]);
      expect(transport.is_closing()).toBe(false);
      expect(transport.get_write_buffer_size()).toBe(0);
      transport.close();
    });
    await run(loop, main());
  });

  it('create_datagram_endpoint refuses a local_addr or remote_addr port out of range at the call', () => {
    for (const key of ['local_addr', 'remote_addr'] as const) {
      expect(() =>
        loop.create_datagram_endpoint(() => new DatagramProtocol(), {
          [key]: ['127.0.0.1', 70000],
        }),
      ).toThrow(
        new ValueError(`create_datagram_endpoint(): ${key} port must be 0-65535, not 70000`),
      );
      expect(() =>
        loop.create_datagram_endpoint(() => new DatagramProtocol(), {
          [key]: ['127.0.0.1', 1.5],
        }),
      ).toThrow(TypeError);
    }
  });
});
