// BufferedProtocol over real loopback sockets: bytes land in the protocol's own buffers, in order, with asyncio's fatal errors; client sockets read through Node's onread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { NotImplementedError, RuntimeError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { BufferedProtocol, Protocol } from '../../src/protocols.js';
import type { RawStream } from '../../src/platform.js';
import type { Server } from '../../src/server.js';
import type { _StreamTransport } from '../../src/stream_transport.js';
import { sleep } from '../../src/task_helpers.js';
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

/**
 * Check that `actual` holds exactly the bytes of `expected` (toEqual compares
 * typed arrays element by element: seconds for a few MiB); a mismatch names
 * the first differing offset.
 */
function expect_bytes(actual: Uint8Array, expected: Uint8Array): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.length);
  if (a.equals(expected)) return;
  let at = 0;
  while (at < a.length && at < expected.length && a[at] === expected[at]) at++;
  expect({ length: a.length, first_difference: at }).toEqual({
    length: expected.length,
    first_difference: expected.length,
  });
}

/** A protocol that sends `payload` (in writes of `piece` bytes), then closes. */
function sender(payload: Uint8Array, piece = payload.length): Protocol {
  const p = new Protocol();
  p.connection_made = (transport: Transport) => {
    for (let at = 0; at < payload.length; at += piece) {
      transport.write(payload.subarray(at, at + piece));
    }
    transport.close();
  };
  return p;
}

/** A server that sends `payload` to each client, then closes. */
function* serve_payload(payload: Uint8Array, piece?: number): Generator<unknown, number, unknown> {
  const server = (yield From(
    loop.create_server(() => sender(payload, piece), '127.0.0.1', 0),
  )) as Server;
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

/** What the host handed a transport: each chunk's memory, and whether it was lent. */
interface HostChunk {
  memory: ArrayBufferLike;
  lent: boolean;
}

/** Record every chunk the host hands `transport` (call from connection_made, before any data). */
function record_host_chunks(transport: Transport): HostChunk[] {
  const raw: RawStream = (transport as _StreamTransport)._raw;
  const receiver = raw.receiver;
  const chunks: HostChunk[] = [];
  raw.receiver = {
    _on_raw_data: (chunk: Uint8Array, lent?: boolean) => {
      chunks.push({ memory: chunk.buffer, lent: lent === true });
      receiver._on_raw_data(chunk, lent);
    },
    _on_raw_eof: () => receiver._on_raw_eof(),
    _on_raw_close: (err) => receiver._on_raw_close(err),
    _on_raw_drain: () => receiver._on_raw_drain(),
  };
  return chunks;
}

/** Receives into a fixed-size buffer, and keeps a copy of every byte and every call. */
class Collector extends BufferedProtocol {
  readonly buffer: Uint8Array;
  readonly received: Uint8Array[] = [];
  readonly calls: string[] = [];
  readonly hints: number[] = [];
  transport: Transport | null = null;
  readonly lost: Future<Error | null>;
  /** Set in connection_made: what the host handed the transport. */
  host_chunks: HostChunk[] = [];

  constructor(size: number) {
    super();
    this.buffer = new Uint8Array(size);
    this.lost = loop.create_future();
  }
  override connection_made(transport: Transport): void {
    this.transport = transport;
    this.calls.push('made');
    this.host_chunks = record_host_chunks(transport);
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
    expect_bytes(concat(protocol.received), payload);
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
    expect_bytes(concat(protocol.received), payload);
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
    expect_bytes(concat([...chunks, ...buffered.received]), payload);
  });

  it('leaves get_buffer() and buffer_updated() to subclasses (NotImplementedError)', () => {
    const protocol = new BufferedProtocol();
    expect(() => protocol.get_buffer(-1)).toThrow(NotImplementedError);
    expect(() => protocol.buffer_updated(1)).toThrow(NotImplementedError);
  });
});

/** A data_received() protocol that keeps every chunk it gets, by reference. */
class Keeper extends Protocol {
  readonly chunks: Uint8Array[] = [];
  host_chunks: HostChunk[] = [];
  readonly lost: Future<Error | null>;
  constructor() {
    super();
    this.lost = loop.create_future();
  }
  override connection_made(transport: Transport): void {
    this.host_chunks = record_host_chunks(transport);
  }
  override data_received(data: Uint8Array): void {
    this.chunks.push(data);
  }
  override connection_lost(exc: Error | null): void {
    this.lost.set_result(exc);
  }
}

