// The options objects of the loop's network methods: every asyncio 3.13 keyword is honoured or refused by name, never ignored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';

import { connect_websocket as browser_connect_websocket } from '../../platform/browser/websocket.js';
import { BaseEventLoop } from '../../src/base_events.js';
import { _interleave_addrinfos } from '../../src/create_connection.js';
import { From, coroutine } from '../../src/coroutines.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { ExceptionGroup } from '../../src/exception_group.js';
import { NotImplementedError, TimeoutError, ValueError } from '../../src/exceptions.js';
import { accept_parent_port, open_message_port } from '../../src/message_port.js';
import { os_error_from_code } from '../../src/errno.js';
import { ConnectionAbortedError, OSError, SSLCertVerificationError } from '../../src/os_errors.js';
import {
  get_platform,
  NO_RECEIVER,
  type AddrInfo,
  type Platform,
  type RawServer,
  type RawStream,
} from '../../src/platform.js';
import { DatagramProtocol, Protocol } from '../../src/protocols.js';
import { socket } from '../../src/sockets.js';
import { SSLContext, create_default_context, ssl } from '../../src/ssl.js';
import type { _StreamTransport } from '../../src/stream_transport.js';
import type { Transport } from '../../src/transports.js';
import { sleep } from '../../src/task_helpers.js';
import type { CreateConnectionOptions } from '../../src/net_options.js';
import type { Server } from '../../src/server.js';
import { RecordingProtocol, b, run } from '../support/net.js';

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

const factory = (): Protocol => new Protocol();

/** A loop on the Node backend with some members replaced. */
function loop_with(overrides: Partial<Platform>): BaseEventLoop {
  loop.close();
  loop = new BaseEventLoop({ ...get_platform(), ...overrides });
  return loop;
}

function noop(): void {}

