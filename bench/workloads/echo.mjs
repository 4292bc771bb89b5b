// Echo throughput: each server in its own process, a load client in another; requests/s,
// MB/s, latency, and the server's CPU time per request, for every connections × size cell;
// in the cells of many connections (C ≥ 1,000) also the server's RSS per connection,
// with the connections idle and under load.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { median } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const echo_dir = path.join(here, '..', 'echo');

/**
 * `connections` × `sizes` are the cells of few connections; `many_connections` ×
 * `many_size` those of many, which also measure RSS per connection, with their own
 * run length and repetitions: one measurement there costs seconds of starting,
 * connecting and settling (C = 10,000: 5–10 s on a 2-core VM, most of it the load
 * client's connect() calls), so the full run's two cells take 2–3 minutes, and
 * uvloop in the other cells adds one more.
 */
export const params = {
  quick: {
    connections: [1, 10, 100],
    sizes: [1024, 65536],
    seconds: 0.3,
    many_connections: [1000, 10000],
    many_size: 1024,
    many_seconds: 0.5,
    many_repetitions: 1,
  },
  full: {
    connections: [1, 10, 100],
    sizes: [1024, 65536],
    seconds: 1.5,
    many_connections: [1000, 10000],
    many_size: 1024,
    many_seconds: 0.75,
    many_repetitions: 3,
  },
};
export const unit = 'requests/s';

/** Each server: the runtime that runs it (`uvloop`: a python3 that imports uvloop) and its file. */
export const SERVERS = {
  'raw node net': { runtime: 'node', file: 'raw_net_server.mjs' },
  'trollius Protocol': { runtime: 'node', file: 'trollius_protocol_server.mjs' },
  'trollius streams': { runtime: 'node', file: 'trollius_streams_server.mjs' },
  'cpython asyncio Protocol': { runtime: 'python', file: 'asyncio_protocol_server.py' },
  'cpython asyncio streams': { runtime: 'python', file: 'asyncio_streams_server.py' },
  'uvloop Protocol': { runtime: 'uvloop', file: 'uvloop_protocol_server.py' },
};

/** From this many connections on, a cell measures the server's RSS per connection. */
const RSS_FROM_CONNECTIONS = 1000;

/**
 * With two or more cores and `taskset`, the server runs on core 0 and the load
 * client on core 1, so that they do not take turns on the same core (which
 * swings requests/s by tens of percent from one run to the next).
 */
const PINNED = cpus().length >= 2 && succeeds('taskset', ['-c', '0', 'true']);

function succeeds(command, args, options = {}) {
  try {
    execFileSync(command, args, { stdio: 'ignore', ...options });
    return true;
  } catch {
    return false;
  }
}

/**
 * The open-files limit the servers and the load client run with: C = 10,000 needs
 * 10,000 descriptors in each, past the usual soft limit of 1,024. Each child runs
 * through `sh`, which raises its own limit (root can raise the hard one too; anyone
 * else gets the hard limit) and then execs, so the child's pid stays the program's.
 */
const NOFILE = 65536;
const RAISE_NOFILE = `ulimit -n ${NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`;

/** The limit a child gets, or 0 when `sh` cannot tell. */
function nofile_limit() {
  try {
    return Number(execFileSync('sh', ['-c', `${RAISE_NOFILE}; ulimit -n`], { encoding: 'utf8' }));
  } catch {
    return 0;
  }
}

/** How many ephemeral ports the load client can connect from (Linux; else assume plenty). */
function ephemeral_ports() {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return high - low + 1;
  } catch {
    return 65536;
  }
}

