"""call_soon chain in CPython asyncio: N callbacks, each scheduling the next."""
import asyncio, json, sys, time

params = json.loads(sys.argv[2])
n = params['n']
loop = asyncio.new_event_loop()
count = 0


def step():
    global count
    count += 1
    if count < n:
        loop.call_soon(step)
    else:
        loop.stop()


t0 = time.perf_counter()
loop.call_soon(step)
loop.run_forever()
seconds = time.perf_counter() - t0
loop.close()
print(json.dumps({'seconds': seconds, 'ops': n}))