/** A connected stream whose writes never leave its buffer, and whose close() never finishes. */
class StuckStream implements RawStream {
  receiver = NO_RECEIVER;
  readonly can_write_eof = true;
  readonly extra = { peername: ['192.0.2.1', 1], sockname: null };
  write_buffer_size = 0;
  closed = false;
  destroyed = false;
  start(): void {}
  write(chunk: Uint8Array): boolean {
    this.write_buffer_size += chunk.length;
    return false;
  }
  want_drain(): void {}
  write_eof(): void {}
  pause_reading(): void {}
  resume_reading(): void {}
  close(): void {
    this.closed = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function info(family: number, host: string, port = 1): AddrInfo {
  const addr: AddrInfo[4] = family === socket.AF_INET6 ? [host, port, 0, 0] : [host, port];
  return [family, socket.SOCK_STREAM, socket.IPPROTO_TCP, '', addr];
}

/**
 * Whether Node turned SO_KEEPALIVE on for `socket`. Node has no getter for it:
 * a net.Socket keeps the setting under its internal `Symbol(kSetKeepAlive)`,
 * set by `setKeepAlive()` and by a server's `keepAlive` option alike.
 */
function keep_alive_of(socket: net.Socket): boolean {
  const key = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'kSetKeepAlive');
  if (key === undefined) throw new Error('this Node keeps no Symbol(kSetKeepAlive) on sockets');
  return (socket as unknown as Record<symbol, unknown>)[key] === true;
}

async function port_of(server: Server): Promise<number> {
  return (server.sockets[0]!.getsockname() as [string, number])[1];
}

describe('check_options kinds', () => {
  it("an unknown key is Python's unexpected keyword argument, a wrong type names the key", () => {
    expect(() => loop.create_connection(factory, '127.0.0.1', 1, { timeout: 1 } as never)).toThrow(
      new TypeError("create_connection() got an unexpected keyword argument 'timeout'"),
    );
    expect(() => loop.create_connection(factory, '127.0.0.1', 1, { family: 2.5 })).toThrow(
      new TypeError("create_connection() argument 'family' must be integer or null, not 2.5"),
    );
    expect(() => loop.create_connection(factory, 'h', null, null as never).cancel()).not.toThrow();
  });
});

describe('create_connection', () => {
  it('refuses an unknown key and wrong types at the call', () => {
    expect(() => loop.create_connection(factory, 'h', 1, { famliy: 2 } as never)).toThrow(
      new TypeError("create_connection() got an unexpected keyword argument 'famliy'"),
    );
    expect(() => loop.create_connection(factory, 'h', 1, { local_addr: 'x' as never })).toThrow(
      new TypeError("create_connection() argument 'local_addr' must be array or null, not 'x'"),
    );
    expect(() => loop.create_connection(factory, 'h', 1, { all_errors: 1 as never })).toThrow(
      new TypeError("create_connection() argument 'all_errors' must be boolean or null, not 1"),
    );
  });

  it('checks the TLS timeouts as asyncio does', () => {
    expect(() => loop.create_connection(factory, 'h', 1, { ssl_handshake_timeout: 1 })).toThrow(
      new ValueError('ssl_handshake_timeout is only meaningful with ssl'),
    );
    expect(() => loop.create_connection(factory, 'h', 1, { ssl_shutdown_timeout: 1 })).toThrow(
      new ValueError('ssl_shutdown_timeout is only meaningful with ssl'),
    );
    expect(() =>
      loop.create_connection(factory, 'h', 1, { ssl: true, ssl_shutdown_timeout: -1 }),
    ).toThrow(new ValueError('ssl_shutdown_timeout should be a positive number, got -1'));
    expect(() =>
      loop.create_connection(factory, 'h', 1, { ssl: true, ssl_handshake_timeout: 0 }),
    ).toThrow(new ValueError('ssl_handshake_timeout should be a positive number, got 0'));
    expect(() => loop.create_connection(factory, 'h', 1, { happy_eyeballs_delay: -1 })).toThrow(
      new ValueError('happy_eyeballs_delay should be a non-negative number, got -1'),
    );
  });

  it('refuses address options with sock instead of ignoring them', () => {
    const sock = new net.Socket();
    expect(() =>
      loop.create_connection(factory, null, null, { sock, family: socket.AF_INET }),
    ).toThrow(new ValueError('family and sock can not be specified at the same time'));
    expect(() =>
      loop.create_connection(factory, null, null, { sock, local_addr: ['127.0.0.1', 0] }),
    ).toThrow(new ValueError('local_addr and sock can not be specified at the same time'));
    expect(() => loop.create_connection(factory, null, null, { sock, all_errors: true })).toThrow(
      new ValueError('all_errors and sock can not be specified at the same time'),
    );
    expect(() => loop.create_connection(factory, null, null, { sock, websocket: true })).toThrow(
      new ValueError('websocket and sock can not be specified at the same time'),
    );
  });

  it('honours ssl_shutdown_timeout: a TLS close() that cannot flush is aborted with TimeoutError', async () => {
    const raws: StuckStream[] = [];
    loop_with({
      connect_stream: () => {
        const raw = new StuckStream();
        raws.push(raw);
        return Promise.resolve(raw);
      },
    });
    const main = coroutine(function* () {
      const client = new RecordingProtocol(loop);
      const [transport] = (yield From(
        loop.create_connection(() => client, '127.0.0.1', 1, {
          ssl: true,
          ssl_shutdown_timeout: 0.05,
        }),
      )) as [Transport, Protocol];
      transport.write(b('stuck'));
      transport.close();
      const started = loop.time();
      const exc = (yield From(client.lost)) as Error;
      expect(exc).toBeInstanceOf(TimeoutError);
      expect(exc.message).toBe('SSL shutdown timed out');
      expect(loop.time() - started).toBeGreaterThanOrEqual(0.04);
      expect(raws[0]!.destroyed).toBe(true);
      // The default is asyncio's 30 seconds with TLS, and none without.
      const [tls_default] = (yield From(
        loop.create_connection(factory, '127.0.0.1', 1, { ssl: true }),
      )) as [_StreamTransport];
      expect(tls_default._ssl_shutdown_timeout).toBe(30);
      const [plain] = (yield From(loop.create_connection(factory, '127.0.0.1', 1))) as [
        _StreamTransport,
      ];
      expect(plain._ssl_shutdown_timeout).toBe(null);
      tls_default.abort();
      plain.abort();
    });
    await run(loop, main(), 5);
  });

  it('honours happy_eyeballs_delay: a hanging address does not hold up the next one', async () => {
    const node = get_platform();
    const hung = new StuckStream();
    let release: (raw: RawStream) => void = noop;
    const tried: string[] = [];
    let port = 0;
    loop_with({
      getaddrinfo: (host, service, opts) =>
        host === 'example.test'
          ? Promise.resolve([
              info(socket.AF_INET, '192.0.2.1', port),
              info(socket.AF_INET, '127.0.0.1', port),
            ])
          : node.getaddrinfo(host, service, opts),
      connect_stream: (opts) => {
        tried.push(opts.host!);
        if (opts.host === '192.0.2.1')
          return new Promise<RawStream>((resolve) => (release = resolve));
        return node.connect_stream(opts);
      },
    });
    const server = await run(loop, loop.create_server(factory, '127.0.0.1', 0));
    port = await port_of(server);
    const main = coroutine(function* () {
      const [transport] = (yield From(
        loop.create_connection(factory, 'example.test', port, { happy_eyeballs_delay: 0.02 }),
      )) as [Transport];
      expect(tried).toEqual(['192.0.2.1', '127.0.0.1']);
      expect((transport.get_extra_info('peername') as [string, number])[0]).toBe('127.0.0.1');
      // The losing attempt was cancelled: a stream it gets later is destroyed.
      release(hung);
      yield From(sleep(0.01));
      expect(hung.destroyed).toBe(true);
      transport.close();
    });
    await run(loop, main(), 5);
    server.close();
  });

  it('cancelling a happy eyeballs connection cancels every attempt', async () => {
    const releases: ((raw: RawStream) => void)[] = [];
    loop_with({
      getaddrinfo: () =>
        Promise.resolve([info(socket.AF_INET, '192.0.2.1'), info(socket.AF_INET, '192.0.2.2')]),
      connect_stream: () => new Promise<RawStream>((resolve) => releases.push(resolve)),
    });
    const main = coroutine(function* () {
      const connecting = loop.create_connection(factory, 'x', 1, { happy_eyeballs_delay: 0.01 });
      yield From(sleep(0.05));
      expect(releases).toHaveLength(2);
      connecting.cancel();
      yield From(sleep(0.01));
      expect(connecting.cancelled()).toBe(true);
      const late = [new StuckStream(), new StuckStream()];
      releases.forEach((release, i) => release(late[i]!));
      yield From(sleep(0.01));
      expect(late.map((raw) => raw.destroyed)).toEqual([true, true]);
    });
    await run(loop, main(), 5);
  });

  it('happy eyeballs starts the next address as soon as one fails, and all_errors groups every error', async () => {
    const tried: string[] = [];
    loop_with({
      getaddrinfo: () =>
        Promise.resolve([
          info(socket.AF_INET6, 'v6a'),
          info(socket.AF_INET6, 'v6b'),
          info(socket.AF_INET, 'v4a'),
          info(socket.AF_INET, 'v4b'),
        ]),
      connect_stream: (opts) => {
        tried.push(opts.host!);
        return Promise.reject(os_error_from_code('ECONNREFUSED', `refused ${opts.host}`));
      },
    });
    // A delay far longer than the test: only the failures can start the next attempts.
    const fut = loop.create_connection(factory, 'x', 1, {
      happy_eyeballs_delay: 60,
      all_errors: true,
    });
    const group = (await run(loop, fut, 2).catch((e: unknown) => e)) as ExceptionGroup<OSError>;
    expect(group).toBeInstanceOf(ExceptionGroup);
    expect(group.message).toBe('create_connection failed');
    // Happy Eyeballs interleaves the families by default.
    expect(tried).toEqual(['v6a', 'v4a', 'v6b', 'v4b']);
    const members = group.exceptions as readonly OSError[];
    expect(members.map((e) => e.strerror)).toEqual(tried.map((h) => `refused ${h}`));
  });

  it('honours interleave without happy eyeballs, and all_errors: false keeps one OSError', async () => {
    const tried: string[] = [];
    loop_with({
      getaddrinfo: () =>
        Promise.resolve([
          info(socket.AF_INET6, 'v6a'),
          info(socket.AF_INET6, 'v6b'),
          info(socket.AF_INET6, 'v6c'),
          info(socket.AF_INET, 'v4a'),
          info(socket.AF_INET, 'v4b'),
        ]),
      connect_stream: (opts) => {
        tried.push(opts.host!);
        return Promise.reject(os_error_from_code('ECONNREFUSED', `refused ${opts.host}`));
      },
    });
    const err = await run(loop, loop.create_connection(factory, 'x', 1, { interleave: 2 })).catch(
      (e: unknown) => e,
    );
    expect(tried).toEqual(['v6a', 'v6b', 'v4a', 'v6c', 'v4b']);
    expect(err).toBeInstanceOf(OSError);
    expect(err).not.toBeInstanceOf(ExceptionGroup);
    expect((err as Error).message).toMatch(/^Multiple exceptions: \[Errno 111\] refused v6a, /);
  });

  it('_interleave_addrinfos orders as asyncio does', () => {
    const [a1, a2, a3] = [1, 2, 3].map((n) => info(socket.AF_INET6, `a${n}`));
    const [b1, b2] = [1, 2].map((n) => info(socket.AF_INET, `b${n}`));
    expect(_interleave_addrinfos([a1!, a2!, a3!, b1!, b2!])).toEqual([a1, b1, a2, b2, a3]);
    expect(_interleave_addrinfos([a1!, a2!, a3!, b1!, b2!], 2)).toEqual([a1, a2, b1, a3, b2]);
    expect(_interleave_addrinfos([])).toEqual([]);
  });
});

describe('create_connection: WebSocket options', () => {
  it('refuses what a WebSocket cannot use, and checks the websocket object', () => {
    const url = 'ws://127.0.0.1:1/';
    expect(() =>
      loop.create_connection(factory, null, null, { url, local_addr: ['127.0.0.1', 0] }),
    ).toThrow(
      new ValueError(
        'local_addr and a WebSocket (url or websocket) can not be specified at the same time',
      ),
    );
    expect(() =>
      loop.create_connection(factory, null, null, { url, family: socket.AF_INET }),
    ).toThrow(/^family and a WebSocket/);
    expect(() => loop.create_connection(factory, null, null, { url, ssl: true })).toThrow(
      new ValueError("ssl is only meaningful with a wss:// url, got 'ws://127.0.0.1:1/'"),
    );
    expect(() =>
      loop.create_connection(factory, null, null, { url, server_hostname: 'localhost' }),
    ).toThrow(new ValueError('server_hostname is only meaningful with ssl'));
    expect(() => loop.create_connection(factory, null, null, { url, path: '/x' })).toThrow(
      new ValueError('path can not be specified with url: put the path in the url'),
    );
    expect(() => loop.create_connection(factory, 'h', 1, { protocols: ['chat'] })).toThrow(
      new ValueError('protocols is only meaningful with a WebSocket (the websocket option)'),
    );
    expect(() =>
      loop.create_connection(factory, 'h', 1, { websocket: { protocol: ['chat'] } as never }),
    ).toThrow(new TypeError("websocket() got an unexpected keyword argument 'protocol'"));
    expect(() => loop.create_connection(factory, null, null, { url: 5 as never })).toThrow(
      new TypeError("create_connection() argument 'url' must be string or null, not 5"),
    );
  });

  it('in a browser, refuses a wss:// SSLContext or server_hostname the browser would not apply', async () => {
    // The browser backend, with a WebSocket that records the URL and opens nothing.
    const opened: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class {
        constructor(url: string) {
          opened.push(url);
          throw new Error('not opened');
        }
      },
    );
    cleanups.push(() => vi.unstubAllGlobals());
    loop_with({ connect_websocket: browser_connect_websocket });
    const url = 'wss://localhost:1/';
    const attempt = (options: CreateConnectionOptions): Promise<unknown> =>
      run(loop, loop.create_connection(factory, null, null, { url, ...options })).catch(
        (e: unknown) => e,
      );
    const own_ca = create_default_context({ cadata: tls.rootCertificates[0]! });
    const lax = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    lax.check_hostname = false;
    lax.verify_mode = ssl.CERT_NONE;
    const alpn = create_default_context();
    alpn.set_alpn_protocols(['h2']);
    for (const [options, reason] of [
      [{ ssl: own_ca }, 'it trusts CA certificates of its own (load_verify_locations())'],
      [{ ssl: lax }, 'verify_mode is not CERT_REQUIRED'],
      [{ ssl: alpn }, 'it sets ALPN protocols (set_alpn_protocols())'],
    ] as const) {
      const err = await attempt(options);
      expect(err).toBeInstanceOf(NotImplementedError);
      expect((err as Error).message).toBe(
        `a browser cannot use this SSLContext for ${url} (${reason}): browsers verify wss:// ` +
          'servers with their own TLS settings; pass ssl=True or ssl.create_default_context()',
      );
    }
    const other_name = await attempt({ server_hostname: 'other.test' });
    expect(other_name).toBeInstanceOf(NotImplementedError);
    expect((other_name as Error).message).toBe(
      `a browser cannot check the certificate of ${url} against server_hostname "other.test": ` +
        "browsers check it against the URL's host",
    );
    expect(opened).toEqual([]);
    // What a browser does anyway goes through to the WebSocket.
    for (const options of [
      {},
      { ssl: true },
      { ssl: create_default_context(), server_hostname: 'LOCALHOST' },
    ]) {
      const err = await attempt(options);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe(`cannot open a WebSocket to ${url}: not opened`);
    }
    expect(opened).toEqual([url, url, url]);
  });

  describe('wss:// with an SSLContext', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-options-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' }); // prettier-ignore
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function wss_server(): Promise<number> {
      const server = https.createServer({
        key: fs.readFileSync(path.join(dir, 'key.pem')),
        cert: fs.readFileSync(path.join(dir, 'cert.pem')),
      });
      const wss = new WebSocketServer({ server });
      wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      cleanups.push(() => wss.clients.forEach((c) => c.terminate()));
      return (server.address() as net.AddressInfo).port;
    }

    it('verifies as the context says, against server_hostname', async () => {
      const port = await wss_server();
      const url = `wss://127.0.0.1:${port}/`;
      // The default context does not trust a self-signed certificate.
      const refused = await run(loop, loop.create_connection(factory, null, null, { url })).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(SSLCertVerificationError);
      // A context that trusts it connects; server_hostname is the name checked.
      const trusting = create_default_context(ssl.Purpose.SERVER_AUTH, {
        cafile: path.join(dir, 'cert.pem'),
      });
      const [transport] = await run(
        loop,
        loop.create_connection(factory, null, null, {
          url,
          ssl: trusting,
          server_hostname: 'localhost',
        }),
      );
      expect(transport.get_extra_info('url')).toBe(url);
      transport.abort();
      const mismatch = await run(
        loop,
        loop.create_connection(factory, null, null, {
          url,
          ssl: trusting,
          server_hostname: 'other.test',
        }),
      ).catch((e: unknown) => e);
      expect(mismatch).toBeInstanceOf(SSLCertVerificationError);
      // A wss:// URL is TLS without ssl: server_hostname and the default context apply.
      const default_mismatch = await run(
        loop,
        loop.create_connection(factory, null, null, { url, server_hostname: 'localhost' }),
      ).catch((e: unknown) => e);
      expect(default_mismatch).toBeInstanceOf(SSLCertVerificationError);
      // verify_mode CERT_NONE is honoured too.
      const lax = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
      lax.check_hostname = false;
      lax.verify_mode = ssl.CERT_NONE;
      const [lax_transport] = await run(
        loop,
        loop.create_connection(factory, null, null, { url, ssl: lax }),
      );
      lax_transport.abort();
    });

    it('honours ssl_handshake_timeout', async () => {
      // A server that accepts and never answers the TLS handshake.
      const accepted: net.Socket[] = [];
      const silent = net.createServer((sock) => accepted.push(sock));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
      cleanups.push(() => accepted.forEach((sock) => sock.destroy()));
      const port = (silent.address() as net.AddressInfo).port;
      const err = await run(
        loop,
        loop.create_connection(factory, null, null, {
          url: `wss://127.0.0.1:${port}/`,
          ssl_handshake_timeout: 0.1,
        }),
        5,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionAbortedError);
      expect((err as Error).message).toMatch(/longer than 0\.1 seconds/);
    });
  });
});