/** [command, args] that run `exe args` with the raised limit, on `core` when pinning is possible. */
function child_command(core, exe, args) {
  const pinned = PINNED ? ['taskset', '-c', String(core), exe, ...args] : [exe, ...args];
  return ['sh', ['-c', `${RAISE_NOFILE}; exec "$@"`, 'sh', ...pinned]];
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

/** Within this many seconds a process must print each line it owes (a port, a CPU time, a result). */
const ANSWER_TIMEOUT_S = 20;
/** Within this many seconds the load client must have opened its connections, per 1,000. */
const CONNECT_TIMEOUT_S_PER_1000 = 10;
/** How long the server is left alone before its RSS is read. */
const SETTLE_MS = 200;
/** From this many cores kept busy by other processes (median over the runs), a run is flagged. */
const BUSY_MACHINE = 0.3;
/** How often the server's RSS is read during the measured load run (the peak is kept). */
const RSS_POLL_MS = 50;

/** The next line a child prints, bounded in time. */
function next_line(child, what, seconds = ANSWER_TIMEOUT_S) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${child.name}: no ${what} within ${seconds} s`)),
      seconds * 1000,
    );
    child.lines.next().then(({ value, done }) => {
      clearTimeout(timer);
      if (done) reject(new Error(`${child.name} exited before its ${what}${child.why()}`));
      else resolve(value);
    }, reject);
  });
}

/** Spawn a child whose stdout is read line by line; the tail of its stderr explains failures. */
function start_child(name, core, exe, args, stderr) {
  const [command, argv] = child_command(core, exe, args);
  const child = spawn(command, argv, {
    stdio: ['pipe', 'pipe', stderr],
    env: { ...process.env, ...ALLOCATOR_ENV },
  });
  let errors = '';
  child.stderr?.on('data', (chunk) => (errors = (errors + chunk).slice(-400)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise((_, reject) => child.on('error', reject));
  failed.catch(() => {});
  return { name, child, lines, failed, why: () => (errors ? `: ${errors.trim()}` : '') };
}

/** CPU seconds the server has used so far, in user and in system (kernel) mode: it prints them on SIGUSR2. */
async function cpu_seconds(server) {
  server.child.kill('SIGUSR2');
  return JSON.parse(await next_line(server, 'CPU time'));
}

/**
 * CPU seconds all cores have been busy since boot (Linux /proc/stat; null elsewhere),
 * but for softirq time: that is mostly the loopback traffic of the run itself, which
 * the kernel charges to no process.
 */
function machine_busy_seconds() {
  try {
    const [user, nice, system, , , irq, , steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + steal) / 100; // USER_HZ
  } catch {
    return null;
  }
}

/** The server's resident set now, in KiB (Linux). */
function rss_kib(pid) {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** The same, or 0 once the server has gone (a poll must not throw: the run then fails by itself). */
function rss_or_0(pid) {
  try {
    return rss_kib(pid);
  } catch {
    return 0;
  }
}

/** How many files the server has open (Linux): its listening socket, connections, and the rest. */
function open_files(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Wait until `done()` or `seconds` have passed; whether it was done. */
async function until(done, seconds) {
  const deadline = performance.now() + seconds * 1000;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Start a server; resolves once it printed its port. */
async function start_server(name, exes) {
  const { runtime, file } = SERVERS[name];
  // Its stderr shows through: a server that fails says why.
  const server = start_child(name, 0, exes[runtime], [path.join(echo_dir, file)], 'inherit');
  try {
    server.port = Number(await Promise.race([next_line(server, 'port'), server.failed]));
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  return server;
}

/** Start a load client; resolves once its C connections are open. */
async function start_client(port, connections, size) {
  const args = [path.join(echo_dir, 'load_client.mjs'), port, connections, size].map(String);
  const client = start_child('load client', 1, process.execPath, args, 'pipe');
  const seconds = ANSWER_TIMEOUT_S + (CONNECT_TIMEOUT_S_PER_1000 * connections) / 1000;
  try {
    await Promise.race([next_line(client, 'connections', seconds), client.failed]);
  } catch (error) {
    client.child.kill('SIGKILL');
    throw error;
  }
  return client;
}

/** Resolves once the child has exited. */
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.on('exit', resolve));
}

/** Kill a child; resolves once it exited. */
function kill(child) {
  const done = exited(child);
  child.kill('SIGKILL');
  return done;
}

/**
 * Close the client's connections (see load_client.mjs); resolves once it exited.
 * Closed, not reset: the streams servers would log each reset as an error.
 */
async function stop_client(client) {
  const timer = setTimeout(() => client.child.kill('SIGKILL'), ANSWER_TIMEOUT_S * 1000);
  client.child.stdin.end('close\n');
  await exited(client.child);
  clearTimeout(timer);
}

/** One load run on the client's open connections; resolves to its result. */
async function run_load(client, seconds) {
  client.child.stdin.write(`load ${seconds}\n`);
  return JSON.parse(await next_line(client, 'load result', seconds + ANSWER_TIMEOUT_S));
}

/**
 * One measurement: a fresh server, a warm-up load run, the measured run and the
 * server's CPU over it. With `rss`, the warm-up runs on at most 100 connections of
 * a first client, closed again, so that the baseline holds the compiled code and
 * a warmed-up heap; then the server's resident set is read before the C
 * connections, with them open and idle, and at its peak during the measured run.
 */
async function measure(name, exes, connections, size, seconds, rss) {
  const server = await start_server(name, exes);
  const pid = server.child.pid;
  let client = null;
  try {
    const warm_up = Math.min(0.3, seconds / 2);
    let rss_before = 0;
    let rss_idle = 0;
    if (rss) {
      const listening = open_files(pid);
      client = await start_client(server.port, Math.min(100, connections), size);
      await run_load(client, warm_up);
      await stop_client(client);
      // Until the server has closed its side of those connections.
      await until(() => open_files(pid) <= listening, ANSWER_TIMEOUT_S);
      await sleep(SETTLE_MS);
      rss_before = rss_kib(pid);
    }
    // Once open, each connection has been accepted and has echoed one message.
    client = await start_client(server.port, connections, size);
    if (rss) {
      await sleep(SETTLE_MS);
      rss_idle = rss_kib(pid);
    }
    // Without `rss`, the warm-up is here (with `rss`, the first client's did it).
    if (!rss) await run_load(client, warm_up);
    let rss_load = rss_idle;
    const poll = rss
      ? setInterval(() => (rss_load = Math.max(rss_load, rss_or_0(pid))), RSS_POLL_MS)
      : null;
    const started = performance.now();
    const busy_before = machine_busy_seconds();
    const before = await cpu_seconds(server);
    const load = await run_load(client, seconds);
    const after = await cpu_seconds(server);
    const busy = machine_busy_seconds() - busy_before;
    const wall = (performance.now() - started) / 1000;
    clearInterval(poll);
    const user = after.user - before.user;
    const system = after.system - before.system;
    return {
      rate: load.requests / load.seconds,
      mb_s: (2 * size * load.requests) / load.seconds / 1e6,
      p50_ms: load.p50_ms,
      p99_ms: load.p99_ms,
      // Over every request the run answered, those of its last in-flight round too.
      cpu_us_per_request: ((user + system) / load.requests_total) * 1e6,
      // The part spent in the server's own code (JavaScript or Python, and the
      // runtime), apart from the kernel's share of the socket work.
      user_cpu_us_per_request: (user / load.requests_total) * 1e6,
      // Near 1: the server was the bottleneck; well below: the client was (or
      // another process had the core).
      server_cpu_share: (user + system) / wall,
      client_cpu_share: load.cpu_seconds / wall,
      // Cores that other processes kept busy meanwhile (the bench's own included):
      // near 0 on a quiet machine; from BUSY_MACHINE on, the run competed for its cores.
      ...(busy_before !== null && {
        others_cpu_share: Math.max(0, busy - (user + system) - load.cpu_seconds) / wall,
      }),
      ...(rss && {
        rss_before_mib: rss_before / 1024,
        rss_idle_kib_per_conn: (rss_idle - rss_before) / connections,
        rss_load_kib_per_conn: (rss_load - rss_before) / connections,
      }),
    };
  } finally {
    // The server first: the connections then close from its side, and their
    // TIME_WAIT sockets hold its port, not the client's ephemeral ports.
    await kill(server.child);
    if (client) await kill(client.child);
  }
}

/** Whether `exe` runs and imports `module`. */
function imports(exe, module) {
  return succeeds(exe, ['-c', `import ${module}`]);
}

/**
 * A python3 that imports uvloop: the one on PATH, or Debian's (where apt-get puts
 * python3-uvloop). When neither does, one `apt-get install -y python3-uvloop`
 * (root, quiet; after `apt-get update` if the first try fails; at most 3 minutes
 * in all). Returns {exe, note} or {skipped}.
 */
function find_uvloop() {
  const candidates = ['python3', '/usr/bin/python3'];
  const found = () => candidates.find((exe) => imports(exe, 'uvloop'));
  let exe = found();
  let installed = '';
  if (!exe) {
    if (process.getuid?.() !== 0 || !succeeds('apt-get', ['--version'])) {
      return {
        skipped: 'uvloop not installed (apt-get install python3-uvloop, or pip install uvloop)',
      };
    }
    const deadline = Date.now() + 180_000;
    const apt = (...args) =>
      succeeds('apt-get', ['-q', ...args], {
        timeout: Math.max(1, deadline - Date.now()),
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    // A machine whose package lists were never fetched finds no package: fetch them then.
    const ok =
      apt('install', '-y', 'python3-uvloop') ||
      (apt('update') && apt('install', '-y', 'python3-uvloop'));
    exe = found();
    if (!exe) {
      return {
        skipped: ok
          ? 'apt-get installed python3-uvloop, but no python3 here imports uvloop'
          : 'uvloop not installed, and apt-get install -y python3-uvloop failed',
      };
    }
    installed = ' (installed now with apt-get)';
  }
  const version = execFileSync(
    exe,
    ['-c', 'import sys, uvloop; print(uvloop.__version__, sys.version.split()[0])'],
    { encoding: 'utf8' },
  ).split(' ');
  return {
    exe,
    note: `uvloop ${version[0]} on Python ${version[1].trim()} (${exe})${installed}`,
  };
}

/** The cells in order: [name, connections, size, seconds, repetitions, rss]. */
function cells_of(p, repetitions) {
  const label = (c, size) => `C=${c} ${size >= 1024 ? size / 1024 + ' KiB' : size + ' B'}`;
  const cells = [];
  for (const c of p.connections) {
    for (const size of p.sizes) cells.push([label(c, size), c, size, p.seconds, repetitions]);
  }
  for (const c of p.many_connections ?? []) {
    cells.push([label(c, p.many_size), c, p.many_size, p.many_seconds, p.many_repetitions]);
  }
  return cells.map((cell) => [...cell, cell[1] >= RSS_FROM_CONNECTIONS]);
}

/**
 * Every cell × server × repetition, servers alternating. Returns
 * {cells: {cell: {server: [samples]}}, skipped: {cell: {server: reason}}, notes: [...]}.
 * A server that fails is skipped from then on (its reason is kept for each cell);
 * a cell whose connections exceed the open-files limit is skipped whole.
 */
export async function run_echo(p, repetitions, progress) {
  const exes = { node: process.execPath, python: null, uvloop: null };
  const unavailable = {};
  const notes = [];
  if (succeeds('python3', ['--version'])) exes.python = 'python3';
  else unavailable.python = 'python3 not found';
  const uvloop = exes.python ? find_uvloop() : { skipped: 'python3 not found' };
  if (uvloop.exe) {
    exes.uvloop = uvloop.exe;
    notes.push(uvloop.note);
  } else {
    unavailable.uvloop = uvloop.skipped;
    notes.push(`uvloop Protocol skipped: ${uvloop.skipped}`);
  }
  const nofile = nofile_limit();
  const ports = ephemeral_ports();
  const failed = {};
  const cells = {};
  const skipped = {};
  for (const [cell, connections, size, seconds, reps, rss] of cells_of(p, repetitions)) {
    cells[cell] = Object.fromEntries(Object.keys(SERVERS).map((s) => [s, []]));
    skipped[cell] = {};
    const too_many =
      (connections + 64 > nofile &&
        `needs ${connections + 64} open files; ulimit -n gives ${nofile || 'unknown'}`) ||
      (connections + 200 > ports &&
        `needs ${connections + 200} ephemeral ports; net.ipv4.ip_local_port_range has ${ports}`);
    for (let rep = 0; rep < reps; rep++) {
      for (const [server, { runtime }] of Object.entries(SERVERS)) {
        const why = too_many || unavailable[runtime] || failed[server];
        if (why) {
          skipped[cell][server] = why;
          continue;
        }
        try {
          cells[cell][server].push(await measure(server, exes, connections, size, seconds, rss));
        } catch (error) {
          failed[server] = `failed in echo ${cell}: ${error.message}`;
          skipped[cell][server] = failed[server];
        }
        progress();
      }
    }
  }
  const others = Object.values(cells)
    .flatMap((servers) => Object.values(servers).flat())
    .map((sample) => sample.others_cpu_share)
    .filter((share) => share !== undefined);
  if (others.length > 0 && median(others) >= BUSY_MACHINE) {
    notes.push(
      `other processes kept ${median(others).toFixed(2)} cores busy during the median run ` +
        '(others_cpu_share): the echo figures of this run are not to be trusted',
    );
  }
  return { cells, skipped, notes };
}
