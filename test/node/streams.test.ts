// Streams over real loopback sockets: echo, client callbacks, flow control, half-close, a CPython asyncio peer.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import type { Future } from '../../src/futures.js';
import { ConnectionError, ConnectionResetError } from '../../src/os_errors.js';
import { ValueError } from '../../src/exceptions.js';
import {
  open_connection,
  open_unix_connection,
  start_server,
  start_unix_server,
} from '../../src/stream_functions.js';
import { StreamReader, StreamReaderProtocol, StreamWriter } from '../../src/streams.js';
import { sleep } from '../../src/task_helpers.js';
import { b, concat, run, s } from '../support/net.js';
import { capture_exceptions } from '../support/test_loop.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

let loop: BaseEventLoop;
const children: ChildProcess[] = [];
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
});

function port_of(server: Server): number {
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

/** An echo handler written as asyncio's docs write it: read until EOF, echo, drain. */
const echo = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
  for (;;) {
    const data: Uint8Array = yield* From(reader.read(65536));
    if (data.length === 0) break;
    writer.write(data);
    yield From(writer.drain());
  }
  writer.close();
});

/** View bytes as a Buffer, so that a Buffer and a Uint8Array with the same bytes compare equal. */
function buf(x: Uint8Array): Buffer {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** Assert equal bytes, cheaply for large payloads (vitest's deep equality walks element by element). */
function expect_same_bytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  const diff = buf(actual).compare(buf(expected));
  if (diff !== 0) {
    let i = 0;
    while (actual[i] === expected[i]) i++;
    expect.fail(`bytes differ first at index ${i}`);
  }
}

/** A payload whose every byte value appears, in a pattern a shift would break. */
function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

describe('open_connection / start_server', () => {
  it('echoes lines and a large payload between a trollius client and server', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(echo, '127.0.0.1', 0));
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      expect(reader).toBeInstanceOf(StreamReader);
      expect(writer).toBeInstanceOf(StreamWriter);
      expect(writer.get_extra_info('peername')).toEqual(['127.0.0.1', port_of(server)]);
      writer.write(b('hello\nworld\n'));
      expect(s(yield* From(reader.readline()))).toBe('hello\n');
      expect(s(yield* From(reader.readuntil(b('ld\n'))))).toBe('world\n');
      const payload = pattern(1_000_003);
      // Read while writing: an echo peer stops reading when we stop reading.
      const echoed = reader.readexactly(payload.length);
      writer.write(payload);
      yield From(writer.drain());
      const back = yield* From(echoed);
      expect_same_bytes(back, payload);
      writer.write_eof();
      expect((yield* From(reader.read())).length).toBe(0);
      expect(reader.at_eof()).toBe(true);
      yield From(writer.wait_closed());
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('works with await from an async function', async () => {
    const server = await loop.run_until_complete(start_server(echo, '127.0.0.1', 0));
    const result = await loop.run_until_complete(
      (async () => {
        const [reader, writer] = await open_connection('127.0.0.1', port_of(server));
        writer.writelines([b('ping'), b('\n')]);
        const line = await reader.readline();
        writer.close();
        await writer.wait_closed();
        return s(line);
      })(),
    );
    expect(result).toBe('ping\n');
    server.close();
  });

  it('passes limit to the readers', async () => {
    const main = coroutine(function* () {
      const server_readers: StreamReader[] = [];
      const server: Server = yield From(
        start_server(
          (reader) => {
            server_readers.push(reader);
          },
          '127.0.0.1',
          0,
          { limit: 1234 },
        ),
      );
      const [reader, writer] = yield* From(
        open_connection('127.0.0.1', port_of(server), { limit: 99 }),
      );
      expect(reader._limit).toBe(99);
      while (server_readers.length === 0) yield From(sleep(0.001));
      expect(server_readers[0]!._limit).toBe(1234);
      writer.close();
      server.close();
    });
    await run(loop, main());
    expect(() => open_connection('127.0.0.1', 1, { limit: 0 })).toThrow('Limit cannot be <= 0');
    expect(() => start_server(null as never, '127.0.0.1', 0)).toThrow(TypeError);
  });

  it('checks every option at the call: limit and loop here, the rest by the loop method, naming the key', () => {
    const expect_type_error = (call: () => unknown, message: string | RegExp): void => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    };
    expect_type_error(
      () => open_connection('127.0.0.1', 1, { limit: '5' } as never),
      "open_connection() argument 'limit' must be number or null, not '5'",
    );
    expect_type_error(
      () => open_connection('127.0.0.1', 1, { loop: 5 } as never),
      /^open_connection\(\) argument 'loop' must be/,
    );
    expect_type_error(
      () => open_connection('127.0.0.1', 1, 5 as never),
      'open_connection() options must be an object, got 5',
    );
    // asyncio passes **kwds on to loop.create_connection(), which names the key.
    expect_type_error(() => open_connection('127.0.0.1', 1, { limt: 5 } as never), /'limt'/);
    expect_type_error(() => open_connection('127.0.0.1', 1, { ssl: 'yes' } as never), /'ssl'/);
    expect_type_error(
      () => start_server(echo, '127.0.0.1', 0, { backlogg: 5 } as never),
      /'backlogg'/,
    );
    expect_type_error(
      () => start_server(echo, '127.0.0.1', 0, { limit: [] } as never),
      "start_server() argument 'limit' must be number or null, not []",
    );
    expect_type_error(() => open_unix_connection('/tmp/x', { famly: 1 } as never), /'famly'/);
    expect_type_error(
      () => open_unix_connection('/tmp/x', { limit: true } as never),
      /^open_unix_connection\(\) argument 'limit'/,
    );
    expect_type_error(() => start_unix_server(echo, '/tmp/x', { pth: 1 } as never), /'pth'/);
    expect_type_error(
      () => start_unix_server(echo, '/tmp/x', { loop: 'l' } as never),
      /^start_unix_server\(\) argument 'loop'/,
    );
    expect(() => open_connection('127.0.0.1', 1, { limit: -1 })).toThrow(
      new ValueError('Limit cannot be <= 0'),
    );
  });

  it('a server readline over the limit fails once and drops the whole line, the next line reads fine (test_readline_limit)', async () => {
    const main = coroutine(function* () {
      const got: string[] = [];
      const done = loop.create_future<null>();
      const server: Server = yield From(
        start_server(
          coroutine(function* (reader: StreamReader, writer: StreamWriter) {
            for (;;) {
              try {
                const line: Uint8Array = yield* From(reader.readline());
                if (line.length === 0) break;
                got.push(s(line));
              } catch (exc) {
                got.push(`${(exc as Error).name}: ${(exc as Error).message}`);
              }
            }
            writer.close();
            done.set_result(null);
          }),
          '127.0.0.1',
          0,
          { limit: 8 },
        ),
      );
      const [, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      writer.write(b('x'.repeat(20) + '\nnext\n'));
      yield From(writer.drain());
      writer.write_eof();
      yield From(done);
      expect(got).toEqual([
        'ValueError: Separator is found, but chunk is longer than limit',
        'next\n',
      ]);
      writer.close();
      server.close();
    });
    await run(loop, main());
  });

  describe('client_connected_cb kinds', () => {
    /** Start a server with `cb`, send "hi\n", return what the server answered before closing. */
    function exchange(cb: (r: StreamReader, w: StreamWriter) => unknown): Promise<string> {
      const main = coroutine(function* () {
        const server: Server = yield From(start_server(cb, '127.0.0.1', 0));
        const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
        writer.write(b('hi\n'));
        const answer = s(yield* From(reader.read()));
        writer.close();
        server.close();
        return answer;
      });
      return run(loop, main());
    }

    it('a plain function', async () => {
      const answer = await exchange((reader, writer) => {
        // A plain callback starts its own work: here, a Task of its own making.
        loop.create_task(
          coroutine(function* () {
            const line: Uint8Array = yield* From(reader.readline());
            writer.write(b(`plain:${s(line)}`));
            writer.close();
          })(),
        );
      });
      expect(answer).toBe('plain:hi\n');
    });

    it('a coroutine function: its coroutine runs in a Task', async () => {
      const answer = await exchange(
        coroutine(function* (reader: StreamReader, writer: StreamWriter) {
          const line: Uint8Array = yield* From(reader.readline());
          writer.write(b(`coro:${s(line)}`));
          yield From(writer.drain());
          writer.close();
        }),
      );
      expect(answer).toBe('coro:hi\n');
    });

    it('an async function', async () => {
      const answer = await exchange(async (reader, writer) => {
        const line = await reader.readline();
        writer.write(b(`async:${s(line)}`));
        await writer.drain();
        writer.close();
      });
      expect(answer).toBe('async:hi\n');
    });

    it.each([
      [
        'coroutine',
        coroutine(function* (reader: StreamReader) {
          yield From(reader.readline());
          throw new Error('handler failed');
        }),
      ],
      [
        'async',
        async (reader: StreamReader): Promise<void> => {
          await reader.readline();
          throw new Error('handler failed');
        },
      ],
      [
        'plain',
        (): void => {
          throw new Error('handler failed');
        },
      ],
    ])(
      'a failing %s callback is reported to the exception handler and its connection closed',
      async (_kind, cb) => {
        const seen = capture_exceptions(loop);
        const answer = await exchange(cb as (r: StreamReader, w: StreamWriter) => unknown);
        expect(answer).toBe('');
        // The async function's rejection arrives through a Promise reaction.
        await run(
          loop,
          coroutine(function* () {
            while (seen.length === 0) yield From(sleep(0.001));
          })(),
        );
        expect(seen).toHaveLength(1);
        expect(seen[0]!['message']).toBe('Unhandled exception in client_connected_cb');
        expect((seen[0]!['exception'] as Error).message).toBe('handler failed');
      },
    );
  });
});

describe('flow control end to end', () => {
  it('16 MiB through a slow reader arrives whole, with bounded buffers and reading really paused', async () => {
    const total = 16 * 1024 * 1024;
    const chunk_size = 64 * 1024;
    const limit = 16 * 1024;
    let max_write_buffer = 0;
    let writer_paused = 0;
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(
          coroutine(function* (_reader: StreamReader, writer: StreamWriter) {
            const protocol = writer._protocol;
            for (let sent = 0; sent < total; sent += chunk_size) {
              const chunk = pattern(chunk_size);
              chunk[0] = (sent / chunk_size) & 0xff;
              writer.write(chunk);
              max_write_buffer = Math.max(
                max_write_buffer,
                writer.transport.get_write_buffer_size(),
              );
              if (protocol._paused) writer_paused++;
              yield From(writer.drain());
            }
            writer.close();
          }),
          '127.0.0.1',
          0,
        ),
      );
      const [reader, writer] = yield* From(
        open_connection('127.0.0.1', port_of(server), { limit }),
      );
      // Count the reader's pause_reading/resume_reading calls on its transport.
      const transport = reader._transport!;
      let pauses = 0;
      let resumes = 0;
      const pause = transport.pause_reading.bind(transport);
      const resume = transport.resume_reading.bind(transport);
      transport.pause_reading = () => {
        pauses++;
        pause();
      };
      transport.resume_reading = () => {
        resumes++;
        resume();
      };
      // Do not read at first: the buffer fills and the reader pauses its transport.
      yield From(sleep(0.05));
      expect(pauses).toBe(1);
      expect(transport.is_reading()).toBe(false);
      let received = 0;
      let max_buffered = 0;
      let index = 0;
      const head: number[] = [];
      for (;;) {
        max_buffered = Math.max(max_buffered, reader._size);
        const data: Uint8Array = yield* From(
          reader.readexactly(Math.min(chunk_size, total - received)),
        );
        if (data.length === 0) break;
        head.push(data[0]!);
        expect(buf(data.subarray(1, 100))).toEqual(buf(pattern(100).subarray(1)));
        received += data.length;
        index++;
        if (received === total) break;
        // A slow consumer: yield to the loop now and then.
        if (index % 8 === 0) yield From(sleep(0.001));
      }
      expect(received).toBe(total);
      expect(head).toEqual(Array.from({ length: total / chunk_size }, (_, i) => i & 0xff));
      expect((yield* From(reader.read())).length).toBe(0);
      // Reading was paused and resumed many times; the buffer never held much more than 2 * limit.
      expect(pauses).toBeGreaterThan(10);
      expect(resumes).toBeGreaterThanOrEqual(pauses - 1);
      expect(max_buffered).toBeLessThanOrEqual(2 * limit + chunk_size);
      writer.close();
      server.close();
    });
    await run(loop, main(), 60);
    // The writer's side: drain() waited, and the write buffer stayed near the high-water mark.
    expect(writer_paused).toBeGreaterThan(0);
    expect(max_write_buffer).toBeLessThanOrEqual(64 * 1024 + chunk_size);
  }, 90_000);

  it('drain() waits while writing is paused, and completes when the peer reads', async () => {
    const main = coroutine(function* () {
      const server_readers: StreamReader[] = [];
      const server: Server = yield From(
        start_server(
          (reader) => {
            server_readers.push(reader);
          },
          '127.0.0.1',
          0,
        ),
      );
      const [, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      while (server_readers.length === 0) yield From(sleep(0.001));
      // The server's reader pauses its transport at 2 * limit, so the kernel buffers fill up.
      const big = new Uint8Array(1024 * 1024);
      // Write until a drain() stays pending: the kernel buffers are full, writing is paused.
      let drain: Future<void> = writer.drain();
      expect(drain.done()).toBe(true);
      for (let i = 0; i < 256; i++) {
        writer.write(big);
        drain = writer.drain();
        if (drain.done()) continue;
        expect(writer._protocol._paused).toBe(true);
        expect(writer.transport.get_write_buffer_size()).toBeGreaterThan(64 * 1024);
        yield From(sleep(0.05));
        if (!drain.done()) break;
      }
      expect(drain.done()).toBe(false);
      expect(writer._protocol._paused).toBe(true);
      // The peer reads everything: writing resumes.
      const reading = server_readers[0]!.read();
      yield From(drain);
      expect(writer.transport.get_write_buffer_size()).toBeLessThanOrEqual(16 * 1024);
      writer.close();
      const all: Uint8Array = yield* From(reading);
      expect(all.length % big.length).toBe(0);
      server.close();
    });
    await run(loop, main(), 30);
  });

  it('drain() raises the connection error once the peer is gone', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(
          (_reader, writer) => {
            writer.transport.abort();
          },
          '127.0.0.1',
          0,
        ),
      );
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      expect((yield* From(reader.read())).length).toBe(0);
      let error: unknown = null;
      try {
        for (let i = 0; i < 100; i++) {
          writer.write(new Uint8Array(65536));
          yield From(writer.drain());
          yield From(sleep(0.001));
        }
      } catch (exc) {
        error = exc;
      }
      // EPIPE or ECONNRESET: connection_lost(exc) set it on the reader, and drain raises it.
      expect(error).toBeInstanceOf(ConnectionError);
      expect(reader.exception()).toBe(error);
      server.close();
    });
    await run(loop, main());
  });

  // As in asyncio: close() with nothing left to send loses the connection on
  // the next iteration, so drain() raises whether or not it waited for that.
  for (const [when, wait_closed] of [
    ['right after close()', false],
    ['after wait_closed()', true],
  ] as const) {
    it(`drain() ${when} raises ConnectionResetError("Connection lost")`, async () => {
      const main = coroutine(function* () {
        const server: Server = yield From(start_server(echo, '127.0.0.1', 0));
        const [, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
        writer.close();
        if (wait_closed) yield From(writer.wait_closed());
        let error: unknown = null;
        try {
          yield From(writer.drain());
        } catch (exc) {
          error = exc;
        }
        expect(error).toBeInstanceOf(ConnectionResetError);
        expect((error as Error).message).toBe('Connection lost');
        server.close();
      });
      await run(loop, main());
    });
  }
});