describe('create_server', () => {
  it('refuses an unknown key and wrong types at the call', () => {
    expect(() => loop.create_server(factory, 'h', 1, { backlg: 5 } as never)).toThrow(
      new TypeError("create_server() got an unexpected keyword argument 'backlg'"),
    );
    expect(() => loop.create_server(factory, 'h', 1, { backlog: '5' as never })).toThrow(
      new TypeError("create_server() argument 'backlog' must be integer or null, not '5'"),
    );
    expect(() => loop.create_server(factory, 'h', 1, { websocket: { pth: '/' } as never })).toThrow(
      new TypeError("websocket() got an unexpected keyword argument 'pth'"),
    );
    expect(() => loop.create_server(factory, 'h', 1, { websocket: 5 as never })).toThrow(
      new TypeError(
        "create_server() argument 'websocket' must be boolean or object or null, not 5",
      ),
    );
  });

  it('refuses TLS timeouts without ssl, and keep_alive with a WebSocket server', () => {
    expect(() => loop.create_server(factory, 'h', 1, { ssl_shutdown_timeout: 1 })).toThrow(
      new ValueError('ssl_shutdown_timeout is only meaningful with ssl'),
    );
    expect(() =>
      loop.create_server(factory, '127.0.0.1', 0, { websocket: true, keep_alive: true }),
    ).toThrow(new ValueError('keep_alive and websocket can not be specified at the same time'));
    const http_server = https.createServer();
    expect(() =>
      loop.create_server(factory, null, null, {
        websocket: { server: http_server },
        keep_alive: true,
      }),
    ).toThrow(
      new ValueError('keep_alive and websocket.server can not be specified at the same time'),
    );
  });

  it('honours keep_alive: every accepted socket has SO_KEEPALIVE on (asyncio 3.13)', async () => {
    /** The keep-alive setting of the socket a server accepted, with `keep_alive` given or not. */
    async function accepted_keep_alive(keep_alive?: boolean): Promise<boolean> {
      let accepted: RecordingProtocol | undefined;
      const server = await run(
        loop,
        loop.create_server(
          () => (accepted = new RecordingProtocol(loop)),
          '127.0.0.1',
          0,
          keep_alive === undefined ? undefined : { keep_alive },
        ),
      );
      cleanups.push(() => server.close());
      const [client] = await run(
        loop,
        loop.create_connection(factory, '127.0.0.1', await port_of(server)),
      );
      cleanups.push(() => client.abort());
      while (accepted === undefined) await run(loop, sleep(0.01));
      await run(loop, accepted.made);
      const sock = accepted.transport!.get_extra_info('socket') as net.Socket;
      expect(sock).toBeInstanceOf(net.Socket);
      return keep_alive_of(sock);
    }
    expect(await accepted_keep_alive(true)).toBe(true);
    expect(await accepted_keep_alive(false)).toBe(false);
    expect(await accepted_keep_alive()).toBe(false);
  });

  it('refuses address options with sock instead of ignoring them', () => {
    const sock = net.createServer();
    for (const [key, value] of [
      ['family', socket.AF_INET],
      ['flags', socket.AI_CANONNAME],
      ['backlog', 5],
      ['reuse_port', true],
      ['reuse_address', true],
      ['keep_alive', true],
    ] as const) {
      expect(() => loop.create_server(factory, null, null, { sock, [key]: value })).toThrow(
        new ValueError(`${key} and sock can not be specified at the same time`),
      );
    }
  });

  it('honours flags: without AI_PASSIVE, no host means loopback instead of the wildcard', async () => {
    // Recorded, not bound: the tests listen on loopback only.
    const hosts: (string | undefined)[] = [];
    const fake: RawServer = {
      family: socket.AF_INET,
      getsockname: () => '',
      close: noop,
      socket: null,
    };
    loop_with({
      listen_stream: (opts) => {
        hosts.push(opts.host);
        return Promise.resolve(fake);
      },
    });
    const family = socket.AF_INET;
    await run(loop, loop.create_server(factory, null, 0, { family, flags: 0 }));
    await run(loop, loop.create_server(factory, null, 0, { family }));
    expect(hosts).toEqual(['127.0.0.1', '0.0.0.0']);
  });

  it('keep_alive: false and null are accepted (the default)', async () => {
    const server = await run(
      loop,
      loop.create_server(factory, '127.0.0.1', 0, { keep_alive: false, start_serving: null }),
    );
    expect(server.is_serving()).toBe(true);
    server.close();
  });

  it.skipIf(process.platform === 'win32')(
    'reuse_address: false is refused where libuv always sets SO_REUSEADDR',
    async () => {
      const err = await run(
        loop,
        loop.create_server(factory, '127.0.0.1', 0, { reuse_address: false }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotImplementedError);
      expect((err as Error).message).toMatch(/reuse_address=False is not supported/);
      const server = await run(
        loop,
        loop.create_server(factory, '127.0.0.1', 0, { reuse_address: true }),
      );
      server.close();
    },
  );

  it('reuse_port binds two servers to one port, or is refused where Node cannot', async () => {
    const first = await run(
      loop,
      loop.create_server(factory, '127.0.0.1', 0, { reuse_port: true }),
    ).catch((e: unknown) => e);
    if (first instanceof ValueError) {
      expect(first.message).toMatch(/^reuse_port needs Node 22\.12\+ or 23\.1\+/);
      return;
    }
    const server = first as Server;
    const port = await port_of(server);
    const second = await run(
      loop,
      loop.create_server(factory, '127.0.0.1', port, { reuse_port: true }),
    );
    expect(await port_of(second)).toBe(port);
    second.close();
    server.close();
  });

  it("gives each accepted TLS connection the server's ssl_shutdown_timeout (default 30)", async () => {
    const accepts: ((raw: RawStream) => void)[] = [];
    const fake_server: RawServer = {
      family: socket.AF_INET,
      getsockname: () => ['127.0.0.1', 1],
      close: noop,
      socket: null,
    };
    loop_with({
      listen_stream: (_opts, on_accept) => {
        accepts.push(on_accept);
        return Promise.resolve(fake_server);
      },
    });
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
    const main = coroutine(function* () {
      const timeouts: (number | null)[] = [];
      const recording = (): Protocol => {
        const p = new Protocol();
        p.connection_made = (t) => timeouts.push((t as _StreamTransport)._ssl_shutdown_timeout);
        return p;
      };
      const a = (yield From(
        loop.create_server(recording, '127.0.0.1', 1, { ssl: ctx, ssl_shutdown_timeout: 5 }),
      )) as Server;
      const b_ = (yield From(
        loop.create_server(recording, '127.0.0.1', 1, { ssl: ctx }),
      )) as Server;
      const c = (yield From(loop.create_server(recording, '127.0.0.1', 1))) as Server;
      for (const accept of accepts) accept(new StuckStream());
      yield From(null);
      yield From(null);
      expect(timeouts).toEqual([5, 30, null]);
      for (const server of [a, b_, c]) {
        server.close();
        server.abort_clients();
      }
    });
    await run(loop, main(), 5);
  });
});

describe('create_unix_connection / create_unix_server', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-unix-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuse an unknown key, and TLS options without ssl', () => {
    const p = path.join(dir, 's');
    expect(() => loop.create_unix_connection(factory, p, { timeout: 1 } as never)).toThrow(
      new TypeError("create_unix_connection() got an unexpected keyword argument 'timeout'"),
    );
    expect(() => loop.create_unix_connection(factory, p, { ssl_handshake_timeout: 1 })).toThrow(
      new ValueError('ssl_handshake_timeout is only meaningful with ssl'),
    );
    expect(() => loop.create_unix_server(factory, p, { reuse_port: true } as never)).toThrow(
      new TypeError("create_unix_server() got an unexpected keyword argument 'reuse_port'"),
    );
    expect(() =>
      loop.create_unix_server(factory, null, { sock: net.createServer(), backlog: 5 }),
    ).toThrow(new ValueError('backlog and sock can not be specified at the same time'));
    expect(() => loop.create_unix_server(factory, p, { ssl_shutdown_timeout: 1 })).toThrow(
      new ValueError('ssl_shutdown_timeout is only meaningful with ssl'),
    );
    expect(() => loop.create_unix_server(factory, p, { start_serving: 1 as never })).toThrow(
      new TypeError("create_unix_server() argument 'start_serving' must be boolean or null, not 1"),
    );
  });

  it.skipIf(process.platform === 'win32')(
    'cleanup_socket: the socket file is gone once the server closes; false is refused',
    async () => {
      const p = path.join(dir, 's');
      expect(() => loop.create_unix_server(factory, p, { cleanup_socket: false })).toThrow(
        NotImplementedError,
      );
      const server = await run(loop, loop.create_unix_server(factory, p, { cleanup_socket: true }));
      expect(fs.existsSync(p)).toBe(true);
      server.close();
      await run(loop, server.wait_closed());
      expect(fs.existsSync(p)).toBe(false);
    },
  );
});

