// The trollius logger (asyncio's log.py: logging.getLogger('trollius')) and its level constants.

import { ValueError } from './exceptions.js';

/**
 * The standard level numbers, as Python's `logging` module names them, so
 * ported code reads the same: `logger.setLevel(logging.DEBUG)`.
 */
export const logging = /* @__PURE__ */ Object.freeze({
  /** Detail for debugging (debug mode's slow-callback and transport messages). */
  DEBUG: 10,
  /** Routine events. */
  INFO: 20,
  /** Something unexpected that the program survives (the default threshold). */
  WARNING: 30,
  /** A failure: what `call_exception_handler()` logs by default. */
  ERROR: 40,
  /** A failure the program cannot go on after. */
  CRITICAL: 50,
} as const);

/** A level name accepted by {@link Logger.setLevel}, as Python accepts `'DEBUG'`. */
export type LevelName = keyof typeof logging;

/** One log event, handed to the handler. `message` is already formatted. */
export interface LogRecord {
  /** The numeric level, e.g. `logging.ERROR` (40). */
  readonly level: number;
  /** The finished message text (trollius does no %-formatting). */
  readonly message: string;
  /** The error this record is about (Python's `exc_info`); absent when there is none. */
  readonly exc_info?: unknown;
}

/** Receives every record at or above the logger's level. */
export type LogHandler = (record: LogRecord) => void;

/** Options of the logging methods (Python's `exc_info=` keyword). */
export interface LogOptions {
  /** The error to report with the message, usually a caught exception. */
  exc_info?: unknown;
}

/** Name a level for output: `'WARNING'`, or `'Level 25'` for an unnamed number (Python's `getLevelName`). */
function level_name(level: number): string {
  for (const [name, value] of Object.entries(logging)) {
    if (value === level) return name;
  }
  return `Level ${level}`;
}

/**
 * Write a record to the host console, as `trollius ERROR: message`.
 *
 * DEBUG goes to `console.debug`, INFO to `console.info`, WARNING to
 * `console.warn`, ERROR and CRITICAL to `console.error`. When the record has
 * `exc_info`, the error object is passed as a second argument, so the host
 * prints its stack (and, in Node, its `cause` and `code`).
 */
function console_handler(record: LogRecord): void {
  const line = `trollius ${level_name(record.level)}: ${record.message}`;
  const method =
    record.level >= logging.ERROR
      ? 'error'
      : record.level >= logging.WARNING
        ? 'warn'
        : record.level >= logging.INFO
          ? 'info'
          : 'debug';
  if (record.exc_info !== undefined) console[method](line, record.exc_info);
  else console[method](line);
}

/**
 * A minimal analogue of Python's `logging.Logger`, reduced to what asyncio uses:
 * one logger, a level, and one replaceable handler. Use the {@link logger}
 * instance rather than creating others.
 */
export class Logger {
  /** The logger's name, as `logging.getLogger('trollius')`. */
  readonly name: string;
  /** @internal */
  _level: number = logging.WARNING;
  /** @internal */
  _handler: LogHandler = console_handler;

  /** @param name - the name shown by handlers that care; trollius uses `'trollius'`. */
  constructor(name: string) {
    this.name = name;
  }

  /**
   * Set the threshold: records below `level` are dropped before the handler.
   * Accepts a number or a level name (`'DEBUG'`), as Python does.
   * @throws TypeError when `level` is neither; ValueError for an unknown name.
   */
  setLevel(level: number | LevelName): void {
    if (typeof level === 'string') {
      if (!Object.hasOwn(logging, level)) throw new ValueError(`Unknown level: '${level}'`);
      this._level = logging[level];
    } else if (typeof level === 'number' && Number.isInteger(level)) {
      this._level = level;
    } else {
      throw new TypeError(`Level not an integer or a valid string: ${String(level)}`);
    }
  }

  /** Return the current threshold level (by default `logging.WARNING`, like Python's root logger). */
  getEffectiveLevel(): number {
    return this._level;
  }

  /** Return whether a record at `level` would reach the handler. */
  isEnabledFor(level: number): boolean {
    return level >= this._level;
  }

  /**
   * Replace the handler that receives the records; `null` restores the default,
   * which writes to the host `console` with a `trollius` prefix.
   * Trollius-TS addition: this stands in for `logger.addHandler()`/`removeHandler()`.
   */
  set_handler(handler: LogHandler | null): void {
    if (handler !== null && typeof handler !== 'function') {
      throw new TypeError(`A callable object or null is expected, got ${String(handler)}`);
    }
    this._handler = handler ?? console_handler;
  }

  /**
   * Log `message` at `level`, if the level is enabled.
   * A handler that throws does not break the caller: as Python's logging does,
   * the failure is reported on `console.error` and swallowed.
   */
  log(level: number, message: string, options?: LogOptions): void {
    if (!this.isEnabledFor(level)) return;
    const exc_info = options?.exc_info;
    const record: LogRecord =
      exc_info === undefined ? { level, message } : { level, message, exc_info };
    try {
      this._handler(record);
    } catch (err) {
      console.error('trollius: --- Logging error ---', err);
    }
  }

  /** Log `message` at DEBUG level. */
  debug(message: string, options?: LogOptions): void {
    this.log(logging.DEBUG, message, options);
  }

  /** Log `message` at INFO level. */
  info(message: string, options?: LogOptions): void {
    this.log(logging.INFO, message, options);
  }

  /** Log `message` at WARNING level. */
  warning(message: string, options?: LogOptions): void {
    this.log(logging.WARNING, message, options);
  }

  /** Log `message` at WARNING level: an alias of {@link Logger.warning}, as Python's `warn`. */
  warn(message: string, options?: LogOptions): void {
    this.log(logging.WARNING, message, options);
  }

  /** Log `message` at ERROR level; pass `{exc_info: err}` to attach an error. */
  error(message: string, options?: LogOptions): void {
    this.log(logging.ERROR, message, options);
  }

  /**
   * Log `message` at ERROR level with the error `err` attached (Python's
   * `logger.exception()`, which reads the current exception; JavaScript has
   * none, so it is passed in).
   */
  exception(message: string, err: unknown): void {
    this.log(logging.ERROR, message, { exc_info: err });
  }

  /** Log `message` at CRITICAL level. */
  critical(message: string, options?: LogOptions): void {
    this.log(logging.CRITICAL, message, options);
  }
}

/**
 * The library's logger (asyncio's `log.logger`, `logging.getLogger('trollius')`).
 *
 * Level WARNING by default; debug mode messages need `logger.setLevel(logging.DEBUG)`.
 *
 * @example
 * import { logger, logging } from 'trollius';
 * logger.setLevel(logging.DEBUG);
 * logger.set_handler((record) => my_log.push(record));
 */
export const logger: Logger = /* @__PURE__ */ new Logger('trollius');
