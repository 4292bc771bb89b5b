// Task: every yield form, inline nested coroutines, exceptions and cancellation through the chain.
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  From,
  Future,
  Return,
  RuntimeError,
  Task,
  all_tasks,
  coroutine,
  create_task,
  current_task,
  gather,
  shield,
  sleep,
  wait,
  wait_for,
  type Coroutine,
} from '../../src/index.js';
import {
  IN_PAGE,
  TestLoop,
  capture_exceptions,
  run_briefly,
  each_test_on_a_new_loop,
} from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

/** A Future of `loop` already resolved to `value`. */
function resolved<T>(value: T): Future<T> {
  const f = new Future<T>({ loop });
  f.set_result(value);
  return f;
}

describe('yield forms', () => {
  const leaf = coroutine(function* (x: number) {
    yield null;
    return x;
  });

  it('waits for a Future with yield From(fut), yield fut, yield* From(fut) and yield* fut', async () => {
    const main = coroutine(function* () {
      const a = yield From(resolved(1));
      const b = yield resolved(2);
      const c: number = yield* From(resolved(3));
      const d: number = yield* resolved(4);
      return [a, b, c, d];
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual([1, 2, 3, 4]);
  });

  it('runs a coroutine object with yield From(coro), yield coro and yield* From(coro)', async () => {
    const main = coroutine(function* () {
      const a = yield From(leaf(1));
      const b = yield leaf(2);
      const c: number = yield* From(leaf(3));
      return [a, b, c];
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual([1, 2, 3]);
  });

  it('waits for a Promise with yield From(p), yield p and yield* From(p)', async () => {
    const main = coroutine(function* () {
      const a = yield From(Promise.resolve('a'));
      const b = yield Promise.resolve('b');
      const c: string = yield* From(Promise.resolve('c'));
      const d: number = yield* From((async () => 4)());
      return [a, b, c, d];
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual(['a', 'b', 'c', 4]);
  });

  it('throws a rejected Promise in at the yield point', async () => {
    const main = coroutine(function* () {
      try {
        yield From(Promise.reject(new RangeError('rejected')));
      } catch (e) {
        return (e as Error).message;
      }
    });
    await expect(loop.run_until_complete(main())).resolves.toBe('rejected');
  });

  it('yields to the loop for exactly one iteration with yield null, yield From(null) and a bare yield', async () => {
    const trace: string[] = [];
    const main = coroutine(function* () {
      trace.push('start');
      yield null;
      trace.push('after null');
      yield From(null);
      trace.push('after From(null)');
      yield;
      trace.push('after bare yield');
    });
    loop.create_task(main());
    for (let i = 0; i < 4; i++) {
      await run_briefly(loop);
      trace.push(`iteration ${i + 1}`);
    }
    expect(trace).toEqual([
      'start',
      'iteration 1',
      'after null',
      'iteration 2',
      'after From(null)',
      'iteration 3',
      'after bare yield',
      'iteration 4',
    ]);
  });

  it('ends with throw new Return(v), throw new Return(a, b) or a plain return', async () => {
    const one = coroutine(function* () {
      yield null;
      throw new Return(1);
    });
    const two = coroutine(function* () {
      yield null;
      throw new Return('a', 'b');
    });
    const plain = coroutine(function* () {
      yield null;
      return 'plain';
    });
    await expect(loop.run_until_complete(one())).resolves.toBe(1);
    await expect(loop.run_until_complete(two())).resolves.toEqual(['a', 'b']);
    await expect(loop.run_until_complete(plain())).resolves.toBe('plain');
  });

  it('throws a RuntimeError mentioning "bad yield" for anything else, which the coroutine may catch', async () => {
    const caught = coroutine(function* () {
      try {
        yield 42;
      } catch (e) {
        return e;
      }
    });
    const error = (await loop.run_until_complete(caught())) as Error;
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.message).toBe('Task got bad yield: 42');
    const uncaught = coroutine(function* () {
      yield { some: 'object' };
    });
    await expect(loop.run_until_complete(uncaught())).rejects.toThrow(/bad yield: \{\.\.\.\}/);
  });

  it('goes on without suspending when the yielded future is already done, as yield from does', async () => {
    const trace: string[] = [];
    const done = resolved('ready');
    const failed = new Future({ loop });
    failed.set_exception(new RangeError('already failed'));
    const task = loop.create_task(
      coroutine(function* () {
        trace.push(yield From(done));
        try {
          yield failed;
        } catch (e) {
          trace.push((e as Error).message);
        }
        return 'finished';
      })(),
    );
    await run_briefly(loop);
    expect(task.done()).toBe(true);
    expect(trace).toEqual(['ready', 'already failed']);
  });

  it('refuses a future of another loop and itself', async () => {
    const other = new TestLoop();
    const foreign = other.create_future();
    const main = coroutine(function* () {
      yield From(foreign);
    });
    await expect(loop.run_until_complete(main())).rejects.toThrow(/attached to a different loop/);
    other.close();
    const selfish = coroutine(function* () {
      yield current_task(loop);
    });
    const self = loop.create_task(selfish());
    await expect(loop.run_until_complete(self)).rejects.toThrow(/Task cannot await on itself/);
  });

  it('is created from a coroutine object only', () => {
    expect(() => new Task(42 as never, { loop })).toThrow(TypeError);
    expect(() => loop.create_task(42 as never)).toThrow(TypeError);
  });

  it('create_task() also takes a Future or a Promise, as ported `create_task(sleep(1))` needs', async () => {
    const slept = loop.create_task(sleep(1, 'woke', { loop }));
    expect(slept).toBeInstanceOf(Task);
    await expect(loop.run_until_complete(slept)).resolves.toBe('woke');
    const promised = loop.create_task(Promise.resolve(7));
    await expect(loop.run_until_complete(promised)).resolves.toBe(7);
  });
});

describe('nested coroutines run inline', () => {
  it('finishes a top -> mid -> leaf chain in one iteration (asyncio, not Trollius sub-Tasks)', async () => {
    const leaf = coroutine(function* () {
      return 'leaf';
    });
    const mid = coroutine(function* () {
      return (yield From(leaf())) + ' mid';
    });
    const top = coroutine(function* () {
      return (yield From(mid())) + ' top';
    });
    const task = loop.create_task(top());
    await run_briefly(loop);
    expect(task.done()).toBe(true);
    expect(task.result()).toBe('leaf mid top');
  });

  it('sees the outer task as current_task() inside a nested coroutine (TASK-7)', async () => {
    let inner_task: unknown = 'unset';
    const inner = coroutine(function* () {
      yield null;
      inner_task = current_task(loop);
    });
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(inner());
      })(),
    );
    await loop.run_until_complete(outer);
    expect(inner_task).toBe(outer);
    expect(current_task(loop)).toBeNull();
    expect(Task.current_task(loop)).toBeNull();
  });

  it('carries exceptions up the chain like yield from', async () => {
    const trace: string[] = [];
    const leaf = coroutine(function* () {
      yield null;
      throw new RangeError('deep');
    });
    const mid = coroutine(function* () {
      try {
        yield From(leaf());
      } finally {
        trace.push('mid finally');
      }
    });
    const top = coroutine(function* () {
      try {
        yield From(mid());
      } catch (e) {
        trace.push(`top caught ${(e as Error).message}`);
        return 'recovered';
      }
    });
    await expect(loop.run_until_complete(top())).resolves.toBe('recovered');
    expect(trace).toEqual(['mid finally', 'top caught deep']);
  });

  it('fails the task when nothing catches', async () => {
    const leaf = coroutine(function* () {
      yield null;
      throw new RangeError('uncaught');
    });
    const top = coroutine(function* () {
      yield From(leaf());
    });
    const task = loop.create_task(top());
    await expect(loop.run_until_complete(task)).rejects.toThrow('uncaught');
    expect(task.exception()).toBeInstanceOf(RangeError);
  });

  it('runs deep recursion without growing the JavaScript stack', async () => {
    const depth = coroutine(function* (n: number): Coroutine<number> {
      if (n === 0) return 0;
      return 1 + (yield* From(depth(n - 1)));
    });
    await expect(loop.run_until_complete(depth(20000))).resolves.toBe(20000);
  });
});

describe('cancellation', () => {
  it('throws CancelledError at a sleep and cancels the sleep (TASK-2, TASK-6)', async () => {
    const trace: string[] = [];
    let slept: Future<unknown> | null = null;
    const sleeper = coroutine(function* () {
      slept = sleep(10, null, { loop });
      try {
        yield From(slept);
      } finally {
        trace.push('cleanup');
      }
    });
    const task = loop.create_task(sleeper());
    await run_briefly(loop);
    expect(task.cancel()).toBe(true);
    expect(task.cancelled()).toBe(false);
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(slept!.cancelled()).toBe(true);
    expect(trace).toEqual(['cleanup']);
    expect(task.cancel()).toBe(false);
  });

  it('reaches the innermost yield of nested coroutines and unwinds the chain', async () => {
    const trace: string[] = [];
    const leaf = coroutine(function* () {
      try {
        yield From(sleep(10, null, { loop }));
      } finally {
        trace.push('leaf');
      }
    });
    const mid = coroutine(function* () {
      try {
        yield From(leaf());
      } finally {
        trace.push('mid');
      }
    });
    const task = loop.create_task(mid());
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(trace).toEqual(['leaf', 'mid']);
  });

  it('never runs the body of a task cancelled before its first step (TASK-4)', async () => {
    let ran = false;
    const task = loop.create_task(
      coroutine(function* () {
        ran = true;
        yield null;
      })(),
    );
    task.cancel();
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
    expect(task.cancelled()).toBe(true);
  });

  it('lets a coroutine catch the cancellation and finish normally (TASK-3, test_cancel_task_ignoring)', async () => {
    const stubborn = coroutine(function* () {
      try {
        yield From(sleep(10, null, { loop }));
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      yield From(sleep(0, null, { loop }));
      return 'survived';
    });
    const task = loop.create_task(stubborn());
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).resolves.toBe('survived');
    expect(task.cancelled()).toBe(false);
  });

  it('lets a coroutine turn the cancellation into another error (test_cancel_task_catching)', async () => {
    const converting = coroutine(function* () {
      try {
        yield From(sleep(10, null, { loop }));
      } catch {
        throw new RangeError('converted');
      }
    });
    const task = loop.create_task(converting());
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).rejects.toThrow(RangeError);
    expect(task.cancelled()).toBe(false);
  });

  it('cancels the next future yielded after a task cancels itself (TASK-5, test_cancel_current_task)', async () => {
    let next: Future<unknown> | null = null;
    const self_cancelling = coroutine(function* () {
      current_task(loop)!.cancel();
      next = sleep(10, null, { loop });
      yield From(next);
      return 'not reached';
    });
    const task = loop.create_task(self_cancelling());
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(next!.cancelled()).toBe(true);
  });

  it('cancels the inner task it waits on (test_yield_future_passes_cancel)', async () => {
    let proof = 1;
    const inner = loop.create_task(
      coroutine(function* () {
        try {
          yield From(sleep(10, null, { loop }));
        } catch (e) {
          proof += 100;
          throw e;
        }
      })(),
    );
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(inner);
      })(),
    );
    await run_briefly(loop, 2);
    outer.cancel();
    await expect(loop.run_until_complete(outer)).rejects.toBeInstanceOf(CancelledError);
    expect(proof).toBe(101);
    expect(inner.cancelled()).toBe(true);
  });

  it('does not pass the cancellation through wait() (test_yield_wait_does_not_shield_cancel)', async () => {
    const inner = loop.create_task(
      coroutine(function* () {
        yield From(sleep(0.1, null, { loop }));
        return 'inner done';
      })(),
    );
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(wait([inner], { loop }));
      })(),
    );
    await run_briefly(loop, 2);
    outer.cancel();
    await expect(loop.run_until_complete(outer)).rejects.toBeInstanceOf(CancelledError);
    await expect(loop.run_until_complete(inner)).resolves.toBe('inner done');
  });

  it('cancels every child of a gather it waits on', async () => {
    const children = [0, 1].map(() =>
      loop.create_task(
        coroutine(function* () {
          yield From(sleep(10, null, { loop }));
        })(),
      ),
    );
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(gather(...children, { loop }));
      })(),
    );
    await run_briefly(loop, 2);
    outer.cancel();
    await expect(loop.run_until_complete(outer)).rejects.toBeInstanceOf(CancelledError);
    expect(children.every((c) => c.cancelled())).toBe(true);
  });

  it('cancels the awaitable of a wait_for (test_cancel_wait_for)', async () => {
    const inner = loop.create_task(
      coroutine(function* () {
        yield From(sleep(10, null, { loop }));
      })(),
    );
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(wait_for(inner, 5, { loop }));
      })(),
    );
    await run_briefly(loop, 2);
    outer.cancel();
    await expect(loop.run_until_complete(outer)).rejects.toBeInstanceOf(CancelledError);
    expect(inner.cancelled()).toBe(true);
    expect(loop._scheduled.values().every((t) => t._cancelled)).toBe(true);
  });

  it('leaves a shielded awaitable running (test_shield_effect)', async () => {
    const inner = loop.create_task(
      coroutine(function* () {
        yield From(sleep(1, null, { loop }));
        return 'kept';
      })(),
    );
    const outer = loop.create_task(
      coroutine(function* () {
        yield From(shield(inner, { loop }));
      })(),
    );
    await run_briefly(loop, 2);
    outer.cancel();
    await expect(loop.run_until_complete(outer)).rejects.toBeInstanceOf(CancelledError);
    await expect(loop.run_until_complete(inner)).resolves.toBe('kept');
  });

  it('throws CancelledError at a Promise the task waits on, though the Promise goes on', async () => {
    let resolve!: (v: string) => void;
    const promise = new Promise<string>((r) => (resolve = r));
    const task = loop.create_task(
      coroutine(function* () {
        return yield From(promise);
      })(),
    );
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    resolve('late');
    await promise;
  });

  it('shows "cancelling" in the repr while the cancellation is pending', async () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    const task = loop.create_task(
      coroutine(function* named() {
        yield null;
      })(),
      { name: 'T' },
    );
    task.cancel();
    expect(String(task)).toBe("<Task cancelling name='T' coro=<named() running>>");
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(String(task)).toBe("<Task cancelled name='T' coro=<named() done>>");
  });
});

