// Python's `<` for the items of a PriorityQueue, and heapq's push and pop on it (asyncio queues.py uses heapq).

type Kind = 'number' | 'string' | 'sequence' | 'bytes' | 'date' | 'other';

function kind_of(x: unknown): Kind {
  switch (typeof x) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return 'number';
    case 'string':
      return 'string';
    case 'object':
      if (Array.isArray(x)) return 'sequence';
      if (x instanceof Uint8Array) return 'bytes';
      if (x instanceof Date) return 'date';
      return 'other';
    default:
      return 'other';
  }
}

function type_name(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'Array';
  if (typeof x === 'object')
    return (x as { constructor?: { name?: string } }).constructor?.name || 'Object';
  return typeof x;
}

/** Compare strings by code point, as Python does (UTF-16 order differs above U+FFFF). */
function string_lt(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral characters) sort after the rest of the BMP.
    x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
    y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    return x < y;
  }
  return a.length < b.length;
}

/** Python's `a == b` for the kinds `py_lt` orders; other objects by identity. */
function py_eq(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  const kind = kind_of(a);
  if (kind !== kind_of(b)) return false;
  switch (kind) {
    case 'number':
      // eslint-disable-next-line eqeqeq -- Python equality across number, bigint and bool
      return (typeof a === 'boolean' ? Number(a) : a) == (typeof b === 'boolean' ? Number(b) : b);
    case 'sequence':
    case 'bytes': {
      const x = a as ArrayLike<unknown>;
      const y = b as ArrayLike<unknown>;
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!py_eq(x[i], y[i])) return false;
      return true;
    }
    case 'date':
      return (a as Date).getTime() === (b as Date).getTime();
    default:
      return false;
  }
}

/**
 * Python's `a < b` for the values a PriorityQueue orders; a `TypeError`
 * (`'<' not supported between instances of 'string' and 'number'`) otherwise.
 */
export function _py_lt(a: unknown, b: unknown): boolean {
  const kind = kind_of(a);
  if (kind === kind_of(b)) {
    switch (kind) {
      case 'number':
        return (a as number) < (b as number);
      case 'string':
        return string_lt(a as string, b as string);
      case 'sequence':
      case 'bytes': {
        // Tuples: the first elements that differ decide; else the shorter one is smaller.
        const x = a as ArrayLike<unknown>;
        const y = b as ArrayLike<unknown>;
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) if (!py_eq(x[i], y[i])) return _py_lt(x[i], y[i]);
        return x.length < y.length;
      }
      case 'date':
        return (a as Date).getTime() < (b as Date).getTime();
    }
  }
  const lt = (a as { __lt__?: unknown } | null | undefined)?.__lt__;
  if (typeof lt === 'function') return Boolean((lt as (other: unknown) => unknown).call(a, b));
  throw new TypeError(
    `'<' not supported between instances of '${type_name(a)}' and '${type_name(b)}'`,
  );
}

// heapq's push and pop, with every comparison made before the array changes,
// so that a TypeError from an incomparable item leaves the heap intact.

/** heapq.heappush. @internal */
export function heap_push<T>(heap: T[], item: T): void {
  // heapq._siftdown(heap, 0, len(heap) - 1): find the slot, then move the parents down.
  let pos = heap.length;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (!_py_lt(item, heap[parent])) break;
    pos = parent;
  }
  let i = heap.length;
  heap.push(item);
  while (i > pos) {
    const parent = (i - 1) >> 1;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[pos] = item;
}

/** heapq.heappop (the caller checks the heap is not empty). @internal */
export function heap_pop<T>(heap: T[]): T {
  const n = heap.length - 1;
  const last = heap[n]!;
  if (n === 0) {
    heap.pop();
    return last;
  }
  // heapq._siftup(heap, 0) on heap[:n] with `last` at the root: walk down the
  // smaller children to a leaf, then bubble `last` back up that path.
  const path = [0];
  let child = 1;
  while (child < n) {
    const right = child + 1;
    if (right < n && !_py_lt(heap[child], heap[right])) child = right;
    path.push(child);
    child = 2 * child + 1;
  }
  // After the moves, path[k - 1] holds heap[path[k]]; `last` lands at path[k].
  let k = path.length - 1;
  while (k > 0 && _py_lt(last, heap[path[k]!])) k--;
  const top = heap[0]!;
  heap.pop();
  for (let j = 1; j <= k; j++) heap[path[j - 1]!] = heap[path[j]!]!;
  heap[path[k]!] = last;
  return top;
}
