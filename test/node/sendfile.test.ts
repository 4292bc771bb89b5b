// loop.sendfile() over real loopback sockets: whole files, offset/count, file positions, flow control, TLS, fallback=false and the errors of asyncio's test_sendfile.py.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { RuntimeError, SendfileNotAvailableError, ValueError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { ConnectionError } from '../../src/os_errors.js';
import { DatagramProtocol, Protocol } from '../../src/protocols.js';
import {
  SENDFILE_FALLBACK_READBUFFER_SIZE,
  sendfile,
  type BinaryFile,
} from '../../src/sendfile.js';
import type { SSLContext } from '../../src/ssl.js';
import type { _StreamTransport } from '../../src/stream_transport.js';
import { sleep } from '../../src/task_helpers.js';
import type { Transport } from '../../src/transports.js';
import { RecordingProtocol, b, concat, run, s } from '../support/net.js';
import { make_test_certificates, type TestCertificates } from '../support/tls_certs.js';

/** 1 MiB of random bytes, so that any misplaced chunk shows. */
const DATA = randomBytes(1024 * 1024);
/** More than loopback's kernel buffers hold (about 4 MiB on Linux): the sender must wait for the reader. */
const BIG = randomBytes(32 * 1024 * 1024);

let dir: string;
let data_path: string;
let big_path: string;
let empty_path: string;
let certs: TestCertificates;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-sendfile-'));
  data_path = path.join(dir, 'data.bin');
  big_path = path.join(dir, 'big.bin');
  empty_path = path.join(dir, 'empty.bin');
  fs.writeFileSync(data_path, DATA);
  fs.writeFileSync(big_path, BIG);
  fs.writeFileSync(empty_path, '');
  certs = make_test_certificates();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  certs.remove();
});

let loop: BaseEventLoop;
let handles: FileHandle[];
beforeEach(() => {
  loop = new BaseEventLoop();
  handles = [];
});
afterEach(async () => {
  if (!loop.is_running()) loop.close();
  for (const handle of handles) await handle.close();
});

