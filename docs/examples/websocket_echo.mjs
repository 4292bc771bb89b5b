// One stream handler serving TCP and WebSocket clients in Node; a client of each kind (a browser page opens the WebSocket the same way).
import { From, coroutine, open_connection, run, start_server } from 'trollius';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Upper-case each line until the client closes: the same code for either transport.
const handle_client = coroutine(function* (reader, writer) {
  for (;;) {
    const line = yield From(reader.readline());
    if (line.length === 0) break; // EOF
    writer.write(encoder.encode(decoder.decode(line).toUpperCase()));
    yield From(writer.drain());
  }
  writer.close();
});

const ask = coroutine(function* (reader, writer, text) {
  writer.write(encoder.encode(`${text}\n`));
  const answer = decoder.decode(yield From(reader.readline())).trim();
  writer.close();
  yield From(writer.wait_closed());
  return answer;
});

const main = coroutine(function* () {
  // Node: one handler, two servers
  const tcp = yield From(start_server(handle_client, '127.0.0.1', 0));
  const ws = yield From(
    start_server(handle_client, '127.0.0.1', 0, { websocket: { path: '/chat' } }),
  );
  const tcp_port = tcp.sockets[0].getsockname()[1];
  const ws_port = ws.sockets[0].getsockname()[1];

  // A TCP client
  const [tcp_reader, tcp_writer] = yield From(open_connection('127.0.0.1', tcp_port));
  console.log(yield From(ask(tcp_reader, tcp_writer, 'over tcp'))); // OVER TCP

  // A WebSocket client (in a browser: open_connection(host, port, { path: '/chat' }))
  const [reader, writer] = yield From(
    open_connection('127.0.0.1', ws_port, { websocket: true, path: '/chat' }),
  );
  console.log(writer.get_extra_info('url')); // ws://127.0.0.1:<port>/chat
  console.log(yield From(ask(reader, writer, 'over a websocket'))); // OVER A WEBSOCKET

  for (const server of [tcp, ws]) {
    server.close();
    yield From(server.wait_closed());
  }
});

await run(main());
