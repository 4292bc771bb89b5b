// WebSocket transports in Node (platform/node/websocket.ts via `ws`): one handler for TCP and WebSocket clients, close codes, flow control.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

import { BaseEventLoop } from '../../src/base_events.js';
import type { Server } from '../../src/base_events_net.js';
import { From, coroutine } from '../../src/coroutines.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { NotImplementedError, ValueError } from '../../src/exceptions.js';
import {
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
} from '../../src/os_errors.js';
import { open_connection, start_server } from '../../src/stream_functions.js';
import { StreamReader, StreamWriter } from '../../src/streams.js';
import { sleep } from '../../src/task_helpers.js';
import { RecordingProtocol, b, run, s } from '../support/net.js';

let loop: BaseEventLoop;
const cleanups: (() => unknown)[] = [];
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
});

function port_of(server: Server): number {
  return (server.sockets![0]!.getsockname() as [string, number])[1];
}

/** A line echo handler: serves TCP and WebSocket clients alike. */
const echo_lines = coroutine(function* (reader: StreamReader, writer: StreamWriter) {
  for (;;) {
    const line: Uint8Array = yield* From(reader.readline());
    if (line.length === 0) break;
    writer.write(b(`echo: ${s(line)}`));
    yield From(writer.drain());
  }
  writer.close();
});

/** A raw `ws` server on port 0 whose connection handler the test supplies. */
async function ws_server(on_connection: (ws: WebSocket) => void): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', on_connection);
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  cleanups.push(() => wss.clients.forEach((c) => c.terminate()));
  return (wss.address() as AddressInfo).port;
}

describe('start_server({websocket: true})', () => {
  it('serves the same handler to a TCP client and a WebSocket client', async () => {
    const main = coroutine(function* () {
      const tcp_server: Server = yield* From(start_server(echo_lines, '127.0.0.1', 0));
      const ws_srv: Server = yield* From(
        start_server(echo_lines, '127.0.0.1', 0, { websocket: true }),
      );
      try {
        const [r1, w1] = yield* From(open_connection('127.0.0.1', port_of(tcp_server)));
        const [r2, w2] = yield* From(
          open_connection('127.0.0.1', port_of(ws_srv), { websocket: true, path: '/chat' }),
        );
        w1.write(b('tcp\n'));
        w2.write(b('ws\n'));
        const a: Uint8Array = yield* From(r1.readline());
        const c: Uint8Array = yield* From(r2.readline());
        expect(w2.can_write_eof()).toBe(false);
        expect(w2.get_extra_info('url')).toBe(`ws://127.0.0.1:${port_of(ws_srv)}/chat`);
        expect(w2.get_extra_info('websocket')).toBeInstanceOf(WebSocket);
        expect(w2.get_extra_info('peername')).toEqual(['127.0.0.1', port_of(ws_srv)]);
        w1.close();
        w2.close();
        yield From(w2.wait_closed());
        return [s(a), s(c)];
      } finally {
        tcp_server.close();
        ws_srv.close();
      }
    });
    expect(await run(loop, main())).toEqual(['echo: tcp\n', 'echo: ws\n']);
  });

  it('shares a user http.Server: plain requests stay with it, /ws upgrades come to trollius', async () => {
    const http_server = http.createServer((_req, res) => res.end('hello http'));
    await new Promise<void>((resolve) => http_server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      http_server.closeAllConnections();
      return new Promise((resolve) => http_server.close(resolve));
    });
    const port = (http_server.address() as AddressInfo).port;
    const main = coroutine(function* () {
      const server: Server = yield* From(
        start_server(echo_lines, null, null, { websocket: { server: http_server, path: '/ws' } }),
      );
      expect(port_of(server)).toBe(port);
      const [reader, writer] = yield* From(
        open_connection(null, null, { url: `ws://127.0.0.1:${port}/ws` }),
      );
      writer.write(b('one\ntwo\n'));
      const one: Uint8Array = yield* From(reader.readline());
      const two: Uint8Array = yield* From(reader.readline());
      writer.close();
      server.close();
      return s(one) + s(two);
    });
    expect(await run(loop, main())).toBe('echo: one\necho: two\n');
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(body).toBe('hello http');
  });

  it('a WebSocket-only server answers plain HTTP with 426', async () => {
    const server = await run(loop, start_server(echo_lines, '127.0.0.1', 0, { websocket: true }));
    cleanups.push(() => server.close());
    const res = await fetch(`http://127.0.0.1:${port_of(server)}/`);
    expect(res.status).toBe(426);
  });
});

