// Tests for src/exception_group.ts: BaseExceptionGroup and ExceptionGroup, after CPython's test_exception_group.py.
import { describe, it, expect } from 'vitest';
import { BaseExceptionGroup, ExceptionGroup } from '../../src/exception_group.js';
import { IncompleteReadError, RuntimeError, ValueError } from '../../src/exceptions.js';
import { ConnectionError, ConnectionResetError, OSError } from '../../src/os_errors.js';

/**
 * The shape of an exception: a group becomes the array of its members' shapes,
 * an Error `'Name: message'`, any other value itself.
 */
type Shape = unknown;

/** What split() and subgroup() accept. */
type Condition =
  | (abstract new (...args: never[]) => unknown)
  | readonly (abstract new (...args: never[]) => unknown)[]
  | ((exc: unknown) => boolean);
function shape(exc: unknown): Shape {
  if (exc instanceof BaseExceptionGroup) return exc.exceptions.map(shape);
  if (exc instanceof Error) return String(exc);
  return exc;
}

/** The leaves of a group (or of `null`: none), depth first. */
function leaves(exc: unknown): unknown[] {
  if (exc === null) return [];
  if (exc instanceof BaseExceptionGroup) return exc.exceptions.flatMap(leaves);
  return [exc];
}

/** Python's create_simple_eg(): three errors, the first with a cause, in one group. */
function simple_eg(): ExceptionGroup {
  const memory = new Error('context and cause for ValueError(1)');
  return new ExceptionGroup('simple eg', [
    new ValueError('1', { cause: memory }),
    new TypeError('int'),
    new ValueError('2'),
  ]);
}
const SIMPLE = ['ValueError: 1', 'TypeError: int', 'ValueError: 2'];

class MyExceptionGroup<E = unknown> extends ExceptionGroup<E> {}

/** Python's nested group of test_split_by_type: three levels, the middle one a subclass, with a note. */
function nested_eg(): ExceptionGroup {
  const level1 = (i: number) =>
    new ExceptionGroup('msg1', [
      new ValueError(String(i)),
      new TypeError('int'),
      new ValueError(String(i + 1)),
    ]);
  const level2 = (i: number) =>
    new MyExceptionGroup('msg2', [level1(i), level1(i + 1), new ValueError(String(i + 2))]);
  const eg = new ExceptionGroup('msg3', [level2(6), new ValueError('7')], {
    cause: new RuntimeError('root cause'),
  });
  eg.add_note('the note');
  return eg;
}
const NESTED = [
  [
    ['ValueError: 6', 'TypeError: int', 'ValueError: 7'],
    ['ValueError: 7', 'TypeError: int', 'ValueError: 8'],
    'ValueError: 8',
  ],
  'ValueError: 7',
];
const NESTED_VALUE_ERRORS = [
  [['ValueError: 6', 'ValueError: 7'], ['ValueError: 7', 'ValueError: 8'], 'ValueError: 8'],
  'ValueError: 7',
];
const NESTED_TYPE_ERRORS = [[['TypeError: int'], ['TypeError: int']]];

/**
 * Split `eg` and check what every split promises (Python's split_exception_group):
 * match and subgroup have the same leaves, each leaf lands in exactly one part,
 * and every derived part carries the group's message, cause, stack and notes.
 */
function checked_split(
  eg: BaseExceptionGroup,
  condition: Condition,
): [BaseExceptionGroup | null, BaseExceptionGroup | null] {
  const [match, rest] = eg.split(condition as (exc: unknown) => boolean);
  const sub = eg.subgroup(condition as (exc: unknown) => boolean);
  expect(leaves(sub)).toEqual(leaves(match));
  leaves(sub).forEach((leaf, i) => expect(leaf).toBe(leaves(match)[i]));
  const all = leaves(eg);
  expect(leaves(match).length + leaves(rest).length).toBe(all.length);
  for (const leaf of all) {
    expect(leaves(match).includes(leaf)).not.toBe(leaves(rest).includes(leaf));
  }
  for (const part of [match, rest, sub]) {
    if (part === null) continue;
    expect(part).toBeInstanceOf(BaseExceptionGroup);
    expect(part.message).toBe(eg.message);
    expect(part.cause).toBe(eg.cause);
    expect(part.stack).toBe(eg.stack);
    expect(part.__notes__).toEqual(eg.__notes__);
  }
  return [match, rest];
}