describe('create_datagram_endpoint', () => {
  it('refuses an unknown key and wrong types at the call', () => {
    const dp = (): DatagramProtocol => new DatagramProtocol();
    expect(() =>
      loop.create_datagram_endpoint(dp, { local_addr: ['127.0.0.1', 0], ttl: 3 } as never),
    ).toThrow(new TypeError("create_datagram_endpoint() got an unexpected keyword argument 'ttl'"));
    expect(() =>
      loop.create_datagram_endpoint(dp, {
        local_addr: ['127.0.0.1', 0],
        allow_broadcast: 'y' as never,
      }),
    ).toThrow(
      new TypeError(
        "create_datagram_endpoint() argument 'allow_broadcast' must be boolean or null, not 'y'",
      ),
    );
  });

  it('refuses reuse_address=True as asyncio 3.8.1+ did, and Unix datagram sockets', async () => {
    const dp = (): DatagramProtocol => new DatagramProtocol();
    expect(() =>
      loop.create_datagram_endpoint(dp, { local_addr: ['127.0.0.1', 0], reuse_address: true }),
    ).toThrow(/^Passing `reuse_address=True` is no longer supported/);
    expect(() =>
      loop.create_datagram_endpoint(dp, {
        family: socket.AF_UNIX,
        local_addr: path.join(os.tmpdir(), 'x.sock') as never,
      }),
    ).toThrow(NotImplementedError);
    const [transport] = await run(
      loop,
      loop.create_datagram_endpoint(dp, { local_addr: ['127.0.0.1', 0], reuse_address: false }),
    );
    transport.close();
  });
});

