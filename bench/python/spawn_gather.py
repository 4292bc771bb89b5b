"""Spawn + gather in CPython asyncio: N tasks each sleep(0) and return a number."""
import asyncio, json, resource, sys, time


async def job(i):
    await asyncio.sleep(0)
    return i


async def main(n):
    t0 = time.perf_counter()
    results = await asyncio.gather(*[job(i) for i in range(n)])
    assert len(results) == n
    return time.perf_counter() - t0


params = json.loads(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
seconds = asyncio.run(main(params['n']))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'seconds': seconds, 'ops': params['n'], 'rss_growth_mb': (peak - base) / 1024}))
