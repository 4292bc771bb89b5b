"""Echo server with CPython asyncio streams. Prints its port, serves until killed."""
import asyncio

import report_cpu  # noqa: F401  (reports CPU time on SIGUSR2)


async def handle(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
