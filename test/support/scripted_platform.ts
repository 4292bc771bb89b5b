// A Platform whose networking is the scripted world of raw_pairs.ts (and whose clock is virtual), and helpers to run a loop on it until the host is quiet.

import { BaseEventLoop } from '../../src/base_events.js';
import { From } from '../../src/coroutines.js';
import { logger, logging } from '../../src/log.js';
import { NotImplementedError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { ConnectionRefusedError, OSError } from '../../src/os_errors.js';
import type {
  AddrInfo,
  AddrInfoOptions,
  DatagramOptions,
  RawDatagram,
  RawServer,
  RawStream,
  SockAddr,
  StreamConnectOptions,
  StreamListenOptions,
} from '../../src/platform.js';
import { socket } from '../../src/sockets.js';
import {
  ScriptedDatagram,
  ScriptedHost,
  ScriptedServer,
  ScriptedStream,
  ephemeral_port,
  raw_stream_pair,
  type ScriptedStreamOptions,
} from './raw_pairs.js';
import { virtual_clock_platform, type VirtualClockPlatform } from './test_loop.js';

/** The virtual-clock platform, with scripted networking. */
export interface ScriptedPlatform extends VirtualClockPlatform {
  readonly host: ScriptedHost;
  /** Every stream handed out (connections, accepted ends, pipes), in order. */
  readonly streams: ScriptedStream[];
  readonly servers: ScriptedServer[];
  readonly datagrams: ScriptedDatagram[];
  readonly connect_calls: StreamConnectOptions[];
  readonly listen_calls: StreamListenOptions[];
  readonly datagram_calls: DatagramOptions[];
  readonly pipe_calls: Array<[pipe: unknown, mode: 'read' | 'write']>;
  /** When set, the next `connect_stream` to an address without a server rejects with it. */
  connect_error: Error | null;
  /** Called with each stream `connect_stream` makes for an address without a server, before it is handed out. */
  on_connect: ((stream: ScriptedStream) => void) | null;
  /** Options of the streams `connect_stream` makes for an address without a server. */
  stream_options: ScriptedStreamOptions;
  /** Called with each socket `open_datagram` makes, before it is handed out. */
  on_datagram_open: ((raw: ScriptedDatagram) => void) | null;
}

function numeric_family(host: string): number | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return socket.AF_INET;
  if (host.includes(':')) return socket.AF_INET6;
  return null;
}

/**
 * A Platform spreading the virtual-clock one (host scheduling, virtual time)
 * whose `connect_stream`, `listen_stream`, `open_pipe`, `open_datagram` and
 * `getaddrinfo` (numeric addresses only) belong to the scripted world: a
 * connection to the port of a scripted server makes a pair, any other
 * connection a single end the test plays the peer of.
 *
 * @example
 * const platform = scripted_platform();
 * const loop = new BaseEventLoop(platform);
 * const [tr, proto] = await loop.run_until_complete(loop.create_connection(f, '127.0.0.1', 80));
 * const raw = platform.streams[0]!; // the test is the peer now
 */