describe('class hierarchy', () => {
  it('ExceptionGroup derives from BaseExceptionGroup, AggregateError and Error', () => {
    const eg = new ExceptionGroup('eg', [new ValueError('1')]);
    expect(eg).toBeInstanceOf(ExceptionGroup);
    expect(eg).toBeInstanceOf(BaseExceptionGroup);
    expect(eg).toBeInstanceOf(AggregateError);
    expect(eg).toBeInstanceOf(Error);
  });

  it('new BaseExceptionGroup() builds an ExceptionGroup, as Python does when every member is an Exception', () => {
    const beg = new BaseExceptionGroup('beg', [new ValueError('1'), new TypeError('2')]);
    expect(beg.constructor).toBe(ExceptionGroup);
    expect(beg).toBeInstanceOf(ExceptionGroup);
    expect(beg.name).toBe('ExceptionGroup');
    expect(new BaseExceptionGroup('beg', ['any', 'thrown', 'value'])).toBeInstanceOf(
      ExceptionGroup,
    );
  });

  it('a subclass of ExceptionGroup or of BaseExceptionGroup keeps its own class', () => {
    class MyBEG extends BaseExceptionGroup {}
    expect(new MyExceptionGroup('eg', [new ValueError('1')]).constructor).toBe(MyExceptionGroup);
    const beg = new MyBEG('beg', [new ValueError('1')]);
    expect(beg.constructor).toBe(MyBEG);
    expect(beg).toBeInstanceOf(BaseExceptionGroup);
    expect(beg).not.toBeInstanceOf(ExceptionGroup);
    expect(beg.name).toBe('BaseExceptionGroup');
  });

  it('the names live on the prototypes', () => {
    const eg = new ExceptionGroup('eg', [1]);
    expect(eg.name).toBe('ExceptionGroup');
    expect(BaseExceptionGroup.prototype.name).toBe('BaseExceptionGroup');
    expect(Object.prototype.hasOwnProperty.call(eg, 'name')).toBe(false);
    expect(Object.keys(eg)).toEqual([]);
  });
});

describe('bad constructor arguments', () => {
  it('a message that is not a string is a TypeError', () => {
    const bad = [null, undefined, 42, new ValueError('12')];
    const names = ['null', 'undefined', 'number', 'ValueError'];
    bad.forEach((message, i) => {
      expect(() => new ExceptionGroup(message as unknown as string, [new ValueError('1')])).toThrow(
        new TypeError(`BaseExceptionGroup() argument 1 must be a string, not ${names[i]}`),
      );
    });
    expect(() => new ExceptionGroup(null as unknown as string, [1])).toThrow(TypeError);
  });

  it('exceptions that are not an iterable object are a TypeError', () => {
    for (const excs of [undefined, null, 42, 'ab', new ValueError('x')]) {
      expect(() => new ExceptionGroup('eg', excs as Iterable<unknown>)).toThrow(
        new TypeError('second argument (exceptions) must be a sequence'),
      );
    }
    expect(() => new ExceptionGroup('eg', undefined as unknown as unknown[])).toThrow(TypeError);
  });

  it('no exceptions at all is a ValueError', () => {
    for (const excs of [[], new Set(), (function* () {})()]) {
      expect(() => new ExceptionGroup('eg', excs)).toThrow(ValueError);
      expect(() => new ExceptionGroup('eg', excs)).toThrow(
        /^second argument \(exceptions\) must be a non-empty sequence$/,
      );
    }
    expect(() => new BaseExceptionGroup('beg', [])).toThrow(ValueError);
  });

  it('an undefined or null member is a ValueError that names its index', () => {
    expect(() => new ExceptionGroup('eg', [new ValueError('1'), undefined])).toThrow(
      new ValueError('Item 1 of second argument (exceptions) is not an exception'),
    );
    expect(() => new ExceptionGroup('eg', [null])).toThrow(
      new ValueError('Item 0 of second argument (exceptions) is not an exception'),
    );
    expect(() => new ExceptionGroup('eg', [null])).toThrow(ValueError);
  });

  it('accepts any other thrown value, and any iterable of them', () => {
    const eg = new ExceptionGroup('eg', new Set(['text', 0, false, { code: 1 }]));
    expect(eg.exceptions).toEqual(['text', 0, false, { code: 1 }]);
    const gen = new ExceptionGroup(
      'gen',
      (function* () {
        yield new ValueError('a');
        yield new ValueError('b');
      })(),
    );
    expect(shape(gen)).toEqual(['ValueError: a', 'ValueError: b']);
  });
});

