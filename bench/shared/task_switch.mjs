// The task switch, shared by the Node workload and the Chromium page: two sides
// ping-pong `n` round trips, each side making its own wait object, then waking the other.

/** Native async functions and Promises; returns {seconds, ops}. */
export async function native_task_switch(n) {
  const slots = { a: null, b: null };
  const side = async (mine, theirs) => {
    for (let i = 0; i < n; i++) {
      let wake;
      const p = new Promise((r) => (wake = r));
      slots[mine] = wake;
      const other = slots[theirs];
      if (other) {
        slots[theirs] = null;
        other();
      }
      await p;
    }
    if (slots[theirs]) slots[theirs]();
  };
  const t0 = performance.now();
  await Promise.all([side('a', 'b'), side('b', 'a')]);
  return { seconds: (performance.now() - t0) / 1000, ops: n };
}

/** trollius generator coroutines waiting on Futures (`trollius`: the bundle's exports); returns {seconds, ops}. */
export async function trollius_task_switch({ coroutine, new_event_loop }, n) {
  const loop = new_event_loop();
  const slots = { a: null, b: null };
  const side = (mine, theirs) =>
    coroutine(function* () {
      for (let i = 0; i < n; i++) {
        const f = loop.create_future();
        slots[mine] = f;
        const other = slots[theirs];
        if (other) {
          slots[theirs] = null;
          other.set_result(null);
        }
        yield f;
      }
      if (slots[theirs]) slots[theirs].set_result(null);
    });
  const t0 = performance.now();
  const a = loop.create_task(side('a', 'b')());
  const b = loop.create_task(side('b', 'a')());
  await loop.run_until_complete(Promise.all([a, b]));
  const seconds = (performance.now() - t0) / 1000;
  loop.close();
  return { seconds, ops: n };
}
