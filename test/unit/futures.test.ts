// Future: states, results and exceptions, done callbacks, Promise interop, "never retrieved" reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  CancelledError,
  Future,
  InvalidStateError,
  coroutine,
  get_event_loop,
  isfuture,
  new_event_loop,
  set_event_loop,
  wrap_future,
} from '../../src/index.js';
import { IN_PAGE, TestLoop, capture_exceptions, run_briefly } from '../support/test_loop.js';

let loop: TestLoop;
beforeEach(() => {
  loop = new TestLoop();
});
afterEach(() => {
  loop.close();
});

describe('states (FUT-1)', () => {
  it('starts pending (test_initial_state)', () => {
    const f = new Future({ loop });
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(false);
    expect(f._state).toBe('PENDING');
    expect(f.get_loop()).toBe(loop);
  });

  it('uses the current loop by default (test_init_constructor_default_loop)', () => {
    const own = new_event_loop();
    set_event_loop(own);
    try {
      expect(new Future().get_loop()).toBe(get_event_loop());
      expect(new Future().get_loop()).toBe(own);
    } finally {
      set_event_loop(null);
      own.close();
    }
  });

  it('cancel() cancels a pending future once (test_cancel)', () => {
    const f = new Future({ loop });
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.done()).toBe(true);
    expect(() => f.result()).toThrow(CancelledError);
    expect(() => f.exception()).toThrow(CancelledError);
    expect(() => f.set_result(null)).toThrow(InvalidStateError);
    expect(() => f.set_exception(new Error())).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  it('holds a result (test_result)', () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    const f = new Future<number>({ loop });
    expect(() => f.result()).toThrow(new InvalidStateError('Result is not ready.'));
    f.set_result(42);
    expect(f.done()).toBe(true);
    expect(f.result()).toBe(42);
    expect(f.exception()).toBeNull();
    expect(() => f.set_result(1)).toThrow(
      new InvalidStateError('FINISHED: <Future finished result=42>'),
    );
    expect(f.cancel()).toBe(false);
  });

  it('holds an exception (test_exception)', () => {
    const error = new RangeError('bad');
    const f = new Future({ loop });
    expect(() => f.exception()).toThrow(new InvalidStateError('Exception is not set.'));
    f.set_exception(error);
    expect(f.done()).toBe(true);
    expect(() => f.result()).toThrow(error);
    expect(f.exception()).toBe(error);
    expect(() => f.set_result(null)).toThrow(InvalidStateError);
  });

  it('instantiates an exception class (test_exception_class, FUT-4)', () => {
    const f = new Future({ loop });
    f.set_exception(RangeError);
    expect(f.exception()).toBeInstanceOf(RangeError);
  });

  it('refuses a missing exception', () => {
    expect(() => new Future({ loop }).set_exception(null)).toThrow(TypeError);
  });

  it('isfuture() recognises Futures and nothing else', () => {
    expect(isfuture(new Future({ loop }))).toBe(true);
    expect(isfuture(Promise.resolve(1))).toBe(false);
    expect(isfuture({ then() {} })).toBe(false);
  });
});

describe('done callbacks (FUT-2, FUT-3)', () => {
  it('are scheduled with call_soon in registration order, never inline', async () => {
    const order: string[] = [];
    const f = new Future<number>({ loop });
    f.add_done_callback(() => order.push('cb1'));
    f.add_done_callback((fut) => order.push(`cb2 saw ${fut.result()}`));
    f.set_result(7);
    order.push('after set_result');
    await run_briefly(loop);
    f.add_done_callback(() => order.push('cb3-late'));
    order.push('after add late');
    await run_briefly(loop);
    expect(order).toEqual(['after set_result', 'cb1', 'cb2 saw 7', 'after add late', 'cb3-late']);
  });

  it('run on set_exception and on cancel too (test_callbacks_invoked_on_set_exception)', async () => {
    const seen: string[] = [];
    const a = new Future({ loop });
    const b = new Future({ loop });
    a.add_done_callback((f) => seen.push(f.exception() instanceof RangeError ? 'exception' : '?'));
    b.add_done_callback((f) => seen.push(f.cancelled() ? 'cancelled' : '?'));
    a.set_exception(new RangeError());
    b.cancel();
    await run_briefly(loop);
    expect(seen).toEqual(['exception', 'cancelled']);
  });

  it('remove_done_callback removes every registration and counts them (test_remove_done_callback)', async () => {
    const seen: number[] = [];
    const cb = (): number => seen.push(1);
    const other = (): number => seen.push(2);
    const f = new Future({ loop });
    f.add_done_callback(cb);
    f.add_done_callback(other);
    f.add_done_callback(cb);
    expect(f.remove_done_callback(cb)).toBe(2);
    expect(f.remove_done_callback(cb)).toBe(0);
    f.set_result(null);
    await run_briefly(loop);
    expect(seen).toEqual([2]);
  });
});