async function open(file: string): Promise<FileHandle> {
  const handle = await fsp.open(file, 'r');
  handles.push(handle);
  return handle;
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A Python-style binary file over bytes in memory (`io.BytesIO`): what asyncio's tests pass. */
class MemoryFile implements BinaryFile {
  position = 0;
  readonly mode: string;
  constructor(
    private readonly bytes: Uint8Array,
    mode = 'rb',
  ) {
    this.mode = mode;
  }
  read(size: number): Uint8Array | Promise<Uint8Array> {
    const out = this.bytes.slice(this.position, this.position + size);
    this.position += out.length;
    return out;
  }
  seek(offset: number): number {
    this.position = offset;
    return offset;
  }
  tell(): number {
    return this.position;
  }
}

/**
 * A Python-style file whose reads complete on a later host turn, as a disk
 * read does: the host gets to report socket errors between two chunks.
 */
class SlowFile extends MemoryFile {
  override read(size: number): Promise<Uint8Array> {
    const data = super.read(size) as Uint8Array;
    return new Promise((resolve) => setImmediate(() => resolve(data)));
  }
}

/** The receiving end (asyncio's MySendfileProto): keeps what arrives, may close after `close_after` bytes or start paused. */
class SinkProtocol extends Protocol {
  transport: Transport | null = null;
  chunks: Uint8Array[] = [];
  nbytes = 0;
  readonly done: Future<null>;
  constructor(
    readonly close_after = 0,
    readonly start_paused = false,
  ) {
    super();
    this.done = loop.create_future();
  }
  get data(): Uint8Array {
    return concat(this.chunks);
  }
  override connection_made(transport: Transport): void {
    this.transport = transport;
    if (this.start_paused) transport.pause_reading();
  }
  override data_received(data: Uint8Array): void {
    this.chunks.push(data);
    this.nbytes += data.length;
    if (this.close_after && this.nbytes >= this.close_after) this.transport!.close();
  }
  override connection_lost(): void {
    if (!this.done.done()) this.done.set_result(null);
  }
}

interface Pair {
  server: Server;
  sink: SinkProtocol;
  transport: _StreamTransport;
  client: RecordingProtocol;
}

/** A server with one SinkProtocol, and a client transport connected to it (asyncio's prepare_sendfile). */
function* connect(
  options: { ssl?: boolean; close_after?: number; start_paused?: boolean } = {},
): Generator<unknown, Pair, unknown> {
  const sink = new SinkProtocol(options.close_after, options.start_paused);
  const server_ssl: SSLContext | null = options.ssl ? certs.server_context() : null;
  const server = (yield From(
    loop.create_server(() => sink, '127.0.0.1', 0, { ssl: server_ssl }),
  )) as Server;
  const port = (server.sockets![0]!.getsockname() as [string, number])[1];
  const client = new RecordingProtocol(loop);
  const [transport] = (yield From(
    loop.create_connection(
      () => client,
      '127.0.0.1',
      port,
      options.ssl ? { ssl: certs.client_context(), server_hostname: 'localhost' } : {},
    ),
  )) as [Transport, RecordingProtocol];
  return { server, sink, transport: transport as _StreamTransport, client };
}

/** Close both ends and the server, and wait until the peer saw everything. */
function* finish(pair: Pair): Generator<unknown, void, unknown> {
  pair.transport.close();
  yield From(pair.sink.done);
  pair.server.close();
  yield From(pair.server.wait_closed());
}

describe('loop.sendfile: what arrives', () => {
  it('sends a whole 1 MiB file from a FileHandle and resolves to the bytes sent (test_sendfile)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      const sent = yield From(sendfile(loop, pair.transport, handle));
      yield* finish(pair);
      expect(sent).toBe(DATA.length);
      expect(pair.sink.nbytes).toBe(DATA.length);
      expect(sha(pair.sink.data)).toBe(sha(DATA));
    });
    await run(loop, main());
  });

  it('sends count bytes from offset, and stops at the end of the file (test_sendfile_partial)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      expect(yield From(sendfile(loop, pair.transport, handle, 1000, 100))).toBe(100);
      expect(yield From(sendfile(loop, pair.transport, handle, DATA.length - 10, 100))).toBe(10);
      expect(yield From(sendfile(loop, pair.transport, handle, DATA.length + 10))).toBe(0);
      yield* finish(pair);
      expect(Buffer.from(pair.sink.data)).toEqual(
        Buffer.concat([DATA.subarray(1000, 1100), DATA.subarray(DATA.length - 10)]),
      );
    });
    await run(loop, main());
  });

  it('keeps writes before and after in order (test_sendfile_pre_and_post_data)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      const PREFIX = b('PREFIX__'.repeat(1024));
      const SUFFIX = b('--SUFFIX'.repeat(1024));
      pair.transport.write(PREFIX);
      expect(yield From(sendfile(loop, pair.transport, handle))).toBe(DATA.length);
      pair.transport.write(SUFFIX);
      yield* finish(pair);
      expect(sha(pair.sink.data)).toBe(sha(concat([PREFIX, DATA, SUFFIX])));
    });
    await run(loop, main());
  });

  it('reads a file descriptor and a Blob as well as a FileHandle', async () => {
    const fd = fs.openSync(data_path, 'r');
    const blob = await fs.openAsBlob(data_path);
    try {
      const main = coroutine(function* () {
        const pair = yield* connect();
        expect(yield From(sendfile(loop, pair.transport, fd, 10, 20))).toBe(20);
        expect(yield From(sendfile(loop, pair.transport, blob, 30, 70_000))).toBe(70_000);
        expect(yield From(sendfile(loop, pair.transport, new Blob([DATA])))).toBe(DATA.length);
        yield* finish(pair);
        expect(sha(pair.sink.data)).toBe(sha(concat([DATA.subarray(10, 70_030), DATA])));
      });
      await run(loop, main());
    } finally {
      fs.closeSync(fd);
    }
  });

  it('sends nothing for an empty file and resolves to 0 (test_sock_sendfile_zero_size)', async () => {
    const handle = await open(empty_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      expect(yield From(sendfile(loop, pair.transport, handle))).toBe(0);
      yield* finish(pair);
      expect(pair.sink.nbytes).toBe(0);
    });
    await run(loop, main());
  });

  it('sends over TLS by reading the file in chunks (test_sendfile_ssl, test_sendfile_ssl_partial)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect({ ssl: true });
      expect(pair.transport.get_extra_info('sslcontext')).not.toBeNull();
      pair.transport.write(b('zxcvbnm'));
      expect(yield From(sendfile(loop, pair.transport, handle))).toBe(DATA.length);
      expect(yield From(sendfile(loop, pair.transport, handle, 1000, 100))).toBe(100);
      pair.transport.write(b('0987654321'));
      yield* finish(pair);
      expect(sha(pair.sink.data)).toBe(
        sha(concat([b('zxcvbnm'), DATA, DATA.subarray(1000, 1100), b('0987654321')])),
      );
    });
    await run(loop, main());
  });
});

