// coroutine(), From, Return, iscoroutine and iscoroutinefunction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  Future,
  From,
  Return,
  coroutine,
  iscoroutine,
  iscoroutinefunction,
  sleep,
} from '../../src/index.js';
import { TestLoop } from '../support/test_loop.js';

let loop: TestLoop;
beforeEach(() => {
  loop = new TestLoop();
});
afterEach(() => {
  loop.close();
});

describe('coroutine()', () => {
  it('returns a generator function as it is, marked (test_iscoroutinefunction)', () => {
    const gen_fn = function* (): Generator<unknown, number, unknown> {
      return 1;
    };
    const decorated = coroutine(gen_fn);
    expect(decorated).toBe(gen_fn);
    expect(iscoroutinefunction(decorated)).toBe(true);
    expect(iscoroutine(decorated())).toBe(true);
  });

  it('recognises undecorated generator functions and async functions as coroutine functions', () => {
    expect(iscoroutinefunction(function* () {})).toBe(true);
    expect(iscoroutinefunction(async () => {})).toBe(true);
    expect(iscoroutinefunction(() => {})).toBe(false);
    expect(iscoroutinefunction(42)).toBe(false);
  });

  it('turns a plain function into a coroutine with its return value (test_coroutine_non_gen_function)', async () => {
    const plain = coroutine((a: number, b: number) => a + b);
    expect(iscoroutinefunction(plain)).toBe(true);
    const coro = plain(2, 3);
    expect(iscoroutine(coro)).toBe(true);
    await expect(loop.run_until_complete(coro)).resolves.toBe(5);
  });

  it('awaits a Future a plain function returns (test_coroutine_non_gen_function_return_future)', async () => {
    const fut = new Future<string>({ loop });
    const plain = coroutine(() => fut);
    loop.call_soon(() => fut.set_result('from future'));
    await expect(loop.run_until_complete(plain())).resolves.toBe('from future');
  });

  it('awaits a Promise a plain function returns', async () => {
    const plain = coroutine(() => Promise.resolve('from promise'));
    await expect(loop.run_until_complete(plain())).resolves.toBe('from promise');
  });

  it('keeps the function name for reprs', () => {
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    const fetch_page = coroutine(function* fetch_page() {
      yield null;
    });
    expect(fetch_page.name).toBe('fetch_page');
    const task = loop.create_task(fetch_page(), { name: 'fetch' });
    expect(String(task)).toBe("<Task pending name='fetch' coro=<fetch_page() running>>");
    task.cancel();
  });

  it('refuses what is not a function', () => {
    expect(() => coroutine(42 as never)).toThrow(TypeError);
  });
});

describe('iscoroutine', () => {
  it('is true for generator objects only', () => {
    expect(iscoroutine((function* () {})())).toBe(true);
    expect(iscoroutine([1, 2])).toBe(false);
    expect(iscoroutine(Promise.resolve(1))).toBe(false);
    expect(iscoroutine(From(null))).toBe(false);
    expect(iscoroutine(null)).toBe(false);
  });
});

describe('Return', () => {
  it('carries one value, several as an array, none as null', () => {
    expect(new Return(1).value).toBe(1);
    expect(new Return(1, 'b').value).toEqual([1, 'b']);
    expect(new Return().value).toBeNull();
    expect(String(new Return(3))).toBe('Return(3)');
  });

  it('ends a coroutine with its value and is marked raised', async () => {
    const r = new Return('v');
    const coro = coroutine(function* () {
      yield null;
      throw r;
    });
    await expect(loop.run_until_complete(coro())).resolves.toBe('v');
    expect(r.raised).toBe(true);
  });
});

describe('From', () => {
  it('returns a Future itself, like Trollius outside debug mode', () => {
    const fut = new Future({ loop });
    expect(From(fut)).toBe(fut);
  });

  it('wraps anything else in an iterable for yield*', () => {
    const wrapped = From(sleep(0, null, { loop }));
    expect(typeof wrapped[Symbol.iterator]).toBe('function');
    const p = From(Promise.resolve(1));
    expect(p[Symbol.iterator]().next().done).toBe(false);
    expect(From(p)).toBe(p);
  });
});