describe('create_connection({websocket: true})', () => {
  it('a refused TCP connection is ConnectionRefusedError', async () => {
    const server = await run(loop, start_server(echo_lines, '127.0.0.1', 0, { websocket: true }));
    const port = port_of(server);
    server.close();
    await run(loop, sleep(0.05));
    const err = await run(loop, open_connection('127.0.0.1', port, { websocket: true })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect((err as Error).message).toContain(`ws://127.0.0.1:${port}/`);
  });

  it('a rejected handshake (HTTP 404) is ConnectionRefusedError', async () => {
    const http_server = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http_server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      http_server.closeAllConnections();
      return new Promise((resolve) => http_server.close(resolve));
    });
    const port = (http_server.address() as AddressInfo).port;
    const err = await run(loop, open_connection('127.0.0.1', port, { websocket: true })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect((err as Error).message).toMatch(/Unexpected server response: 404/);
  });

  it('a normal close from the server gives eof_received, then connection_lost(null)', async () => {
    const port = await ws_server((ws) => {
      ws.send(Buffer.from('bye'));
      ws.close(1000, 'done');
    });
    const proto = new RecordingProtocol(loop);
    await run(
      loop,
      loop.create_connection(() => proto, '127.0.0.1', port, { websocket: true }),
    );
    expect(await run(loop, proto.lost)).toBeNull();
    expect(proto.events).toEqual(['made', 'data', 'eof', 'lost']);
    expect(s(proto.data)).toBe('bye');
  });

  it('a terminated server socket (1006) gives ConnectionResetError', async () => {
    const port = await ws_server((ws) => setTimeout(() => ws.terminate(), 20));
    const main = coroutine(function* () {
      const [reader] = yield* From(open_connection('127.0.0.1', port, { websocket: true }));
      return yield* From(reader.read(10));
    });
    await expect(run(loop, main())).rejects.toBeInstanceOf(ConnectionResetError);
  });

  it('an error close code (1011) gives ConnectionAbortedError naming the code and reason', async () => {
    const port = await ws_server((ws) => ws.close(1011, 'boom'));
    const proto = new RecordingProtocol(loop);
    await run(
      loop,
      loop.create_connection(() => proto, '127.0.0.1', port, { websocket: true }),
    );
    const exc = await run(loop, proto.lost);
    expect(exc).toBeInstanceOf(ConnectionAbortedError);
    expect(exc!.message).toBe('[Errno 103] WebSocket closed with code 1011 (internal error): boom');
    expect(exc!.cause).toEqual({ code: 1011, reason: 'boom', was_clean: true });
  });

  it('write_eof() is unsupported; subprotocol and url are extra info', async () => {
    const port = await ws_server(() => {});
    const proto = new RecordingProtocol(loop);
    const [transport] = await run(
      loop,
      loop.create_connection(() => proto, null, null, {
        url: `ws://127.0.0.1:${port}/x?y=1`,
        protocols: ['chat'],
      }),
    );
    expect(transport.can_write_eof()).toBe(false);
    expect(() => transport.write_eof()).toThrow(NotImplementedError);
    expect(() => transport.write(new Uint8Array([1]))).not.toThrow(); // still writable
    expect(transport.get_extra_info('url')).toBe(`ws://127.0.0.1:${port}/x?y=1`);
    expect(transport.get_extra_info('subprotocol')).toBe('chat');
    transport.close();
    expect(await run(loop, proto.lost)).toBeNull();
  });

  it('checks its arguments at the call', () => {
    const factory = () => new RecordingProtocol(loop);
    expect(() => loop.create_connection(factory, '127.0.0.1', 1, { url: 'ws://x/' })).toThrow(
      ValueError,
    );
    expect(() => loop.create_connection(factory, null, null, { url: 'ftp://x/' })).toThrow(
      /url must be a ws:\/\/ or wss:\/\/ URL/,
    );
    expect(() => loop.create_connection(factory, '127.0.0.1', 1, { path: '/x' })).toThrow(
      /path is only meaningful with a WebSocket/,
    );
  });

  it('pauses the protocol while ws buffers more than the high-water mark, then resumes', async () => {
    const port = await ws_server((ws) => ws.pause()); // never reads: the client's buffer fills
    const proto = new RecordingProtocol(loop);
    const [transport] = await run(
      loop,
      loop.create_connection(() => proto, '127.0.0.1', port, { websocket: true }),
    );
    transport.set_write_buffer_limits(16 * 1024);
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 16 && !proto.events.includes('pause'); i++) transport.write(chunk);
    expect(proto.events).toContain('pause');
    transport.abort();
    await run(loop, proto.lost);
  });
});
