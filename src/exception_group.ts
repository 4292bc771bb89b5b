// Python 3.11's exception groups (PEP 654): BaseExceptionGroup and ExceptionGroup, with subgroup(), split() and derive().

import { ValueError, _set_own_name } from './exceptions.js';

/**
 * A class a group member can be matched against with `instanceof`: an `Error`
 * subclass (abstract ones too), or any other class, since JavaScript can throw
 * any value.
 */
type ErrorClass = abstract new (...args: never[]) => unknown;

/** How `split()`/`subgroup()` test one exception, once the condition is checked. */
type Matcher = (exc: unknown) => boolean;

/**
 * Several unrelated errors raised together (Python 3.11's `BaseExceptionGroup`,
 * PEP 654), with the operations Python's `except*` is built on: `subgroup()`,
 * `split()` and the `derive()` hook.
 *
 * It derives from JavaScript's `AggregateError`, the built-in error with the
 * same meaning, so `errors` holds the members too, and `catch` code written for
 * `AggregateError` sees them.
 *
 * JavaScript has no `BaseException`, and any value can be thrown, so every
 * member counts as an ordinary exception: as Python does when every member is
 * an `Exception`, `new BaseExceptionGroup(msg, excs)` returns an
 * {@link ExceptionGroup}. A user subclass of `BaseExceptionGroup` keeps its own
 * class. `instanceof BaseExceptionGroup` holds for both classes.
 *
 * Fields, as in Python:
 * - `message` is the first argument, unchanged (it is also the `Error`
 *   message, so the stack trace's first line reads `ExceptionGroup: msg`);
 * - `exceptions` is a frozen array (Python's tuple) of the members, the same
 *   array as `errors`;
 * - `String(eg)` is `'ExceptionGroup: msg (2 sub-exceptions)'`: the class name,
 *   as for every error of this library, then Python's `str(eg)`, which counts
 *   the direct members (`'(1 sub-exception)'` for one).
 *
 * @typeParam E - the type of the members the group was built from.
 *
 * @example
 * const group = new BaseExceptionGroup('many failures', [new ValueError('a'), new TypeError('b')]);
 * group instanceof ExceptionGroup;      // true: every member is an ordinary exception
 * String(group);                        // 'ExceptionGroup: many failures (2 sub-exceptions)'
 * const [values, others] = group.split(ValueError);
 */
