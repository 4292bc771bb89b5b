// The task helpers' keyword options: accepted in the trailing options object, checked, positional forms kept.
import { describe, expect, it } from 'vitest';

import {
  From,
  Future,
  Task,
  TimeoutError,
  all_tasks,
  as_completed,
  coroutine,
  ensure_future,
  gather,
  set_event_loop,
  shield,
  sleep,
  wait,
  wait_for,
} from '../../src/index.js';
import { TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

const job = coroutine(function* (value: string) {
  yield null;
  return value;
});

/** What `fn()` throws, as `[class name, message]`. */
function thrown(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  throw new Error('expected a throw');
}

describe('ensure_future(x, {loop})', () => {
  it('puts a coroutine on the loop of the options', () => {
    const task = ensure_future(job('x'), { loop });
    expect(task.get_loop()).toBe(loop);
    task.cancel();
  });

  it('refuses an unknown key or a loop that is not an object, before making a Task', () => {
    const coro = job('x');
    expect(thrown(() => ensure_future(coro, { lop: loop } as never))).toEqual([
      'TypeError',
      "ensure_future() got an unexpected keyword argument 'lop'",
    ]);
    expect(() => ensure_future(coro, { loop: 5 } as never)).toThrow(
      /^ensure_future\(\) argument 'loop' must be object or null, not 5$/,
    );
    expect(all_tasks(loop).size).toBe(0);
  });
});

describe('sleep(delay, result, {loop}) and sleep(delay, {result, loop})', () => {
  it('takes an object literal of `loop` alone as the options, not the result (issue 12)', async () => {
    const s = sleep(0.1, { loop });
    expect(s.get_loop()).toBe(loop);
    await expect(loop.run_until_complete(s)).resolves.toBeNull();
  });

  it('takes the result from the options, or before them', async () => {
    await expect(loop.run_until_complete(sleep(0.1, { result: 'x', loop }))).resolves.toBe('x');
    await expect(loop.run_until_complete(sleep(0.1, 'y', { loop }))).resolves.toBe('y');
    await expect(loop.run_until_complete(sleep(0.1, null, { loop }))).resolves.toBeNull();
    await expect(loop.run_until_complete(sleep(0, { result: 0, loop }))).resolves.toBe(0);
  });

  it('resolves to an object literal of other keys, or to any object given with options', async () => {
    set_event_loop(loop);
    const status = { status: 'ok' };
    await expect(loop.run_until_complete(sleep(0.1, status))).resolves.toBe(status);
    const options_like = { loop };
    await expect(loop.run_until_complete(sleep(0.1, options_like, {}))).resolves.toBe(options_like);
    await expect(loop.run_until_complete(sleep(0.1, { result: options_like }))).resolves.toBe(
      options_like,
    );
  });

  it('refuses a typo next to a loop, a bad loop, and a result given twice, scheduling nothing', () => {
    expect(thrown(() => sleep(0.1, { loop, reslt: 1 } as never))).toEqual([
      'TypeError',
      "sleep() got an unexpected keyword argument 'reslt'",
    ]);
    expect(thrown(() => sleep(0.1, null, { loop, delay: 1 } as never))).toEqual([
      'TypeError',
      "sleep() got an unexpected keyword argument 'delay'",
    ]);
    expect(() => sleep(0.1, null, { loop: 'main' } as never)).toThrow(
      /^sleep\(\) argument 'loop' must be object or null, not 'main'$/,
    );
    expect(thrown(() => sleep(0.1, 'a', { result: 'b', loop }))).toEqual([
      'TypeError',
      "sleep() got multiple values for argument 'result'",
    ]);
    expect(loop._scheduled.length).toBe(0);
    expect(loop._ready.length).toBe(0);
  });
});

describe('gather(..., {return_exceptions, loop})', () => {
  it('accepts null options in the list form, and options after the arguments', async () => {
    set_event_loop(loop);
    await expect(loop.run_until_complete(gather([job('a'), job('b')], null))).resolves.toEqual([
      'a',
      'b',
    ]);
    const g = gather(job('c'), { loop });
    expect(g.get_loop()).toBe(loop);
    await expect(loop.run_until_complete(g)).resolves.toEqual(['c']);
  });

  it('refuses an unknown key or a non-boolean return_exceptions, before starting anything', () => {
    expect(
      thrown(() => gather(job('a'), job('b'), { loop, return_exception: true } as never)),
    ).toEqual(['TypeError', "gather() got an unexpected keyword argument 'return_exception'"]);
    expect(() => gather([job('a')], { loop, return_exceptions: 'yes' } as never)).toThrow(
      /^gather\(\) argument 'return_exceptions' must be boolean, not 'yes'$/,
    );
    expect(all_tasks(loop).size).toBe(0);
  });

  it('treats a non-literal last argument as an awaitable, not as options', () => {
    class Options {
      loop = loop;
    }
    expect(() => gather(new Future({ loop }), new Options() as never)).toThrow(
      /An asyncio.Future, a coroutine or an awaitable is required/,
    );
  });
});

describe('wait(fs, {timeout, return_when, loop})', () => {
  it('refuses an unknown key and values of the wrong type', () => {
    const f = new Future({ loop });
    expect(thrown(() => wait([f], { loop, timout: 1 } as never))).toEqual([
      'TypeError',
      "wait() got an unexpected keyword argument 'timout'",
    ]);
    expect(() => wait([f], { loop, timeout: '1' } as never)).toThrow(
      /^wait\(\) argument 'timeout' must be number or null, not '1'$/,
    );
    expect(() => wait([f], { loop, timeout: Number.NaN })).toThrow(TypeError);
    expect(() => wait([f], { loop, return_when: 1 } as never)).toThrow(
      /^wait\(\) argument 'return_when' must be string, not 1$/,
    );
    expect(loop._scheduled.length).toBe(0);
  });
});

describe('wait_for(x, timeout, {loop}) and wait_for(x, {timeout, loop})', () => {
  it('takes the timeout from the options (asyncio wait_for(x, timeout=...))', async () => {
    const inner = new Future({ loop });
    await expect(
      loop.run_until_complete(wait_for(inner, { timeout: 0.5, loop })),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeCloseTo(0.5, 9);
    expect(inner.cancelled()).toBe(true);
  });

  it('waits without limit with options and no timeout', () => {
    const inner = new Future({ loop });
    expect(wait_for(inner, { loop })).toBe(inner);
    expect(wait_for(inner, null, { loop })).toBe(inner);
  });

  it('refuses a timeout given twice, a bad timeout and an unknown key, before making a Task', () => {
    const coro = job('x');
    expect(thrown(() => wait_for(coro, 1, { timeout: 2, loop }))).toEqual([
      'TypeError',
      "wait_for() got multiple values for argument 'timeout'",
    ]);
    expect(thrown(() => wait_for(coro, 'soon' as never, { loop }))).toEqual([
      'TypeError',
      "wait_for() timeout must be a number of seconds or null, got 'soon'",
    ]);
    expect(thrown(() => wait_for(coro, 1, { lop: loop } as never))).toEqual([
      'TypeError',
      "wait_for() got an unexpected keyword argument 'lop'",
    ]);
    expect(all_tasks(loop).size).toBe(0);
    expect(loop._scheduled.length).toBe(0);
  });
});

describe('as_completed(fs, {timeout, loop}) and shield(x, {loop})', () => {
  it('as_completed refuses an unknown key and a timeout of the wrong type', () => {
    const f = new Future({ loop });
    expect(thrown(() => as_completed([f], { loop, timout: 1 } as never))).toEqual([
      'TypeError',
      "as_completed() got an unexpected keyword argument 'timout'",
    ]);
    expect(() => as_completed([f], { loop, timeout: '1' } as never)).toThrow(
      /^as_completed\(\) argument 'timeout' must be number or null, not '1'$/,
    );
  });

  it('shield puts a coroutine on the loop of the options and refuses an unknown key', async () => {
    expect(thrown(() => shield(job('x'), { lop: loop } as never))).toEqual([
      'TypeError',
      "shield() got an unexpected keyword argument 'lop'",
    ]);
    const outer = shield(job('y'), { loop });
    expect(outer.get_loop()).toBe(loop);
    await expect(loop.run_until_complete(outer)).resolves.toBe('y');
    expect([...all_tasks(loop)].every((t) => t instanceof Task && t.done())).toBe(true);
  });
});

describe('the options objects of the helpers work inside a coroutine', () => {
  it('sleep(d, {loop}) inside a task waits on that loop', async () => {
    const main = coroutine(function* () {
      const v: unknown = yield From(sleep(1, { loop }));
      return [v, loop.time()];
    });
    await expect(loop.run_until_complete(main())).resolves.toEqual([null, 1]);
  });
});