describe('tasks and the loop', () => {
  it('never runs a task synchronously (TASK-1)', async () => {
    let ran = false;
    const task = loop.create_task(
      coroutine(function* () {
        ran = true;
      })(),
    );
    expect(ran).toBe(false);
    await run_briefly(loop);
    expect(ran).toBe(true);
    expect(task.done()).toBe(true);
  });

  it('all_tasks() holds the pending tasks (test_task_basics)', async () => {
    const a = loop.create_task(
      coroutine(function* () {
        yield null;
      })(),
    );
    const b = loop.create_task(
      coroutine(function* () {
        yield From(sleep(1, null, { loop }));
      })(),
    );
    expect(all_tasks(loop)).toEqual(new Set([a, b]));
    expect(Task.all_tasks(loop)).toEqual(new Set([a, b]));
    await run_briefly(loop, 2);
    expect(all_tasks(loop)).toEqual(new Set([b]));
    b.cancel();
    await run_briefly(loop, 2);
    expect(all_tasks(loop).size).toBe(0);
  });

  it('shows the coroutine, its state and what it waits for in its repr (test_task_repr)', async () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    const notmuch = coroutine(function* notmuch() {
      yield From(sleep(1, null, { loop }));
      return 'abc';
    });
    const task = loop.create_task(notmuch());
    const name = task.get_name();
    expect(name).toMatch(/^Task-\d+$/);
    expect(String(task)).toBe(`<Task pending name='${name}' coro=<notmuch() running>>`);
    await run_briefly(loop);
    expect(String(task)).toBe(
      `<Task pending name='${name}' coro=<notmuch() running> wait_for=<SleepFuture pending cb=[Task._wakeup()]>>`,
    );
    await loop.run_until_complete(task);
    expect(String(task)).toBe(`<Task finished name='${name}' coro=<notmuch() done> result='abc'>`);
  });

  it('works with await in an async function, and awaits async functions', async () => {
    const task = loop.create_task(
      coroutine(function* () {
        yield From(sleep(0.5, null, { loop }));
        return 20;
      })(),
    );
    const main = async (): Promise<number> => {
      const from_task = await task;
      await sleep(0.1, null, { loop });
      return from_task + 1;
    };
    await expect(loop.run_until_complete(main())).resolves.toBe(21);
    const gen = coroutine(function* () {
      return (yield From(main())) as number;
    });
    await expect(loop.run_until_complete(gen())).resolves.toBe(21);
  });

  it('reports a failed task nobody looked at when it is collected', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return;
    const seen = capture_exceptions(loop);
    (() => {
      loop.create_task(
        coroutine(function* () {
          throw new RangeError('lost in task');
        })(),
      );
    })();
    await run_briefly(loop, 2);
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen.map((c) => c.message)).toEqual(['Task exception was never retrieved']);
  });
});

