// A growable ring buffer: the loop's ready queue, Queue's storage, and the waiters of queues and locks (asyncio uses collections.deque).

/**
 * FIFO queue with O(1) push, shift and unshift and no per-item allocation.
 * @internal
 */
export class Deque<T> {
  private _buf: (T | undefined)[];
  private _head = 0;
  private _mask: number;
  /** Number of items held. */
  length = 0;

  constructor(capacity_log2 = 4) {
    this._buf = new Array<T | undefined>(1 << capacity_log2);
    this._mask = this._buf.length - 1;
  }

  push(item: T): void {
    if (this.length === this._buf.length) this._grow();
    this._buf[(this._head + this.length) & this._mask] = item;
    this.length++;
  }

  /** Add at the front: it comes out next (a Queue gives back an item a cancelled get() dropped). */
  unshift(item: T): void {
    if (this.length === this._buf.length) this._grow();
    this._head = (this._head - 1) & this._mask;
    this._buf[this._head] = item;
    this.length++;
  }

  /** Remove and return the oldest item; `undefined` when empty. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this._buf[this._head];
    this._buf[this._head] = undefined;
    this._head = (this._head + 1) & this._mask;
    this.length--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.length === 0 ? undefined : this._buf[this._head];
  }

  /**
   * Remove the first occurrence of `item`, keeping the others in order; whether
   * it was there. O(n), like asyncio's `deque.remove()`: a waiter leaves its
   * queue this way only when cancelled.
   */
  remove(item: T): boolean {
    const mask = this._mask;
    for (let i = 0; i < this.length; i++) {
      if (this._buf[(this._head + i) & mask] !== item) continue;
      for (let j = i + 1; j < this.length; j++) {
        this._buf[(this._head + j - 1) & mask] = this._buf[(this._head + j) & mask];
      }
      this.length--;
      this._buf[(this._head + this.length) & mask] = undefined;
      return true;
    }
    return false;
  }

  /** Whether `test` holds for every item, oldest first (true when empty). */
  every(test: (item: T) => boolean): boolean {
    for (let i = 0; i < this.length; i++) {
      if (!test(this._buf[(this._head + i) & this._mask] as T)) return false;
    }
    return true;
  }

  clear(): void {
    this._buf.fill(undefined);
    this._head = 0;
    this.length = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this._buf[(this._head + i) & this._mask] as T;
  }

  private _grow(): void {
    const old = this._buf;
    const grown = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.length; i++) grown[i] = old[(this._head + i) & this._mask];
    this._buf = grown;
    this._head = 0;
    this._mask = grown.length - 1;
  }
}
