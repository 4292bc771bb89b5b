// Echo load client, in its own process: C connections, one request of SIZE bytes in flight on
// each, for SECONDS. Prints {requests, seconds, p50_ms, p99_ms} as JSON.
// Usage: node bench/echo/load_client.mjs <port> <connections> <size> <seconds>
import net from 'node:net';

const [port, connections, size, seconds] = process.argv.slice(2).map(Number);
const payload = Buffer.alloc(size, 0x61);
const latencies = [];
let requests = 0;
let stopping = false;
let open = 0;

function client() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let received = 0;
    let sent_at = 0;
    const send = () => {
      received = 0;
      sent_at = performance.now();
      socket.write(payload);
    };
    socket.on('connect', () => {
      open++;
      send();
    });
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received < size) return;
      if (received > size) return reject(new Error(`echo returned ${received} bytes for ${size}`));
      latencies.push(performance.now() - sent_at);
      requests++;
      if (stopping) socket.end();
      else send();
    });
    socket.on('error', reject);
    socket.on('close', resolve);
  });
}

const started = performance.now();
const clients = Array.from({ length: connections }, client);
setTimeout(() => (stopping = true), seconds * 1000);
await Promise.all(clients);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    requests,
    seconds: elapsed,
    connections: open,
    p50_ms: latencies[Math.floor(latencies.length * 0.5)],
    p99_ms: latencies[Math.floor(latencies.length * 0.99)],
  }),
);