describe('loop.sendfile: file positions', () => {
  it('leaves a Python-style file at offset + bytes sent, as file.tell() shows in asyncio', async () => {
    const main = coroutine(function* () {
      const pair = yield* connect();
      const file = new MemoryFile(DATA);
      file.seek(12345);
      expect(yield From(sendfile(loop, pair.transport, file, 1000, 2000))).toBe(2000);
      expect(file.tell()).toBe(3000);
      // offset counts from the start of the file, not from the position
      expect(yield From(sendfile(loop, pair.transport, file))).toBe(DATA.length);
      expect(file.tell()).toBe(DATA.length);
      yield* finish(pair);
      expect(sha(pair.sink.data)).toBe(sha(concat([DATA.subarray(1000, 3000), DATA])));
    });
    await run(loop, main());
  });

  it('reads a FileHandle at offset and leaves its own position alone (Node has no lseek)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      expect(yield From(sendfile(loop, pair.transport, handle, 1000, 2000))).toBe(2000);
      yield* finish(pair);
    });
    await run(loop, main());
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(16), position: null });
    expect(bytesRead).toBe(16);
    expect(buffer).toEqual(DATA.subarray(0, 16));
  });

  it('fails with ConnectionError when the peer closes midway, the file left at what was sent (test_sendfile_close_peer_in_the_middle_of_receiving)', async () => {
    const main = coroutine(function* () {
      const pair = yield* connect({ close_after: 1024 });
      const file = new SlowFile(BIG);
      let error: unknown = null;
      try {
        yield From(sendfile(loop, pair.transport, file));
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(ConnectionError);
      yield From(pair.sink.done);
      expect(pair.sink.nbytes).toBeGreaterThanOrEqual(1024);
      expect(pair.sink.nbytes).toBeLessThan(BIG.length);
      expect(file.tell()).toBeGreaterThanOrEqual(1024);
      expect(file.tell()).toBeLessThan(BIG.length);
      expect(file.tell() % SENDFILE_FALLBACK_READBUFFER_SIZE).toBe(0);
      expect(pair.transport.is_closing()).toBe(true);
      // the protocol that was set aside heard about the loss
      yield From(pair.client.lost);
      pair.server.close();
    });
    await run(loop, main(), 20);
  }, 25_000);
});

