// Queue, PriorityQueue, LifoQueue: asyncio's test_queues cases, Python ordering, join accounting and cancellation races.
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  Event,
  From,
  Future,
  JoinableQueue,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  Task,
  ValueError,
  coroutine,
  gather,
  set_event_loop,
  sleep,
  wait,
  wait_for,
  type Coroutine,
} from '../../src/index.js';
import { run_briefly, settle, TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

function spawn<T>(coro: Coroutine<T> | Future<T>): Task<T> | Future<T> {
  return coro instanceof Future ? coro : loop.create_task(coro);
}

describe('Queue basics', () => {
  it('uses the loop it is given (test_ctor_loop)', () => {
    expect(new Queue(0, { loop })._loop).toBe(loop);
    expect(new Queue({ loop })._loop).toBe(loop);
  });

  it('defaults to the current event loop (test_ctor_noloop)', () => {
    set_event_loop(loop);
    expect(new Queue()._loop).toBe(loop);
  });

  it('shows maxsize, items, waiters and unfinished tasks in its repr (test_repr, test_str)', async () => {
    const q = new Queue<number>(0, { loop });
    expect(String(q)).toBe('<Queue maxsize=0>');
    q.put_nowait(1);
    q.put_nowait(2);
    expect(String(q)).toBe('<Queue maxsize=0 _queue=[1, 2] tasks=2>');

    const getters = new Queue<number>(0, { loop });
    const g = getters.get();
    expect(String(getters)).toBe('<Queue maxsize=0 _getters[1]>');
    getters.put_nowait(0);
    expect(await loop.run_until_complete(g)).toBe(0);

    const putters = new Queue<string>(1, { loop });
    putters.put_nowait('a');
    putters.put('b');
    expect(String(putters)).toBe("<Queue maxsize=1 _queue=['a'] _putters[1] tasks=1>");
    expect(String(new LifoQueue(3, { loop }))).toBe('<LifoQueue maxsize=3>');
  });

  it('formats as asyncio does (test_format)', () => {
    for (const cls of [Queue, LifoQueue, PriorityQueue]) {
      const q = new cls(0, { loop });
      expect(q._format()).toBe('maxsize=0');
      q._unfinished_tasks = 2;
      expect(q._format()).toBe('maxsize=0 tasks=2');
    }
  });

  it('is empty until an item is put (test_empty)', () => {
    const q = new Queue<number>(0, { loop });
    expect(q.empty()).toBe(true);
    q.put_nowait(1);
    expect(q.empty()).toBe(false);
    expect(q.get_nowait()).toBe(1);
    expect(q.empty()).toBe(true);
  });

  it('is never full when unbounded, full at maxsize otherwise (test_full)', () => {
    const unbounded = new Queue<number>(0, { loop });
    for (let i = 0; i < 1000; i++) unbounded.put_nowait(i);
    expect(unbounded.full()).toBe(false);
    expect(new Queue(-1, { loop }).full()).toBe(false);
    const q = new Queue<number>(1, { loop });
    q.put_nowait(1);
    expect(q.full()).toBe(true);
  });

  it('returns items in FIFO order (test_order)', () => {
    const q = new Queue<number>(0, { loop });
    for (const i of [1, 3, 2]) q.put_nowait(i);
    expect([q.get_nowait(), q.get_nowait(), q.get_nowait()]).toEqual([1, 3, 2]);
  });

  it('keeps FIFO order across wrap-around and growth of its ring buffer', () => {
    const q = new Queue<number>(0, { loop });
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) q.put_nowait(next++);
      for (let i = 0; i < 5; i++) out.push(q.get_nowait());
    }
    while (!q.empty()) out.push(q.get_nowait());
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('blocks a putter at maxsize until an item is taken (test_maxsize)', async () => {
    const q = new Queue<number>(2, { loop });
    expect(q.maxsize).toBe(2);
    const have_been_put: number[] = [];
    const putter = coroutine(function* () {
      for (let i = 0; i < 3; i++) {
        yield From(q.put(i));
        have_been_put.push(i);
      }
      return true;
    });
    const test = coroutine(function* () {
      const t = loop.create_task(putter());
      yield From(null);
      yield From(sleep(0.01, null, { loop }));
      expect(have_been_put).toEqual([0, 1]);
      expect(q.get_nowait()).toBe(0);
      yield From(sleep(0.01, null, { loop }));
      expect(have_been_put).toEqual([0, 1, 2]);
      expect(q.get_nowait()).toBe(1);
      expect(q.get_nowait()).toBe(2);
      expect(t.result()).toBe(true);
    });
    await loop.run_until_complete(test());
    expect(loop.time()).toBeCloseTo(0.02);
  });

  it('accepts a fractional maxsize (test_float_maxsize)', async () => {
    const q = new Queue<number>(1.3, { loop });
    q.put_nowait(1);
    q.put_nowait(2);
    expect(q.full()).toBe(true);
    expect(() => q.put_nowait(3)).toThrow(QueueFull);

    const q2 = new Queue<number>(1.3, { loop });
    const queue_put = coroutine(function* () {
      yield From(q2.put(1));
      yield From(q2.put(2));
      expect(q2.full()).toBe(true);
    });
    await loop.run_until_complete(queue_put());
  });

  it('refuses a maxsize that is not a number, and treats null as unbounded', () => {
    expect(() => new Queue('3' as unknown as number, { loop })).toThrow(TypeError);
    expect(new Queue(null, { loop }).maxsize).toBe(0);
  });

  it('JoinableQueue is Trollius’ name for Queue', () => {
    expect(JoinableQueue).toBe(Queue);
    expect(new JoinableQueue(0, { loop })).toBeInstanceOf(Queue);
  });

  it('QueueEmpty and QueueFull are errors named as in asyncio, without a message', () => {
    const q = new Queue<number>(1, { loop });
    let empty: unknown;
    try {
      q.get_nowait();
    } catch (e) {
      empty = e;
    }
    expect(empty).toBeInstanceOf(QueueEmpty);
    expect(String(empty)).toBe('QueueEmpty');
    q.put_nowait(1);
    expect(() => q.put_nowait(2)).toThrow(QueueFull);
  });
});

describe('Queue.get', () => {
  it('returns an available item (test_blocking_get)', async () => {
    const q = new Queue<number>(0, { loop });
    q.put_nowait(1);
    const queue_get = coroutine(function* () {
      return yield* From(q.get());
    });
    expect(await loop.run_until_complete(queue_get())).toBe(1);
  });

  // A granted get() is one entry in the loop's ready queue: its turn runs the
  // done callbacks and the task waiting on it, in the order they registered, at
  // the place in the iteration where the loop would have run each of them.
  it('runs what waits on a granted get() in registration order, in the same iteration', async () => {
    const q = new Queue<string>(0, { loop });
    const log: string[] = [];
    const getter = q.get();
    getter.add_done_callback((f) => log.push(`callback ${f.result()}`));
    const consumer = loop.create_task(
      coroutine(function* () {
        log.push(`task ${yield* From(getter)}`);
      })(),
    );
    await run_briefly(loop); // the task now waits on the getter
    getter.add_done_callback(() => log.push('second callback'));
    loop.call_soon(() => log.push('queued before the put'));
    loop.call_soon(() => q.put_nowait('item'));
    loop.call_soon(() => log.push('queued with the put'));
    await loop.run_until_complete(consumer);
    expect(log).toEqual([
      'queued before the put',
      'queued with the put',
      'callback item',
      'task item',
      'second callback',
    ]);
  });

  it('taking an item frees a slot for the oldest putter (test_get_with_putters)', async () => {
    const q = new Queue<number>(1, { loop });
    q.put_nowait(1);
    const putter = q.put(2);
    expect(q._putters.length).toBe(1);
    expect(await loop.run_until_complete(q.get())).toBe(1);
    expect(putter.done()).toBe(true);
    expect(putter.result()).toBeNull();
    expect(q.get_nowait()).toBe(2);
  });

  it('waits for an item put later (test_blocking_get_wait)', async () => {
    const q = new Queue<number>(0, { loop });
    const started = new Event({ loop });
    let finished = false;
    const queue_get = coroutine(function* () {
      started.set();
      const res = yield* From(q.get());
      finished = true;
      return res;
    });
    const queue_put = coroutine(function* () {
      loop.call_later(0.01, () => q.put_nowait(1));
      const t = loop.create_task(queue_get());
      yield From(started.wait());
      expect(finished).toBe(false);
      const res = yield From(t);
      expect(finished).toBe(true);
      return res;
    });
    expect(await loop.run_until_complete(queue_put())).toBe(1);
    expect(loop.time()).toBeCloseTo(0.01);
  });

  it('get_nowait() returns an item (test_nonblocking_get)', () => {
    const q = new Queue<number>(0, { loop });
    q.put_nowait(1);
    expect(q.get_nowait()).toBe(1);
  });

  it('get_nowait() on an empty queue throws QueueEmpty (test_nonblocking_get_exception)', () => {
    expect(() => new Queue(0, { loop }).get_nowait()).toThrow(QueueEmpty);
  });

  it('a get() inside wait_for() gets an item put before the timeout (test_get_cancelled)', async () => {
    const q = new Queue<number>(0, { loop });
    const queue_get = coroutine(function* () {
      return yield From(wait_for(q.get(), 0.051, { loop }));
    });
    const test = coroutine(function* () {
      const t = loop.create_task(queue_get());
      yield From(sleep(0.01, null, { loop }));
      q.put_nowait(1);
      return yield From(t);
    });
    expect(await loop.run_until_complete(test())).toBe(1);
    expect(loop.time()).toBeCloseTo(0.01);
  });

  it('a cancelled getter does not keep the next item from the others (test_get_cancelled_race)', async () => {
    const q = new Queue<string>(0, { loop });
    const t1 = spawn(q.get());
    const t2 = spawn(q.get());
    await run_briefly(loop);
    t1.cancel();
    await run_briefly(loop);
    expect(t1.done()).toBe(true);
    q.put_nowait('a');
    await run_briefly(loop);
    expect(t2.result()).toBe('a');
  });

  it('waiting putters go in in order as items are taken (test_get_with_waiting_putters)', async () => {
    const q = new Queue<string>(1, { loop });
    spawn(q.put('a'));
    spawn(q.put('b'));
    await run_briefly(loop);
    expect(await loop.run_until_complete(q.get())).toBe('a');
    expect(await loop.run_until_complete(q.get())).toBe('b');
  });

  it('await q.get() works in an async function', async () => {
    const q = new Queue<number>(0, { loop });
    loop.call_soon(() => q.put_nowait(42));
    const main = async (): Promise<number> => (await q.get()) + 1;
    expect(await loop.run_until_complete(main())).toBe(43);
  });
});

describe('Queue.put', () => {
  it('does not block on an unbounded queue (test_blocking_put)', async () => {
    const q = new Queue<number>(0, { loop });
    const queue_put = coroutine(function* () {
      return yield* From(q.put(1));
    });
    expect(await loop.run_until_complete(queue_put())).toBeNull();
    expect(q.qsize()).toBe(1);
  });

  it('waits for a slot on a full queue (test_blocking_put_wait)', async () => {
    const q = new Queue<number>(1, { loop });
    const started = new Event({ loop });
    let finished = false;
    const queue_put = coroutine(function* () {
      started.set();
      yield From(q.put(1));
      yield From(q.put(2));
      finished = true;
    });
    const queue_get = coroutine(function* () {
      const t = loop.create_task(queue_put());
      yield From(null);
      loop.call_later(0.01, () => q.get_nowait());
      yield From(started.wait());
      expect(finished).toBe(false);
      yield From(t);
      expect(finished).toBe(true);
    });
    await loop.run_until_complete(queue_get());
    expect(loop.time()).toBeCloseTo(0.01);
  });

  it('put_nowait() adds an item (test_nonblocking_put)', () => {
    const q = new Queue<number>(0, { loop });
    q.put_nowait(1);
    expect(q.get_nowait()).toBe(1);
  });

  it('put_nowait() on a full queue throws QueueFull (test_nonblocking_put_exception)', () => {
    const q = new Queue<number>(1, { loop });
    q.put_nowait(1);
    expect(() => q.put_nowait(2)).toThrow(QueueFull);
  });

  it('a reader cancelled after an item was handed to it gives the item back (test_get_cancel_drop_one_pending_reader)', async () => {
    const q = new Queue<number>(0, { loop });
    const read = coroutine(function* () {
      return yield* From(q.get());
    });
    let reader = loop.create_task(read());
    await loop.run_until_complete(sleep(0.01, null, { loop }));
    q.put_nowait(1);
    q.put_nowait(2);
    reader.cancel();
    try {
      await loop.run_until_complete(reader);
    } catch (e) {
      expect(e).toBeInstanceOf(CancelledError);
      reader = loop.create_task(read());
      await loop.run_until_complete(reader);
    }
    // 2 would mean 1 was dropped
    expect(reader.result()).toBe(1);
  });

  it('an item a cancelled reader gives back goes to the next reader (test_get_cancel_drop_many_pending_readers)', async () => {
    const q = new Queue<number>(0, { loop });
    loop.set_debug(true);
    const reader = coroutine(function* () {
      return yield* From(q.get());
    });
    const reader1 = loop.create_task(reader());
    const reader2 = loop.create_task(reader());
    const reader3 = loop.create_task(reader());
    await loop.run_until_complete(sleep(0.01, null, { loop }));
    q.put_nowait(1);
    q.put_nowait(2);
    reader1.cancel();
    await settle(loop, reader1);
    await loop.run_until_complete(reader3);
    // reader2 was queued before reader3, so it got 2 from the second put_nowait;
    // 1, handed to reader1, went on to reader3 when reader1 was cancelled.
    expect(reader2.result()).toBe(2);
    expect(reader3.result()).toBe(1);
  });

  it('a writer cancelled after its slot was freed adds nothing (test_put_cancel_drop)', async () => {
    const q = new Queue<number>(1, { loop });
    q.put_nowait(1);
    let writer = loop.create_task(
      coroutine(function* () {
        yield From(q.put(2));
      })(),
    );
    await loop.run_until_complete(sleep(0.01, null, { loop }));
    expect(q.get_nowait()).toBe(1);
    writer.cancel();
    try {
      await loop.run_until_complete(writer);
    } catch (e) {
      expect(e).toBeInstanceOf(CancelledError);
      writer = loop.create_task(
        coroutine(function* () {
          yield From(q.put(2));
        })(),
      );
      await loop.run_until_complete(writer);
    }
    expect(q.get_nowait()).toBe(2);
    expect(q.qsize()).toBe(0);
  });

  it('a put() waiting for a getter finishes (test_put_cancelled)', async () => {
    const q = new Queue<number>(0, { loop });
    const queue_put = coroutine(function* () {
      yield From(q.put(1));
      return true;
    });
    const test = coroutine(function* () {
      return yield* From(q.get());
    });
    const t = loop.create_task(queue_put());
    expect(await loop.run_until_complete(test())).toBe(1);
    expect(t.result()).toBe(true);
  });

  it('a cancelled putter lets the next one in (test_put_cancelled_race)', async () => {
    const q = new Queue<string>(1, { loop });
    const put_a = spawn(q.put('a'));
    const put_b = spawn(q.put('b'));
    const put_c = spawn(q.put('X'));
    await run_briefly(loop);
    expect(put_a.done()).toBe(true);
    expect(put_b.done()).toBe(false);
    put_c.cancel();
    await run_briefly(loop);
    expect(put_c.done()).toBe(true);
    expect(q.get_nowait()).toBe('a');
    await run_briefly(loop);
    expect(q.get_nowait()).toBe('b');
    await loop.run_until_complete(put_b);
    expect(q.qsize()).toBe(0);
  });

  it('put() with a waiting getter hands the item over (test_put_with_waiting_getters)', async () => {
    const q = new Queue<string>(0, { loop });
    const t = spawn(q.get());
    await run_briefly(loop);
    await loop.run_until_complete(q.put('a'));
    expect(await loop.run_until_complete(t)).toBe('a');
  });

  it('putters are served in FIFO order, and put_nowait() cannot overtake a freed slot', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('a');
    const pb = q.put('b');
    const pc = q.put('c');
    expect(q.get_nowait()).toBe('a');
    expect(q.full()).toBe(true); // the slot is reserved for b
    expect(() => q.put_nowait('x')).toThrow(QueueFull);
    await loop.run_until_complete(pb);
    expect(q.get_nowait()).toBe('b');
    await loop.run_until_complete(pc);
    expect(q.get_nowait()).toBe('c');
  });
});