describe('getaddrinfo / getnameinfo', () => {
  it('getaddrinfo checks its options and honours them', async () => {
    expect(() => loop.getaddrinfo('127.0.0.1', 80, { famliy: 2 } as never)).toThrow(
      new TypeError("getaddrinfo() got an unexpected keyword argument 'famliy'"),
    );
    expect(() => loop.getaddrinfo('127.0.0.1', 80, { type: 1.5 })).toThrow(
      new TypeError("getaddrinfo() argument 'type' must be integer or null, not 1.5"),
    );
    const infos = await run(loop, loop.getaddrinfo('127.0.0.1', 80, { type: socket.SOCK_DGRAM }));
    expect(infos.length).toBeGreaterThan(0);
    expect(infos.every((i) => i[1] === socket.SOCK_DGRAM)).toBe(true);
  });

  it('getnameinfo takes flags by position or by name', async () => {
    const flags = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV;
    expect(await run(loop, loop.getnameinfo(['127.0.0.1', 80], flags))).toEqual([
      '127.0.0.1',
      '80',
    ]);
    expect(await run(loop, loop.getnameinfo(['127.0.0.1', 80], { flags }))).toEqual([
      '127.0.0.1',
      '80',
    ]);
    expect(() => loop.getnameinfo(['127.0.0.1', 80], { flag: 1 } as never)).toThrow(
      new TypeError("getnameinfo() got an unexpected keyword argument 'flag'"),
    );
    expect(() => loop.getnameinfo(['127.0.0.1', 80], '1' as unknown as number)).toThrow(
      new TypeError("getnameinfo() argument 2 must be int, not '1'"),
    );
  });
});