describe('names (asyncio 3.8)', () => {
  const idle = coroutine(function* () {
    yield null;
  });

  it("gives unnamed tasks 'Task-N', N growing with each unnamed task (test_task_default_name)", () => {
    const a = loop.create_task(idle());
    const b = new Task(idle(), { loop });
    const named = loop.create_task(idle(), { name: 'worker' });
    const c = loop.create_task(idle());
    const number = (t: Task) => Number(/^Task-(\d+)$/.exec(t.get_name())![1]);
    expect(number(b)).toBe(number(a) + 1);
    expect(number(c)).toBe(number(b) + 1); // a named task takes no number
    expect(named.get_name()).toBe('worker');
    for (const t of [a, b, named, c]) t.cancel();
  });

  it('renames with set_name(), converting the value to a string (test_task_set_name_pylong)', () => {
    const task = loop.create_task(idle(), { name: 'first' });
    task.set_name(1234567890);
    expect(task.get_name()).toBe('1234567890');
    task.set_name('second');
    expect(String(task)).toContain("name='second'");
    task.cancel();
  });

  it('names a task made by a task factory too', () => {
    loop.set_task_factory((l, coro) => new Task(coro, { loop: l }));
    const task = loop.create_task(idle(), { name: 'from-factory' });
    expect(task.get_name()).toBe('from-factory');
    task.cancel();
  });

  it('refuses an unknown option or a name of the wrong type', () => {
    const coro = idle();
    expect(() => loop.create_task(coro, { nmae: 'x' } as never)).toThrow(
      new TypeError("create_task() got an unexpected keyword argument 'nmae'"),
    );
    expect(() => loop.create_task(coro, { name: {} } as never)).toThrow(TypeError);
  });
});

