"""Spawn + gather in CPython asyncio: N tasks each sleep(0) and return a number."""
import asyncio, json, sys, time


async def job(i):
    await asyncio.sleep(0)
    return i


def rss_kib():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * 4


async def main(n):
    global peak
    t0 = time.perf_counter()
    all_jobs = asyncio.gather(*[job(i) for i in range(n)])
    peak = rss_kib()  # every task spawned, none finished
    results = await all_jobs
    assert len(results) == n
    return time.perf_counter() - t0


params = json.loads(sys.argv[2])
base = rss_kib()
peak = base
seconds = asyncio.run(main(params['n']))
print(json.dumps({'seconds': seconds, 'ops': params['n'], 'rss_growth_mb': (peak - base) / 1024}))