describe('fields', () => {
  it('message is the first argument, unchanged, and exceptions the members in order', () => {
    const eg = simple_eg();
    expect(eg.message).toBe('simple eg');
    expect(shape(eg)).toEqual(SIMPLE);
    expect(eg.exceptions[0]).toBeInstanceOf(ValueError);
    expect((eg.exceptions[0] as Error).cause).toBeInstanceOf(Error);
    expect((eg.exceptions[1] as Error).cause).toBeUndefined();
  });

  it('exceptions is a frozen copy, the same array as AggregateError.errors', () => {
    const members: unknown[] = [new ValueError('1'), new OSError('2')];
    const eg = new ExceptionGroup('eg', members);
    members.push(new ValueError('3'));
    expect(eg.exceptions).toHaveLength(2);
    expect(eg.exceptions).not.toBe(members);
    expect(Object.isFrozen(eg.exceptions)).toBe(true);
    expect(eg.errors).toBe(eg.exceptions);
  });

  it('exceptions and errors cannot be replaced', () => {
    const eg = new ExceptionGroup('eg', [new TypeError('1')]);
    expect(() => {
      (eg as { exceptions: unknown }).exceptions = [];
    }).toThrow(TypeError);
    expect(() => {
      (eg as { errors: unknown }).errors = [];
    }).toThrow(TypeError);
    expect(() => {
      (eg.exceptions as unknown[]).push(1);
    }).toThrow(TypeError);
    expect(eg.exceptions).toHaveLength(1);
  });

  it('keeps the cause passed in the options', () => {
    const original = new Error('low level');
    expect(new ExceptionGroup('eg', [1], { cause: original }).cause).toBe(original);
    expect(new BaseExceptionGroup('beg', [1], { cause: original }).cause).toBe(original);
    expect(Object.hasOwn(new ExceptionGroup('eg', [1]), 'cause')).toBe(false);
  });

  it("the stack trace's first line is the class name and the message", () => {
    expect(new ExceptionGroup('eg', [1]).stack?.split('\n')[0]).toBe('ExceptionGroup: eg');
  });
});

describe('string form', () => {
  it('is the class name, the message and the number of sub-exceptions', () => {
    const flat = new BaseExceptionGroup('flat', [new ValueError('1'), new TypeError('2')]);
    expect(String(flat)).toBe('ExceptionGroup: flat (2 sub-exceptions)');
    expect(flat.toString()).toBe('ExceptionGroup: flat (2 sub-exceptions)');
    expect(`${flat}`).toBe('ExceptionGroup: flat (2 sub-exceptions)');
  });

  it('says "sub-exception" for one', () => {
    expect(String(new ExceptionGroup('one', [new ValueError('1')]))).toBe(
      'ExceptionGroup: one (1 sub-exception)',
    );
  });

  it('counts the direct members of a nested group', () => {
    const flat = new ExceptionGroup('flat', [new ValueError('1'), new TypeError('2')]);
    const nested = new ExceptionGroup('nested', [flat, new ValueError('1'), flat, 'x']);
    expect(String(nested)).toBe('ExceptionGroup: nested (4 sub-exceptions)');
  });

  it('uses the class name of a subclass that sets one, and skips an empty message', () => {
    class Named extends ExceptionGroup {
      static {
        Object.defineProperty(this.prototype, 'name', { value: 'Named' });
      }
    }
    expect(String(new Named('flat', [1, 2]))).toBe('Named: flat (2 sub-exceptions)');
    expect(String(new ExceptionGroup('', [1]))).toBe('ExceptionGroup: (1 sub-exception)');
  });

  it('leaves message without the count', () => {
    expect(new ExceptionGroup('flat', [1, 2]).message).toBe('flat');
  });
});

