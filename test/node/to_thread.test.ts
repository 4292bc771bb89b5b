// to_thread(): asyncio 3.9's way off the loop, on the loop's own worker pool (or the default executor the program chose).
import { afterEach, describe, expect, it } from 'vitest';

import { From, coroutine } from '../../src/coroutines.js';
import { get_running_loop } from '../../src/event_loop_policy.js';
import { RuntimeError } from '../../src/exceptions.js';
import { SynchronousExecutor, type Executor } from '../../src/executor.js';
import { run } from '../../src/runners.js';
import { to_thread } from '../../src/to_thread.js';

/** Block the worker until the loop stores 1 in cell 0 (at most 5 s): 'ok' if it was opened, 'timed-out' if not. */
function wait_for_gate(cells: Int32Array): string {
  return Atomics.wait(cells, 0, 0, 5000);
}

function open_gate(cells: Int32Array): void {
  Atomics.store(cells, 0, 1);
  Atomics.notify(cells, 0);
}

// A failed test must not leave a worker blocked.
let opened: Int32Array | null = null;
afterEach(() => {
  if (opened !== null) open_gate(opened);
  opened = null;
});

describe('to_thread()', () => {
  it('runs the function on a worker while the loop goes on', async () => {
    const cells = (opened = new Int32Array(new SharedArrayBuffer(4)));
    const outcome = await run(async () => {
      const loop = get_running_loop();
      let ticks = 0;
      const tick = (): void => {
        if (++ticks < 50) loop.call_later(0.001, tick);
        else open_gate(cells);
      };
      loop.call_soon(tick);
      return [await to_thread(wait_for_gate, cells), ticks];
    });
    expect(outcome).toEqual(['ok', 50]);
  });

  it('takes arguments, awaits an async function and gives its result to a coroutine', async () => {
    const main = coroutine(function* () {
      const sum = (yield From(to_thread((a: number, b: number) => a + b, 2, 3))) as number;
      const later = (yield From(to_thread(async (x: number) => x * 10, sum))) as number;
      return later;
    });
    expect(await run(main)).toBe(50);
  });

  it('refuses a generator coroutine function at the call, and fails a closure with a TypeError', async () => {
    const gen = coroutine(function* () {
      yield From(null);
    });
    await run(async () => {
      expect(() => to_thread(gen)).toThrow(/to_thread\(\) cannot run the coroutine function/);
      expect(() => to_thread(42 as never)).toThrow(TypeError);
      const local = 1;
      await expect(to_thread(() => local)).rejects.toThrow(/no closures/);
    });
  });

  it('uses the executor given to set_default_executor()', async () => {
    const calls: string[] = [];
    const mine: Executor = {
      submit(fn, ...args) {
        calls.push(fn.name);
        return new SynchronousExecutor().submit(fn, ...args);
      },
    };
    const result = await run(async () => {
      get_running_loop().set_default_executor(mine);
      return to_thread(function here() {
        return 'ran here';
      });
    });
    expect([result, calls]).toEqual(['ran here', ['here']]);
  });

  it('is refused after shutdown_default_executor(), as run_in_executor(null) is', async () => {
    await run(async () => {
      const loop = get_running_loop();
      expect(await to_thread((x: number) => x, 1)).toBe(1);
      await loop.shutdown_default_executor();
      expect(() => to_thread((x: number) => x, 2)).toThrow(
        new RuntimeError('Executor shutdown has been called'),
      );
    });
  });
});