describe('cancellation is lossless', () => {
  it('a getter cancelled right after the put that fed it leaves the item in the queue', async () => {
    const q = new Queue<string>(0, { loop });
    const getter = loop.create_task(
      coroutine(function* () {
        return yield* From(q.get());
      })(),
    );
    await run_briefly(loop);
    q.put_nowait('x');
    getter.cancel();
    await settle(loop, getter);
    expect(getter.cancelled()).toBe(true);
    expect(q.qsize()).toBe(1);
    expect(q.get_nowait()).toBe('x');
  });

  it('a getter cancelled right after the put that fed it passes the item to the next getter', async () => {
    const q = new Queue<string>(0, { loop });
    const get = coroutine(function* () {
      return yield* From(q.get());
    });
    const g1 = loop.create_task(get());
    const g2 = loop.create_task(get());
    await run_briefly(loop);
    q.put_nowait('x');
    g1.cancel();
    expect(await loop.run_until_complete(g2)).toBe('x');
    expect(g1.cancelled()).toBe(true);
    expect(q.qsize()).toBe(0);
  });

  it('an item given back goes to the front of the queue', async () => {
    const q = new Queue<string>(0, { loop });
    const g = q.get();
    q.put_nowait('first');
    q.put_nowait('second');
    expect(g.cancel()).toBe(true);
    expect(q.get_nowait()).toBe('first');
    expect(q.get_nowait()).toBe('second');
    expect(q._unfinished_tasks).toBe(2);
  });

  it('a putter cancelled right after the get that freed its slot adds nothing, and the next putter goes in', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('a');
    const put = coroutine(function* (item: string) {
      yield From(q.put(item));
    });
    const pb = loop.create_task(put('b'));
    const pc = loop.create_task(put('c'));
    await run_briefly(loop);
    expect(q.get_nowait()).toBe('a');
    pb.cancel();
    await settle(loop, pc);
    expect(pb.cancelled()).toBe(true);
    expect([...q._queue]).toEqual(['c']);
    expect(q._unfinished_tasks).toBe(2); // a and c
  });

  it('a putter cancelled right after the get that freed its slot gives the slot back when nobody else waits', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('a');
    const pb = q.put('b');
    expect(q.get_nowait()).toBe('a');
    expect(q.full()).toBe(true);
    expect(pb.cancel()).toBe(true);
    expect(q.full()).toBe(false);
    expect(q.qsize()).toBe(0);
    q.put_nowait('z');
    expect(q.get_nowait()).toBe('z');
  });

  it('a put() with a free slot adds its item without suspending its caller, as asyncio does', async () => {
    const q = new Queue<string>(0, { loop });
    const put = coroutine(function* (item: string) {
      yield From(q.put(item));
      return q.qsize();
    });
    const t = loop.create_task(put('a'));
    await run_briefly(loop); // t called put() and went on in the same step
    expect(t.done()).toBe(true);
    expect(t.result()).toBe(1);
    expect(t.cancel()).toBe(false);
    expect(q.qsize()).toBe(1);
    expect(q._unfinished_tasks).toBe(1);
  });

  it('await q.put(x) in an async function resumes with the item already in', async () => {
    const q = new Queue<number>(0, { loop });
    const main = async (): Promise<number> => {
      await q.put(1);
      return q.qsize();
    };
    expect(await loop.run_until_complete(main())).toBe(1);
  });

  it('reading a granted Future delivers it: it can no longer be cancelled', () => {
    const q = new Queue<number>(0, { loop });
    const put = q.put(1);
    expect(put.result()).toBeNull();
    expect(q.qsize()).toBe(1);
    expect(put.cancel()).toBe(false);
    const get = q.get();
    expect(get.result()).toBe(1);
    expect(get.cancel()).toBe(false);
    expect(q.qsize()).toBe(0);
  });

  it('an item that goes straight to a waiting getter frees its slot for the next putter', async () => {
    const q = new Queue<number>(1, { loop });
    const p0 = q.put(0); // reserves the only slot
    const p1 = q.put(1); // waits
    const g = q.get(); // waits: the queue is still empty
    await loop.run_until_complete(p0); // 0 goes straight to g
    expect(g.result()).toBe(0);
    expect(q.qsize()).toBe(0);
    await loop.run_until_complete(p1); // so 1 gets the slot
    expect(q.get_nowait()).toBe(1);
    expect(q._putters.length).toBe(0);
  });

  it('a get() that timed out in wait_for() takes nothing', async () => {
    const q = new Queue<number>(0, { loop });
    await expect(loop.run_until_complete(wait_for(q.get(), 1, { loop }))).rejects.toThrow();
    expect(q._getters.length).toBe(0);
    q.put_nowait(5);
    expect(q.get_nowait()).toBe(5);
  });
});

