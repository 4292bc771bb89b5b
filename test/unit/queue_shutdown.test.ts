// Queue.shutdown() and QueueShutDown (asyncio 3.13): test_queues' shutdown cases, and shutdown racing the lossless waiters.
import { describe, expect, it } from 'vitest';

import {
  From,
  Future,
  JoinableQueue,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  ValueError,
  coroutine,
  sleep,
  wait_for,
} from '../../src/index.js';
import { TestLoop, run_briefly, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

/** Run the loop until `future` is done and return what it failed with (or its result). */
async function outcome(future: Future<unknown>): Promise<unknown> {
  return loop.run_until_complete(future).catch((error: unknown) => error);
}

const get_task = <T>(q: Queue<T>) =>
  loop.create_task(
    coroutine(function* () {
      return yield* From(q.get());
    })(),
  );

const put_task = <T>(q: Queue<T>, item: T) =>
  loop.create_task(
    coroutine(function* () {
      yield From(q.put(item));
    })(),
  );

describe('QueueShutDown', () => {
  it('is an Error named QueueShutDown with no message, as asyncio raises it', () => {
    const error = new QueueShutDown();
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QueueShutDown');
    expect(String(error)).toBe('QueueShutDown');
  });
});

const QUEUE_CLASSES: [string, typeof Queue][] = [
  ['Queue', Queue],
  ['LifoQueue', LifoQueue],
  ['PriorityQueue', PriorityQueue],
];

for (const [name, cls] of QUEUE_CLASSES) {
  describe(`${name}.shutdown() (${name}ShutdownTests)`, () => {
    it('shows shutdown in its format (test_format)', () => {
      const q = new cls(0, { loop });
      q.shutdown();
      expect(q._format()).toBe('maxsize=0 shutdown');
    });

    it('fails a blocked get() and every later put and get when empty (test_shutdown_empty)', async () => {
      const q = new cls<string>(0, { loop });
      const getter = get_task(q);
      await run_briefly(loop);
      q.shutdown(false);
      expect(q.qsize()).toBe(0);
      expect(await outcome(q.join())).toBeNull();
      expect(await outcome(getter)).toBeInstanceOf(QueueShutDown);
      expect(await outcome(put_task(q, 'data'))).toBeInstanceOf(QueueShutDown);
      expect(() => q.put_nowait('data')).toThrow(QueueShutDown);
      expect(await outcome(get_task(q))).toBeInstanceOf(QueueShutDown);
      expect(() => q.get_nowait()).toThrow(QueueShutDown);
    });

    it('fails a blocked put() but still gives out the items (test_shutdown_nonempty)', async () => {
      const q = new cls<string>(1, { loop });
      q.put_nowait('data');
      const joiner = q.join();
      const putter = put_task(q, 'data2');
      await run_briefly(loop);
      expect(putter.done()).toBe(false);
      q.shutdown(false);
      expect(q.qsize()).toBe(1);
      expect(await outcome(putter)).toBeInstanceOf(QueueShutDown);
      expect(await loop.run_until_complete(get_task(q))).toBe('data');
      await run_briefly(loop);
      expect(joiner.done()).toBe(false);
      expect(await outcome(put_task(q, 'data'))).toBeInstanceOf(QueueShutDown);
      expect(() => q.put_nowait('data')).toThrow(QueueShutDown);
      expect(await outcome(get_task(q))).toBeInstanceOf(QueueShutDown);
      expect(() => q.get_nowait()).toThrow(QueueShutDown);
      q.task_done();
      expect(await outcome(joiner)).toBeNull();
      expect(() => q.task_done()).toThrow(new ValueError('task_done() called too many times'));
    });

    it('drains the queue and resolves join() with immediate (test_shutdown_immediate)', async () => {
      const q = new cls<string>(0, { loop });
      q.put_nowait('data');
      const joiner = q.join();
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      await run_briefly(loop);
      expect(joiner.done()).toBe(true);
      expect(await outcome(put_task(q, 'data'))).toBeInstanceOf(QueueShutDown);
      expect(() => q.put_nowait('data')).toThrow(QueueShutDown);
      expect(await outcome(get_task(q))).toBeInstanceOf(QueueShutDown);
      expect(() => q.get_nowait()).toThrow(QueueShutDown);
      expect(() => q.task_done()).toThrow(ValueError);
    });

    it('counts only the drained items as done (test_shutdown_immediate_with_unfinished)', async () => {
      const q = new cls<string>(0, { loop });
      q.put_nowait('data');
      q.put_nowait('data');
      const joiner = q.join();
      expect(await loop.run_until_complete(get_task(q))).toBe('data');
      q.shutdown({ immediate: true });
      expect(q.qsize()).toBe(0);
      await run_briefly(loop);
      expect(joiner.done()).toBe(false);
      expect(await outcome(get_task(q))).toBeInstanceOf(QueueShutDown);
      q.task_done();
      expect(() => q.task_done()).toThrow(ValueError);
      await run_briefly(loop);
      expect(joiner.done()).toBe(true);
    });
  });
}

describe('Queue.shutdown() arguments', () => {
  it('takes immediate positionally or as {immediate}, null and undefined meaning false', () => {
    for (const arg of [undefined, null, false, {}, { immediate: false }]) {
      const q = new Queue<number>(0, { loop });
      q.put_nowait(1);
      q.shutdown(arg);
      expect(q.qsize()).toBe(1);
    }
    const q = new Queue<number>(0, { loop });
    q.put_nowait(1);
    q.shutdown({ immediate: true });
    expect(q.qsize()).toBe(0);
  });

  it('refuses a non-boolean immediate and an unknown key with a TypeError', () => {
    const q = new Queue<number>(0, { loop });
    expect(() => q.shutdown('yes' as never)).toThrow(
      new TypeError("shutdown() immediate must be a boolean, got 'yes'"),
    );
    expect(() => q.shutdown({ now: true } as never)).toThrow(
      new TypeError("shutdown() got an unexpected keyword argument 'now'"),
    );
    expect(() => q.shutdown({ immediate: 1 } as never)).toThrow(TypeError);
    expect(q._is_shutdown).toBe(false);
  });
});

describe('Queue.shutdown() and the waiters', () => {
  it('fails every blocked get() and put(), with either mode', async () => {
    for (const immediate of [false, true]) {
      const empty = new Queue<string>(0, { loop });
      const getters = [empty.get(), empty.get()];
      const full = new Queue<string>(1, { loop });
      full.put_nowait('a');
      const putters = [full.put('b'), full.put('c')];
      empty.shutdown(immediate);
      full.shutdown(immediate);
      for (const f of [...getters, ...putters]) {
        expect(await outcome(f)).toBeInstanceOf(QueueShutDown);
      }
      expect(empty._getters.length + full._putters.length).toBe(0);
      expect([...full._queue]).toEqual(immediate ? [] : ['a']);
      expect(full._reserved).toBe(0);
    }
  });

  it('a put() granted a slot but not resumed yet fails and adds nothing', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('a');
    const putter = put_task(q, 'b');
    await run_briefly(loop);
    expect(q.get_nowait()).toBe('a'); // frees the slot: the putter is granted it
    q.shutdown();
    expect(await outcome(putter)).toBeInstanceOf(QueueShutDown);
    expect(q.qsize()).toBe(0);
    expect(q._unfinished_tasks).toBe(1); // 'a' only
    expect(q._reserved).toBe(0);
  });

  it('put() and put_nowait() fail even on a full queue, put_nowait() with QueueShutDown before QueueFull', async () => {
    const q = new Queue<string>(1, { loop });
    q.put_nowait('a');
    q.shutdown();
    expect(() => q.put_nowait('b')).toThrow(QueueShutDown);
    expect(await outcome(q.put('b'))).toBeInstanceOf(QueueShutDown);
    expect(q._putters.length).toBe(0);
    q.get_nowait();
    expect(() => q.get_nowait()).toThrow(QueueShutDown);
    expect(() => new Queue(0, { loop }).get_nowait()).toThrow(QueueEmpty);
    expect(() => {
      const full = new Queue<number>(1, { loop });
      full.put_nowait(1);
      full.put_nowait(2);
    }).toThrow(QueueFull);
  });

  it('a get() handed an item keeps it after shutdown(), and fails after shutdown(true)', async () => {
    for (const immediate of [false, true]) {
      const q = new Queue<string>(0, { loop });
      const getter = get_task(q);
      await run_briefly(loop);
      q.put_nowait('x'); // handed to the waiting get(); its task has not resumed
      const joiner = q.join();
      q.shutdown(immediate);
      // As in asyncio, where the item would still be in the queue: drained with it.
      expect(q._unfinished_tasks).toBe(immediate ? 0 : 1);
      const result = await outcome(getter);
      if (immediate) {
        expect(result).toBeInstanceOf(QueueShutDown);
        expect(joiner.done()).toBe(true);
      } else {
        expect(result).toBe('x');
        expect(joiner.done()).toBe(false);
      }
      expect(q._handed).toBe(0);
    }
  });

  it('a get() handed an item and cancelled after shutdown(true) does not count it twice', async () => {
    const q = new Queue<string>(0, { loop });
    q.put_nowait('keep');
    const getter = q.get(); // handed 'keep' at once, not looked at yet
    q.put_nowait('other');
    q.shutdown(true);
    expect(q._unfinished_tasks).toBe(0);
    expect(getter.cancel()).toBe(true);
    expect(q.qsize()).toBe(0);
    expect(q._unfinished_tasks).toBe(0);
    await run_briefly(loop);
    expect(q._handed).toBe(0);
    expect(() => q.get_nowait()).toThrow(QueueShutDown);
  });

  it('a cancelled get() gives its item back after shutdown(), for the next get', async () => {
    const q = new Queue<string>(0, { loop });
    const getter = q.get();
    q.put_nowait('x');
    q.shutdown();
    expect(getter.cancel()).toBe(true);
    expect(q.get_nowait()).toBe('x');
    expect(() => q.get_nowait()).toThrow(QueueShutDown);
  });

  it('an item a cancelled task dropped after its get() resumed is drained by shutdown(true)', async () => {
    const q = new Queue<string>(0, { loop });
    const task = loop.create_task(
      coroutine(function* () {
        return yield From(wait_for(q.get(), 10, { loop }));
      })(),
    );
    await run_briefly(loop);
    q.put_nowait('item');
    await run_briefly(loop); // the get() is delivered to wait_for, not to the task yet
    q.shutdown(true);
    expect(q._unfinished_tasks).toBe(1); // the item is out of the queue, with its taker
    const joiner = q.join();
    task.cancel();
    await run_briefly(loop, 3);
    expect(task.cancelled()).toBe(true);
    expect(q.qsize()).toBe(0);
    expect(q._unfinished_tasks).toBe(0);
    expect(joiner.done()).toBe(true);
  });

  it('shutdown() after shutdown(true) does not undo it, and a second shutdown(true) drains nothing more', () => {
    const q = new Queue<string>(0, { loop });
    q.put_nowait('a');
    q.put_nowait('b');
    const getter = q.get(); // handed 'a'
    q.shutdown(true);
    expect(q._unfinished_tasks).toBe(0);
    q.shutdown();
    q.shutdown(true);
    expect(q._unfinished_tasks).toBe(0);
    expect(q._shutdown_immediate).toBe(true);
    expect(getter.done()).toBe(true);
    expect(() => getter.result()).toThrow(QueueShutDown);
  });

  it('JoinableQueue is the same class and shuts down the same way', async () => {
    const q = new JoinableQueue<number>(0, { loop });
    q.put_nowait(1);
    q.shutdown(true);
    expect(await outcome(q.join())).toBeNull();
    expect(await outcome(q.get())).toBeInstanceOf(QueueShutDown);
  });

  it('a consumer loop ends on QueueShutDown after the last item', async () => {
    const q = new Queue<number>(0, { loop });
    const seen: number[] = [];
    const consumer = loop.create_task(
      coroutine(function* () {
        for (;;) {
          let item: number;
          try {
            item = yield* From(q.get());
          } catch (e) {
            if (e instanceof QueueShutDown) return 'done';
            throw e;
          }
          seen.push(item);
          q.task_done();
        }
      })(),
    );
    const producer = coroutine(function* () {
      for (const i of [1, 2, 3]) {
        yield From(q.put(i));
        yield From(sleep(0.1, null, { loop }));
      }
      q.shutdown();
      yield From(q.join());
    });
    await loop.run_until_complete(producer());
    expect(await loop.run_until_complete(consumer)).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });
});
