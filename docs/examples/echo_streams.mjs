// asyncio's TCP echo server and client with streams, on 127.0.0.1 and a port the system picks.
import { From, coroutine, open_connection, run, start_server } from 'trollius';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The server calls this for each connection with a StreamReader and a StreamWriter.
const handle_echo = coroutine(function* (reader, writer) {
  const data = yield From(reader.read(100));
  const message = decoder.decode(data);
  const addr = writer.get_extra_info('peername');
  console.log(`Received ${JSON.stringify(message)} from ${JSON.stringify(addr)}`);
  console.log(`Send: ${JSON.stringify(message)}`);
  writer.write(data);
  yield From(writer.drain());
  console.log('Close the client socket');
  writer.close();
});

const tcp_echo_client = coroutine(function* (message, port) {
  const [reader, writer] = yield From(open_connection('127.0.0.1', port));
  console.log(`Send: ${JSON.stringify(message)}`);
  writer.write(encoder.encode(message));
  yield From(writer.drain());
  const data = yield From(reader.read(100));
  console.log(`Received: ${JSON.stringify(decoder.decode(data))}`);
  console.log('Close the socket');
  writer.close();
  yield From(writer.wait_closed());
});

const main = coroutine(function* () {
  // Port 0: the system picks a free port; the server's socket tells which.
  const server = yield From(start_server(handle_echo, '127.0.0.1', 0));
  const [host, port] = server.sockets[0].getsockname();
  console.log(`Serving on ${host}:${port}`);
  yield From(tcp_echo_client('Hello World!', port));
  server.close();
  yield From(server.wait_closed());
  console.log('Server closed');
});

await run(main());