describe('start_tls', () => {
  it('checks its options before anything else', () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    const t = null as unknown as Transport;
    expect(() => loop.start_tls(t, new Protocol(), ctx, { server_sid: true } as never)).toThrow(
      new TypeError("start_tls() got an unexpected keyword argument 'server_sid'"),
    );
    expect(() => loop.start_tls(t, new Protocol(), ctx, { server_side: 'yes' as never })).toThrow(
      new TypeError("start_tls() argument 'server_side' must be boolean or null, not 'yes'"),
    );
    expect(() => loop.start_tls(t, new Protocol(), ctx, { ssl_shutdown_timeout: 0 })).toThrow(
      new ValueError('ssl_shutdown_timeout should be a positive number, got 0'),
    );
  });
});

describe('MessagePort helpers', () => {
  it('open_message_port and accept_parent_port refuse unknown keys', () => {
    const { port1, port2 } = new MessageChannel();
    cleanups.push(() => {
      port1.close();
      port2.close();
    });
    expect(() => open_message_port(port1, { limt: 5 } as never)).toThrow(
      new TypeError("open_message_port() got an unexpected keyword argument 'limt'"),
    );
    expect(() => open_message_port(port1, { limit: 0 })).toThrow(
      new ValueError('Limit cannot be <= 0'),
    );
    expect(() => accept_parent_port({ sorce: port2 } as never)).toThrow(
      new TypeError("accept_parent_port() got an unexpected keyword argument 'sorce'"),
    );
  });
});
