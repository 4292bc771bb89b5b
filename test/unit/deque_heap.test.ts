// The ready queue's ring buffer, and the loop's timer queue with the heaps and buckets under it.
import { describe, expect, it } from 'vitest';

import { Deque } from '../../src/deque.js';
import { NumberHeap, TimerHeap } from '../../src/heap.js';
import { TimerBuckets } from '../../src/timer_buckets.js';
import { TimerQueue } from '../../src/timer_queue.js';

describe('Deque', () => {
  it('keeps FIFO order across growth and wrap-around', () => {
    const q = new Deque<number>(1);
    const out: number[] = [];
    for (let i = 0; i < 100; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    while (q.length > 0) out.push(q.shift()!);
    expect(out).toEqual([...Array(100).keys()]);
    expect(q.shift()).toBeUndefined();
  });

  it('iterates, peeks and clears', () => {
    const q = new Deque<string>();
    q.push('a');
    q.push('b');
    expect([...q]).toEqual(['a', 'b']);
    expect(q.peek()).toBe('a');
    q.clear();
    expect(q.length).toBe(0);
    expect(q.peek()).toBeUndefined();
  });

  it('remove() takes out one item and keeps the others in order, across wrap-around', () => {
    const q = new Deque<number>(2);
    for (let i = 0; i < 3; i++) q.push(i);
    q.shift();
    q.shift();
    for (let i = 3; i < 6; i++) q.push(i); // 2 3 4 5, wrapped
    expect(q.remove(4)).toBe(true);
    expect(q.remove(7)).toBe(false);
    expect([...q]).toEqual([2, 3, 5]);
    q.push(6);
    expect(q.remove(2)).toBe(true);
    expect([...q]).toEqual([3, 5, 6]);
  });
});

describe('NumberHeap', () => {
  it('pops numbers smallest first, Infinity when empty', () => {
    const heap = new NumberHeap();
    const values = [5, -1, 3, Infinity, 0, 3, -Infinity, 2.5];
    for (let i = 0; i < 10; i++) values.push((i * 7) % 11); // past the first growth
    values.forEach((v) => heap.push(v));
    const popped: number[] = [];
    while (heap.length > 0) popped.push(heap.pop());
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBe(Infinity);
    expect(heap.peek()).toBe(Infinity);
  });
});

type Entry = { _when: number; _seq: number };

/** The same pseudo-random integers on every run (a linear congruential generator). */
function random_ints(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648);
}
type Timers = Pick<
  TimerQueue<Entry>,
  'length' | 'push' | 'pop' | 'peek' | 'next_when' | 'values' | 'clear'
>;

// The same order from each structure: the heap, the buckets, and the two-tier
// queue with its horizon in the middle of the deadlines (timers on both sides).
const TIMER_STRUCTURES: [string, () => Timers][] = [
  ['TimerHeap', () => new TimerHeap<Entry>()],
  ['TimerBuckets', () => new TimerBuckets<Entry>()],
  [
    'TimerQueue',
    () => {
      const queue = new TimerQueue<Entry>();
      queue.advance(0.002); // deadlines before 1.002 s are near
      return queue;
    },
  ],
];

