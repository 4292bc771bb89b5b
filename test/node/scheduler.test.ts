// The Node backend's scheduling hooks (platform/node/scheduler.ts) and its installation by the node entry.
import { afterEach, describe, expect, it } from 'vitest';

import { node_platform } from '../../platform/node/platform.js';
import { delay_to_ms, MAX_TIMER_DELAY_MS } from '../../platform/node/scheduler.js';
import { get_platform } from '../../src/platform.js';

const p = node_platform;

/** Resolve after `ms` of wall time (plain setTimeout, independent of the code under test). */
const wait_ms = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('node platform', () => {
  it('is the installed platform once the node entry is imported (test/support/setup.ts)', () => {
    expect(get_platform()).toBe(node_platform);
    expect(p.name).toBe('node');
  });

  it('schedule() runs callbacks later, in FIFO order, never synchronously', async () => {
    const order: number[] = [];
    const done = new Promise<void>((resolve) => {
      p.schedule(() => order.push(1));
      p.schedule(() => order.push(2));
      p.schedule(() => {
        order.push(3);
        resolve();
      });
    });
    expect(order).toEqual([]);
    await done;
    expect(order).toEqual([1, 2, 3]);
  });

  it('schedule() lets I/O and promise jobs run between host turns (setImmediate, not a microtask)', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      p.schedule(() => {
        order.push('first');
        void Promise.resolve().then(() => order.push('microtask'));
        p.schedule(() => {
          order.push('second');
          resolve();
        });
      });
    });
    expect(order).toEqual(['first', 'microtask', 'second']);
  });

  it('set_timer() fires once after the delay in seconds, measured on monotonic()', async () => {
    const start = p.monotonic();
    const elapsed = await new Promise<number>((resolve) =>
      p.set_timer(() => resolve(p.monotonic() - start), 0.03),
    );
    expect(elapsed).toBeGreaterThanOrEqual(0.029);
    expect(elapsed).toBeLessThan(5);
  });

  it('set_timer() timers keep the process alive (not unref()ed)', () => {
    const token = p.set_timer(() => {}, 10) as NodeJS.Timeout;
    try {
      expect(token.hasRef()).toBe(true);
    } finally {
      p.clear_timer(token);
    }
  });

  it('clear_timer() cancels a pending timer, and ignores one that already fired', async () => {
    let fired = 0;
    const token = p.set_timer(() => fired++, 0.005);
    p.clear_timer(token);
    await wait_ms(30);
    expect(fired).toBe(0);

    const done = p.set_timer(() => fired++, 0);
    await wait_ms(20);
    expect(fired).toBe(1);
    expect(() => p.clear_timer(done)).not.toThrow();
  });

  it('set_timer() treats a negative or NaN delay as 0', async () => {
    const fired: string[] = [];
    p.set_timer(() => fired.push('negative'), -1);
    p.set_timer(() => fired.push('nan'), Number.NaN);
    await wait_ms(30);
    expect(fired.sort()).toEqual(['nan', 'negative']);
  });

  it('set_timer() clamps delays beyond setTimeout’s range instead of firing at once', async () => {
    expect(delay_to_ms(1e9)).toBe(MAX_TIMER_DELAY_MS);
    expect(delay_to_ms(0.0001)).toBe(1); // rounded up: a timer never fires before its deadline
    let fired = false;
    const token = p.set_timer(() => (fired = true), 1e9);
    await wait_ms(20);
    p.clear_timer(token);
    expect(fired).toBe(false);
  });

  it('monotonic() counts seconds and never goes back', async () => {
    const a = p.monotonic();
    await wait_ms(20);
    const b = p.monotonic();
    expect(b - a).toBeGreaterThanOrEqual(0.015);
    expect(b - a).toBeLessThan(5);
    expect(p.clock_resolution).toBe(1e-6);
  });

  describe('getenv()', () => {
    afterEach(() => {
      delete process.env['TROLLIUS_TEST_VAR'];
    });

    it('reads process.env and returns undefined when unset', () => {
      expect(p.getenv('TROLLIUS_TEST_VAR')).toBeUndefined();
      process.env['TROLLIUS_TEST_VAR'] = '1';
      expect(p.getenv('TROLLIUS_TEST_VAR')).toBe('1');
    });
  });
});

describe('watch_for_hang()', () => {
  it('runs each check once, from one shared beforeExit listener, then removes it', () => {
    const before = process.listeners('beforeExit');
    const runs = [0, 0, 0];
    runs.forEach((_, i) => p.watch_for_hang(() => runs[i]!++));
    const added = process.listeners('beforeExit').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1); // many loops never pile up listeners
    (added[0] as () => void)();
    expect(runs).toEqual([1, 1, 1]);
    expect(process.listeners('beforeExit')).toEqual(before);
  });

  it('runs a check after HANG_CHECK_SECONDS when the process stays alive', async () => {
    let ran = 0;
    p.watch_for_hang(() => ran++);
    await wait_ms(1100);
    expect(ran).toBe(1);
  });
});