describe('LifoQueue and PriorityQueue', () => {
  it('LifoQueue returns the newest item first (LifoQueueTests.test_order)', () => {
    const q = new LifoQueue<number>(0, { loop });
    for (const i of [1, 3, 2]) q.put_nowait(i);
    expect([q.get_nowait(), q.get_nowait(), q.get_nowait()]).toEqual([2, 3, 1]);
  });

  it('PriorityQueue returns the smallest item first (PriorityQueueTests.test_order)', () => {
    const q = new PriorityQueue<number>(0, { loop });
    for (const i of [1, 3, 2]) q.put_nowait(i);
    expect([q.get_nowait(), q.get_nowait(), q.get_nowait()]).toEqual([1, 2, 3]);
  });

  it('orders [priority, item] arrays as Python orders tuples', () => {
    const q = new PriorityQueue<unknown[]>(0, { loop });
    const items = [[2, 'b'], [1, 'z'], [2, 'a'], [1, 'z', 0], [0], [1, 'y']];
    for (const item of items) q.put_nowait(item);
    const out = items.map(() => q.get_nowait());
    expect(out).toEqual([[0], [1, 'y'], [1, 'z'], [1, 'z', 0], [2, 'a'], [2, 'b']]);
  });

  it('orders strings by code point, bigints with numbers, booleans as integers', () => {
    const q = new PriorityQueue<unknown>(0, { loop });
    for (const s of ['b', '\u{1F600}', '\uFFFF', 'a']) q.put_nowait(s);
    expect([q.get_nowait(), q.get_nowait(), q.get_nowait(), q.get_nowait()]).toEqual([
      'a',
      'b',
      '\uFFFF',
      '\u{1F600}',
    ]);
    for (const n of [3n, 2.5, true, 0]) q.put_nowait(n);
    expect([q.get_nowait(), q.get_nowait(), q.get_nowait(), q.get_nowait()]).toEqual([
      0,
      true,
      2.5,
      3n,
    ]);
  });

  it('keeps the same heap layout as Python heapq', () => {
    const pushes = [
      10, 4, 12, 20, 1, 2, 17, 3, 11, 18, 1, 16, 6, 1, 2, 13, 13, 2, 7, 2, 17, 13, 1, 18, 3,
    ];
    const q = new PriorityQueue<number>(0, { loop });
    for (const x of pushes) q.put_nowait(x);
    expect(q._queue).toEqual([
      1, 1, 1, 2, 1, 3, 2, 13, 4, 3, 2, 6, 12, 17, 2, 20, 13, 11, 7, 18, 17, 13, 10, 18, 16,
    ]);
    const popped = Array.from({ length: 10 }, () => q.get_nowait());
    expect(popped).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect(q._queue).toEqual([4, 7, 6, 13, 10, 11, 13, 13, 20, 17, 18, 18, 12, 17, 16]);
  });

  it('breaks ties exactly as heapq does, through __lt__', () => {
    class Entry {
      constructor(
        readonly p: number,
        readonly n: number,
      ) {}
      __lt__(other: Entry): boolean {
        return this.p < other.p;
      }
    }
    // prettier-ignore
    const ins: [number, number][] = [
      [1, 0], [0, 1], [3, 2], [0, 3], [1, 4], [0, 5], [1, 6], [2, 7],
      [3, 8], [1, 9], [0, 10], [2, 11], [1, 12], [0, 13], [1, 14],
    ];
    const q = new PriorityQueue<Entry>(0, { loop });
    for (const [p, n] of ins) q.put_nowait(new Entry(p, n));
    const out = ins.map(() => {
      const e = q.get_nowait();
      return [e.p, e.n];
    });
    // prettier-ignore
    expect(out).toEqual([
      [0, 1], [0, 5], [0, 13], [0, 3], [0, 10], [1, 6], [1, 14], [1, 12],
      [1, 4], [1, 9], [1, 0], [2, 11], [2, 7], [3, 8], [3, 2],
    ]);
  });

  it('refuses incomparable items with a TypeError, as Python, and stays unchanged', () => {
    const q = new PriorityQueue<unknown>(0, { loop });
    q.put_nowait(1);
    q.put_nowait(2);
    expect(() => q.put_nowait('x')).toThrow(TypeError);
    expect(() => q.put_nowait('x')).toThrow(
      "'<' not supported between instances of 'string' and 'number'",
    );
    expect(() => q.put_nowait({})).toThrow(TypeError);
    expect(q.qsize()).toBe(2);
    expect(q._unfinished_tasks).toBe(2);
    expect([q.get_nowait(), q.get_nowait()]).toEqual([1, 2]);

    const tuples = new PriorityQueue<unknown[]>(0, { loop });
    tuples.put_nowait([1, 'a']);
    expect(() => tuples.put_nowait([1, 2])).toThrow(TypeError); // 2 < 'a'
    tuples.put_nowait([0, 2]); // decided by the first element
    tuples.put_nowait([1, 'a']); // equal tuples need no further comparison
    expect(tuples.qsize()).toBe(3);
    expect(() => tuples.put_nowait([1, null])).toThrow(
      "'<' not supported between instances of 'null' and 'string'",
    );
  });

  it('a waiting put() of an incomparable item fails with the TypeError when it resumes, and frees its slot', async () => {
    const q = new PriorityQueue<unknown>(2, { loop });
    q.put_nowait(1);
    q.put_nowait(2);
    const bad = q.put('x');
    const good = q.put(3);
    expect(q.get_nowait()).toBe(1);
    await expect(loop.run_until_complete(bad)).rejects.toBeInstanceOf(TypeError);
    await loop.run_until_complete(good);
    expect([q.get_nowait(), q.get_nowait()]).toEqual([2, 3]);
  });

  it('LifoQueue and PriorityQueue give a cancelled getter’s item to the next get', () => {
    for (const q of [new LifoQueue<number>(0, { loop }), new PriorityQueue<number>(0, { loop })]) {
      const g = q.get();
      q.put_nowait(5);
      q.put_nowait(7);
      expect(g.cancel()).toBe(true);
      expect(q.get_nowait()).toBe(5); // given back on top / by priority

      expect(q.get_nowait()).toBe(7);
    }
  });
});

