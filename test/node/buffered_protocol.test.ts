// BufferedProtocol over real loopback sockets: bytes land in the protocol's own buffers, in order, with asyncio's fatal errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { NotImplementedError, RuntimeError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { BufferedProtocol, Protocol } from '../../src/protocols.js';
import type { Server } from '../../src/server.js';
import type { Transport } from '../../src/transports.js';
import { concat, run } from '../support/net.js';
import { capture_exceptions as capture } from '../support/test_loop.js';

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

/** `n` bytes counting 0, 1, …, 250, 0, 1, … (a prime period, so misplaced bytes show). */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}

/** A server that sends `payload` to each client, then closes. */
function* serve_payload(payload: Uint8Array): Generator<unknown, number, unknown> {
  const server = (yield From(
    loop.create_server(
      () => {
        const p = new Protocol();
        p.connection_made = (transport: Transport) => {
          transport.write(payload);
          transport.close();
        };
        return p;
      },
      '127.0.0.1',
      0,
    ),
  )) as Server;
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

/** Receives into a fixed-size buffer, and keeps a copy of every byte and every call. */
class Collector extends BufferedProtocol {
  readonly buffer: Uint8Array;
  readonly received: Uint8Array[] = [];
  readonly calls: string[] = [];
  readonly hints: number[] = [];
  transport: Transport | null = null;
  readonly lost: Future<Error | null>;

  constructor(size: number) {
    super();
    this.buffer = new Uint8Array(size);
    this.lost = loop.create_future();
  }
  override connection_made(transport: Transport): void {
    this.transport = transport;
    this.calls.push('made');
  }
  override get_buffer(sizehint: number): Uint8Array {
    this.hints.push(sizehint);
    return this.buffer;
  }
  override buffer_updated(nbytes: number): void {
    this.received.push(this.buffer.slice(0, nbytes));
    if (this.calls.at(-1) !== 'updated') this.calls.push('updated');
  }
  override eof_received(): void {
    this.calls.push('eof');
  }
  override connection_lost(exc: Error | null): void {
    this.calls.push('lost');
    this.lost.set_result(exc);
  }
}

describe('BufferedProtocol', () => {
  it('receives every byte, in order, into buffers no larger than it hands out', async () => {
    const payload = pattern(100_000);
    const protocol = new Collector(1000);
    const main = coroutine(function* () {
      const port = yield* serve_payload(payload);
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      expect(yield From(protocol.lost)).toBeNull();
    });
    await run(loop, main());
    expect(concat(protocol.received)).toEqual(payload);
    expect(Math.max(...protocol.received.map((c) => c.length))).toBe(1000);
    expect(protocol.calls).toEqual(['made', 'updated', 'eof', 'lost']);
    // The size hint is what is left of the chunk being delivered.
    expect(protocol.hints.every((hint) => hint > 0)).toBe(true);
  });

  it('is a fatal error when get_buffer() returns an empty buffer (RuntimeError)', async () => {
    const handled = capture(loop);
    const protocol = new Collector(0);
    const main = coroutine(function* () {
      const port = yield* serve_payload(pattern(10));
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      const exc = yield From(protocol.lost);
      expect(exc).toBeInstanceOf(RuntimeError);
      expect((exc as Error).message).toBe('get_buffer() returned an empty buffer');
    });
    await run(loop, main());
    expect(handled).toHaveLength(1);
    expect(handled[0]!.message).toBe('Fatal error: protocol.get_buffer() call failed.');
  });

  it('is a fatal error when buffer_updated() raises', async () => {
    const handled = capture(loop);
    const protocol = new Collector(100);
    protocol.buffer_updated = () => {
      throw new Error('parser broke');
    };
    const main = coroutine(function* () {
      const port = yield* serve_payload(pattern(10));
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      expect(((yield From(protocol.lost)) as Error).message).toBe('parser broke');
    });
    await run(loop, main());
    expect(handled.map((context) => context.message)).toEqual([
      'Fatal error: protocol.buffer_updated() call failed.',
    ]);
  });

  it('pausing reading in buffer_updated() holds the rest of the chunk until resume_reading()', async () => {
    const payload = pattern(50_000);
    const protocol = new Collector(4096);
    const updated = protocol.buffer_updated.bind(protocol);
    let pauses = 0;
    protocol.buffer_updated = (nbytes: number) => {
      updated(nbytes);
      if (protocol.received.length % 3 === 0) {
        pauses++;
        protocol.transport!.pause_reading();
        loop.call_later(0.001, () => protocol.transport!.resume_reading());
      }
    };
    const main = coroutine(function* () {
      const port = yield* serve_payload(payload);
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      yield From(protocol.lost);
    });
    await run(loop, main());
    expect(pauses).toBeGreaterThan(3);
    expect(concat(protocol.received)).toEqual(payload);
  });

  it('set_protocol() switches between data_received() and buffers mid-stream', async () => {
    const payload = pattern(20_000);
    const buffered = new Collector(512);
    const chunks: Uint8Array[] = [];
    const first = new Protocol();
    let transport: Transport | null = null;
    first.connection_made = (t: Transport) => (transport = t);
    first.data_received = (data: Uint8Array) => {
      chunks.push(data.slice(0, 1));
      buffered.received.push(data.slice(1));
      transport!.set_protocol(buffered);
    };
    const main = coroutine(function* () {
      const port = yield* serve_payload(payload);
      yield From(loop.create_connection(() => first, '127.0.0.1', port));
      yield From(buffered.lost);
    });
    await run(loop, main());
    expect(chunks).toHaveLength(1);
    expect(concat([...chunks, ...buffered.received])).toEqual(payload);
  });

  it('leaves get_buffer() and buffer_updated() to subclasses (NotImplementedError)', () => {
    const protocol = new BufferedProtocol();
    expect(() => protocol.get_buffer(-1)).toThrow(NotImplementedError);
    expect(() => protocol.buffer_updated(1)).toThrow(NotImplementedError);
  });
});