describe('subgroup()', () => {
  it('returns the group itself when the condition matches it', () => {
    const eg = simple_eg();
    for (const cls of [Error, AggregateError, BaseExceptionGroup, ExceptionGroup]) {
      expect(eg.subgroup(cls)).toBe(eg);
    }
    expect(eg.subgroup(() => true)).toBe(eg);
    expect(eg.subgroup([OSError, ExceptionGroup])).toBe(eg);
  });

  it('returns null when nothing matches', () => {
    const eg = simple_eg();
    expect(eg.subgroup(OSError)).toBeNull();
    expect(eg.subgroup(() => false)).toBeNull();
    expect(eg.subgroup([])).toBeNull();
  });

  it('keeps the members of a class, in a new group with the same message', () => {
    const eg = simple_eg();
    const cases: [Condition, unknown][] = [
      [ValueError, ['ValueError: 1', 'ValueError: 2']],
      [TypeError, ['TypeError: int']],
      [[ValueError, TypeError], SIMPLE],
    ];
    for (const [condition, expected] of cases) {
      const sub = eg.subgroup(condition as (exc: unknown) => boolean);
      expect(sub).not.toBe(eg);
      expect(sub?.constructor).toBe(ExceptionGroup);
      expect(sub?.message).toBe('simple eg');
      expect(shape(sub)).toEqual(expected);
    }
    expect(eg.subgroup(ValueError)?.exceptions[0]).toBe(eg.exceptions[0]);
  });

  it('keeps the members a predicate accepts', () => {
    const eg = simple_eg();
    const sub = eg.subgroup((exc) => exc instanceof ValueError);
    expect(shape(sub)).toEqual(['ValueError: 1', 'ValueError: 2']);
    expect(shape(eg.subgroup((exc) => exc instanceof TypeError))).toEqual(['TypeError: int']);
  });

  it('calls the predicate with every group too, starting with this one', () => {
    const eg = nested_eg();
    const seen: unknown[] = [];
    eg.subgroup((exc) => {
      seen.push(exc);
      return false;
    });
    expect(seen[0]).toBe(eg);
    expect(seen[1]).toBe(eg.exceptions[0]);
    expect(seen.filter((exc) => exc instanceof BaseExceptionGroup)).toHaveLength(4);
    expect(seen).toHaveLength(4 + 8);
  });

  it('matches members that are not Errors by predicate, or by any class', () => {
    class Thing {
      constructor(readonly id: number) {}
    }
    const eg = new ExceptionGroup('mixed', ['text', new Thing(1), new ValueError('v'), 42]);
    expect(eg.subgroup((exc) => typeof exc === 'string')?.exceptions).toEqual(['text']);
    expect(eg.subgroup(Thing)?.exceptions).toEqual([new Thing(1)]);
    expect(eg.subgroup(Error)).toBe(eg);
  });

  it('throws TypeError for a condition that is neither a class, an array of classes nor a function', () => {
    const eg = simple_eg();
    const bad: unknown[] = [
      'bad arg',
      42,
      null,
      undefined,
      new OSError('instance not type'),
      [OSError, 42],
      [() => true],
    ];
    for (const condition of bad) {
      expect(() => eg.subgroup(condition as typeof OSError)).toThrow(TypeError);
      expect(() => eg.split(condition as typeof OSError)).toThrow(TypeError);
    }
    expect(() => eg.subgroup('bad arg' as unknown as typeof OSError)).toThrow(
      'expected an error class, an array of error classes, or a predicate, not string',
    );
  });
});

