// The ready queue's ring buffer and the timer heap.
import { describe, expect, it } from 'vitest';

import { Deque } from '../../src/deque.js';
import { TimerHeap } from '../../src/heap.js';

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

describe('TimerHeap', () => {
  const entry = (when: number, seq: number) => ({ _when: when, _seq: seq });

  it('pops by deadline, then by scheduling order', () => {
    const heap = new TimerHeap<{ _when: number; _seq: number }>();
    const whens = [5, 1, 3, 1, 9, 0, 3, 3];
    whens.forEach((w, i) => heap.push(entry(w, i)));
    const popped: Array<[number, number]> = [];
    while (heap.length > 0) {
      const e = heap.pop()!;
      popped.push([e._when, e._seq]);
    }
    expect(popped).toEqual([
      [0, 5],
      [1, 1],
      [1, 3],
      [3, 2],
      [3, 6],
      [3, 7],
      [5, 0],
      [9, 4],
    ]);
  });

  it('keeps deadline-then-scheduling order through interleaved pushes and pops with many ties', () => {
    const heap = new TimerHeap<{ _when: number; _seq: number }>();
    const pending: Array<{ _when: number; _seq: number }> = [];
    let x = 7;
    let seq = 0;
    for (let round = 0; round < 2000; round++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const e = entry(x % 10, seq++); // ten deadlines: ties everywhere
      heap.push(e);
      pending.push(e);
      if (round % 3 === 2) {
        pending.sort((a, b) => a._when - b._when || a._seq - b._seq);
        expect(heap.pop()).toBe(pending.shift());
      }
    }
    pending.sort((a, b) => a._when - b._when || a._seq - b._seq);
    const rest = [];
    while (heap.length > 0) rest.push(heap.pop());
    expect(rest).toEqual(pending);
  });

  it('filter() keeps the heap order', () => {
    const heap = new TimerHeap<{ _when: number; _seq: number }>();
    for (let i = 0; i < 50; i++) heap.push(entry((i * 37) % 50, i));
    heap.filter((e) => e._when % 2 === 0);
    const popped: number[] = [];
    while (heap.length > 0) popped.push(heap.pop()!._when);
    expect(popped).toEqual([...Array(25).keys()].map((i) => i * 2));
  });
});
