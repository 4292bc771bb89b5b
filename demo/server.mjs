// What `npm start` runs: the chat room over TCP and WebSocket (trollius streams) plus a static server for the demo pages.
//
//   node demo/server.mjs            # http://127.0.0.1:8080/ (PORT, HOST, TCP_PORT change it)
//   node demo/chat-client.mjs       # joins the same room over plain TCP (port 8081)
//
// One trollius loop serves the room: `start_server(room.handle_client, host, tcp_port)` for
// TCP clients and `start_server(room.handle_client, null, null, {websocket: {server, path}})`
// for the pages' WebSockets, on the port of the node:http server that serves the pages.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { From, coroutine, new_event_loop, start_server } from '../dist/trollius.node.mjs';

import { LINE_LIMIT, Room } from './chat_room.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** URL prefix -> folder. Everything else is a 404. */
const ROOTS = [
  ['/dist/', path.join(HERE, '..', 'dist')],
  ['/', path.join(HERE, 'pages')],
];

/** Chromium refuses module scripts without a JavaScript MIME type. */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The file a request path names, or null (unknown prefix, or a path escaping its folder). */
function resolve_file(url_path) {
  let decoded;
  try {
    decoded = decodeURIComponent(url_path);
  } catch {
    return null;
  }
  if (decoded.endsWith('/')) decoded += 'index.html';
  for (const [prefix, dir] of ROOTS) {
    if (!decoded.startsWith(prefix)) continue;
    const file = path.resolve(dir, '.' + decoded.slice(prefix.length - 1));
    return file.startsWith(dir + path.sep) ? file : null;
  }
  return null;
}

/** Answer a GET for a page or a bundle; `/info.json` tells the pages the TCP port. */
function serve_static(req, res, info) {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (pathname === '/info.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(info));
    return;
  }
  const file = resolve_file(pathname);
  const not_found = () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  if (file === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
    not_found();
    return;
  }
  readFile(file).then((body) => {
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }, not_found);
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * Start the demo: the HTTP server (pages, bundles, and the room's WebSocket at
 * `/chat`) on `host:port`, and the room's TCP server on `host:tcp_port`
 * (default: `port + 1`, or any free port when `port` is 0). Resolves to
 * `{url, port, tcp_port, room, close()}` once both listen.
 */
export async function start_demo({
  port = 8080,
  host = '127.0.0.1',
  tcp_port = port === 0 ? 0 : port + 1,
  log = () => {},
} = {}) {
  const info = { tcp_port: null };
  const http_server = http.createServer((req, res) => serve_static(req, res, info));
  const http_port = await listen(http_server, port, host);
  const room = new Room({ log });
  const loop = new_event_loop();
  // A Promise, not a Future: it must settle even if the loop stopped (main() failed).
  let set_ready;
  const ready = new Promise((resolve) => (set_ready = resolve));
  const stopping = loop.create_future();

  // The room's whole life in one coroutine: listen, wait for close(), say goodbye, close.
  const main = coroutine(function* () {
    const options = { loop, limit: LINE_LIMIT };
    const tcp = yield From(start_server(room.handle_client, host, tcp_port, options));
    const ws = yield From(
      start_server(room.handle_client, null, null, {
        ...options,
        websocket: { server: http_server, path: '/chat' },
      }),
    );
    set_ready(tcp.sockets[0].getsockname()[1]);
    yield From(stopping);
    room.announce('The server is shutting down. Bye!');
    tcp.close();
    ws.close();
    yield From(room.close_all());
    // Connections that never joined the room (no name yet) are closed too:
    // wait_closed() waits for every connection the servers accepted.
    tcp.close_clients();
    ws.close_clients();
    yield From(tcp.wait_closed());
    yield From(ws.wait_closed());
  });

  const running = loop.run_until_complete(main());
  try {
    // A failure to listen (say, the TCP port is in use) ends main() before it is ready.
    info.tcp_port = await Promise.race([ready, running]);
  } catch (exc) {
    await new Promise((resolve) => http_server.close(resolve));
    loop.close();
    throw exc;
  }

  let closing = null;
  const close = () =>
    (closing ??= (async () => {
      if (!stopping.done()) stopping.set_result(null);
      await running;
      loop.close();
      http_server.closeAllConnections();
      await new Promise((resolve) => http_server.close(resolve));
    })());

  const shown_host = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown_host}:${http_port}/`,
    port: http_port,
    tcp_port: info.tcp_port,
    host,
    room,
    close,
  };
}

// ---- run directly: node demo/server.mjs -------------------------------------------------------

function port_from_env(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return port;
}

async function main() {
  const port = port_from_env('PORT', 8080);
  const tcp_port = port_from_env('TCP_PORT', port === 0 ? 0 : port + 1);
  const host = process.env.HOST || '127.0.0.1';
  const time = () => new Date().toTimeString().slice(0, 8);
  let demo;
  try {
    demo = await start_demo({
      port,
      host,
      tcp_port,
      log: (line) => console.log(`${time()} ${line}`),
    });
  } catch (exc) {
    const code = exc.code ?? exc.cause?.code;
    if (code === 'EADDRINUSE') {
      console.error(
        `Cannot listen: a port is already in use (${exc.message}).\n` +
          'Stop the other program or pick other ports: PORT=9000 npm start (TCP chat on PORT+1, or set TCP_PORT).',
      );
    } else {
      console.error(`Cannot start the demo: ${exc.stack ?? exc}`);
    }
    process.exit(1);
  }
  console.log(`trollius demo running at ${demo.url}`);
  console.log(`  chat page:    ${demo.url}chat.html`);
  console.log(`  worker page:  ${demo.url}worker.html`);
  console.log(
    `  chat over TCP: node demo/chat-client.mjs --host ${host} --port ${demo.tcp_port} --name you`,
  );
  console.log('Press Ctrl+C to stop.');
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130); // a second Ctrl+C: leave at once
    stopping = true;
    console.log('\nStopping…');
    demo.close().then(
      () => process.exit(0),
      (exc) => {
        console.error(exc);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main();
}