export function scripted_platform(): ScriptedPlatform {
  const base = virtual_clock_platform();
  const host = new ScriptedHost((cb) => base.schedule(cb));
  const platform: ScriptedPlatform = Object.assign(base, {
    name: 'scripted',
    host_port_websocket: false,
    host,
    streams: [] as ScriptedStream[],
    servers: [] as ScriptedServer[],
    datagrams: [] as ScriptedDatagram[],
    connect_calls: [] as StreamConnectOptions[],
    listen_calls: [] as StreamListenOptions[],
    datagram_calls: [] as DatagramOptions[],
    pipe_calls: [] as Array<[unknown, 'read' | 'write']>,
    connect_error: null as Error | null,
    on_connect: null as ((stream: ScriptedStream) => void) | null,
    stream_options: {} as ScriptedStreamOptions,
    on_datagram_open: null as ((raw: ScriptedDatagram) => void) | null,

    async getaddrinfo(
      name: string | null,
      port: number | string | null,
      opts: AddrInfoOptions,
    ): Promise<AddrInfo[]> {
      const address = name ?? (opts.flags & socket.AI_PASSIVE ? '0.0.0.0' : '127.0.0.1');
      const family = numeric_family(address);
      if (family === null) {
        throw new OSError(
          -2,
          'Name or service not known (the scripted host resolves numbers only)',
        );
      }
      if (opts.family !== 0 && opts.family !== family) return [];
      const type = opts.type || socket.SOCK_STREAM;
      const proto =
        opts.proto || (type === socket.SOCK_DGRAM ? socket.IPPROTO_UDP : socket.IPPROTO_TCP);
      const p = Number(port ?? 0);
      const sockaddr: SockAddr = family === socket.AF_INET6 ? [address, p, 0, 0] : [address, p];
      return [[family, type, proto, '', sockaddr]];
    },

    async connect_websocket(): Promise<RawStream> {
      throw new NotImplementedError('scripted host: no WebSockets');
    },

    async connect_stream(opts: StreamConnectOptions): Promise<RawStream> {
      platform.connect_calls.push(opts);
      const listening = platform.servers.filter((s) => s.address[1] === opts.port);
      const target = listening.find((s) => !s.closed);
      if (target === undefined && listening.length > 0) {
        throw new ConnectionRefusedError(111, 'Connection refused', { code: 'ECONNREFUSED' });
      }
      if (target !== undefined) {
        const [client, server_end] = raw_stream_pair(
          host,
          ['127.0.0.1', ephemeral_port()],
          [target.address[0], target.address[1]],
        );
        platform.streams.push(client, server_end);
        target.accepted.push(server_end);
        host.post(() => {
          if (!target.closed) target._on_accept(server_end);
        });
        return client;
      }
      const err = platform.connect_error;
      if (err !== null) {
        platform.connect_error = null;
        throw err;
      }
      if (opts.port !== undefined && opts.port === 0) {
        throw new ConnectionRefusedError(111, 'Connection refused', { code: 'ECONNREFUSED' });
      }
      const stream = new ScriptedStream(host, {
        ...platform.stream_options,
        extra: {
          peername: [opts.host, opts.port],
          sockname: ['127.0.0.1', ephemeral_port()],
          ...platform.stream_options.extra,
        },
      });
      (stream.extra as Record<string, unknown>)['socket'] ??= stream;
      platform.streams.push(stream);
      platform.on_connect?.(stream);
      return stream;
    },

    async listen_stream(
      opts: StreamListenOptions,
      on_accept: (stream: RawStream) => void,
    ): Promise<RawServer> {
      platform.listen_calls.push(opts);
      if (opts.host === undefined || opts.port === undefined) {
        throw new NotImplementedError('scripted host: listen on host/port only');
      }
      const port = opts.port === 0 ? ephemeral_port() : opts.port;
      const server = new ScriptedServer(
        opts.family ?? socket.AF_INET,
        [opts.host, port],
        on_accept,
      );
      platform.servers.push(server);
      return server;
    },

    open_pipe(pipe: unknown, mode: 'read' | 'write'): RawStream {
      platform.pipe_calls.push([pipe, mode]);
      const stream = new ScriptedStream(host, { direction: mode });
      platform.streams.push(stream);
      return stream;
    },

    async open_datagram(opts: DatagramOptions): Promise<RawDatagram> {
      platform.datagram_calls.push(opts);
      const extra: Record<string, unknown> = {};
      const local = opts.local_addr;
      extra['sockname'] =
        local === null || local === undefined
          ? ['0.0.0.0', ephemeral_port()]
          : [local[0], local[1] === 0 ? ephemeral_port() : local[1]];
      if (opts.remote_addr) extra['peername'] = [opts.remote_addr[0], opts.remote_addr[1]];
      const raw = new ScriptedDatagram(host, extra);
      platform.datagrams.push(raw);
      platform.on_datagram_open?.(raw);
      return raw;
    },
  });
  return platform;
}

// ---- driving the loop ---------------------------------------------------------------------------

/** A Future resolved from the next host callback (after those posted before it). */
function host_turn(loop: BaseEventLoop, platform: ScriptedPlatform): Future<null> {
  const turn = loop.create_future<null>();
  platform.schedule(() => {
    if (!turn.done()) turn.set_result(null);
  });
  return turn;
}

function* quiet(
  loop: BaseEventLoop,
  platform: ScriptedPlatform,
  max_turns: number,
): Generator<unknown, void, unknown> {
  let calm = 0;
  for (let turn = 0; turn < max_turns; turn++) {
    yield From(host_turn(loop, platform));
    if (platform.host.pending === 0) {
      if (++calm >= 2) return;
    } else {
      calm = 0;
    }
  }
  throw new Error(`the scripted host did not settle in ${max_turns} host turns`);
}

/**
 * Run the loop until the scripted host is quiet: every handler call posted
 * (and those they lead to) has run, and so has every loop callback it
 * scheduled. The loop runs the whole time, as it would in production.
 */
export function settle(
  loop: BaseEventLoop,
  platform: ScriptedPlatform,
  max_turns = 1000,
): Promise<void> {
  return loop.run_until_complete(quiet(loop, platform, max_turns));
}

/** Let `n` host turns pass without running the loop (host callbacks fire while it is stopped). */
export async function host_turns(platform: ScriptedPlatform, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => platform.schedule(resolve));
}

/** A loop on a fresh scripted platform (call from `beforeEach`). */
export function scripted_loop(): { platform: ScriptedPlatform; loop: BaseEventLoop } {
  const platform = scripted_platform();
  return { platform, loop: new BaseEventLoop(platform) };
}

/**
 * Close a test's loop (call from `afterEach`) and reset the logger. Tests leave
 * their transports open: closing the loop releases them, quietly also under
 * TROLLIUSDEBUG=1 (loop_close.test.ts tests the debug report).
 */
export function close_scripted_loop(loop: BaseEventLoop): void {
  loop.set_debug(false);
  if (!loop.is_running()) loop.close();
  logger.set_handler(null);
  logger.setLevel(logging.WARNING);
}
