"""Timers in CPython asyncio: N call_at callbacks with the benchmark's pseudo-random 0-max_ms delays."""
import asyncio, json, sys, time

params = json.loads(sys.argv[2])
n, max_ms = params['n'], params['max_ms']
x = 12345
delays = []
for _ in range(n):
    x = (x * 1103515245 + 12345) % 2147483648
    delays.append(x / 2147483648 * max_ms)

loop = asyncio.new_event_loop()
late = [0.0] * n
remaining = n


def fire(i, due):
    global remaining
    late[i] = (loop.time() - due) * 1000
    remaining -= 1
    if remaining == 0:
        loop.stop()


t0 = time.perf_counter()
start = loop.time()
for i, d in enumerate(delays):
    due = start + d / 1000
    loop.call_at(due, fire, i, due)
loop.run_forever()
seconds = time.perf_counter() - t0
loop.close()
late.sort()
print(json.dumps({'seconds': seconds, 'ops': n, 'lateness_mean_ms': sum(late) / n,
                  'lateness_p99_ms': late[int(n * 0.99)]}))
