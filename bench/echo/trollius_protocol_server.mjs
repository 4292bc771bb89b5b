// Echo server with the trollius Protocol API. Prints its port, serves until killed.
import { Protocol, get_event_loop } from '../../dist/trollius.node.mjs';
import './report_cpu.mjs';

class Echo extends Protocol {
  connection_made(transport) {
    this.transport = transport;
  }
  data_received(data) {
    this.transport.write(data);
  }
}

const loop = get_event_loop();
const server = await loop.run_until_complete(loop.create_server(() => new Echo(), '127.0.0.1', 0));
console.log(server.sockets[0].getsockname()[1]);
await loop.run_forever();