describe('task_done and join', () => {
  for (const cls of [Queue, LifoQueue, PriorityQueue]) {
    describe(cls.name, () => {
      it('task_done() without an unfinished item throws ValueError (test_task_done_underflow)', () => {
        const q = new cls(0, { loop });
        expect(() => q.task_done()).toThrow(ValueError);
        expect(() => q.task_done()).toThrow('task_done() called too many times');
      });

      it('join() resolves once every item is marked done (test_task_done)', async () => {
        const q = new cls<number>(0, { loop });
        for (let i = 0; i < 100; i++) q.put_nowait(i);
        let accumulator = 0;
        let running = true;
        const worker = coroutine(function* () {
          while (running) {
            const item: number = yield* From(q.get());
            accumulator += item;
            q.task_done();
          }
        });
        const test = coroutine(function* () {
          const tasks = [0, 1].map(() => loop.create_task(worker()));
          yield From(q.join());
          return tasks;
        });
        const tasks = await loop.run_until_complete<Task<void>[]>(test());
        expect(accumulator).toBe(4950);
        running = false;
        for (let i = 0; i < tasks.length; i++) q.put_nowait(0);
        await loop.run_until_complete(wait(tasks, { loop }));
      });

      it('join() on an empty queue resolves at once (test_join_empty_queue)', async () => {
        const q = new cls(0, { loop });
        const join = coroutine(function* () {
          yield From(q.join());
          yield From(q.join());
        });
        await loop.run_until_complete(join());
      });
    });
  }

  it('a put() that had to wait counts as unfinished too (3.5.1 behaviour, pitfall 5)', async () => {
    const q = new Queue<number>(1, { loop });
    q.put_nowait(0);
    const blocked = q.put(1);
    expect(q._unfinished_tasks).toBe(1);
    expect(q.get_nowait()).toBe(0);
    await loop.run_until_complete(blocked);
    expect(q._unfinished_tasks).toBe(2);
    q.task_done();
    const joined = q.join();
    await run_briefly(loop, 2);
    expect(joined.done()).toBe(false);
    expect(q.get_nowait()).toBe(1);
    q.task_done();
    await loop.run_until_complete(joined);
    expect(() => q.task_done()).toThrow(ValueError);
  });

  it('a cancelled put() does not count, a given-back item is not counted twice', async () => {
    const q = new Queue<number>(1, { loop });
    q.put_nowait(0);
    const blocked = q.put(1);
    blocked.cancel();
    expect(q._unfinished_tasks).toBe(1);
    const g = new Queue<number>(0, { loop });
    const getter = g.get();
    g.put_nowait(9);
    getter.cancel();
    expect(g._unfinished_tasks).toBe(1);
  });

  it('a cancelled join() leaves the others waiting', async () => {
    const q = new Queue<number>(0, { loop });
    q.put_nowait(1);
    const j1 = q.join();
    const j2 = q.join();
    expect(j1.cancel()).toBe(true);
    expect(q._join_waiters.size).toBe(1);
    q.get_nowait();
    q.task_done();
    expect(await loop.run_until_complete(j2)).toBeNull();
    expect(j1.cancelled()).toBe(true);
  });
});