export class BaseExceptionGroup<E = unknown> extends AggregateError {
  /** @internal */
  override get name(): string {
    return 'BaseExceptionGroup';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /** The members, the same frozen array as {@link BaseExceptionGroup.exceptions}. */
  declare readonly errors: (E | BaseExceptionGroup<E>)[];

  /**
   * Notes added by {@link BaseExceptionGroup.add_note} (Python 3.11's
   * `__notes__`), absent until the first note; `split()` and `subgroup()`
   * give each group they derive its own copy.
   */
  declare __notes__?: string[];

  /**
   * @param message - the group's message, a string (Python's `message`).
   * @param exceptions - a non-empty array or other iterable of the members; any
   *   thrown value may be a member, except `undefined` and `null`.
   * @param options - `cause`: the error that led to this group, if any.
   * @throws TypeError - `message` is not a string, or `exceptions` is not an
   *   iterable object.
   * @throws ValueError - `exceptions` is empty, or a member is `undefined` or `null`.
   */
  constructor(message: string, exceptions: Iterable<E>, options?: ErrorOptions) {
    if (new.target === BaseExceptionGroup) {
      // Python returns an ExceptionGroup when every member is an Exception: here, always.
      return new ExceptionGroup<E>(message, exceptions, options);
    }
    super(_check_arguments(message, exceptions), message, options);
    Object.freeze(this.errors);
    Object.defineProperty(this, 'errors', { writable: false });
  }

  /** The members, in order: a frozen array (Python's tuple); nested groups stay groups. */
  get exceptions(): readonly (E | BaseExceptionGroup<E>)[] {
    return this.errors;
  }

  /**
   * The group's members that match `condition`, with the nesting kept, or
   * `null` when none does (Python's `subgroup()`).
   *
   * `condition` is a class (a member matches when it is an `instanceof` it),
   * an array of classes (any of them), or a predicate called with each
   * member. A class is an `Error` subclass or any other `class` (any value
   * can be thrown); any other function, such as an arrow function, is a
   * predicate. Every group is tested too, starting with this one, and a
   * group that matches is kept whole: so `subgroup()` returns this very group
   * when the condition matches it (`eg.subgroup(Error)`, or a predicate true
   * for every exception). Otherwise each group in the result is a new one
   * from `derive()`, even when all its leaves matched (as in CPython), with
   * the original's `message`, `cause`, `stack` and a copy of its
   * `__notes__`. Groups left empty are dropped.
   *
   * @param condition - a class, an array of classes, or a predicate.
   * @returns the matching part, typed by the class when `condition` is one, or `null`.
   * @throws TypeError - `condition` is none of these, or `derive()` returned
   *   something that is not a `BaseExceptionGroup`.
   *
   * @example
   * const timeouts = eg.subgroup(TimeoutError);   // ExceptionGroup<TimeoutError> | null
   * const fatal = eg.subgroup((exc) => exc instanceof Error && exc.message.includes('fatal'));
   */
  subgroup(condition: (exc: E | BaseExceptionGroup<E>) => boolean): BaseExceptionGroup<E> | null;
  subgroup<C extends ErrorClass>(
    condition: C | readonly C[],
  ): ExceptionGroup<InstanceType<C>> | null;
  subgroup(condition: unknown): BaseExceptionGroup<unknown> | null {
    return _split(this, _matcher(condition), false)[0];
  }

  /**
   * Split the group into the members that match `condition` and the rest,
   * both with the nesting kept (Python's `split()`).
   *
   * `condition` is read as by {@link BaseExceptionGroup.subgroup}, and the
   * match is the group `subgroup()` returns. Either part is `null` when it
   * would be empty: `[this, null]` when the condition matches this group.
   * Each derived part has this group's `message`, `cause`, `stack` and a copy
   * of its `__notes__`.
   *
   * @param condition - a class, an array of classes, or a predicate.
   * @returns `[match, rest]`.
   * @throws TypeError - as `subgroup()`.
   *
   * @example
   * try {
   *   yield From(task_group(function* (tg) { ... }));
   * } catch (eg) {
   *   if (!(eg instanceof ExceptionGroup)) throw eg;
   *   const [conn, rest] = eg.split(ConnectionError);
   *   if (conn) reconnect_later();
   *   if (rest) throw rest;
   * }
   */
  split(
    condition: (exc: E | BaseExceptionGroup<E>) => boolean,
  ): [BaseExceptionGroup<E> | null, BaseExceptionGroup<E> | null];
  split<C extends ErrorClass>(
    condition: C | readonly C[],
  ): [ExceptionGroup<InstanceType<C>> | null, BaseExceptionGroup<E> | null];
  split(
    condition: unknown,
  ): [BaseExceptionGroup<unknown> | null, BaseExceptionGroup<unknown> | null] {
    return _split(this, _matcher(condition), true);
  }

  /**
   * A group with this group's message wrapping `excs` (Python's `derive()`):
   * `split()` and `subgroup()` build every group they return through it, then
   * copy `cause`, `stack` and `__notes__` onto the result themselves.
   *
   * The default returns a plain {@link ExceptionGroup}. Override it so that
   * `split()` and `subgroup()` return your subclass and carry its extra fields.
   *
   * @param excs - the members of the new group (non-empty).
   * @returns the new group.
   *
   * @example
   * class Errors<E = unknown> extends ExceptionGroup<E> {
   *   constructor(message: string, excs: Iterable<E>, readonly exit_code: number) {
   *     super(message, excs);
   *   }
   *   override derive<T>(excs: readonly T[]): Errors<T> {
   *     return new Errors<T>(this.message, excs, this.exit_code);
   *   }
   * }
   */
  derive<T>(excs: readonly T[]): BaseExceptionGroup<T> {
    return new BaseExceptionGroup<T>(this.message, excs);
  }

  /**
   * Add a note to the group (Python 3.11's `add_note()`): it is appended to
   * `__notes__`, created on the first call.
   *
   * @param note - the text of the note.
   * @throws TypeError - `note` is not a string, or `__notes__` was replaced by
   *   something that is not an array.
   *
   * @example
   * eg.add_note(`while fetching ${url}`);
   * eg.__notes__;   // ['while fetching https://...']
   */
  add_note(note: string): void {
    if (typeof note !== 'string') {
      throw new TypeError(`note must be a string, not ${_type_name(note)}`);
    }
    if (this.__notes__ === undefined) {
      this.__notes__ = [];
    } else if (!Array.isArray(this.__notes__)) {
      throw new TypeError('Cannot add note: __notes__ is not a list');
    }
    this.__notes__.push(note);
  }

  /**
   * The class name, then Python's `str(eg)`: the message and the number of
   * direct members, e.g. `'ExceptionGroup: msg (2 sub-exceptions)'` or
   * `'ExceptionGroup: msg (1 sub-exception)'`.
   *
   * @example
   * String(new ExceptionGroup('eg', [new ValueError('a')]));   // 'ExceptionGroup: eg (1 sub-exception)'
   */
  override toString(): string {
    const count = this.exceptions.length;
    const summary = `(${count} sub-exception${count > 1 ? 's' : ''})`;
    const text = this.message ? `${this.message} ${summary}` : summary;
    return this.name ? `${this.name}: ${text}` : text;
  }
}

/**
 * An exception group (Python 3.11's `ExceptionGroup`, PEP 654): what
 * `TaskGroup` throws when tasks fail, as
 * `new ExceptionGroup('unhandled errors in a TaskGroup', errors)`.
 *
 * Since JavaScript has no `BaseException`, every group of thrown values is an
 * `ExceptionGroup`, including the ones `new BaseExceptionGroup(...)`,
 * `split()`, `subgroup()` and the default `derive()` build. It inherits all
 * of {@link BaseExceptionGroup}; `split()`, `subgroup()` and `derive()` are
 * typed here to return `ExceptionGroup`s.
 *
 * @typeParam E - the type of the members the group was built from.
 *
 * @example
 * try {
 *   yield From(task_group(function* (tg) {
 *     tg.create_task(fetch_one(a));
 *     tg.create_task(fetch_one(b));
 *   }));
 * } catch (eg) {
 *   if (!(eg instanceof ExceptionGroup)) throw eg;
 *   const [conn, rest] = eg.split(ConnectionError);
 *   for (const err of conn?.exceptions ?? []) logger.warning('lost: %s', err);
 *   if (rest) throw rest;
 * }
 */
export class ExceptionGroup<E = unknown> extends BaseExceptionGroup<E> {
  /** @internal */
  override get name(): string {
    return 'ExceptionGroup';
  }

