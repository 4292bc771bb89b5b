// A backend whose host I/O loads on the first I/O call (the browser ESM bundle): the loop's I/O methods wait for the load, then work as where it was installed at once.
import { afterEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { Task } from '../../src/index.js';
import { IO_METHODS } from '../../src/loop_io_methods.js';
import {
  get_platform,
  install_platform,
  load_loop_io,
  loaded_loop_io,
  type HostIo,
  type LoadedIo,
  type PlatformCore,
} from '../../src/platform.js';
import { node_platform } from '../../platform/node/platform.js';

/** node_platform's members that a lazy backend installs at once. */
const CORE_MEMBERS: readonly (keyof PlatformCore)[] = [
  'name',
  'schedule',
  'set_timer',
  'clear_timer',
  'monotonic',
  'clock_resolution',
  'getenv',
  'watch_for_hang',
  'alloc_bytes',
  'signal_name',
  'add_signal_handler',
  'remove_signal_handler',
  'parent_port',
  'cpu_count',
  'has_workers',
  'start_worker',
  'module_url',
];

/** The rest of node_platform: what the loader delivers. */
function node_host_io(): HostIo {
  const host: Record<string, unknown> = { ...node_platform };
  for (const name of CORE_MEMBERS) delete host[name];
  return host as unknown as HostIo;
}

/** One load the test settles by hand. */
interface Load {
  resolve(io: LoadedIo): void;
  reject(error: Error): void;
}

/** A lazy backend over Node's, whose loads the test settles by hand. */
function install_lazy(): { loads: Load[] } {
  const core: Record<string, unknown> = {};
  for (const name of CORE_MEMBERS) core[name] = node_platform[name];
  const loads: Load[] = [];
  install_platform(
    core as unknown as PlatformCore,
    () => new Promise<LoadedIo>((resolve, reject) => loads.push({ resolve, reject })),
  );
  return { loads };
}

const LOADED: LoadedIo = { host: node_host_io(), loop_io: IO_METHODS };

let loop: BaseEventLoop | null = null;

/** A loop on the installed backend, closed after the test. */
function new_loop(): BaseEventLoop {
  return (loop = new BaseEventLoop());
}
afterEach(() => {
  loop?.close();
  loop = null;
  install_platform(node_platform, IO_METHODS);
});

describe('a backend that loads its I/O on first use', () => {
  it('loads on the first I/O call, which then runs as a Task; later calls go straight to the body', async () => {
    const { loads } = install_lazy();
    const loop = new_loop();
    expect(loaded_loop_io()).toBeNull();
    expect('connect_stream' in get_platform()).toBe(false);

    const first = loop.getaddrinfo('127.0.0.1', 80, { type: 1 });
    const second = loop.getaddrinfo('127.0.0.1', 443, { type: 1 });
    expect(first).toBeInstanceOf(Task);
    expect(loads).toHaveLength(1); // one load serves both calls
    loads[0]!.resolve(LOADED);
    const a = await loop.run_until_complete(first);
    const b = await loop.run_until_complete(second);
    expect(a[0]![4]).toEqual(['127.0.0.1', 80]);
    expect(b[0]![4]).toEqual(['127.0.0.1', 443]);

    // The host I/O joined the installed platform, which the loop holds.
    expect(loaded_loop_io()).toBe(IO_METHODS);
    expect(get_platform().connect_stream).toBe(node_platform.connect_stream);
    expect(loop._platform).toBe(get_platform());
    expect(loop.getaddrinfo('127.0.0.1', 80)).not.toBeInstanceOf(Task);
  });

  it('fails the first call with an argument error once loaded, as asyncio fails it when awaited', async () => {
    const { loads } = install_lazy();
    const loop = new_loop();
    const call = loop.create_connection(null as never, '127.0.0.1', 1);
    loads[0]!.resolve(LOADED);
    await expect(loop.run_until_complete(call)).rejects.toThrow(TypeError);
    // Loaded now: the same mistake throws at the call.
    expect(() => loop.create_connection(null as never, '127.0.0.1', 1)).toThrow(TypeError);
  });

  it('fails the calls waiting for a load that failed, and tries again on the next call', async () => {
    const { loads } = install_lazy();
    const loop = new_loop();
    const failed = loop.getaddrinfo('127.0.0.1', 80);
    loads[0]!.reject(new TypeError('Failed to fetch dynamically imported module'));
    await expect(loop.run_until_complete(failed)).rejects.toThrow('Failed to fetch');
    expect(loaded_loop_io()).toBeNull();

    const retried = loop.getaddrinfo('127.0.0.1', 80, { type: 1 });
    expect(loads).toHaveLength(2);
    loads[1]!.resolve(LOADED);
    expect((await loop.run_until_complete(retried))[0]![4]).toEqual(['127.0.0.1', 80]);
  });

  it('cancels the first call while it waits for the load', async () => {
    const { loads } = install_lazy();
    const loop = new_loop();
    const call = loop.getaddrinfo('127.0.0.1', 80);
    call.cancel();
    await expect(loop.run_until_complete(call)).rejects.toThrow();
    expect(call.cancelled()).toBe(true);
    loads[0]!.resolve(LOADED); // arriving late harms nothing
    await load_loop_io();
    expect(loaded_loop_io()).toBe(IO_METHODS);
  });

  it('answers the synchronous I/O methods without loading anything', () => {
    const { loads } = install_lazy();
    const loop = new_loop();
    expect(() => loop.add_reader(0, () => {})).toThrow(/add_reader\(\): needs the readiness/);
    expect(loop.remove_signal_handler('SIGINT')).toBe(false);
    expect(loads).toHaveLength(0);
  });
});