describe('a result dropped by a cancelled task goes back', () => {
  it('puts the item back when a wait_for(get()) task is cancelled before it resumes', async () => {
    const q = new Queue<string>(0, { loop });
    let got: string | null = null;
    const task = loop.create_task(
      coroutine(function* () {
        got = yield From(wait_for(q.get(), 10, { loop }));
      })(),
    );
    await run_briefly(loop);
    q.put_nowait('item');
    await run_briefly(loop);
    task.cancel();
    await run_briefly(loop, 3);
    expect(task.cancelled()).toBe(true);
    expect(got).toBeNull();
    expect(q.qsize()).toBe(1);
    expect(q.get_nowait()).toBe('item');
  });
});

describe('keyword options are checked', () => {
  for (const Kind of [Queue, LifoQueue, PriorityQueue]) {
    it(`new ${Kind.name}({maxsize: 1}) is bounded, as ${Kind.name}(maxsize=1)`, () => {
      const q = new Kind<number>({ maxsize: 1, loop });
      expect(q.maxsize).toBe(1);
      expect(q._loop).toBe(loop);
      q.put_nowait(1);
      expect(q.full()).toBe(true);
      expect(() => q.put_nowait(2)).toThrow(QueueFull);
    });
  }

  it('a maxsize given twice or of the wrong type, an unknown key or a bad loop is a TypeError at the call', () => {
    expect(() => new Queue(1, { maxsize: 2, loop })).toThrow(
      new TypeError("Queue() got multiple values for argument 'maxsize'"),
    );
    expect(() => new LifoQueue({ maxsize: '1' } as never)).toThrow(
      new TypeError("LifoQueue() argument 'maxsize' must be number or null, not '1'"),
    );
    expect(() => new PriorityQueue({ max_size: 1, loop } as never)).toThrow(
      new TypeError("PriorityQueue() got an unexpected keyword argument 'max_size'"),
    );
    expect(() => new Queue({ loop: 'loop' } as never)).toThrow(
      new TypeError("Queue() argument 'loop' must be object or null, not 'loop'"),
    );
    expect(new Queue(null, { maxsize: 3, loop }).maxsize).toBe(3);
    expect(new Queue({ loop }).maxsize).toBe(0);
  });
});

