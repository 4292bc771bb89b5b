// Server over real loopback sockets (asyncio 3.13): start_serving, serve_forever, wait_closed, close/abort_clients, await using.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { AbstractServer } from '../../src/server.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { CancelledError, RuntimeError, TimeoutError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { Protocol } from '../../src/protocols.js';
import { Server, ServerSocket } from '../../src/server.js';
import {
  open_connection,
  open_unix_connection,
  start_server,
  start_unix_server,
} from '../../src/stream_functions.js';
import { StreamReader, StreamWriter } from '../../src/streams.js';
import { sleep } from '../../src/task_helpers.js';
import { wait_for } from '../../src/wait.js';
import type { Transport } from '../../src/transports.js';
import { RecordingProtocol, b, run, s } from '../support/net.js';

let loop: BaseEventLoop;
let tmp: string;
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-server-'));
});
afterEach(() => {
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function port_of(server: Server): number {
  return (server.sockets[0]!.getsockname() as [string, number])[1];
}

/** What `x` failed with (or `undefined` if it succeeded). */
function* failure(x: unknown): Generator<unknown, unknown, unknown> {
  try {
    yield From(x);
  } catch (exc) {
    return exc;
  }
  return undefined;
}

/** A stream handler that echoes lines until EOF, counting the connections it saw. */
function line_echo(): {
  handler: (reader: StreamReader, writer: StreamWriter) => Generator<unknown, void, unknown>;
  seen: { count: number; finished: number };
} {
  const seen = { count: 0, finished: 0 };
  const handler = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
    seen.count++;
    for (;;) {
      const line: Uint8Array = yield* From(reader.readline());
      if (line.length === 0) break;
      writer.write(line);
    }
    seen.finished++;
    writer.close();
  });
  return { handler, seen };
}

/** A handler that reads until EOF, then closes (asyncio's test_server `serve`). */
const read_all = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
  try {
    yield From(reader.read());
  } finally {
    writer.close();
  }
});

