// Binary min-heaps in typed arrays: TimerHeap (timers by deadline, then scheduling order) and NumberHeap.

/** What the loop's timer structures need of an entry: a deadline and a tie-breaking sequence number. @internal */
export interface TimerEntry {
  _when: number;
  _seq: number;
}

/**
 * Min-heap of timers: the far tier of the loop's `TimerQueue`.
 *
 * Deadlines live in a typed array beside the entries, so sifting compares
 * numbers in contiguous memory instead of loading one object per comparison:
 * with 100k timers that is several times faster. Equal deadlines pop in
 * scheduling order, a stricter, compatible version of asyncio, whose heapq
 * leaves their order unspecified; the sequence numbers are read from the
 * entries only on a tie, which keeps a third array out of every sift.
 * @internal
 */
export class TimerHeap<T extends TimerEntry> {
  private _items: (T | undefined)[] = [];
  private _whens = new Float64Array(64);
  private _length = 0;

  get length(): number {
    return this._length;
  }

  peek(): T | undefined {
    return this._length > 0 ? this._items[0] : undefined;
  }

  /** The earliest deadline, `Infinity` when empty. */
  next_when(): number {
    return this._length > 0 ? this._whens[0]! : Infinity;
  }

  push(item: T): void {
    if (this._length === this._whens.length) this._grow();
    const items = this._items;
    const whens = this._whens;
    const when = item._when;
    let i = this._length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pw = whens[parent]!;
      if (pw < when || (pw === when && items[parent]!._seq < item._seq)) break;
      items[i] = items[parent];
      whens[i] = pw;
      i = parent;
    }
    items[i] = item;
    whens[i] = when;
  }

  pop(): T | undefined {
    if (this._length === 0) return undefined;
    const items = this._items;
    const top = items[0];
    const last = --this._length;
    if (last > 0) this._place(items[last]!, this._whens[last]!);
    items[last] = undefined;
    return top;
  }

  clear(): void {
    this._items = [];
    this._length = 0;
  }

  values(): T[] {
    return this._items.slice(0, this._length) as T[];
  }

  /** Sift `item` down from the root (the slot being filled) to its place. */
  private _place(item: T, when: number): void {
    const items = this._items;
    const whens = this._whens;
    const n = this._length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let cw = whens[child]!;
      const right = child + 1;
      if (right < n) {
        const rw = whens[right]!;
        if (rw < cw || (rw === cw && items[right]!._seq < items[child]!._seq)) {
          child = right;
          cw = rw;
        }
      }
      if (cw > when || (cw === when && items[child]!._seq > item._seq)) break;
      items[i] = items[child];
      whens[i] = cw;
      i = child;
    }
    items[i] = item;
    whens[i] = when;
  }

  private _grow(): void {
    const whens = new Float64Array(this._whens.length * 2);
    whens.set(this._whens);
    this._whens = whens;
  }
}

/**
 * Min-heap of numbers, kept in a `Float64Array` that doubles when full.
 * @internal
 */
export class NumberHeap {
  private _values = new Float64Array(16);
  private _length = 0;

  get length(): number {
    return this._length;
  }

  /** The smallest number, `Infinity` when empty. */
  peek(): number {
    return this._length > 0 ? this._values[0]! : Infinity;
  }

  push(value: number): void {
    if (this._length === this._values.length) {
      const grown = new Float64Array(this._length * 2);
      grown.set(this._values);
      this._values = grown;
    }
    const values = this._values;
    let i = this._length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (values[parent]! <= value) break;
      values[i] = values[parent]!;
      i = parent;
    }
    values[i] = value;
  }

  /** Remove and return the smallest number (`Infinity` when empty). */
  pop(): number {
    if (this._length === 0) return Infinity;
    const values = this._values;
    const top = values[0]!;
    const n = --this._length;
    if (n > 0) {
      const last = values[n]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && values[child + 1]! < values[child]!) child++;
        if (values[child]! >= last) break;
        values[i] = values[child]!;
        i = child;
      }
      values[i] = last;
    }
    return top;
  }

  clear(): void {
    this._length = 0;
  }
}