describe('a put() whose item went in is never reported cancelled', () => {
  const wrappers = {
    'wait_for()': (f: Future<null>) => wait_for(f, 10, { loop }),
    'gather()': (f: Future<null>) => gather([f], { loop }),
  };
  for (const [name, wrap] of Object.entries(wrappers)) {
    it(`a task cancelled after put() through ${name} completed, before it resumed, sees the put done`, async () => {
      const q = new Queue<string>(1, { loop });
      q.put_nowait('first');
      let outcome = 'waiting';
      const task = spawn(
        coroutine(function* () {
          try {
            yield From(wrap(q.put('second')));
            outcome = 'put';
          } catch (error) {
            outcome = error instanceof CancelledError ? 'cancelled' : String(error);
          }
        })(),
      ) as Task<void>;
      await run_briefly(loop);
      expect(q.get_nowait()).toBe('first'); // frees the slot: the put goes in
      for (let i = 0; i < 5 && task._fut_waiter?._state !== 'FINISHED'; i++) {
        await run_briefly(loop);
      }
      expect(task._fut_waiter?._state).toBe('FINISHED');
      task.cancel(); // before the task could take the result
      await run_briefly(loop, 3);
      expect(outcome).toBe('put');
      expect([...q._queue]).toEqual(['second']);
    });
  }

  it('a put() cancelled before its item went in adds nothing, through wait_for() too', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('first');
    let outcome = 'waiting';
    const task = spawn(
      coroutine(function* () {
        try {
          yield From(wait_for(q.put('second'), 10, { loop }));
          outcome = 'put';
        } catch (error) {
          outcome = error instanceof CancelledError ? 'cancelled' : String(error);
        }
      })(),
    ) as Task<void>;
    await run_briefly(loop);
    q.get_nowait(); // grants the slot; the item goes in when the put is delivered
    task.cancel(); // before that
    await run_briefly(loop, 3);
    expect(outcome).toBe('cancelled');
    expect(q.empty()).toBe(true);
    expect(q._reserved).toBe(0);
  });
});