describe('get_coro() (asyncio 3.8)', () => {
  it('returns the coroutine the task runs, before and after it finished (test_get_coro)', async () => {
    const child = coroutine(function* () {
      yield null;
      return 'done';
    });
    const coro = child();
    const task = loop.create_task(coro);
    expect(task.get_coro()).toBe(coro);
    await loop.run_until_complete(task);
    expect(task.get_coro()).toBe(coro);
  });
});

describe('create_task() (asyncio 3.7)', () => {
  it('makes a task on the running loop', async () => {
    const child = coroutine(function* () {
      yield null;
      return 'child';
    });
    const main = coroutine(function* () {
      const task = create_task(child(), { name: 'kid' });
      expect(task.get_loop()).toBe(loop);
      expect(task.get_name()).toBe('kid');
      return yield* From(task);
    });
    await expect(loop.run_until_complete(main())).resolves.toBe('child');
  });

  it("raises RuntimeError('no running event loop') outside a running loop", () => {
    const coro = coroutine(function* () {})();
    expect(() => create_task(coro)).toThrow(new RuntimeError('no running event loop'));
  });
});

describe('cancellation messages and counting (asyncio 3.9, 3.11)', () => {
  const sleeper = coroutine(function* () {
    yield From(sleep(10, null, { loop }));
  });

  it('hands the message of cancel(msg) to the CancelledError awaiters see (test_cancel_with_message_then_future_result)', async () => {
    const task = loop.create_task(sleeper());
    await run_briefly(loop);
    task.cancel('my message');
    const error = await loop.run_until_complete(task).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe('my message');
    expect(() => task.result()).toThrow(new CancelledError('my message'));
  });

  it('delivers the message to the coroutine at its yield point, also before its first step (test_cancel_with_message_before_starting_task)', async () => {
    const seen: string[] = [];
    const watcher = coroutine(function* () {
      try {
        yield From(sleep(10, null, { loop }));
      } catch (e) {
        seen.push((e as CancelledError).message);
        throw e;
      }
    });
    const started = loop.create_task(watcher());
    await run_briefly(loop);
    started.cancel('while waiting');
    const unstarted = loop.create_task(watcher());
    unstarted.cancel('before starting');
    await loop.run_until_complete(gather([started, unstarted], { return_exceptions: true }));
    expect(seen).toEqual(['while waiting']);
    expect(() => unstarted.result()).toThrow(new CancelledError('before starting'));
  });

  it("gives a CancelledError with the message '' when cancel() had none", async () => {
    const task = loop.create_task(sleeper());
    await run_briefly(loop);
    task.cancel();
    const error = await loop.run_until_complete(task).catch((e: unknown) => e);
    expect((error as CancelledError).message).toBe('');
  });

  it('counts every cancel() request in cancelling(), and uncancel() takes one back (test_cancelling)', async () => {
    const task = loop.create_task(sleeper());
    await run_briefly(loop);
    expect(task.cancelling()).toBe(0);
    expect(task.cancel()).toBe(true);
    expect(task.cancel()).toBe(true);
    expect(task.cancelling()).toBe(2);
    expect(task.uncancel()).toBe(1);
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    expect(task.cancel()).toBe(false); // done: not counted
    expect(task.cancelling()).toBe(1);
    expect(task.uncancel()).toBe(0);
    expect(task.uncancel()).toBe(0);
  });

  it('drops a cancellation not yet delivered when uncancel() brings the count to 0 (test_uncancel_resets_must_cancel)', async () => {
    const body = coroutine(function* () {
      yield null;
      return 'finished';
    });
    const task = loop.create_task(body());
    task.cancel();
    task.uncancel();
    await expect(loop.run_until_complete(task)).resolves.toBe('finished');
  });

  it('lets a coroutine that catches its cancellation and calls uncancel() go on (test_uncancel_structured_blocks)', async () => {
    const body = coroutine(function* () {
      const me = current_task()!;
      try {
        yield From(sleep(10, null, { loop }));
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        expect(me.uncancel()).toBe(0);
      }
      yield From(sleep(0.1, null, { loop }));
      return me.cancelling();
    });
    const task = loop.create_task(body());
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).resolves.toBe(0);
  });
});