describe('split()', () => {
  it('returns [this, null] when the condition matches the group itself', () => {
    const eg = simple_eg();
    for (const cls of [Error, BaseExceptionGroup, ExceptionGroup]) {
      const [match, rest] = eg.split(cls);
      expect(match).toBe(eg);
      expect(rest).toBeNull();
    }
    const [match, rest] = eg.split(() => true);
    expect(match).toBe(eg);
    expect(rest).toBeNull();
  });

  it('returns [null, rest] when nothing matches, rest a new group with every member', () => {
    const eg = simple_eg();
    for (const condition of [OSError, () => false] as Condition[]) {
      const [match, rest] = checked_split(eg, condition);
      expect(match).toBeNull();
      expect(rest).not.toBe(eg);
      expect(rest?.constructor).toBe(ExceptionGroup);
      expect(shape(rest)).toEqual(SIMPLE);
    }
  });

  it('separates the members by class, array of classes or predicate', () => {
    const eg = simple_eg();
    const cases: [Condition, unknown, unknown][] = [
      [ValueError, ['ValueError: 1', 'ValueError: 2'], ['TypeError: int']],
      [TypeError, ['TypeError: int'], ['ValueError: 1', 'ValueError: 2']],
      [[ValueError, TypeError], SIMPLE, null],
      [[OSError, ValueError], ['ValueError: 1', 'ValueError: 2'], ['TypeError: int']],
      [
        (exc: unknown) => exc instanceof ValueError,
        ['ValueError: 1', 'ValueError: 2'],
        ['TypeError: int'],
      ],
    ];
    for (const [condition, expected_match, expected_rest] of cases) {
      const [match, rest] = checked_split(eg, condition);
      expect(match?.constructor).toBe(ExceptionGroup);
      expect(shape(match)).toEqual(expected_match);
      if (expected_rest === null) {
        expect(rest).toBeNull();
      } else {
        expect(rest?.constructor).toBe(ExceptionGroup);
        expect(shape(rest)).toEqual(expected_rest);
      }
    }
  });

  it('keeps the nesting, and drops the groups left empty', () => {
    const eg = nested_eg();
    expect(shape(eg)).toEqual(NESTED);

    let [match, rest] = checked_split(eg, SyntaxError);
    expect(match).toBeNull();
    expect(shape(rest)).toEqual(NESTED);

    [match, rest] = checked_split(eg, [ValueError, TypeError]);
    expect(shape(match)).toEqual(NESTED);
    expect(rest).toBeNull();

    [match, rest] = checked_split(eg, ValueError);
    expect(shape(match)).toEqual(NESTED_VALUE_ERRORS);
    expect(shape(rest)).toEqual(NESTED_TYPE_ERRORS);
    const inner = (match?.exceptions[0] as BaseExceptionGroup).exceptions[0] as BaseExceptionGroup;
    expect(inner.message).toBe('msg1');

    [match, rest] = checked_split(eg, [TypeError, SyntaxError]);
    expect(shape(match)).toEqual(NESTED_TYPE_ERRORS);
    expect(shape(rest)).toEqual(NESTED_VALUE_ERRORS);
  });

  it('keeps a nested group whole when the condition matches it', () => {
    const eg = nested_eg();
    const [match, rest] = checked_split(eg, MyExceptionGroup);
    expect(match?.exceptions).toHaveLength(1);
    expect(match?.exceptions[0]).toBe(eg.exceptions[0]);
    expect(shape(rest)).toEqual(['ValueError: 7']);
  });

  it('types the match by the class it was split by', () => {
    const eg = new ExceptionGroup('eg', [new IncompleteReadError(new Uint8Array(2), 5), 'x']);
    const [reads, rest] = eg.split(IncompleteReadError);
    const first = reads?.exceptions[0];
    expect(first instanceof BaseExceptionGroup ? null : first?.partial).toEqual(new Uint8Array(2));
    const typed: ExceptionGroup<IncompleteReadError> | null = reads;
    const rest_typed: ExceptionGroup<unknown> | null = rest;
    expect([typed, rest_typed].map(shape)).toEqual([
      ['IncompleteReadError: 2 bytes read on a total of 5 expected bytes'],
      ['x'],
    ]);
    const both: ExceptionGroup<ValueError | TypeError> | null = eg.subgroup([
      ValueError,
      TypeError,
    ]);
    expect(both).toBeNull();
  });

  it('catches what a TaskGroup throws and re-throws the rest', () => {
    const run = () => {
      try {
        throw new ExceptionGroup('unhandled errors in a TaskGroup', [
          new ConnectionResetError('peer reset'),
          new ValueError('bad data'),
        ]);
      } catch (eg) {
        if (!(eg instanceof ExceptionGroup)) throw eg;
        const [conn, rest] = eg.split(ConnectionError);
        expect(shape(conn)).toEqual(['ConnectionResetError: peer reset']);
        if (rest) throw rest;
      }
    };
    expect(run).toThrow(ExceptionGroup);
    expect(run).toThrow(/^unhandled errors in a TaskGroup$/);
  });
});

