// Servers on every core: trollius echo servers in node:cluster workers share one port (demo/multicore_echo.mjs), and reuse_port follows the running Node.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { ValueError } from '../../src/exceptions.js';
import { Protocol } from '../../src/protocols.js';
import type { Server } from '../../src/server.js';
import { start_server } from '../../src/stream_functions.js';
import { dist_path } from '../support/bundles.js';
import { run } from '../support/net.js';
import { REPO_ROOT } from '../support/static_server.js';

const DEMO = path.join(REPO_ROOT, 'demo/multicore_echo.mjs');

/** Node 22.12+ and 23.1+ have `reusePort` for TCP servers. */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const has_reuse_port = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
});
afterEach(() => {
  set_event_loop(null);
  loop.close();
});

const factory = (): Protocol => new Protocol();
const ignore = (): void => {};

function port_of(server: Server): number {
  return (server.sockets[0]!.getsockname() as [string, number])[1];
}

describe('node:cluster', () => {
  // Windows leaves the choice of worker to the OS (cluster.SCHED_NONE) instead of round-robin.
  it.skipIf(process.platform === 'win32')(
    'demo/multicore_echo.mjs --selftest: two workers serve one port, each echo comes back',
    async () => {
      if (!fs.existsSync(dist_path('trollius.node.mjs'))) {
        throw new Error(
          'demo/multicore_echo.mjs imports dist/trollius.node.mjs: run `npm run build` first',
        );
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [DEMO, '--selftest', '--workers', '2'],
        { cwd: REPO_ROOT, timeout: 20_000 },
      );
      const started = /^echo server on 127\.0\.0\.1:\d+, 2 workers: (\d+), (\d+)$/m.exec(stdout);
      const report = /^selftest: 16 echoes ok, served by \d+ workers: (.*)$/m.exec(stdout);
      expect(started, stdout).not.toBeNull();
      expect(report, stdout).not.toBeNull();
      const served = report![1]!.split(', ').map((entry) => entry.split(' ')[0]);
      // Round-robin: the second connection goes to the other worker, whatever the timing.
      expect(served.sort()).toEqual([started![1], started![2]].sort());
    },
    30_000,
  );
});

describe('reuse_port', () => {
  it.skipIf(has_reuse_port)(
    'fails the server with a ValueError naming the Node versions that have it',
    async () => {
      const err = await run(loop, start_server(ignore, '127.0.0.1', 0, { reuse_port: true })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValueError);
      expect((err as Error).message).toBe(
        `reuse_port needs Node 22.12+ or 23.1+ (this is Node ${process.versions.node}); ` +
          'to serve one port from several processes use node:cluster',
      );
    },
  );

  it.skipIf(has_reuse_port)(
    'passes reusePort: true to server.listen() once Node has it (here a faked 22.12.0)',
    async () => {
      const version = Object.getOwnPropertyDescriptor(process.versions, 'node')!;
      Object.defineProperty(process.versions, 'node', { ...version, value: '22.12.0' });
      const listen = vi.spyOn(net.Server.prototype, 'listen');
      try {
        // This Node ignores the option it does not know, and listens.
        const server = await run(loop, start_server(ignore, '127.0.0.1', 0, { reuse_port: true }));
        server.close();
        expect(listen).toHaveBeenCalledWith(expect.objectContaining({ reusePort: true }));
      } finally {
        listen.mockRestore();
        Object.defineProperty(process.versions, 'node', version);
      }
    },
  );

  it.runIf(has_reuse_port && process.platform === 'linux')(
    'binds two servers to one port where Node has reusePort',
    async () => {
      const first = await run(loop, start_server(ignore, '127.0.0.1', 0, { reuse_port: true }));
      const port = port_of(first);
      const second = await run(loop, start_server(ignore, '127.0.0.1', port, { reuse_port: true }));
      expect(port_of(second)).toBe(port);
      second.close();
      first.close();
    },
  );

  it('is refused at the call unless a boolean or null, as the other flags are', () => {
    expect(() =>
      loop.create_server(factory, '127.0.0.1', 0, { reuse_port: 'yes' as never }),
    ).toThrow(
      new TypeError("create_server() argument 'reuse_port' must be boolean or null, not 'yes'"),
    );
    expect(() => start_server(ignore, '127.0.0.1', 0, { reuse_port: 1 as never })).toThrow(
      new TypeError("create_server() argument 'reuse_port' must be boolean or null, not 1"),
    );
  });
});