describe('tasks are held weakly, as asyncio holds them in a WeakSet', () => {
  /** Collect garbage until `done()` or 20 rounds; finalizers run between rounds. */
  async function collect_until(done: () => boolean): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc!;
    for (let i = 0; i < 20 && !done(); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it.skipIf(IN_PAGE)(
    'collects a pending task that nothing references and reports it (test_task_destroyed_pending)',
    async () => {
      const seen = capture_exceptions(loop);
      (() => {
        const forgotten = coroutine(function* forgotten() {
          yield loop.create_future(); // a future nobody else holds: it can never finish
        });
        loop.create_task(forgotten(), { name: 'lost' });
      })();
      await run_briefly(loop);
      expect(all_tasks(loop).size).toBe(1);
      await collect_until(() => seen.length > 0);
      expect(seen.map(({ message, task }) => ({ message, task }))).toEqual([
        {
          message: 'Task was destroyed but it is pending!',
          task: "<Task pending name='lost' coro=<forgotten() running>>",
        },
      ]);
      // In debug mode (TROLLIUSDEBUG=1) the report also says where the task was created.
      expect(typeof seen[0]!['source_traceback']).toBe(loop.get_debug() ? 'string' : 'undefined');
      expect(all_tasks(loop).size).toBe(0);
    },
  );

  it.skipIf(IN_PAGE)(
    'keeps a task alive while something can still wake it, and reports nothing',
    async () => {
      const seen = capture_exceptions(loop);
      const wake_up = loop.create_future<string>();
      (() => {
        loop.create_task(
          coroutine(function* () {
            return yield From(wake_up);
          })(),
        );
      })();
      await run_briefly(loop);
      await collect_until(() => false);
      expect(all_tasks(loop).size).toBe(1);
      const [task] = all_tasks(loop);
      wake_up.set_result('woken');
      await expect(loop.run_until_complete(task!)).resolves.toBe('woken');
      expect(all_tasks(loop).size).toBe(0);
      expect(seen).toEqual([]);
    },
  );

  it('lists a task in all_tasks() while it waits, whichever way the loop holds it', async () => {
    const held = loop.create_future();
    const waits_on_future = loop.create_task(
      coroutine(function* () {
        yield held;
      })(),
    );
    const waits_on_timer = loop.create_task(
      coroutine(function* () {
        yield From(sleep(10, null, { loop }));
      })(),
    );
    await run_briefly(loop);
    expect(all_tasks(loop)).toEqual(new Set([waits_on_future, waits_on_timer]));
    held.set_result(null);
    waits_on_timer.cancel();
    await run_briefly(loop, 2);
    expect(all_tasks(loop).size).toBe(0);
  });
});

describe('Future subclasses', () => {
  it('see a waiting task register through their add_done_callback (test_step_result_future)', async () => {
    class TracedFuture<T> extends Future<T> {
      cb_added = 0;
      override add_done_callback(fn: (future: Future<T>) => unknown): void {
        this.cb_added++;
        super.add_done_callback(fn);
      }
    }
    const fut = new TracedFuture<string>({ loop });
    const task = loop.create_task(
      coroutine(function* () {
        return yield From(fut);
      })(),
    );
    await run_briefly(loop);
    expect(fut.cb_added).toBe(1);
    fut.set_result('traced');
    await expect(loop.run_until_complete(task)).resolves.toBe('traced');
  });

  it('still wake a task cancelled while it waits on them', async () => {
    class TracedFuture<T> extends Future<T> {
      override add_done_callback(fn: (future: Future<T>) => unknown): void {
        super.add_done_callback(fn);
      }
    }
    const fut = new TracedFuture({ loop });
    const task = loop.create_task(
      coroutine(function* () {
        yield From(fut);
      })(),
    );
    await run_briefly(loop);
    task.cancel('stop');
    await expect(loop.run_until_complete(task)).rejects.toThrow(new CancelledError('stop'));
    expect(fut.cancelled()).toBe(true);
  });
});

describe('the loop by keyword', () => {
  it("current_task({loop}) and all_tasks({loop}) take the loop as asyncio's keyword", async () => {
    const main = coroutine(function* () {
      yield null;
      return [current_task({ loop }), Task.current_task({ loop }), all_tasks({ loop })];
    });
    const task = loop.create_task(main());
    const [current, static_current, pending] = (await loop.run_until_complete(task)) as unknown[];
    expect(current).toBe(task);
    expect(static_current).toBe(task);
    expect(pending).toEqual(new Set([task]));
    expect(() => all_tasks({ lop: loop } as never)).toThrow(
      new TypeError("all_tasks() got an unexpected keyword argument 'lop'"),
    );
    expect(() => new Task(main(), { loop, nam: 'x' } as never)).toThrow(
      new TypeError("Task() got an unexpected keyword argument 'nam'"),
    );
  });
});
