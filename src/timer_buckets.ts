// TimerBuckets: timers in deadline order, kept in one bucket per millisecond of deadline (the near tier of TimerQueue).

import { NumberHeap, type TimerEntry } from './heap.js';

/** Buckets per second of deadline (loop times are in seconds). */
const BUCKETS_PER_SECOND = 1000;

/** The entries whose deadlines fall in one millisecond, once there are two (or it is read). */
class Bucket<T extends TimerEntry> {
  /** The entries; those before `head` were taken (and cleared). */
  items: (T | undefined)[];
  head = 0;
  /** Whether the entries from `head` on are in order. */
  sorted = true;

  constructor(
    readonly key: number,
    entry: T,
  ) {
    this.items = [entry];
  }
}

/** Whether `a` runs before `b`: the earlier deadline, then the earlier scheduling. */
function precedes(a: TimerEntry, b: TimerEntry): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/**
 * Timers in order of deadline, then of scheduling (`_seq`), for deadlines
 * close together. A binary heap of 100k timers pays a cache miss per level on
 * each pop; here a push appends the timer to the bucket of its deadline's
 * millisecond, a small heap orders the buckets, and a bucket is sorted once,
 * when it becomes the earliest (a merge sort over its deadlines copied to a
 * typed array). The earliest bucket is kept sorted as timers join it. A
 * millisecond with one timer holds the timer itself, not a bucket.
 * @internal
 */
export class TimerBuckets<T extends TimerEntry> {
  /** By key: the bucket, or the one entry of a millisecond that has one. */
  private _buckets = new Map<number, Bucket<T> | T>();
  /** The keys of the buckets (their deadlines' millisecond). */
  private _keys = new NumberHeap();
  /** The bucket of the smallest key, sorted; `null` until looked up again. */
  private _first: Bucket<T> | null = null;
  private _length = 0;

  get length(): number {
    return this._length;
  }

  push(item: T): void {
    this._length++;
    const key = Math.floor(item._when * BUCKETS_PER_SECOND);
    const first = this._first;
    if (first !== null && first.key === key) return add_to_first(first, item);
    const found = this._buckets.get(key);
    if (found === undefined) {
      this._buckets.set(key, item);
      this._keys.push(key);
      if (first !== null && key < first.key) this._first = null; // not the earliest any more
    } else if (found instanceof Bucket) {
      const items = found.items;
      if (found.sorted && items.length > found.head && precedes(item, items[items.length - 1]!)) {
        found.sorted = false;
      }
      items.push(item);
    } else {
      const bucket = new Bucket<T>(key, found);
      bucket.items.push(item);
      bucket.sorted = precedes(found, item);
      this._buckets.set(key, bucket);
    }
  }

  /** The first entry, `undefined` when empty. */
  peek(): T | undefined {
    if (this._length === 0) return undefined;
    const front = this._front();
    return front instanceof Bucket ? front.items[front.head] : front;
  }

  /** The earliest deadline, `Infinity` when empty. */
  next_when(): number {
    if (this._length === 0) return Infinity;
    const front = this._front();
    return front instanceof Bucket ? front.items[front.head]!._when : front._when;
  }

  pop(): T | undefined {
    if (this._length === 0) return undefined;
    this._length--;
    const front = this._front();
    if (!(front instanceof Bucket)) {
      this._buckets.delete(this._keys.pop());
      return front;
    }
    const item = front.items[front.head]!;
    front.items[front.head++] = undefined;
    if (front.head === front.items.length) {
      this._buckets.delete(this._keys.pop());
      this._first = null;
    }
    return item;
  }

  clear(): void {
    this._buckets = new Map();
    this._keys.clear();
    this._first = null;
    this._length = 0;
  }

  /** The entries, in no particular order. */
  values(): T[] {
    const out: T[] = [];
    for (const found of this._buckets.values()) {
      if (!(found instanceof Bucket)) out.push(found);
      else for (let i = found.head; i < found.items.length; i++) out.push(found.items[i]!);
    }
    return out;
  }

  /**
   * What the smallest key holds (the queue is not empty): a bucket, sorted and
   * kept as `_first`, or a lone entry.
   */
  private _front(): Bucket<T> | T {
    if (this._first !== null) return this._first;
    const found = this._buckets.get(this._keys.peek())!;
    if (!(found instanceof Bucket)) return found;
    if (!found.sorted) {
      found.items = sort_entries(found.items.slice(found.head) as T[]);
      found.head = 0;
      found.sorted = true;
    }
    return (this._first = found);
  }
}

/** Add `item` to the earliest bucket, which stays in order. */
function add_to_first<T extends TimerEntry>(bucket: Bucket<T>, item: T): void {
  const items = bucket.items;
  if (items.length === bucket.head || !precedes(item, items[items.length - 1]!)) {
    items.push(item);
    return;
  }
  let lo = bucket.head;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (precedes(item, items[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  items.splice(lo, 0, item);
}

/** Runs this short are sorted by insertion before the merge passes. */
const RUN = 16;

/**
 * `entries` in order: a merge sort of their indices that compares deadlines
 * copied to a typed array (contiguous numbers rather than one object load per
 * comparison), reading `_seq` only on equal deadlines.
 */
function sort_entries<T extends TimerEntry>(entries: T[]): T[] {
  const n = entries.length;
  const whens = new Float64Array(n);
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    whens[i] = entries[i]!._when;
    order[i] = i;
  }
  const before = (a: number, b: number): boolean =>
    whens[a]! < whens[b]! || (whens[a] === whens[b] && entries[a]!._seq < entries[b]!._seq);
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= lo && before(x, order[j]!)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  let spare = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi)
        spare[k++] = before(order[j]!, order[i]!) ? order[j++]! : order[i++]!;
      while (i < mid) spare[k++] = order[i++]!;
      while (j < hi) spare[k++] = order[j++]!;
    }
    const merged = spare;
    spare = order;
    order = merged;
  }
  const sorted = new Array<T>(n);
  for (let i = 0; i < n; i++) sorted[i] = entries[order[i]!]!;
  return sorted;
}