  /** @internal */
  override set name(value: string) {
    _set_own_name(this, value);
  }

  /**
   * The members matching `condition`, or `null`: see {@link BaseExceptionGroup.subgroup}.
   *
   * @example
   * const conn = eg.subgroup(ConnectionError);   // ExceptionGroup<ConnectionError> | null
   */
  override subgroup(
    condition: (exc: E | BaseExceptionGroup<E>) => boolean,
  ): ExceptionGroup<E> | null;
  override subgroup<C extends ErrorClass>(
    condition: C | readonly C[],
  ): ExceptionGroup<InstanceType<C>> | null;
  override subgroup(condition: unknown): BaseExceptionGroup<unknown> | null {
    return super.subgroup(condition as () => boolean);
  }

  /**
   * `[match, rest]`, either part possibly `null`: see {@link BaseExceptionGroup.split}.
   *
   * @example
   * const [conn, rest] = eg.split([ConnectionError, TimeoutError]);
   */
  override split(
    condition: (exc: E | BaseExceptionGroup<E>) => boolean,
  ): [ExceptionGroup<E> | null, ExceptionGroup<E> | null];
  override split<C extends ErrorClass>(
    condition: C | readonly C[],
  ): [ExceptionGroup<InstanceType<C>> | null, ExceptionGroup<E> | null];
  override split(
    condition: unknown,
  ): [BaseExceptionGroup<unknown> | null, BaseExceptionGroup<unknown> | null] {
    return super.split(condition as () => boolean);
  }

