"""Echo server with asyncio's Protocol API on uvloop's event loop (libuv, in Cython).
Prints its port, serves until killed. The server of asyncio_protocol_server.py, on uvloop."""
import asyncio

import uvloop

from asyncio_protocol_server import main

if hasattr(uvloop, 'run'):  # uvloop 0.18+
    uvloop.run(main())
else:
    uvloop.install()
    asyncio.run(main())
