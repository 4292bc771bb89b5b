// The browser backend's hooks (platform/browser/scheduler.ts), run under Node's own MessageChannel and performance.
import { afterEach, describe, expect, it } from 'vitest';

import { browser_platform } from '../../platform/browser/platform.js';
import {
  create_message_channel_scheduler,
  type MessageChannelScheduler,
} from '../../platform/browser/scheduler.js';

describe('browser platform: MessageChannel scheduler', () => {
  let scheduler: MessageChannelScheduler | undefined;
  afterEach(() => {
    scheduler?.close(); // an open MessagePort would keep Node's event loop alive
    scheduler = undefined;
  });

  it('runs callbacks later, in FIFO order, never synchronously', async () => {
    scheduler = create_message_channel_scheduler();
    const order: number[] = [];
    const done = new Promise<void>((resolve) => {
      for (let i = 1; i <= 5; i++) scheduler!.schedule(() => order.push(i));
      scheduler!.schedule(resolve);
    });
    expect(order).toEqual([]);
    await done;
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('one message runs only the callbacks queued before it was dispatched', async () => {
    scheduler = create_message_channel_scheduler();
    const s = scheduler;
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      s.schedule(() => {
        order.push('a');
        s.schedule(() => {
          order.push('c (scheduled by a)');
          resolve();
        });
      });
      s.schedule(() => {
        order.push('b');
        // Microtasks run when a host task ends: this lands between the two messages.
        queueMicrotask(() => order.push('end of first message'));
      });
    });
    expect(order).toEqual(['a', 'b', 'end of first message', 'c (scheduled by a)']);
  });

  it('keeps going when scheduled from inside its own callbacks (a self-rescheduling loop)', async () => {
    scheduler = create_message_channel_scheduler();
    const s = scheduler;
    let hops = 0;
    await new Promise<void>((resolve) => {
      const hop = () => (++hops === 200 ? resolve() : s.schedule(hop));
      s.schedule(hop);
    });
    expect(hops).toBe(200);
  });

  it('close() drops queued callbacks', async () => {
    scheduler = create_message_channel_scheduler();
    let ran = false;
    scheduler.schedule(() => (ran = true));
    scheduler.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toBe(false);
  });
});

describe('browser platform: clock, timers, getenv', () => {
  const p = browser_platform;

  it('is named browser', () => {
    expect(p.name).toBe('browser');
  });

  it('set_timer() fires after the delay in seconds; clear_timer() cancels', async () => {
    const start = p.monotonic();
    const cancelled = p.set_timer(() => {
      throw new Error('cancelled timer fired');
    }, 0.005);
    p.clear_timer(cancelled);
    const elapsed = await new Promise<number>((resolve) =>
      p.set_timer(() => resolve(p.monotonic() - start), 0.03),
    );
    expect(elapsed).toBeGreaterThanOrEqual(0.029);
  });

  it('getenv() reads a truthy globalThis property as a string, and nothing else', () => {
    const g = globalThis as Record<string, unknown>;
    try {
      expect(p.getenv('TROLLIUS_TEST_FLAG')).toBeUndefined();
      g['TROLLIUS_TEST_FLAG'] = 1;
      expect(p.getenv('TROLLIUS_TEST_FLAG')).toBe('1');
      g['TROLLIUS_TEST_FLAG'] = true;
      expect(p.getenv('TROLLIUS_TEST_FLAG')).toBe('true');
      g['TROLLIUS_TEST_FLAG'] = 0;
      expect(p.getenv('TROLLIUS_TEST_FLAG')).toBeUndefined();
      g['TROLLIUS_TEST_FLAG'] = '';
      expect(p.getenv('TROLLIUS_TEST_FLAG')).toBeUndefined();
    } finally {
      delete g['TROLLIUS_TEST_FLAG'];
    }
  });
});