  /**
   * A plain `ExceptionGroup` with this group's message wrapping `excs`: see
   * {@link BaseExceptionGroup.derive}, and override it in subclasses.
   *
   * @example
   * eg.derive([new ValueError('x')]).message === eg.message;   // true
   */
  override derive<T>(excs: readonly T[]): ExceptionGroup<T> {
    return new ExceptionGroup<T>(this.message, excs);
  }
}

/** Validate the constructor's arguments as Python does, and return the members as an array. */
function _check_arguments(message: unknown, exceptions: unknown): unknown[] {
  if (typeof message !== 'string') {
    throw new TypeError(
      `BaseExceptionGroup() argument 1 must be a string, not ${_type_name(message)}`,
    );
  }
  if (
    typeof exceptions !== 'object' ||
    exceptions === null ||
    typeof (exceptions as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError('second argument (exceptions) must be a sequence');
  }
  const members = Array.from(exceptions as Iterable<unknown>);
  if (members.length === 0) {
    throw new ValueError('second argument (exceptions) must be a non-empty sequence');
  }
  members.forEach((member, index) => {
    if (member == null) {
      throw new ValueError(`Item ${index} of second argument (exceptions) is not an exception`);
    }
  });
  return members;
}

/**
 * Is `value` a class to match with `instanceof`? An `Error` subclass (even one
 * compiled to an ES5 function), or any constructor whose `prototype` is
 * read-only, which is true of every `class` and built-in constructor but of no
 * plain function; any other function is a predicate.
 */
function _is_class(value: unknown): value is ErrorClass {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  if (typeof prototype !== 'object' || prototype === null) return false;
  return (
    prototype instanceof Error ||
    Object.getOwnPropertyDescriptor(value, 'prototype')?.writable === false
  );
}

/** Turn a `split()`/`subgroup()` condition into a test of one exception, or throw `TypeError`. */
function _matcher(condition: unknown): Matcher {
  if (Array.isArray(condition)) {
    const classes: unknown[] = [...condition];
    for (const cls of classes) {
      if (!_is_class(cls)) {
        throw new TypeError(`expected an array of error classes, but it holds ${_type_name(cls)}`);
      }
    }
    return (exc) => (classes as ErrorClass[]).some((cls) => exc instanceof cls);
  }
  if (_is_class(condition)) {
    return (exc) => exc instanceof condition;
  }
  if (typeof condition === 'function') {
    return (exc) => Boolean((condition as (exc: unknown) => unknown)(exc));
  }
  throw new TypeError(
    `expected an error class, an array of error classes, or a predicate, not ${_type_name(condition)}`,
  );
}

/**
 * Python's split algorithm: a group the matcher accepts is kept whole;
 * otherwise its members are sorted (nested groups recursively) and each
 * non-empty side becomes a derived group.
 */
function _split(
  group: BaseExceptionGroup<unknown>,
  matches: Matcher,
  with_rest: boolean,
): [BaseExceptionGroup<unknown> | null, BaseExceptionGroup<unknown> | null] {
  if (matches(group)) return [group, null];
  const matched: unknown[] = [];
  const rest: unknown[] = [];
  for (const exc of group.exceptions) {
    if (exc instanceof BaseExceptionGroup) {
      const [sub_match, sub_rest] = _split(exc, matches, with_rest);
      if (sub_match !== null) matched.push(sub_match);
      if (sub_rest !== null) rest.push(sub_rest);
    } else if (matches(exc)) {
      matched.push(exc);
    } else if (with_rest) {
      rest.push(exc);
    }
  }
  return [_derive_from(group, matched), with_rest ? _derive_from(group, rest) : null];
}

/**
 * `group.derive(excs)`, or `null` when `excs` is empty, carrying the group's
 * `stack`, `cause` and a copy of its notes, as CPython carries `__traceback__`,
 * `__cause__`, `__context__` and `__notes__`.
 */
function _derive_from(
  group: BaseExceptionGroup<unknown>,
  excs: readonly unknown[],
): BaseExceptionGroup<unknown> | null {
  if (excs.length === 0) return null;
  const derived: unknown = group.derive(excs);
  if (!(derived instanceof BaseExceptionGroup)) {
    throw new TypeError('derive must return an instance of BaseExceptionGroup');
  }
  _define_hidden(derived, 'stack', group.stack);
  if (Object.hasOwn(group, 'cause')) {
    _define_hidden(derived, 'cause', group.cause);
  } else {
    delete derived.cause;
  }
  if (Array.isArray(group.__notes__)) {
    derived.__notes__ = [...group.__notes__];
  }
  return derived;
}

/** Define an own property the way the `Error` constructor does: writable, configurable, not enumerable. */
function _define_hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/** A short name for the type of `value`, for messages: `null`, `number`, `ValueError`, ... */
function _type_name(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Error) return value.name;
  if (typeof value === 'object') {
    const ctor: unknown = (value as { constructor?: unknown }).constructor;
    const name = typeof ctor === 'function' ? ctor.name : '';
    return name || 'object';
  }
  if (typeof value === 'function') return _is_class(value) ? `class ${value.name}` : 'function';
  return typeof value;
}
