// Echo server with trollius streams (a coroutine per client). Prints its port, serves until killed.
import { From, coroutine, get_event_loop, start_server } from '../../dist/trollius.node.mjs';
import './report_cpu.mjs';

const handle = coroutine(function* (reader, writer) {
  for (;;) {
    const data = yield From(reader.read(65536));
    if (data.length === 0) break;
    writer.write(data);
    yield From(writer.drain());
  }
  writer.close();
});

const loop = get_event_loop();
const server = await loop.run_until_complete(start_server(handle, '127.0.0.1', 0));
console.log(server.sockets[0].getsockname()[1]);
await loop.run_forever();