describe('derive()', () => {
  /** Python's EG with a __new__ taking a code, and a derive() that keeps it. */
  class CodeGroup<E = unknown> extends ExceptionGroup<E> {
    constructor(
      message: string,
      excs: Iterable<E>,
      readonly code: number,
    ) {
      super(message, excs);
    }

    override derive<T>(excs: readonly T[]): CodeGroup<T> {
      return new CodeGroup<T>(this.message, excs, this.code);
    }
  }

  it('builds a plain ExceptionGroup with the same message by default', () => {
    const eg = new MyExceptionGroup('eg', [new ValueError('1')]);
    const derived = eg.derive([new TypeError('2')]);
    expect(derived.constructor).toBe(ExceptionGroup);
    expect(derived.message).toBe('eg');
    expect(shape(derived)).toEqual(['TypeError: 2']);
    expect(new BaseExceptionGroup('beg', [1]).derive([2])).toBeInstanceOf(ExceptionGroup);
  });

  it('so a subclass without derive() splits into plain ExceptionGroups', () => {
    const nested = new MyExceptionGroup('nested', [new TypeError('2')]);
    const eg = new MyExceptionGroup('eg', [new ValueError('1'), nested]);
    let [match, rest] = checked_split(eg, OSError);
    expect(match).toBeNull();
    expect(rest?.constructor).toBe(ExceptionGroup);
    expect(shape(rest)).toEqual(['ValueError: 1', ['TypeError: 2']]);

    [match, rest] = checked_split(eg, TypeError);
    expect(match?.constructor).toBe(ExceptionGroup);
    expect(match?.exceptions[0]?.constructor).toBe(ExceptionGroup);
    expect(shape(match)).toEqual([['TypeError: 2']]);
    expect(shape(rest)).toEqual(['ValueError: 1']);
  });

  it('lets a subclass keep its class and fields through split() and subgroup()', () => {
    const nested = new CodeGroup('nested', [new TypeError('2')], 101);
    const eg = new CodeGroup('eg', [new ValueError('1'), nested], 42);

    let [match, rest] = checked_split(eg, OSError);
    expect(match).toBeNull();
    expect(rest).toBeInstanceOf(CodeGroup);
    expect((rest as CodeGroup).code).toBe(42);
    expect((rest?.exceptions[1] as CodeGroup).code).toBe(101);

    [match, rest] = checked_split(eg, ValueError);
    expect(match).toBeInstanceOf(CodeGroup);
    expect((match as CodeGroup).code).toBe(42);
    expect(shape(match)).toEqual(['ValueError: 1']);
    expect((rest as CodeGroup).code).toBe(42);
    expect(rest?.exceptions[0]).toBeInstanceOf(CodeGroup);
    expect((rest?.exceptions[0] as CodeGroup).code).toBe(101);
    expect(shape(rest)).toEqual([['TypeError: 2']]);

    const sub = eg.subgroup(TypeError);
    expect(sub).toBeInstanceOf(CodeGroup);
    expect((sub?.exceptions[0] as CodeGroup).code).toBe(101);
  });

  it('a derive() that does not return a group is a TypeError', () => {
    class BadGroup extends ExceptionGroup {
      override derive(): ExceptionGroup<never> {
        return 42 as unknown as ExceptionGroup<never>;
      }
    }
    const eg = new BadGroup('eg', [new TypeError('1'), new ValueError('2')]);
    const message = 'derive must return an instance of BaseExceptionGroup';
    expect(() => eg.split(TypeError)).toThrow(new TypeError(message));
    expect(() => eg.subgroup(TypeError)).toThrow(new TypeError(message));
  });
});

