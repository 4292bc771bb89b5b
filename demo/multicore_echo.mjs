// Servers on every core: node:cluster workers each run a trollius echo server (start_server) on one port.
//
//   npm run build && node demo/multicore_echo.mjs [--workers N] [--port P]   # Ctrl-C stops it
//   nc 127.0.0.1 P               # each line comes back as "worker <pid>: <line>"
//   node demo/multicore_echo.mjs --selftest --workers 2   # 8 clients a worker check, then exit
//
// The primary owns the listening socket and hands each connection to a worker in turn
// (round-robin; on Windows the OS picks). N defaults to os.availableParallelism(), P to 0:
// a free port, shared by all workers since they make the same listen call.
import cluster from 'node:cluster';
import os from 'node:os';
import { parseArgs } from 'node:util';

import {
  Event,
  From,
  coroutine,
  gather,
  get_running_loop,
  open_connection,
  run,
  start_server,
} from '../dist/trollius.node.mjs';

const HOST = '127.0.0.1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: String(os.availableParallelism()) },
    port: { type: 'string', default: '0' },
    selftest: { type: 'boolean', default: false },
  },
});

// ---- a worker: one trollius echo server --------------------------------------------------------

const handle_echo = coroutine(function* (reader, writer) {
  for (;;) {
    const line = yield From(reader.readline());
    if (line.length === 0) break;
    writer.write(encoder.encode(`worker ${process.pid}: `));
    writer.write(line);
    yield From(writer.drain());
  }
  writer.close();
});

const worker_main = coroutine(function* (port) {
  const server = yield From(start_server(handle_echo, HOST, port));
  process.send({ port: server.sockets[0].getsockname()[1] });
  // The primary stops the workers by disconnecting them (and so does its exit).
  const stop = new Event();
  process.once('disconnect', () => stop.set());
  // Ctrl-C reaches every process of the terminal's group: the primary handles it for all.
  get_running_loop().add_signal_handler('SIGINT', () => {});
  yield From(stop.wait());
  server.close();
  yield From(server.wait_closed());
});

// ---- the primary: fork, wait until every worker listens, then serve or self-test ---------------

/** Resolves to the port `worker` listens on, or fails if it exits first. */
function listening(worker) {
  const port = get_running_loop().create_future();
  worker.once('message', (msg) => port.set_result(msg.port));
  worker.once('exit', (code, signal) => {
    if (!port.done()) port.set_exception(new Error(`worker exited (${signal ?? code})`));
  });
  return port;
}

/** One client: send a line, read the echo; resolves to the pid of the worker that answered. */
const echo_once = coroutine(function* (port, message) {
  const [reader, writer] = yield From(open_connection(HOST, port));
  writer.write(encoder.encode(`${message}\n`));
  const reply = decoder.decode(yield From(reader.readline()));
  writer.close();
  yield From(writer.wait_closed());
  const [, pid, echoed] = /^worker (\d+): (.*)\n$/.exec(reply) ?? [];
  if (echoed !== message) {
    throw new Error(`sent ${JSON.stringify(message)}, got ${JSON.stringify(reply)}`);
  }
  return Number(pid);
});

const check_echoes = coroutine(function* (port, clients) {
  const messages = Array.from({ length: clients }, (_, i) => `hello ${i}`);
  const pids = yield From(gather(...messages.map((message) => echo_once(port, message))));
  const served = new Map();
  for (const pid of pids) served.set(pid, (served.get(pid) ?? 0) + 1);
  const counts = [...served].map(([pid, n]) => `${pid} x${n}`).join(', ');
  console.log(`selftest: ${clients} echoes ok, served by ${served.size} workers: ${counts}`);
});

const primary_main = coroutine(function* (workers, selftest) {
  const forked = Array.from({ length: workers }, () => cluster.fork());
  try {
    const ports = yield From(gather(...forked.map(listening)));
    const pids = forked.map((worker) => worker.process.pid).join(', ');
    console.log(`echo server on ${HOST}:${ports[0]}, ${workers} workers: ${pids}`);
    if (selftest) {
      yield From(check_echoes(ports[0], 8 * workers));
    } else {
      const stop = new Event();
      get_running_loop().add_signal_handler('SIGINT', () => stop.set());
      console.log('Ctrl-C stops');
      yield From(stop.wait());
    }
  } finally {
    yield From(new Promise((resolve) => cluster.disconnect(resolve)));
  }
});

if (cluster.isPrimary) {
  await run(primary_main(Number(args.workers), args.selftest));
} else {
  await run(worker_main(Number(args.port)));
}
