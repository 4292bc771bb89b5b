// Echo load client, in its own process, driven by the bench through standard input.
// Usage: node bench/echo/load_client.mjs <port> <connections> <size>
//
// It opens C connections to 127.0.0.1:<port>, each sending one request of SIZE bytes
// and taking its echo before it counts as open, at most CONNECTING at a time: a
// connection the server has echoed on is one it has accepted, so the server's listen
// queue (asyncio's and trollius's backlog is 100) never overflows. Overflowing it drops
// handshakes that the client then retries a second later, and opening 10,000
// connections would take tens of seconds. It prints {"connected": C} and holds the
// connections open and idle. Then, for each line on stdin:
//   load <seconds>  one request of SIZE bytes in flight on every connection for SECONDS,
//                   then each connection finishes its request and goes idle again; prints
//                   {requests, seconds, requests_total, p50_ms, p99_ms, cpu_seconds} where
//                   requests counts those answered within the window and requests_total
//                   also those answered while draining (the server's CPU covers both).
//   close           closes every connection and exits (as does the end of stdin). Each
//                   leaves a TIME_WAIT socket on its port for a minute, so the bench ends a
//                   run of many connections by killing the server first instead (the
//                   TIME_WAIT sockets are then on the server's side, all on its one port).
// Any error (a refused connection, a short echo) exits with status 1 and says why on stderr.
import net from 'node:net';
import { createInterface } from 'node:readline';

const CONNECTING = 64;

const [port, connections, size] = process.argv.slice(2).map(Number);
const payload = Buffer.alloc(size, 0x61);
const sockets = [];

function fail(message) {
  process.stderr.write(`load client: ${message}\n`);
  process.exit(1);
}

/** What a complete echo on a connection does (set by each load run)... */
let on_echo = null;
/** ...unless the connection is opening: then its first echo opens it. */
const on_echo_of = new Map();
/** Set once the client closes its connections, which then close without complaint. */
let closing = false;

function connect() {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let received = 0;
    on_echo_of.set(socket, () => resolve(socket));
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received < size) return;
      if (received > size) fail(`echo returned ${received} bytes for ${size}`);
      received = 0;
      (on_echo_of.get(socket) ?? on_echo)(socket);
      on_echo_of.delete(socket);
    });
    socket.on('error', (error) => fail(`connection ${sockets.length}: ${error.message}`));
    socket.on('close', () => {
      if (!closing) fail('the server closed a connection');
    });
  });
}

async function open_all() {
  let next = 0;
  const opener = async () => {
    while (next < connections) {
      next++;
      sockets.push(await connect());
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTING, connections) }, opener));
}

/** Every connection sends, and sends again on each echo, until SECONDS have passed. */
function load(seconds) {
  return new Promise((resolve) => {
    const latencies = [];
    const sent_at = new Map();
    let stopping = false;
    let in_window = 0;
    let total = 0;
    let in_flight = 0;
    let window_end = 0;
    const cpu_before = process.cpuUsage();
    const started = performance.now();
    const send = (socket) => {
      in_flight++;
      sent_at.set(socket, performance.now());
      socket.write(payload);
    };
    on_echo = (socket) => {
      const now = performance.now();
      latencies.push(now - sent_at.get(socket));
      in_flight--;
      total++;
      if (!stopping) {
        in_window++;
        send(socket);
      } else if (in_flight === 0) {
        const cpu = process.cpuUsage(cpu_before);
        latencies.sort((a, b) => a - b);
        resolve({
          requests: in_window,
          seconds: (window_end - started) / 1000,
          requests_total: total,
          p50_ms: latencies[Math.floor(latencies.length * 0.5)],
          p99_ms: latencies[Math.floor(latencies.length * 0.99)],
          cpu_seconds: (cpu.user + cpu.system) / 1e6,
        });
      }
    };
    setTimeout(() => {
      stopping = true;
      window_end = performance.now();
    }, seconds * 1000);
    for (const socket of sockets) send(socket);
  });
}

function close() {
  closing = true;
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}

await open_all();
console.log(JSON.stringify({ connected: sockets.length }));
for await (const line of createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(/\s+/);
  if (!command) continue;
  if (command === 'load') console.log(JSON.stringify(await load(Number(argument))));
  else if (command === 'close') close();
  else fail(`unknown command ${JSON.stringify(line)}`);
}
close();
