"""Task switch in CPython asyncio: two coroutines ping-pong through Futures, N round trips."""
import asyncio, json, sys, time


async def main(n):
    loop = asyncio.get_running_loop()
    slots = {'a': None, 'b': None}

    async def side(mine, theirs):
        for _ in range(n):
            f = loop.create_future()
            slots[mine] = f
            other = slots[theirs]
            if other is not None:
                slots[theirs] = None
                other.set_result(None)
            await f
        if slots[theirs] is not None:
            slots[theirs].set_result(None)

    t0 = time.perf_counter()
    await asyncio.gather(side('a', 'b'), side('b', 'a'))
    return time.perf_counter() - t0


params = json.loads(sys.argv[2])
seconds = asyncio.run(main(params['n']))
print(json.dumps({'seconds': seconds, 'ops': params['n']}))