describe('client connections read through Node onread', () => {
  it('Node reads into one buffer of the transport, lent chunk by chunk, and the bytes are copied into the protocol buffers', async () => {
    const payload = pattern(1 << 20);
    const protocol = new Collector(8192);
    const main = coroutine(function* () {
      const port = yield* serve_payload(payload, 4096);
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      expect(yield From(protocol.lost)).toBeNull();
    });
    await run(loop, main());
    expect_bytes(concat(protocol.received), payload);
    expect(protocol.calls).toEqual(['made', 'updated', 'eof', 'lost']);
    const lent = protocol.host_chunks.filter((c) => c.lent);
    // The first read goes into the buffer Node was given at connect time; every later one is lent.
    expect(protocol.host_chunks.length - lent.length).toBeLessThanOrEqual(1);
    expect(lent.length).toBeGreaterThan(1);
    const memory = new Set(lent.map((c) => c.memory));
    expect(memory.size).toBe(1);
    expect([...memory][0]!.byteLength).toBe(64 * 1024);
    expect(memory.has(protocol.buffer.buffer)).toBe(false);
  });

  it('a backlog read while the loop is busy: Node reads again only into memory the transport has copied out', async () => {
    const payload = pattern(4 << 20);
    const protocol = new Collector(65536);
    const made = protocol.connection_made.bind(protocol);
    protocol.connection_made = (transport: Transport) => {
      made(transport);
      // While paused the kernel fills up: each read then fills Node's buffer, and libuv reads again at once.
      transport.pause_reading();
      loop.call_later(0.05, () => transport.resume_reading());
    };
    let receiving = true;
    const main = coroutine(function* () {
      // A task that never lets the loop idle: its turns end on their time budget, and
      // Node reads in between, many times, with no loop iteration to copy each read out.
      const busy = loop.create_task(
        coroutine(function* () {
          while (receiving) yield From(sleep(0));
        })(),
      );
      const port = yield* serve_payload(payload, 65536);
      yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      yield From(protocol.lost);
      receiving = false;
      yield From(busy);
    });
    await run(loop, main());
    expect_bytes(concat(protocol.received), payload);
    expect(protocol.host_chunks.filter((c) => c.lent).length).toBeGreaterThan(1);
  });

  it('a Unix socket client reads through onread as well', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-'));
    const sock_path = path.join(dir, 'payload.sock');
    const payload = pattern(300_000);
    const protocol = new Collector(5000);
    const main = coroutine(function* () {
      const server = (yield From(
        loop.create_unix_server(() => sender(payload), sock_path),
      )) as Server;
      yield From(loop.create_unix_connection(() => protocol, sock_path));
      expect(yield From(protocol.lost)).toBeNull();
      server.close();
    });
    try {
      await run(loop, main());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect_bytes(concat(protocol.received), payload);
    expect(protocol.host_chunks.filter((c) => c.lent).length).toBeGreaterThan(1);
  });

  it("accepted connections keep Node's 'data' path: the server's BufferedProtocol gets owned chunks, copied", async () => {
    const payload = pattern(200_000);
    const protocol = new Collector(4096);
    const main = coroutine(function* () {
      const server = (yield From(loop.create_server(() => protocol, '127.0.0.1', 0))) as Server;
      const port = (server.sockets![0]!.getsockname() as [string, number])[1];
      yield From(loop.create_connection(() => sender(payload), '127.0.0.1', port));
      yield From(protocol.lost);
      server.close();
    });
    await run(loop, main());
    expect_bytes(concat(protocol.received), payload);
    expect(protocol.host_chunks.length).toBeGreaterThan(0);
    expect(protocol.host_chunks.some((c) => c.lent)).toBe(false);
  });

  it('data_received() clients get chunks to keep: small reads are copied out of the shared read buffer, big ones handed over', async () => {
    // Two clients at once, each with its own bytes: a shared buffer reused too early would mix them.
    const small = pattern(50_000);
    const big = pattern(3 << 20).map((x) => 250 - x);
    const a = new Keeper();
    const c = new Keeper();
    const main = coroutine(function* () {
      const port_a = yield* serve_payload(small, 100);
      const port_c = yield* serve_payload(big, 256 * 1024);
      yield From(loop.create_connection(() => a, '127.0.0.1', port_a));
      yield From(loop.create_connection(() => c, '127.0.0.1', port_c));
      yield From(a.lost);
      yield From(c.lost);
    });
    await run(loop, main());
    // Every chunk is checked after all the reads: none was overwritten after delivery.
    expect_bytes(concat(a.chunks), small);
    expect_bytes(concat(c.chunks), big);
    expect([...a.host_chunks, ...c.host_chunks].some((h) => h.lent)).toBe(false);
    // Chunks of different reads never share memory, except small copies from Node's pool.
    const handed_over = c.chunks.filter((chunk) => chunk.buffer.byteLength === 64 * 1024);
    expect(handed_over.length).toBeGreaterThan(0);
    expect(new Set(handed_over.map((chunk) => chunk.buffer)).size).toBe(handed_over.length);
  });

  it('switching a lending client to data_received() mid-stream: the new protocol keeps intact chunks', async () => {
    const payload = pattern(500_000);
    const buffered = new Collector(1000);
    const keeper = new Keeper();
    const updated = buffered.buffer_updated.bind(buffered);
    buffered.buffer_updated = (nbytes: number) => {
      updated(nbytes);
      if (buffered.received.length === 3) {
        buffered.transport!.pause_reading();
        buffered.transport!.set_protocol(keeper);
        loop.call_soon(() => buffered.transport!.resume_reading());
      }
    };
    const main = coroutine(function* () {
      const port = yield* serve_payload(payload);
      yield From(loop.create_connection(() => buffered, '127.0.0.1', port));
      yield From(keeper.lost);
    });
    await run(loop, main());
    expect(buffered.received).toHaveLength(3);
    expect_bytes(concat([...buffered.received, ...keeper.chunks]), payload);
  });

  it('the loop stopping mid-transfer loses nothing: the socket waits, paused, until the loop runs again', async () => {
    const payload = pattern(2 << 20);
    const protocol = new Collector(65536);
    let port = 0;
    await run(
      loop,
      coroutine(function* () {
        port = yield* serve_payload(payload, 65536);
        yield From(loop.create_connection(() => protocol, '127.0.0.1', port));
      })(),
    );
    // The loop is stopped: Node keeps reading events, the transport must not lose them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await run(
      loop,
      coroutine(function* () {
        yield From(protocol.lost);
      })(),
    );
    expect_bytes(concat(protocol.received), payload);
    expect(protocol.calls).toEqual(['made', 'updated', 'eof', 'lost']);
  });
});
