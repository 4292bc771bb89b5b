// Unix sockets (streams and protocols), pipes to a child process, signals, getaddrinfo/getnameinfo on the Node backend.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { Protocol } from '../../src/protocols.js';
import { socket } from '../../src/sockets.js';
import { open_unix_connection, start_unix_server } from '../../src/stream_functions.js';
import { StreamReader, StreamReaderProtocol, StreamWriter } from '../../src/streams.js';
import type { Transport, WriteTransport } from '../../src/transports.js';
import { RecordingProtocol, b, run, s } from '../support/net.js';

let loop: BaseEventLoop;
let tmp: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Spawn a child that ends by itself, and is killed after the test if it did not. */
function child_process(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], timeout: 20_000 });
  children.push(child);
  return child;
}

describe('Unix sockets', () => {
  it('streams: start_unix_server and open_unix_connection echo lines', async () => {
    const where = path.join(tmp, 'echo.sock');
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_unix_server(
          coroutine(function* (reader: StreamReader, writer: StreamWriter) {
            for (;;) {
              const line: Uint8Array = yield* From(reader.readline());
              if (line.length === 0) break;
              writer.write(b(`echo: ${s(line)}`));
              yield From(writer.drain());
            }
            writer.close();
          }),
          where,
        ),
      );
      expect(server.sockets![0]!.family).toBe(socket.AF_UNIX);
      expect(server.sockets![0]!.getsockname()).toBe(where);
      const [reader, writer] = yield* From(open_unix_connection(where));
      writer.write(b('one\ntwo\n'));
      expect(s(yield* From(reader.readline()))).toBe('echo: one\n');
      expect(s(yield* From(reader.readline()))).toBe('echo: two\n');
      writer.write_eof();
      expect((yield* From(reader.read())).length).toBe(0);
      writer.close();
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('protocols: create_unix_server and create_unix_connection', async () => {
    const where = path.join(tmp, 'proto.sock');
    class Upper extends Protocol {
      transport: Transport | null = null;
      override connection_made(transport: Transport): void {
        this.transport = transport;
      }
      override data_received(data: Uint8Array): void {
        this.transport!.write(b(s(data).toUpperCase()));
      }
    }
    const main = coroutine(function* () {
      const server: Server = yield From(loop.create_unix_server(() => new Upper(), where));
      const [transport, client] = (yield From(
        loop.create_unix_connection(() => new RecordingProtocol(loop), where),
      )) as [Transport, RecordingProtocol];
      transport.write(b('shout'));
      transport.write_eof();
      yield From(client.lost);
      expect(s(client.data)).toBe('SHOUT');
      expect(client.events[0]).toBe('made');
      expect(client.events.at(-1)).toBe('lost');
      server.close();
    });
    await run(loop, main());
  });
});

describe('pipes', () => {
  it("connect_read_pipe reads a child's stdout through a StreamReader", async () => {
    const child = child_process(process.execPath, [
      '-e',
      "process.stdout.write('line1\\nline2\\npartial')",
    ]);
    child.stdin!.end();
    const main = coroutine(function* () {
      const reader = new StreamReader(undefined, { loop });
      const [transport] = yield* From(
        loop.connect_read_pipe(
          () => new StreamReaderProtocol(reader, null, { loop }),
          child.stdout,
        ),
      );
      expect(transport.get_extra_info('pipe')).toBe(child.stdout);
      const lines: string[] = [];
      for (;;) {
        const line: Uint8Array = yield* From(reader.readline());
        if (line.length === 0) break;
        lines.push(s(line));
      }
      expect(lines).toEqual(['line1\n', 'line2\n', 'partial']);
      expect(reader.at_eof()).toBe(true);
    });
    await run(loop, main());
  });

  it("connect_write_pipe writes to a child's stdin; the child echoes it back", async () => {
    const child = child_process(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)']);
    const main = coroutine(function* () {
      const reader = new StreamReader(undefined, { loop });
      yield From(
        loop.connect_read_pipe(
          () => new StreamReaderProtocol(reader, null, { loop }),
          child.stdout,
        ),
      );
      const sink = new RecordingProtocol(loop);
      const [transport] = (yield From(loop.connect_write_pipe(() => sink, child.stdin))) as [
        WriteTransport,
        RecordingProtocol,
      ];
      transport.write(b('through '));
      transport.writelines([b('the '), b('pipe\n')]);
      expect(s(yield* From(reader.readline()))).toBe('through the pipe\n');
      transport.close();
      yield From(sink.lost);
      // stdin closed: the child's pipe ends, then the child exits.
      expect((yield* From(reader.read())).length).toBe(0);
    });
    await run(loop, main());
  });
});

describe('signals', () => {
  it('add_signal_handler runs the callback in the loop for SIGUSR1; remove_signal_handler removes it', async () => {
    const calls: unknown[][] = [];
    const main = coroutine(function* () {
      const got = loop.create_future<null>();
      loop.add_signal_handler(
        'SIGUSR1',
        (...args: unknown[]) => {
          calls.push(args);
          if (!got.done()) got.set_result(null);
        },
        'arg',
      );
      process.kill(process.pid, 'SIGUSR1');
      yield From(got);
      expect(calls).toEqual([['arg']]);
      expect(loop.remove_signal_handler('SIGUSR1')).toBe(true);
      expect(loop.remove_signal_handler('SIGUSR1')).toBe(false);
      // By number, as Python passes signal.SIGUSR1.
      const again = loop.create_future<null>();
      loop.add_signal_handler(os.constants.signals.SIGUSR1, () => again.set_result(null));
      process.kill(process.pid, 'SIGUSR1');
      yield From(again);
      expect(loop.remove_signal_handler('USR1')).toBe(true);
      expect(process.listenerCount('SIGUSR1')).toBe(0);
    });
    await run(loop, main());
  });

  it('rejects a coroutine callback and an uncatchable signal', () => {
    expect(() =>
      loop.add_signal_handler(
        'SIGUSR1',
        coroutine(function* () {}),
      ),
    ).toThrow(new TypeError('coroutines cannot be used with add_signal_handler()'));
    expect(() => loop.add_signal_handler('SIGKILL', () => {})).toThrow(/cannot be caught/);
  });
});

describe('getaddrinfo / getnameinfo', () => {
  it("getaddrinfo('localhost', port) gives loopback stream addresses", async () => {
    const infos = await run(
      loop,
      loop.getaddrinfo('localhost', 8080, { type: socket.SOCK_STREAM }),
    );
    expect(infos.length).toBeGreaterThan(0);
    for (const [family, type, proto, , sockaddr] of infos) {
      expect([socket.AF_INET, socket.AF_INET6]).toContain(family);
      expect(type).toBe(socket.SOCK_STREAM);
      expect(proto).toBe(socket.IPPROTO_TCP);
      expect(['127.0.0.1', '::1']).toContain((sockaddr as [string, number])[0]);
      expect((sockaddr as [string, number])[1]).toBe(8080);
    }
    const v4 = await run(loop, loop.getaddrinfo('localhost', 'http', { family: socket.AF_INET }));
    expect(v4.every(([family]) => family === socket.AF_INET)).toBe(true);
    expect(v4[0]![4]).toEqual(['127.0.0.1', 80]);
  });

  it('getnameinfo looks up names, or keeps them numeric with NI_NUMERICHOST | NI_NUMERICSERV', async () => {
    const numeric = await run(
      loop,
      loop.getnameinfo(['127.0.0.1', 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    );
    expect(numeric).toEqual(['127.0.0.1', '80']);
    const [host, service] = await run(loop, loop.getnameinfo(['127.0.0.1', 80]));
    expect(typeof host).toBe('string');
    expect(host.length).toBeGreaterThan(0);
    expect(['http', '80']).toContain(service);
  });
});