describe('reprs', () => {
  it('show the state, result or exception and callbacks (test_future_repr)', () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    const f = new Future<number>({ loop });
    expect(String(f)).toBe('<Future pending>');
    function on_done(): void {}
    f.add_done_callback(on_done);
    expect(String(f)).toBe('<Future pending cb=[on_done()]>');
    f.set_result(1);
    expect(String(f)).toBe('<Future finished result=1>');
    const e = new Future({ loop });
    e.set_exception(new RangeError('x'));
    expect(String(e)).toBe("<Future finished exception=RangeError('x')>");
    e.exception();
    const c = new Future({ loop });
    c.cancel();
    expect(String(c)).toBe('<Future cancelled>');
  });

  it.skipIf(IN_PAGE)(
    'show where the future was created in debug mode (test_future_source_traceback)',
    () => {
      loop.set_debug(true);
      const f = new Future({ loop });
      expect(f._source_traceback).toMatch(/futures\.test\.ts/);
      expect(String(f)).toMatch(/^<Future pending created at .*futures\.test\.ts/);
    },
  );
});

describe('Promise interop', () => {
  it('await resolves with the result once the loop sets it', async () => {
    const f = new Future<string>({ loop });
    loop.call_soon(() => f.set_result('done'));
    const [value] = await Promise.all([f, loop.run_until_complete(f)]);
    expect(value).toBe('done');
  });

  it('await on a done future works without a running loop', async () => {
    const f = new Future<number>({ loop });
    f.set_result(3);
    expect(await f).toBe(3);
    const g = new Future({ loop });
    g.set_exception(new RangeError('r'));
    await expect(g).rejects.toThrow(RangeError);
  });

  it('a cancelled future rejects awaiters with CancelledError', async () => {
    const f = new Future({ loop });
    f.cancel();
    await expect(f).rejects.toBeInstanceOf(CancelledError);
  });

  // Each resumed function awaits a new Future at once; the engine calls its
  // then() one microtask later. Whether or not the loop waits for that call
  // (it need not when only then() reactions are ready), callbacks and
  // resumptions keep the order in which they were queued.
  it('two async functions handing a Future back and forth keep FIFO order with call_soon callbacks', async () => {
    const log: string[] = [];
    const waiting: { a: Future<null> | null; b: Future<null> | null } = { a: null, b: null };
    let ticks = 0;
    const tick = (): void => {
      log.push('tick' + ticks);
      if (++ticks < 5) loop.call_soon(tick);
    };
    const side = async (mine: 'a' | 'b', theirs: 'a' | 'b'): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        const future = loop.create_future<null>();
        waiting[mine] = future;
        waiting[theirs]?.set_result(null);
        waiting[theirs] = null;
        if (mine === 'a' && i === 1) loop.call_soon(() => log.push('soon'));
        await future;
        log.push(mine + i);
        if (mine === 'a' && i === 0) loop.call_soon(tick);
      }
      waiting[theirs]?.set_result(null);
    };
    await loop.run_until_complete(Promise.all([side('a', 'b'), side('b', 'a')]));
    // 'soon' runs in the iteration that settles b0's await, before b resumes.
    expect(log).toEqual([
      ...['a0', 'tick0', 'soon', 'b0', 'tick1', 'a1', 'tick2', 'b1'],
      ...['tick3', 'a2', 'tick4', 'b2', 'a3', 'b3'],
    ]);
  });

  it('then() chains like a Promise', async () => {
    const f = new Future<number>({ loop });
    f.set_result(2);
    await expect(f.then((v) => v * 10)).resolves.toBe(20);
    const g = new Future<number>({ loop });
    g.set_exception(new Error('e'));
    await expect(g.then(null, (e) => (e as Error).message)).resolves.toBe('e');
  });

  // Node reports unhandled rejections through `process`; the page run of this file skips it.
  it.skipIf(typeof globalThis.process === 'undefined')(
    'makes no Promise, so no unhandled rejection, for a failed future nobody awaits',
    async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown): number => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        const f = new Future({ loop });
        f.set_exception(new Error('quiet'));
        f.exception();
        await new Promise((r) => setTimeout(r, 10));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', listener);
      }
    },
  );

  it('wrap_future wraps a Promise and returns a Future as it is (test_wrap_future)', async () => {
    const f = new Future({ loop });
    expect(wrap_future(f)).toBe(f);
    const wrapped = wrap_future(Promise.resolve(5), { loop });
    expect(isfuture(wrapped)).toBe(true);
    await expect(loop.run_until_complete(wrapped)).resolves.toBe(5);
    const failed = wrap_future(Promise.reject(new RangeError('p')), { loop });
    await expect(loop.run_until_complete(failed)).rejects.toThrow(RangeError);
    expect(() => wrap_future(42 as never, { loop })).toThrow(TypeError);
  });

  it('a cancelled wrapper ignores the Promise outcome (test_wrap_future_cancel)', async () => {
    let resolve!: (v: number) => void;
    const wrapped = wrap_future(new Promise<number>((r) => (resolve = r)), { loop });
    wrapped.cancel();
    resolve(1);
    await run_briefly(loop, 2);
    expect(wrapped.cancelled()).toBe(true);
  });
});

