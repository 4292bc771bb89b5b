"""Echo server with CPython asyncio's Protocol API. Prints its port, serves until killed."""
import asyncio

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


if __name__ == '__main__':
    asyncio.run(main())