describe('Server basics', () => {
  it('is an AbstractServer, knows its loop, and lists its sockets as an array', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      expect(server).toBeInstanceOf(AbstractServer);
      expect(server.get_loop()).toBe(loop);
      expect(server.sockets).toHaveLength(1);
      expect(server.sockets[0]).toBeInstanceOf(ServerSocket);
      // A new array at each read: changing it changes nothing.
      server.sockets.pop();
      expect(server.sockets).toHaveLength(1);
      expect(String(server)).toMatch(/^<Server sockets=\[<ServerSocket family=\d+ laddr=.*>\]>$/);
      server.close();
      expect(server.sockets).toEqual([]);
      expect(String(server)).toBe('<Server sockets=[]>');
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('rejects a start_serving that is not a boolean, at the call', () => {
    expect(() =>
      start_server(read_all, '127.0.0.1', 0, { start_serving: 'no' as unknown as boolean }),
    ).toThrow(
      new TypeError("create_server() argument 'start_serving' must be boolean or null, not 'no'"),
    );
  });
});

describe('start_serving', () => {
  it('start_server({start_serving: false}) binds, holds clients, and serves them once started', async () => {
    const { handler, seen } = line_echo();
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(handler, '127.0.0.1', 0, { start_serving: false }),
      );
      expect(server.is_serving()).toBe(false);
      expect(server.sockets).toHaveLength(1);
      // The port is bound: a client connects, but nobody answers yet.
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      writer.write(b('early\n'));
      const waited = yield* failure(wait_for(reader.readline(), 0.1));
      expect(waited).toBeInstanceOf(TimeoutError);
      expect(seen.count).toBe(0);

      const started = server.start_serving();
      expect(server.is_serving()).toBe(true);
      yield From(started);
      // Idempotent.
      yield From(server.start_serving());
      expect(server.is_serving()).toBe(true);
      expect(s(yield* From(reader.readline()))).toBe('early\n');
      expect(seen.count).toBe(1);
      // New clients are served at once.
      const [r2, w2] = yield* From(open_connection('127.0.0.1', port_of(server)));
      w2.write(b('late\n'));
      expect(s(yield* From(r2.readline()))).toBe('late\n');
      writer.close();
      w2.close();
      server.close();
      yield From(server.wait_closed());
      expect(seen.finished).toBe(2);
    });
    await run(loop, main());
  });

  it('create_server({start_serving: false}) calls no protocol factory until serving starts', async () => {
    const made: RecordingProtocol[] = [];
    const main = coroutine(function* () {
      const server: Server = yield From(
        loop.create_server(
          () => {
            const p = new RecordingProtocol(loop);
            made.push(p);
            return p;
          },
          '127.0.0.1',
          0,
          { start_serving: false },
        ),
      );
      const [transport, client] = (yield From(
        loop.create_connection(() => new RecordingProtocol(loop), '127.0.0.1', port_of(server)),
      )) as [Transport, RecordingProtocol];
      transport.write(b('ping'));
      yield From(sleep(0.05));
      expect(made).toHaveLength(0);
      yield From(server.start_serving());
      expect(made).toHaveLength(1);
      yield From(made[0]!.made);
      transport.close();
      yield From(made[0]!.lost);
      expect(s(made[0]!.data)).toBe('ping');
      yield From(client.lost);
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('holds at most `backlog` connections before serving; the others are closed', async () => {
    const { handler, seen } = line_echo();
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(handler, '127.0.0.1', 0, { start_serving: false, backlog: 1 }),
      );
      const port = port_of(server);
      const [r1, w1] = yield* From(open_connection('127.0.0.1', port));
      // Wait until the first client is held before the others arrive.
      while (server._held.length === 0) yield From(sleep(0.005));
      const [r2, w2] = yield* From(open_connection('127.0.0.1', port));
      const [r3, w3] = yield* From(open_connection('127.0.0.1', port));
      // The ones over the backlog see their connection end.
      for (const r of [r2, r3]) {
        const ended = yield* failure(r.read());
        if (ended !== undefined) expect(ended).toBeInstanceOf(Error);
      }
      yield From(server.start_serving());
      w1.write(b('one\n'));
      expect(s(yield* From(r1.readline()))).toBe('one\n');
      expect(seen.count).toBe(1);
      for (const w of [w1, w2, w3]) w.close();
      server.close();
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });

  it('close() before serving drops the held connections', async () => {
    const { handler, seen } = line_echo();
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(handler, '127.0.0.1', 0, { start_serving: false }),
      );
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      while (server._held.length === 0) yield From(sleep(0.005));
      server.close();
      const ended = yield* failure(reader.read());
      if (ended !== undefined) expect(ended).toBeInstanceOf(Error);
      yield From(server.wait_closed());
      expect(seen.count).toBe(0);
      writer.close();
    });
    await run(loop, main());
  });

  it('start_unix_server({start_serving: false}), then start_serving and serve_forever', async () => {
    const where = path.join(tmp, 'srv.sock');
    const { handler, seen } = line_echo();
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_unix_server(handler, where, { start_serving: false }),
      );
      expect(server.is_serving()).toBe(false);
      expect(server.sockets[0]!.getsockname()).toBe(where);
      yield From(server.start_serving());
      expect(server.is_serving()).toBe(true);
      const serving = server.serve_forever();
      const [reader, writer] = yield* From(open_unix_connection(where));
      writer.write(b('unix\n'));
      expect(s(yield* From(reader.readline()))).toBe('unix\n');
      writer.close();
      serving.cancel();
      expect(yield* failure(serving)).toBeInstanceOf(CancelledError);
      expect(server.sockets).toEqual([]);
      expect(server.is_serving()).toBe(false);
      expect(seen.finished).toBe(1);
      const again = yield* failure(server.serve_forever());
      expect(again).toBeInstanceOf(RuntimeError);
      expect((again as Error).message).toMatch(/is closed/);
    });
    await run(loop, main());
  });

  it('start_serving() on a closed server does nothing', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(read_all, '127.0.0.1', 0, { start_serving: false }),
      );
      server.close();
      yield From(server.start_serving());
      expect(server.is_serving()).toBe(false);
      yield From(server.wait_closed());
    });
    await run(loop, main());
  });
});

