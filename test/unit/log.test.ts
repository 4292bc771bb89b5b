// Tests for src/log.ts: the trollius logger, its levels and its replaceable handler.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { logger, logging, Logger, type LogRecord } from '../../src/log.js';
import { ValueError } from '../../src/exceptions.js';

let records: LogRecord[];

beforeEach(() => {
  records = [];
  logger.set_handler((record) => records.push(record));
});

afterEach(() => {
  logger.set_handler(null);
  logger.setLevel(logging.WARNING);
  vi.restoreAllMocks();
});

describe('logger levels', () => {
  it('has the standard level numbers', () => {
    expect(logging).toEqual({ DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 });
  });

  it("is named trollius and starts at WARNING, like Python's root logger", () => {
    expect(logger).toBeInstanceOf(Logger);
    expect(logger.name).toBe('trollius');
    expect(logger.getEffectiveLevel()).toBe(logging.WARNING);
    expect(logger.isEnabledFor(logging.INFO)).toBe(false);
    expect(logger.isEnabledFor(logging.WARNING)).toBe(true);
  });

  it('drops records below the level and passes the rest', () => {
    logger.debug('d');
    logger.info('i');
    logger.warning('w');
    logger.warn('w2');
    logger.error('e');
    logger.critical('c');
    expect(records.map((r) => [r.level, r.message])).toEqual([
      [30, 'w'],
      [30, 'w2'],
      [40, 'e'],
      [50, 'c'],
    ]);
  });

  it('passes DEBUG records once the level is lowered', () => {
    logger.setLevel(logging.DEBUG);
    expect(logger.getEffectiveLevel()).toBe(10);
    logger.debug('d');
    logger.info('i');
    expect(records).toEqual([
      { level: 10, message: 'd' },
      { level: 20, message: 'i' },
    ]);
  });

  it('drops ERROR records when the level is CRITICAL', () => {
    logger.setLevel(logging.CRITICAL);
    logger.error('e');
    logger.exception('e', new Error('x'));
    logger.critical('c');
    expect(records).toEqual([{ level: 50, message: 'c' }]);
  });

  it('accepts a level name, as Python does', () => {
    logger.setLevel('INFO');
    expect(logger.getEffectiveLevel()).toBe(logging.INFO);
  });

  it('rejects an unknown level name with ValueError and a non-integer with TypeError', () => {
    expect(() => logger.setLevel('LOUD' as never)).toThrow(ValueError);
    expect(() => logger.setLevel('LOUD' as never)).toThrow("Unknown level: 'LOUD'");
    expect(() => logger.setLevel(1.5)).toThrow(TypeError);
    expect(logger.getEffectiveLevel()).toBe(logging.WARNING);
  });

  it('logs at an arbitrary level with log()', () => {
    logger.log(35, 'between');
    logger.log(25, 'below');
    expect(records).toEqual([{ level: 35, message: 'between' }]);
  });
});

describe('logger records', () => {
  it('exception() logs at ERROR with the error as exc_info', () => {
    const err = new Error('boom');
    logger.exception('Exception in callback f()', err);
    expect(records).toEqual([
      { level: logging.ERROR, message: 'Exception in callback f()', exc_info: err },
    ]);
    expect(records[0]!.exc_info).toBe(err);
  });

  it('error() carries exc_info when given in the options', () => {
    const err = new Error('boom');
    logger.error('Unhandled exception in event loop', { exc_info: err });
    expect(records[0]!.exc_info).toBe(err);
  });

  it('a record without an error has no exc_info key', () => {
    logger.error('plain');
    expect('exc_info' in records[0]!).toBe(false);
  });
});

describe('logger handler', () => {
  it('rejects a handler that is not a function', () => {
    expect(() => logger.set_handler(42 as never)).toThrow(TypeError);
  });

  it('writes to the console with a trollius prefix by default, and passes the error along', () => {
    logger.set_handler(null);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const err = new Error('boom');
    logger.exception('Task exception was never retrieved', err);
    logger.warning('Executing <Handle f()> took 0.200 seconds');
    expect(error).toHaveBeenCalledWith('trollius ERROR: Task exception was never retrieved', err);
    expect(warn).toHaveBeenCalledWith(
      'trollius WARNING: Executing <Handle f()> took 0.200 seconds',
    );
  });

  it('sends DEBUG and INFO to console.debug and console.info by default', () => {
    logger.set_handler(null);
    logger.setLevel(logging.DEBUG);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    logger.debug('d');
    logger.info('i');
    expect(debug).toHaveBeenCalledWith('trollius DEBUG: d');
    expect(info).toHaveBeenCalledWith('trollius INFO: i');
  });

  it('a handler that throws does not break the caller; the failure goes to console.error', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = new Error('handler broke');
    logger.set_handler(() => {
      throw failure;
    });
    expect(() => logger.error('x')).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![1]).toBe(failure);
  });

  it('set_handler(null) restores the console handler', () => {
    logger.set_handler(null);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    logger.error('back to console');
    expect(records).toEqual([]);
    expect(error).toHaveBeenCalledWith('trollius ERROR: back to console');
  });
});
