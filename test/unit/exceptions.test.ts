// Tests for src/exceptions.ts: asyncio's exception classes and the Python builtins.
import { describe, it, expect } from 'vitest';
import {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  IncompleteReadError,
  LimitOverrunError,
  QueueEmpty,
  QueueFull,
  ValueError,
  RuntimeError,
  NotImplementedError,
} from '../../src/exceptions.js';

describe('error classes', () => {
  const cases = [
    ['CancelledError', CancelledError],
    ['TimeoutError', TimeoutError],
    ['InvalidStateError', InvalidStateError],
    ['ValueError', ValueError],
    ['RuntimeError', RuntimeError],
    ['NotImplementedError', NotImplementedError],
  ] as const;

  for (const [name, cls] of cases) {
    it(`${name} is an Error named ${name} whose string form is "${name}: message"`, () => {
      const err = new cls('boom');
      expect(err).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(err.message).toBe('boom');
      expect(String(err)).toBe(`${name}: boom`);
      expect(err.stack?.split('\n')[0]).toBe(`${name}: boom`);
    });
  }

  it('String(new ValueError("x")) is "ValueError: x"', () => {
    expect(String(new ValueError('x'))).toBe('ValueError: x');
  });

  it('an error without a message prints just its class name', () => {
    expect(String(new CancelledError())).toBe('CancelledError');
    expect(String(new TimeoutError())).toBe('TimeoutError');
  });

  it('the name lives on the prototype, not among the own keys', () => {
    const err = new ValueError('x');
    expect(Object.keys(err)).toEqual([]);
    expect(Object.prototype.hasOwnProperty.call(err, 'name')).toBe(false);
  });

  it('assigning a name renames that error only, with an own non-enumerable name', () => {
    const err = new ValueError('x');
    err.name = 'Other';
    expect(String(err)).toBe('Other: x');
    expect(Object.getOwnPropertyDescriptor(err, 'name')).toEqual({
      value: 'Other',
      writable: true,
      enumerable: false,
      configurable: true,
    });
    expect(Object.keys(err)).toEqual([]);
    expect(new ValueError('y').name).toBe('ValueError');
    expect(new NotImplementedError('z').name).toBe('NotImplementedError');
  });

  it('keeps the cause passed in the options', () => {
    const original = new Error('low level');
    expect(new RuntimeError('high level', { cause: original }).cause).toBe(original);
    expect(new CancelledError(undefined, { cause: original }).cause).toBe(original);
    expect(new InvalidStateError('x', { cause: 1 }).cause).toBe(1);
  });

  it('NotImplementedError derives from RuntimeError, as in Python', () => {
    const err = new NotImplementedError('no TCP in browsers');
    expect(err).toBeInstanceOf(RuntimeError);
    expect(String(err)).toBe('NotImplementedError: no TCP in browsers');
  });

  it('CancelledError is an ordinary exception, distinct from TimeoutError (asyncio 3.5 semantics)', () => {
    const err = new CancelledError();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(new TimeoutError()).not.toBeInstanceOf(CancelledError);
  });

  it('the classes are distinct: a ValueError is not a RuntimeError', () => {
    expect(new ValueError('x')).not.toBeInstanceOf(RuntimeError);
    expect(new RuntimeError('x')).not.toBeInstanceOf(NotImplementedError);
  });

  it('a user subclass is still caught by instanceof of the base class', () => {
    class MyError extends ValueError {}
    const err = new MyError('x');
    expect(err).toBeInstanceOf(ValueError);
    expect(err).toBeInstanceOf(MyError);
  });

  it('is thrown and matched by class and exact message', () => {
    expect(() => {
      throw new ValueError('Semaphore initial value must be >= 0');
    }).toThrow(ValueError);
    expect(() => {
      throw new RuntimeError('Event loop is closed');
    }).toThrow(/^Event loop is closed$/);
  });
});

describe('IncompleteReadError', () => {
  it('says how many bytes were read out of how many expected, and keeps both', () => {
    const partial = new Uint8Array([1, 2, 3]);
    const err = new IncompleteReadError(partial, 10);
    expect(err.message).toBe('3 bytes read on a total of 10 expected bytes');
    expect(String(err)).toBe('IncompleteReadError: 3 bytes read on a total of 10 expected bytes');
    expect(err.partial).toBe(partial);
    expect(err.expected).toBe(10);
    expect(err).toBeInstanceOf(Error);
  });

  it('says None, as asyncio, when no total was expected, and keeps null', () => {
    const err = new IncompleteReadError(new Uint8Array(0), null);
    expect(err.message).toBe('0 bytes read on a total of None expected bytes');
    expect(String(err)).toBe('IncompleteReadError: 0 bytes read on a total of None expected bytes');
    expect(err.expected).toBeNull();
  });

  it('takes undefined as null', () => {
    const err = new IncompleteReadError(new Uint8Array(2), undefined);
    expect(err.expected).toBeNull();
    expect(err.message).toBe('2 bytes read on a total of None expected bytes');
  });

  it('prints an expected total of 0 as 0, not None', () => {
    const err = new IncompleteReadError(new Uint8Array(0), 0);
    expect(err.message).toBe('0 bytes read on a total of 0 expected bytes');
  });
});

describe('LimitOverrunError', () => {
  it('keeps the message and the number of bytes to consume', () => {
    const err = new LimitOverrunError('Separator is not found, and chunk exceed the limit', 7);
    expect(err.consumed).toBe(7);
    expect(String(err)).toBe(
      'LimitOverrunError: Separator is not found, and chunk exceed the limit',
    );
  });
});

describe('QueueEmpty and QueueFull', () => {
  it('carry no message, so they print as their class name', () => {
    expect(String(new QueueEmpty())).toBe('QueueEmpty');
    expect(String(new QueueFull())).toBe('QueueFull');
    expect(new QueueEmpty().message).toBe('');
  });

  it('are distinct Error classes', () => {
    expect(new QueueEmpty()).toBeInstanceOf(Error);
    expect(new QueueEmpty()).not.toBeInstanceOf(QueueFull);
    expect(new QueueFull()).not.toBeInstanceOf(QueueEmpty);
  });
});