describe('serve_forever', () => {
  it('serves a start_serving=false server; cancelling it closes the server and waits for it', async () => {
    const { handler, seen } = line_echo();
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(handler, '127.0.0.1', 0, { start_serving: false }),
      );
      const serving = server.serve_forever();
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      expect(server.is_serving()).toBe(true);
      writer.write(b('hi\n'));
      expect(s(yield* From(reader.readline()))).toBe('hi\n');

      serving.cancel();
      yield From(sleep(0.05));
      // Closed at once, but still waiting for the open connection.
      expect(server.sockets).toEqual([]);
      expect(server.is_serving()).toBe(false);
      expect(serving.done()).toBe(false);
      writer.close();
      expect(yield* failure(serving)).toBeInstanceOf(CancelledError);
      expect(serving.cancelled()).toBe(true);
      expect(seen.finished).toBe(1);
      expect(server.wait_closed().done()).toBe(true);
    });
    await run(loop, main());
  });

  it('a second serve_forever() fails with RuntimeError while the first runs', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const first = server.serve_forever();
      yield From(sleep(0));
      const second = yield* failure(server.serve_forever());
      expect(second).toBeInstanceOf(RuntimeError);
      expect((second as Error).message).toBe(
        `server ${String(server)} is already being awaited on serve_forever()`,
      );
      expect(first.done()).toBe(false);
      first.cancel();
      expect(yield* failure(first)).toBeInstanceOf(CancelledError);
      // Once the first one ended, the server is closed.
      const third = yield* failure(server.serve_forever());
      expect((third as Error).message).toBe('server <Server sockets=[]> is closed');
    });
    await run(loop, main());
  });

  it('fails with RuntimeError on a closed server', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      server.close();
      const exc = yield* failure(server.serve_forever());
      expect(exc).toBeInstanceOf(RuntimeError);
      expect((exc as Error).message).toBe('server <Server sockets=[]> is closed');
    });
    await run(loop, main());
  });

  it('ends cancelled when the server is closed elsewhere', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const serving = server.serve_forever();
      loop.call_later(0.02, () => server.close());
      expect(yield* failure(serving)).toBeInstanceOf(CancelledError);
      expect(server.is_serving()).toBe(false);
    });
    await run(loop, main());
  });
});

describe('wait_closed (asyncio 3.12+)', () => {
  it('waits until the server is closed and every connection is gone, in either order', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      // Not closed, no connection: waits.
      const task1 = server.wait_closed();
      yield From(sleep(0));
      expect(task1.done()).toBe(false);
      // Not closed, one connection: waits.
      const [, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      const task2 = server.wait_closed();
      yield From(sleep(0));
      expect(task1.done()).toBe(false);
      expect(task2.done()).toBe(false);
      server.close();
      yield From(sleep(0));
      // Closed, one connection: still waits, even when asked after close().
      const task3 = server.wait_closed();
      yield From(sleep(0.02));
      expect([task1.done(), task2.done(), task3.done()]).toEqual([false, false, false]);
      writer.close();
      yield From(writer.wait_closed());
      // Closed, no connection: everyone is released.
      yield From(task1);
      yield From(task2);
      yield From(task3);
      expect(server.wait_closed().done()).toBe(true);
    });
    await run(loop, main());
  });

  it('resolves when close() and the last connection end in the same iteration', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const waiting = server.wait_closed();
      yield From(sleep(0));
      expect(waiting.done()).toBe(false);
      const [, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      loop.call_soon(() => server.close());
      loop.call_soon(() => writer.close());
      yield From(server.wait_closed());
      expect(waiting.done()).toBe(true);
    });
    await run(loop, main());
  });

  it('a waiter cancelled early does not stop the others', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const cancelled = server.wait_closed();
      const kept = server.wait_closed();
      cancelled.cancel();
      server.close();
      yield From(kept);
      expect(cancelled.cancelled()).toBe(true);
    });
    await run(loop, main());
  });
});