describe('half-close', () => {
  it('client write_eof, server reads to EOF and then writes back', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(
          coroutine(function* (reader: StreamReader, writer: StreamWriter) {
            const request: Uint8Array = yield* From(reader.read());
            expect(reader.at_eof()).toBe(true);
            // EOF kept the transport open for writing (StreamReaderProtocol.eof_received is true).
            expect(writer.is_closing()).toBe(false);
            writer.write(b(`got ${request.length} bytes: ${s(request)}`));
            yield From(writer.drain());
            writer.close();
          }),
          '127.0.0.1',
          0,
        ),
      );
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      expect(writer.can_write_eof()).toBe(true);
      writer.write(b('question'));
      writer.write_eof();
      const reply: Uint8Array = yield* From(reader.read());
      expect(s(reply)).toBe('got 8 bytes: question');
      expect(reader.at_eof()).toBe(true);
      writer.close();
      yield From(writer.wait_closed());
      server.close();
    });
    await run(loop, main());
  });

  it('StreamReaderProtocol can be used with create_connection directly', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(echo, '127.0.0.1', 0));
      const reader = new StreamReader(undefined, { loop });
      const [transport, protocol] = yield* From(
        loop.create_connection(
          () => new StreamReaderProtocol(reader, null, { loop }),
          '127.0.0.1',
          port_of(server),
        ),
      );
      const writer = new StreamWriter(transport, protocol, reader, loop);
      writer.write(b('direct'));
      writer.write_eof();
      expect(s(yield* From(reader.read()))).toBe('direct');
      writer.close();
      server.close();
    });
    await run(loop, main());
  });
});

