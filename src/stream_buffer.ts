// The byte buffer under a StreamReader: the chunks fed in, and the bytearray operations and separator search its reads use (asyncio streams.py).

import type { _LoopInternals } from './loop_internals.js';

/**
 * The buffered bytes of a `StreamReader`, with the `bytearray` operations
 * asyncio's reader uses on its `_buffer` (`find`, `startswith`, taking or
 * deleting a prefix) and the separator search of its readuntil() loop, for
 * one separator or several. The bytes stay in the chunks they came in, so
 * feeding copies nothing and a read that lies in one chunk returns a view of it.
 *
 * `StreamReader` extends it, so that the hot read paths reach the buffer's
 * fields without an indirection. (Not tagged internal itself: the published
 * `StreamReader` declaration names it as its base class, and `stripInternal`
 * drops any declaration whose comment contains the tag's text.)
 */
export class _StreamBuffer {
  /** @internal */ readonly _loop: _LoopInternals;
  /** @internal The buffered chunks; the first is read from `_head` on. */ _chunks: Uint8Array[] =
    [];
  /** @internal */ _head = 0;
  /** @internal Buffered bytes (the sum of the chunks, minus `_head`). */ _size = 0;
  /**
   * Where the separator search resumes (asyncio's `offset` in readuntil):
   * no separator begins before it. After a match, where the match ends.
   * @internal
   */
  protected _offset = 0;

  /**
   * @param loop - the loop whose platform allocates the bytes it returns.
   * @internal
   */
  constructor(loop: _LoopInternals) {
    this._loop = loop;
  }

  /** Add bytes at the front (`buffer[0:0] = data`); they are read first. @internal */
  protected _prepend(data: Uint8Array): void {
    if (this._head > 0) {
      this._chunks[0] = this._chunks[0]!.subarray(this._head);
      this._head = 0;
    }
    this._chunks.unshift(data);
    this._size += data.length;
  }

  /**
   * Remove the first `n` bytes (`n <= _size`) and return them, as a view when
   * they lie in one chunk.
   * @internal
   */
  protected _take(n: number): Uint8Array {
    const chunks = this._chunks;
    const first = chunks[0];
    if (first === undefined || n === 0) return this._loop._platform.alloc_bytes(0);
    const head = this._head;
    const available = first.length - head;
    this._size -= n;
    if (n <= available) {
      if (n === available) {
        chunks.shift();
        this._head = 0;
        return head === 0 ? first : first.subarray(head);
      }
      this._head = head + n;
      return first.subarray(head, head + n);
    }
    const out = this._loop._platform.alloc_bytes(n);
    let at = 0;
    while (at < n) {
      const chunk = chunks[0]!;
      const start = at === 0 ? head : 0;
      const want = n - at;
      const have = chunk.length - start;
      if (have <= want) {
        out.set(start === 0 ? chunk : chunk.subarray(start), at);
        at += have;
        chunks.shift();
      } else {
        out.set(chunk.subarray(start, start + want), at);
        this._head = start + want;
        return out;
      }
    }
    this._head = 0;
    return out;
  }

  /** Drop the first `n` bytes (all when `n >= _size`). @internal */
  protected _discard(n: number): void {
    if (n >= this._size) {
      this._chunks = [];
      this._head = 0;
      this._size = 0;
    } else {
      this._take(n);
    }
  }

  /** The buffer's byte at `index` (< `_size`). */
  private _byte_at(index: number): number {
    let i = index + this._head;
    for (const chunk of this._chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return -1;
  }

  /** The index of `sep` in the buffer at or after `start`, or -1 (bytearray.find). */
  private _find(sep: Uint8Array, start: number): number {
    const seplen = sep.length;
    const first_byte = sep[0]!;
    const last_start = this._size - seplen;
    let base = -this._head; // buffer index of the current chunk's byte 0
    for (const chunk of this._chunks) {
      const chunk_end = base + chunk.length;
      let i = Math.max(start, base, 0);
      while (i < chunk_end && i <= last_start) {
        const local = chunk.indexOf(first_byte, i - base);
        if (local === -1) break;
        i = base + local;
        if (i > last_start) return -1;
        if (seplen === 1 || this._matches_at(sep, i, chunk, base)) return i;
        i++;
      }
      base = chunk_end;
    }
    return -1;
  }

  /** Whether `sep` is at buffer index `at`, whose first byte is in `chunk` (starting at buffer index `base`). */
  private _matches_at(sep: Uint8Array, at: number, chunk: Uint8Array, base: number): boolean {
    for (let k = 1; k < sep.length; k++) {
      const j = at + k - base;
      const byte = j < chunk.length ? chunk[j]! : this._byte_at(at + k);
      if (byte !== sep[k]) return false;
    }
    return true;
  }

  /**
   * One search of asyncio's readuntil() loop: where `sep` begins at or after
   * `_offset`, with `_offset` moved to where it ends; or -1, with `_offset`
   * moved to where it may still begin once more data comes.
   * @internal
   */
  protected _search(sep: Uint8Array): number {
    const seplen = sep.length;
    if (this._size - this._offset < seplen) return -1;
    const at = this._find(sep, this._offset);
    if (at === -1) {
      // The separator may still begin in the last seplen - 1 bytes.
      this._offset = this._size + 1 - seplen;
      return -1;
    }
    this._offset = at + seplen;
    return at;
  }

  /**
   * `_search()` for several separators, sorted by length (asyncio 3.13): the
   * match that ends first wins, the shorter separator when two end together,
   * and its start is returned.
   * @internal
   */
  protected _search_any(seps: readonly Uint8Array[]): number {
    if (this._size - this._offset < seps[0]!.length) return -1;
    let start = -1;
    let end = -1;
    for (const sep of seps) {
      const at = this._find(sep, this._offset);
      if (at !== -1 && (end === -1 || at + sep.length < end)) {
        start = at;
        end = at + sep.length;
      }
    }
    if (end === -1) {
      // The longest separator may still begin in the last max_seplen - 1
      // bytes; in a buffer shorter than it, from byte 0 on.
      this._offset = Math.max(0, this._size + 1 - seps[seps.length - 1]!.length);
      return -1;
    }
    this._offset = end;
    return start;
  }

  /** Whether the buffer starts with `sep` at index `at` (bytearray.startswith(sep, at)). @internal */
  protected _starts_with(sep: Uint8Array, at: number): boolean {
    if (at + sep.length > this._size) return false;
    for (let k = 0; k < sep.length; k++) if (this._byte_at(at + k) !== sep[k]) return false;
    return true;
  }

  /** `b''.join(blocks)`: the one block itself, else a copy of them all. @internal */
  protected _concat(blocks: Uint8Array[]): Uint8Array {
    if (blocks.length === 1) return blocks[0]!;
    let total = 0;
    for (const block of blocks) total += block.length;
    const out = this._loop._platform.alloc_bytes(total);
    let at = 0;
    for (const block of blocks) {
      out.set(block, at);
      at += block.length;
    }
    return out;
  }
}