describe('close_clients / abort_clients (asyncio 3.13)', () => {
  it('close_clients() closes the accepted connections, so wait_closed() resolves', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const [reader, writer] = yield* From(open_connection('127.0.0.1', port_of(server)));
      // Let the server accept it.
      while (server._active_count === 0) yield From(sleep(0.005));
      const waiting = server.wait_closed();
      yield From(sleep(0));
      expect(waiting.done()).toBe(false);
      server.close();
      server.close_clients();
      yield From(waiting);
      // The client sees a clean EOF.
      expect((yield* From(reader.read())).length).toBe(0);
      writer.close();
    });
    await run(loop, main());
  });

  it('abort_clients() drops connections with unsent data, so wait_closed() resolves', async () => {
    const server_protocols: Protocol[] = [];
    class Flooder extends Protocol {
      transport: Transport | null = null;
      override connection_made(transport: Transport): void {
        this.transport = transport;
        server_protocols.push(this);
        // Write until the host buffers: the client reads nothing.
        const chunk = new Uint8Array(1 << 20);
        for (let i = 0; i < 256 && transport.get_write_buffer_size() === 0; i++) {
          transport.write(chunk);
        }
      }
    }
    const main = coroutine(function* () {
      const server: Server = yield From(loop.create_server(() => new Flooder(), '127.0.0.1', 0));
      const [transport, client] = (yield From(
        loop.create_connection(() => new RecordingProtocol(loop), '127.0.0.1', port_of(server)),
      )) as [Transport, RecordingProtocol];
      transport.pause_reading();
      while (server_protocols.length === 0) yield From(sleep(0.005));
      const flooder = server_protocols[0] as Flooder;
      expect(flooder.transport!.get_write_buffer_size()).toBeGreaterThan(0);
      const waiting = server.wait_closed();
      server.close();
      // close_clients() would wait for the peer to read everything; abort does not.
      server.abort_clients();
      yield From(waiting);
      expect(flooder.transport!.is_closing()).toBe(true);
      transport.close();
      yield From(client.lost);
    });
    await run(loop, main());
  });
});

describe('is_serving across the lifecycle', () => {
  it('false before start_serving, true while serving, false once closed', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(
        start_server(read_all, '127.0.0.1', 0, { start_serving: false }),
      );
      const states = [server.is_serving()];
      yield From(server.start_serving());
      states.push(server.is_serving());
      const serving = server.serve_forever();
      yield From(sleep(0));
      states.push(server.is_serving());
      serving.cancel();
      yield* failure(serving);
      states.push(server.is_serving());
      expect(states).toEqual([false, true, true, false]);
      // A server made with the default start_serving serves at once.
      const other: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      expect(other.is_serving()).toBe(true);
      other.close();
      expect(other.is_serving()).toBe(false);
    });
    await run(loop, main());
  });
});

describe('await using', () => {
  it('closes the server at scope exit and waits for its connections', async () => {
    const { handler, seen } = line_echo();
    let kept: Server | null = null;
    let closed_seen: Future<void> | null = null;
    await run(
      loop,
      (async () => {
        {
          await using server = await start_server(handler, '127.0.0.1', 0);
          kept = server;
          const [reader, writer] = await open_connection('127.0.0.1', port_of(server));
          writer.write(b('x\n'));
          expect(s(await reader.readline())).toBe('x\n');
          // The client goes away a little after the scope ends: the exit waits for it.
          loop.call_later(0.05, () => writer.close());
        }
        closed_seen = kept!.wait_closed();
      })(),
    );
    expect(kept!.sockets).toEqual([]);
    expect(kept!.is_serving()).toBe(false);
    expect(seen.finished).toBe(1);
    expect(closed_seen!.done()).toBe(true);
  });

  it('Symbol.asyncDispose is close() then wait_closed()', async () => {
    const main = coroutine(function* () {
      const server: Server = yield From(start_server(read_all, '127.0.0.1', 0));
      const disposing = server[Symbol.asyncDispose]();
      expect(server.sockets).toEqual([]);
      yield From(disposing);
    });
    await run(loop, main());
  });
});