describe('what the derived groups inherit', () => {
  it('the cause, the stack and the notes of the group', () => {
    const eg = nested_eg();
    const [match, rest] = eg.split(TypeError);
    for (const part of [match, rest, eg.subgroup(TypeError)]) {
      expect(part?.cause).toBe(eg.cause);
      expect(part?.stack).toBe(eg.stack);
      expect(part?.__notes__).toEqual(['the note']);
      expect(Object.keys(part as object)).toEqual(['__notes__']);
    }
  });

  it('no cause when the group has none, whatever derive() set', () => {
    class CausedGroup extends ExceptionGroup {
      override derive<T>(excs: readonly T[]): ExceptionGroup<T> {
        return new ExceptionGroup<T>(this.message, excs, { cause: 'from derive' });
      }
    }
    const eg = new CausedGroup('eg', [new ValueError('1'), new TypeError('2')]);
    const [match, rest] = eg.split(ValueError);
    expect(Object.hasOwn(match as object, 'cause')).toBe(false);
    expect(Object.hasOwn(rest as object, 'cause')).toBe(false);
  });

  it('each part gets its own copy of the notes', () => {
    const eg = new ExceptionGroup('eg', [new ValueError('1'), new TypeError('2')]);
    eg.add_note('note1');
    eg.add_note('note2');
    const [match, rest] = eg.split(TypeError);
    expect(match?.__notes__).toEqual(['note1', 'note2']);
    expect(rest?.__notes__).toEqual(['note1', 'note2']);
    expect(match?.__notes__).not.toBe(eg.__notes__);
    expect(rest?.__notes__).not.toBe(match?.__notes__);
    eg.add_note('eg');
    match?.add_note('match');
    rest?.add_note('rest');
    expect(eg.__notes__).toEqual(['note1', 'note2', 'eg']);
    expect(match?.__notes__).toEqual(['note1', 'note2', 'match']);
    expect(rest?.__notes__).toEqual(['note1', 'note2', 'rest']);
  });

  it('no notes when the group has none, or when __notes__ is not an array', () => {
    const eg = new ExceptionGroup('eg', [new ValueError('1'), new TypeError('2')]);
    expect(eg.split(TypeError)[0]?.__notes__).toBeUndefined();
    (eg as { __notes__: unknown }).__notes__ = 123;
    const [match, rest] = eg.split(TypeError);
    expect(match && '__notes__' in match).toBe(false);
    expect(rest && '__notes__' in rest).toBe(false);
  });
});

describe('add_note()', () => {
  it('creates __notes__ on the first note and appends the next ones', () => {
    const eg = new ExceptionGroup('eg', [1]);
    expect(eg.__notes__).toBeUndefined();
    eg.add_note('first');
    eg.add_note('second');
    expect(eg.__notes__).toEqual(['first', 'second']);
  });

  it('a note that is not a string is a TypeError', () => {
    const eg = new ExceptionGroup('eg', [1]);
    expect(() => eg.add_note(42 as unknown as string)).toThrow(
      new TypeError('note must be a string, not number'),
    );
    expect(eg.__notes__).toBeUndefined();
  });

  it('a __notes__ replaced by something else than an array is a TypeError', () => {
    const eg = new ExceptionGroup('eg', [1]);
    (eg as { __notes__: unknown }).__notes__ = 'text';
    expect(() => eg.add_note('x')).toThrow(
      new TypeError('Cannot add note: __notes__ is not a list'),
    );
  });
});