for (const [name, make] of TIMER_STRUCTURES)
  describe(name, () => {
    const entry = (when: number, seq: number): Entry => ({ _when: when, _seq: seq });
    const in_order = (a: Entry, b: Entry) => a._when - b._when || a._seq - b._seq;
    const drain = (queue: Timers) => {
      const out: Entry[] = [];
      while (queue.length > 0) out.push(queue.pop()!);
      return out;
    };

    it('pops by deadline, then by scheduling order', () => {
      const queue = make();
      const whens = [5, 1, 3, 1, 9, 0, 3, 3];
      whens.forEach((w, i) => queue.push(entry(w, i)));
      expect(drain(queue).map((e) => [e._when, e._seq])).toEqual([
        [0, 5],
        [1, 1],
        [1, 3],
        [3, 2],
        [3, 6],
        [3, 7],
        [5, 0],
        [9, 4],
      ]);
      expect(queue.pop()).toBeUndefined();
      expect(queue.peek()).toBeUndefined();
      expect(queue.next_when()).toBe(Infinity);
    });

    it('orders deadlines within one millisecond, and any deadline a number can be', () => {
      const queue = make();
      const whens = [1.0007, 1.0001, 1.0004, 1.0001, -2.5, Infinity, 1e300, -Infinity, 0, -0.0001];
      whens.forEach((w, i) => queue.push(entry(w, i)));
      const expected = whens.map((w, i) => entry(w, i)).sort(in_order);
      expect(queue.peek()).toEqual(expected[0]);
      expect(queue.next_when()).toBe(-Infinity);
      expect(drain(queue)).toEqual(expected);
    });

    it('keeps the order through interleaved pushes and pops, ties everywhere', () => {
      const queue = make();
      const pending: Entry[] = [];
      const random = random_ints(7);
      for (let seq = 0; seq < 3000; seq++) {
        // forty deadlines over four milliseconds: timers join the bucket being read,
        // and buckets earlier than it, in and out of order
        const e = entry(1 + (random() % 40) / 10_000, seq);
        queue.push(e);
        pending.push(e);
        if (seq % 3 === 2) {
          pending.sort(in_order);
          expect(queue.pop()).toBe(pending.shift());
        }
      }
      expect(drain(queue)).toEqual(pending.sort(in_order));
    });

    it('a timer due before the bucket being read comes out first', () => {
      const queue = make();
      queue.push(entry(0.005, 0));
      queue.push(entry(0.0051, 1));
      queue.push(entry(0.006, 2));
      expect(queue.pop()).toEqual(entry(0.005, 0)); // reading the 5 ms bucket
      queue.push(entry(0.001, 3));
      expect(queue.peek()).toEqual(entry(0.001, 3));
      expect(drain(queue).map((e) => e._seq)).toEqual([3, 1, 2]);
    });

    it('equal deadlines pushed out of scheduling order still pop in it', () => {
      const queue = make();
      for (const seq of [5, 2, 9, 1]) queue.push(entry(1, seq));
      expect(drain(queue).map((e) => e._seq)).toEqual([1, 2, 5, 9]);
    });

    it('sorts a large bucket as a whole', () => {
      const queue = make();
      const entries: Entry[] = [];
      const random = random_ints(3);
      for (let seq = 0; seq < 5000; seq++) {
        entries.push(entry(7 + (random() % 997) / 1e6, seq)); // one millisecond, with ties
      }
      entries.forEach((e) => queue.push(e));
      expect(drain(queue)).toEqual([...entries].sort(in_order));
    });

    it('values() lists what is left; clear() empties it', () => {
      const queue = make();
      for (let i = 0; i < 50; i++) queue.push(entry(0.99 + i / 1000, i));
      queue.pop();
      expect(
        queue
          .values()
          .map((e) => e._seq)
          .sort((a, b) => a - b),
      ).toEqual([...Array(49).keys()].map((i) => i + 1));
      queue.clear();
      expect(queue.length).toBe(0);
      expect(queue.pop()).toBeUndefined();
    });
  });

describe('TimerQueue: its two tiers', () => {
  const entry = (when: number, seq: number): Entry => ({ _when: when, _seq: seq });
  const in_order = (a: Entry, b: Entry) => a._when - b._when || a._seq - b._seq;

  it('moves timers to the buckets as the horizon passes them, keeping one order', () => {
    const queue = new TimerQueue<Entry>();
    const pending: Entry[] = [];
    const random = random_ints(11);
    let now = 0;
    for (let seq = 0; seq < 4000; seq++) {
      const e = entry(now + (random() % 3000) / 1000, seq); // due within 3 s: near and far
      queue.push(e);
      pending.push(e);
      if (seq % 4 === 3) {
        now += 0.004;
        queue.advance(now);
        pending.sort(in_order);
        expect(queue.next_when()).toBe(pending[0]!._when);
        expect(queue.pop()).toBe(pending.shift());
      }
    }
    const rest: Entry[] = [];
    while (queue.length > 0) rest.push(queue.pop()!);
    expect(rest).toEqual(pending.sort(in_order));
  });

  it('filter() keeps what it is told to, in order, on both sides of the horizon', () => {
    const queue = new TimerQueue<Entry>();
    queue.advance(0); // near: before 1 s
    for (let i = 0; i < 50; i++) queue.push(entry(((i * 37) % 50) / 25, i)); // 0 to 1.96 s
    queue.filter((e) => e._seq % 2 === 0);
    expect(queue.length).toBe(25);
    const popped: Entry[] = [];
    while (queue.length > 0) popped.push(queue.pop()!);
    expect(popped.map((e) => e._seq)).toEqual(
      [...Array(25).keys()].map((i) => i * 2).sort((a, b) => ((a * 37) % 50) - ((b * 37) % 50)),
    );
  });

  it('a horizon never moves back', () => {
    const queue = new TimerQueue<Entry>();
    queue.advance(10);
    queue.push(entry(10.8, 0)); // before 11 s: near
    queue.advance(5);
    queue.advance(Number.NaN);
    queue.push(entry(10.2, 1)); // still near, so it comes out first
    queue.push(entry(11.5, 2)); // far
    expect([queue.pop(), queue.pop(), queue.pop()].map((e) => e!._seq)).toEqual([1, 0, 2]);
  });
});
