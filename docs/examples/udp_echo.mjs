// UDP: an echo endpoint and a client endpoint on 127.0.0.1, with DatagramProtocol callbacks.
import { DatagramProtocol, From, coroutine, get_running_loop, run } from 'trollius';

class EchoServer extends DatagramProtocol {
  connection_made(transport) {
    this.transport = transport;
  }
  datagram_received(data, addr) {
    this.transport.sendto(data, addr); // back to the sender
  }
}

class Client extends DatagramProtocol {
  constructor(on_reply) {
    super();
    this.on_reply = on_reply;
  }
  datagram_received(data, addr) {
    this.on_reply.set_result([new TextDecoder().decode(data), addr]);
  }
  error_received(exc) {
    this.on_reply.set_exception(exc);
  }
}

const main = coroutine(function* () {
  const loop = get_running_loop();
  const [server] = yield From(
    loop.create_datagram_endpoint(() => new EchoServer(), { local_addr: ['127.0.0.1', 0] }),
  );
  const server_addr = server.get_extra_info('sockname');

  const reply = loop.create_future();
  const [client] = yield From(
    loop.create_datagram_endpoint(() => new Client(reply), { remote_addr: server_addr }),
  );
  client.sendto(new TextEncoder().encode('ping')); // connected: no address needed
  const [text, from] = yield From(reply);
  console.log(`${text} from port ${from[1]}`); // ping from port <the server's>
  client.close();
  server.close();
});

await run(main());