describe('a CPython asyncio peer (python3)', () => {
  /** Spawn a Python fixture; resolves with the child and its first stdout line. */
  function python(
    script: string,
    args: string[] = [],
    stdin: Uint8Array | null = null,
  ): Promise<[ChildProcess, string]> {
    const child = spawn('python3', [path.join(fixtures, script), ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      timeout: 30_000,
    });
    children.push(child);
    child.stdin!.end(stdin ?? undefined);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${script} printed nothing`)), 20_000);
      child.on('error', reject);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('latin1');
        const nl = out.indexOf('\n');
        if (nl !== -1) {
          clearTimeout(timer);
          resolve([child, out.slice(0, nl).trim()]);
        }
      });
      child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
  }

  const payload = concat([pattern(256), b('\r\n\x00end'), pattern(70_000)]);

  it('a trollius client talks to an asyncio streams server', async () => {
    const [child, line] = await python('py_echo_server.py');
    const port = Number(line);
    expect(port).toBeGreaterThan(0);
    const main = coroutine(function* () {
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port));
      writer.write(payload);
      yield From(writer.drain());
      writer.write_eof();
      const back: Uint8Array = yield* From(reader.read());
      writer.close();
      return back;
    });
    const back = await run(loop, main(), 20);
    expect_same_bytes(back, payload);
    const code = await new Promise((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve),
    );
    expect(code).toBe(0);
  });

  it('an asyncio streams client talks to a trollius server', async () => {
    const received: Uint8Array[] = [];
    const server = await loop.run_until_complete(
      start_server(
        coroutine(function* (reader: StreamReader, writer: StreamWriter) {
          const request: Uint8Array = yield* From(reader.read());
          received.push(request);
          const reply = new Uint8Array(request.length);
          for (let i = 0; i < request.length; i++) reply[i] = request[request.length - 1 - i]!;
          writer.write(reply);
          yield From(writer.drain());
          writer.close();
        }),
        '127.0.0.1',
        0,
      ),
    );
    const client = python('py_echo_client.py', [String(port_of(server))], payload);
    // Serve until the Python client printed its answer.
    const served = loop.run_forever();
    let result: [ChildProcess, string];
    try {
      result = await client;
    } finally {
      loop.stop();
      await served;
    }
    server.close();
    expect(received).toHaveLength(1);
    expect_same_bytes(received[0]!, payload);
    const reversed = Buffer.from(payload).reverse();
    expect(result[1]).toBe(reversed.toString('hex'));
  });
});