describe('"exception was never retrieved" (FUT-5)', () => {
  const gc = (globalThis as { gc?: () => void }).gc;

  async function collect(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it.skipIf(!gc)('is reported for a collected future whose exception nobody read', async () => {
    const seen = capture_exceptions(loop);
    (() => {
      const f = new Future({ loop });
      f.set_exception(new RangeError('lost'));
    })();
    await collect();
    expect(seen.map((c) => c.message)).toEqual(['Future exception was never retrieved']);
    expect(seen[0]!.exception).toBeInstanceOf(RangeError);
  });

  it.skipIf(!gc)('is not reported once result() or exception() was called', async () => {
    const seen = capture_exceptions(loop);
    (() => {
      const f = new Future({ loop });
      f.set_exception(new RangeError('read'));
      f.exception();
      const g = new Future({ loop });
      g.set_exception(new RangeError('read'));
      expect(() => g.result()).toThrow(RangeError);
    })();
    await collect();
    expect(seen).toEqual([]);
  });
});

describe('options', () => {
  it('refuses an unknown key or a loop that is not an event loop, at the call', () => {
    expect(() => new Future({ lop: loop } as never)).toThrow(
      new TypeError("Future() got an unexpected keyword argument 'lop'"),
    );
    expect(() => new Future({ loop: 5 } as never)).toThrow(
      new TypeError('Future() needs a trollius event loop (a BaseEventLoop or a subclass), got 5'),
    );
  });
});

describe('set_exception()', () => {
  it('refuses what is not an exception object, at the call', () => {
    const f = new Future({ loop });
    for (const bad of [5, 'boom', true, null, undefined]) {
      expect(() => f.set_exception(bad)).toThrow(TypeError);
    }
    expect(f.done()).toBe(false);
    f.set_exception(RangeError); // a class is instantiated, as asyncio does
    expect(f.exception()).toBeInstanceOf(RangeError);
  });

  it('still lets a task fail with whatever its coroutine threw', async () => {
    const task = loop.create_task(
      coroutine(function* () {
        yield null;
        throw 'a thrown string';
      })(),
    );
    await expect(loop.run_until_complete(task)).rejects.toBe('a thrown string');
  });
});