describe('loop.sendfile: flow control and the protocol set aside', () => {
  it('waits for a slow reader between chunks: the write buffer stays under high-water mark + one chunk', async () => {
    const handle = await open(big_path);
    const main = coroutine(function* () {
      const pair = yield* connect({ start_paused: true });
      const transport = pair.transport;
      const [, high] = transport.get_write_buffer_limits();
      let largest = 0;
      const write = transport.write.bind(transport);
      transport.write = (data: Uint8Array): void => {
        write(data);
        largest = Math.max(largest, transport.get_write_buffer_size());
      };
      const task = sendfile(loop, transport, handle);
      for (let i = 0; i < 500 && !transport._protocol_paused; i++) yield From(sleep(0.01));
      // the reader reads nothing: the send stops at the high-water mark
      expect(transport._protocol_paused).toBe(true);
      yield From(sleep(0.1));
      expect(task.done()).toBe(false);
      expect(pair.sink.nbytes).toBe(0);
      expect(largest).toBeLessThanOrEqual(high + SENDFILE_FALLBACK_READBUFFER_SIZE);
      // the reader catches up: the rest follows
      pair.sink.transport!.resume_reading();
      expect(yield From(task)).toBe(BIG.length);
      expect(largest).toBeLessThanOrEqual(high + SENDFILE_FALLBACK_READBUFFER_SIZE);
      yield* finish(pair);
      expect(sha(pair.sink.data)).toBe(sha(BIG));
    });
    await run(loop, main(), 20);
  }, 25_000);

  it('writes one chunk into a transport that is paused already, then waits for resume_writing(), and tells the protocol it resumed', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect({ start_paused: true });
      const transport = pair.transport;
      const filler: Uint8Array[] = [];
      // Fill the kernel's buffers, then the transport's: Node keeps 2 MiB only once the kernel is full.
      while (transport.get_write_buffer_size() < 2 * 1024 * 1024 && filler.length < 64) {
        const piece = randomBytes(1024 * 1024);
        filler.push(piece);
        transport.write(piece);
        yield From(sleep(0.01));
      }
      expect(pair.client.events).toEqual(['made', 'pause']);
      const buffered = transport.get_write_buffer_size();
      const task = sendfile(loop, transport, handle);
      yield From(sleep(0.1));
      // asyncio's order: write a chunk, then wait for the transport
      expect(task.done()).toBe(false);
      expect(transport.get_write_buffer_size()).toBe(buffered + SENDFILE_FALLBACK_READBUFFER_SIZE);
      pair.sink.transport!.resume_reading();
      expect(yield From(task)).toBe(DATA.length);
      expect(pair.client.events).toEqual(['made', 'pause', 'resume']);
      expect(transport.get_protocol()).toBe(pair.client);
      yield* finish(pair);
      expect(sha(pair.sink.data)).toBe(sha(concat([...filler, DATA])));
    });
    await run(loop, main(), 20);
  }, 25_000);

  it('gives the transport its protocol back and resumes reading afterwards', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      const task = sendfile(loop, pair.transport, handle);
      yield From(sleep(0));
      expect(pair.transport.get_protocol()).not.toBe(pair.client);
      expect(pair.transport.is_reading()).toBe(false);
      // the peer's bytes during the send wait for the protocol
      pair.sink.transport!.write(b('during'));
      expect(yield From(task)).toBe(DATA.length);
      expect(pair.transport.get_protocol()).toBe(pair.client);
      expect(pair.transport.is_reading()).toBe(true);
      pair.sink.transport!.write(b(' after'));
      for (let i = 0; i < 200 && s(pair.client.data) !== 'during after'; i++) {
        yield From(sleep(0.01));
      }
      expect(s(pair.client.data)).toBe('during after');
      expect(pair.client.events.filter((e) => e !== 'data')).toEqual(['made']);
      yield* finish(pair);
    });
    await run(loop, main());
  });

  it('gives the protocol back when the send is cancelled', async () => {
    const handle = await open(big_path);
    const main = coroutine(function* () {
      const pair = yield* connect({ start_paused: true });
      const task = sendfile(loop, pair.transport, handle);
      for (let i = 0; i < 500 && !pair.transport._protocol_paused; i++) yield From(sleep(0.01));
      task.cancel();
      yield From(sleep(0));
      expect(task.cancelled()).toBe(true);
      expect(pair.transport.get_protocol()).toBe(pair.client);
      expect(pair.transport.is_reading()).toBe(true);
      // the transport is still paused: the protocol is told, so its resume_writing() will pair
      expect(pair.client.events).toEqual(['made', 'pause']);
      pair.transport.abort();
      pair.sink.transport!.abort();
      yield From(pair.sink.done);
      pair.server.close();
    });
    await run(loop, main(), 20);
  }, 25_000);
});

