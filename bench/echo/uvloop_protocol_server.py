"""Echo server with asyncio's Protocol API on uvloop's event loop (libuv, in Cython).
Prints its port, serves until killed. The same server as asyncio_protocol_server.py."""
import asyncio

import uvloop

import report_cpu  # noqa: F401  (reports CPU time on SIGUSR2)


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main():
    server = await asyncio.get_running_loop().create_server(Echo, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if hasattr(uvloop, 'run'):  # uvloop 0.18+
    uvloop.run(main())
else:
    uvloop.install()
    asyncio.run(main())
