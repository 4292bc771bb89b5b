// TimerQueue: the loop's timers (asyncio's `_scheduled`): buckets for those due soon, a heap for the rest.

import { TimerHeap, type TimerEntry } from './heap.js';
import { TimerBuckets } from './timer_buckets.js';

/** Timers due within this many seconds of the loop's time go to the buckets. */
const NEAR_SECONDS = 1;

/**
 * The loop's timers (asyncio keeps `_scheduled` as a heapq list), taken in
 * order of deadline, then of scheduling (`_seq`): a stricter, compatible
 * version of asyncio, whose heapq leaves the order of equal deadlines open.
 *
 * Two tiers split at a horizon (the loop's time plus a second, moved forward
 * by `advance()`): timers due before it sit in per-millisecond buckets, which
 * hand out a burst of due timers cheaply (100k timers due within 50 ms: the
 * timers benchmark a quarter faster than with the heap alone); later ones in
 * a binary heap, cheaper for timeouts that are mostly cancelled before they
 * fall due (buckets alone made those 1.5-2x slower).
 * Every bucketed timer is due before every heaped one, and a timer moves from
 * the heap to the buckets once the horizon passes its deadline.
 * @internal
 */
export class TimerQueue<T extends TimerEntry> {
  private _near = new TimerBuckets<T>();
  private _far = new TimerHeap<T>();
  /** Deadlines before it are near. */
  private _horizon = -Infinity;
  /** Entries in both tiers: a field, since the loop reads it every iteration. */
  length = 0;

  /** The loop's time is `now`: move the horizon to a second after it. */
  advance(now: number): void {
    const horizon = now + NEAR_SECONDS;
    if (!(horizon > this._horizon)) return;
    this._horizon = horizon;
    const far = this._far;
    while (far.next_when() < horizon) this._near.push(far.pop()!);
  }

  push(item: T): void {
    this.length++;
    if (item._when < this._horizon) this._near.push(item);
    else this._far.push(item);
  }

  /** The first entry, `undefined` when empty. */
  peek(): T | undefined {
    return this._near.length > 0 ? this._near.peek() : this._far.peek();
  }

  /** The earliest deadline, `Infinity` when empty. */
  next_when(): number {
    return this._near.length > 0 ? this._near.next_when() : this._far.next_when();
  }

  pop(): T | undefined {
    if (this.length === 0) return undefined;
    this.length--;
    return this._near.length > 0 ? this._near.pop() : this._far.pop();
  }

  /** Drop every entry that `keep` rejects (rare: when most timers were cancelled). */
  filter(keep: (item: T) => boolean): void {
    const kept = this.values().filter(keep);
    this.clear();
    for (const item of kept) this.push(item);
  }

  clear(): void {
    this._near.clear();
    this._far.clear();
    this.length = 0;
  }

  /** The entries, in no particular order. */
  values(): T[] {
    return [...this._near.values(), ...this._far.values()];
  }
}