describe('loop.sendfile: refusals', () => {
  it('refuses fallback=false on a plain socket with SendfileNotAvailableError, and sends nothing (test_sendfile_force_unsupported_native)', async () => {
    const main = coroutine(function* () {
      const pair = yield* connect();
      const file = new MemoryFile(DATA);
      let error: unknown = null;
      try {
        sendfile(loop, pair.transport, file, 0, null, { fallback: false });
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(SendfileNotAvailableError);
      expect(error).toBeInstanceOf(RuntimeError);
      expect(String(error)).toMatch(
        /^SendfileNotAvailableError: sendfile syscall is not supported/,
      );
      expect(String(error)).toMatch(/leave fallback on/);
      yield* finish(pair);
      expect(pair.sink.nbytes).toBe(0);
      expect(file.tell()).toBe(0);
    });
    await run(loop, main());
  });

  it('refuses fallback=false over TLS with RuntimeError (test_sendfile_no_fallback_for_fallback_transport)', async () => {
    const main = coroutine(function* () {
      const pair = yield* connect({ ssl: true });
      expect(() => sendfile(loop, pair.transport, null, 0, null, { fallback: false })).toThrow(
        new RuntimeError(
          `fallback is disabled and native sendfile is not supported for transport ${String(pair.transport)}`,
        ),
      );
      yield* finish(pair);
    });
    await run(loop, main());
  });

  it('refuses a closing transport (test_sendfile_for_closing_transp)', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      pair.transport.close();
      expect(() => sendfile(loop, pair.transport, handle)).toThrow(
        new RuntimeError('Transport is closing'),
      );
      yield From(pair.sink.done);
      expect(pair.sink.nbytes).toBe(0);
      pair.server.close();
    });
    await run(loop, main());
  });

  it('refuses a datagram transport (test_sendfile_not_supported)', async () => {
    const main = coroutine(function* () {
      const [transport] = (yield From(
        loop.create_datagram_endpoint(() => new DatagramProtocol(), {
          local_addr: ['127.0.0.1', 0],
        }),
      )) as [Transport, DatagramProtocol];
      const file = new MemoryFile(DATA);
      try {
        expect(() => sendfile(loop, transport, file)).toThrow(
          new RuntimeError(`sendfile is not supported for transport ${String(transport)}`),
        );
        expect(file.tell()).toBe(0);
      } finally {
        transport.close();
      }
    });
    await run(loop, main());
  });

  it('checks offset, count, options and the file at the call, with asyncio’s messages', async () => {
    const handle = await open(data_path);
    const main = coroutine(function* () {
      const pair = yield* connect();
      const t = pair.transport;
      expect(() => sendfile(loop, t, handle, -1)).toThrow(
        new ValueError('offset must be a non-negative integer (got -1)'),
      );
      expect(() => sendfile(loop, t, handle, 1.5)).toThrow(
        new TypeError('offset must be a non-negative integer (got 1.5)'),
      );
      expect(() => sendfile(loop, t, handle, null as never)).toThrow(
        new TypeError('offset must be a non-negative integer (got null)'),
      );
      expect(() => sendfile(loop, t, handle, 0, 0)).toThrow(
        new ValueError('count must be a positive integer (got 0)'),
      );
      expect(() => sendfile(loop, t, handle, 0, '10' as never)).toThrow(
        new TypeError("count must be a positive integer (got '10')"),
      );
      expect(() => sendfile(loop, t, handle, 0, null, { fallbak: true } as never)).toThrow(
        new TypeError("sendfile() got an unexpected keyword argument 'fallbak'"),
      );
      expect(() => sendfile(loop, t, handle, 0, null, { fallback: 'no' as never })).toThrow(
        new TypeError("sendfile() argument 'fallback' must be boolean or null, not 'no'"),
      );
      expect(() => sendfile(loop, t, data_path)).toThrow(
        /^file must be a file opened for reading: a FileHandle from fs\.promises\.open\(\).*\(a path: open it with fs\.promises\.open\(path\) first\)$/,
      );
      expect(() => sendfile(loop, t, {})).toThrow(TypeError);
      expect(() => sendfile(loop, t, new MemoryFile(DATA, 'r'))).toThrow(
        new ValueError('file should be opened in binary mode'),
      );
      expect(() => sendfile(loop, {} as never, handle)).toThrow(
        new TypeError('transport must be a Transport, got {...}'),
      );
      // nothing was started by the refused calls
      expect(t.get_protocol()).toBe(pair.client);
      yield* finish(pair);
      expect(pair.sink.nbytes).toBe(0);
    });
    await run(loop, main());
  });

  it('fails the Task with TypeError when a file object reads text', async () => {
    const main = coroutine(function* () {
      const pair = yield* connect();
      const text_file = { read: () => 'text', seek: () => 0 } as unknown as BinaryFile;
      let error: unknown = null;
      try {
        yield From(sendfile(loop, pair.transport, text_file));
      } catch (exc) {
        error = exc;
      }
      expect(error).toEqual(
        new TypeError(
          "file.read() must return bytes (a Uint8Array), not 'string'; was the file opened in text mode?",
        ),
      );
      expect(pair.transport.get_protocol()).toBe(pair.client);
      yield* finish(pair);
    });
    await run(loop, main());
  });
});
