// A binary min-heap of timer handles, ordered by deadline then by scheduling order.

/** What the heap needs of an entry: a deadline and a tie-breaking sequence number. @internal */
export interface HeapEntry {
  _when: number;
  _seq: number;
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  // Equal deadlines run in scheduling order: a stricter, compatible version of
  // asyncio, whose heapq leaves their order unspecified.
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/** Min-heap of timers (asyncio keeps `_scheduled` as a heapq list). @internal */
export class TimerHeap<T extends HeapEntry> {
  private _items: T[] = [];

  get length(): number {
    return this._items.length;
  }

  peek(): T | undefined {
    return this._items[0];
  }

  push(item: T): void {
    const items = this._items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this._items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) this._sift_down(last);
    return top;
  }

  /** Drop every entry that `keep` rejects, then restore the heap order in O(n). */
  filter(keep: (item: T) => boolean): void {
    const kept = this._items.filter(keep);
    this._items = kept;
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this._sift_down(kept[i]!, i);
  }

  clear(): void {
    this._items = [];
  }

  values(): readonly T[] {
    return this._items;
  }

  private _sift_down(item: T, start = 0): void {
    const items = this._items;
    const n = items.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(items[child + 1]!, items[child]!)) child++;
      if (!before(items[child]!, item)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = item;
  }
}
