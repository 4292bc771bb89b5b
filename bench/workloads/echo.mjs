// Echo throughput: each server in its own process, a load client in another; requests/s,
// MB/s, latency, and the server's CPU time per request, for every connections × size cell.
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const echo_dir = path.join(here, '..', 'echo');

export const params = {
  quick: { connections: [1, 10, 100], sizes: [1024, 65536], seconds: 0.3 },
  full: { connections: [1, 10, 100], sizes: [1024, 65536], seconds: 1.5 },
};
export const unit = 'requests/s';

export const SERVERS = {
  'raw node net': ['node', 'raw_net_server.mjs'],
  'trollius Protocol': ['node', 'trollius_protocol_server.mjs'],
  'trollius streams': ['node', 'trollius_streams_server.mjs'],
  'cpython asyncio Protocol': ['python3', 'asyncio_protocol_server.py'],
  'cpython asyncio streams': ['python3', 'asyncio_streams_server.py'],
};

/**
 * With two or more cores and `taskset`, the server runs on core 0 and the load
 * client on core 1, so that they do not take turns on the same core (which
 * swings requests/s by tens of percent from one run to the next).
 */
const PINNED = cpus().length >= 2 && has_taskset();

function has_taskset() {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

/** [command, args] that run `exe args` on `core` when pinning is possible. */
function on_core(core, exe, args) {
  return PINNED ? ['taskset', ['-c', String(core), exe, ...args]] : [exe, args];
}

/**
 * glibc's allocator settings for every server, raw net and CPython alike, and
 * for the load client. With
 * the defaults, the 64 KiB read buffers freed by a garbage collection are given
 * back to the OS and faulted in again: runs then fall at random into a slow mode
 * with 5–12 page faults per request and a third fewer requests/s, for any
 * server (the client faults the same way). Keeping freed memory (no trimming,
 * no per-buffer mmap) measures the servers' own work instead.
 */
const ALLOCATOR_ENV = {
  MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
  MALLOC_TOP_PAD_: String(64 * 2 ** 20),
  MALLOC_MMAP_THRESHOLD_: String(2 ** 20),
};

/** Within this many seconds a server must print its port, and answer each CPU-time request. */
const ANSWER_TIMEOUT_S = 20;

/** The next line the server prints, bounded in time. */
function next_line(server, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.name}: no ${what}`)),
      ANSWER_TIMEOUT_S * 1000,
    );
    server.lines.next().then(({ value, done }) => {
      clearTimeout(timer);
      if (done) reject(new Error(`${server.name} exited before its ${what}`));
      else resolve(value);
    }, reject);
  });
}

/** CPU seconds the server has used so far, in user and in system (kernel) mode: it prints them on SIGUSR2. */
async function cpu_seconds(server) {
  server.child.kill('SIGUSR2');
  return JSON.parse(await next_line(server, 'CPU time'));
}

/** Start a server; resolves once it printed its port. */
async function start_server(name) {
  const [runtime, file] = SERVERS[name];
  const exe = runtime === 'node' ? process.execPath : 'python3';
  const [command, args] = on_core(0, exe, [path.join(echo_dir, file)]);
  // `taskset` execs the server, so the child's pid is the server's (for its signals).
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...ALLOCATOR_ENV },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const server = { name, child, lines, port: 0 };
  const failed = new Promise((_, reject) => child.on('error', reject));
  server.port = Number(await Promise.race([next_line(server, 'port'), failed]));
  return server;
}

function run_load(port, connections, size, seconds) {
  const [command, args] = on_core(
    1,
    process.execPath,
    [path.join(echo_dir, 'load_client.mjs'), port, connections, size, seconds].map(String),
  );
  const out = execFileSync(command, args, {
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
    env: { ...process.env, ...ALLOCATOR_ENV },
  });
  return JSON.parse(out);
}

function has_python() {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** One measurement: a fresh server, a load run, the server's CPU over the run. */
async function measure(name, connections, size, seconds) {
  const server = await start_server(name);
  try {
    // A short warm-up run, so the measured one sees a JIT-optimised server.
    run_load(server.port, connections, size, Math.min(0.3, seconds / 2));
    const before = await cpu_seconds(server);
    const load = run_load(server.port, connections, size, seconds);
    const after = await cpu_seconds(server);
    const user = after.user - before.user;
    const system = after.system - before.system;
    return {
      rate: load.requests / load.seconds,
      mb_s: (2 * size * load.requests) / load.seconds / 1e6,
      p50_ms: load.p50_ms,
      p99_ms: load.p99_ms,
      cpu_us_per_request: ((user + system) / load.requests) * 1e6,
      // The part spent in the server's own code (JavaScript or Python, and the
      // runtime), apart from the kernel's share of the socket work.
      user_cpu_us_per_request: (user / load.requests) * 1e6,
    };
  } finally {
    server.child.kill('SIGKILL');
  }
}

/** Every cell × server × repetition, servers alternating; returns {cell: {server: [samples]}}. */
export async function run_echo(p, repetitions, progress) {
  const python = has_python();
  const cells = {};
  const failed = {};
  for (const connections of p.connections) {
    for (const size of p.sizes) {
      const cell = `C=${connections} ${size >= 1024 ? size / 1024 + ' KiB' : size + ' B'}`;
      cells[cell] = Object.fromEntries(Object.keys(SERVERS).map((s) => [s, []]));
      for (let rep = 0; rep < repetitions; rep++) {
        for (const server of Object.keys(SERVERS)) {
          if (SERVERS[server][0] === 'python3' && !python) continue;
          if (failed[server]) continue;
          try {
            cells[cell][server].push(await measure(server, connections, size, p.seconds));
          } catch (error) {
            failed[server] = error.message; // reported as skipped, with the reason
          }
          progress();
        }
      }
    }
  }
  return { cells, failed };
}
