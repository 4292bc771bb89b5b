// The part of vitest's API the core unit tests use, for running them in a browser page.
import {
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';
import * as chai from 'chai';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** vitest's `expect`, built from the same @vitest/expect matchers vitest uses. */
export const expect = ((value: unknown, message?: string) =>
  chai.expect(value, message)) as unknown as typeof import('vitest').expect;
Object.assign(expect, chai.expect);
(globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;
setState(
  { assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null },
  expect as never,
);

type Fn = () => unknown;

interface Suite {
  name: string;
  before: Fn[];
  after: Fn[];
}

/** One collected test: its full name and how to run it. */
export interface CollectedTest {
  name: string;
  skip: boolean;
  run: () => Promise<void>;
}

const collected: CollectedTest[] = [];
const stack: Suite[] = [{ name: '', before: [], after: [] }];

export function describe(name: string, body: () => void): void {
  stack.push({ name, before: [], after: [] });
  try {
    body();
  } finally {
    stack.pop();
  }
}

export function beforeEach(fn: Fn): void {
  stack[stack.length - 1]!.before.push(fn);
}

export function afterEach(fn: Fn): void {
  stack[stack.length - 1]!.after.push(fn);
}

function add(name: string, fn: Fn, skip: boolean): void {
  const suites = [...stack];
  const full = [...suites.map((s) => s.name).filter(Boolean), name].join(' > ');
  collected.push({
    name: full,
    skip,
    async run() {
      for (const suite of suites) for (const hook of suite.before) await hook();
      try {
        await fn();
      } finally {
        for (const suite of [...suites].reverse()) for (const hook of suite.after) await hook();
      }
    },
  });
}

/** `it(name, fn)`, with `it.skipIf(condition)(name, fn)`. */
export const it = Object.assign((name: string, fn: Fn) => add(name, fn, false), {
  skipIf: (condition: unknown) => (name: string, fn: Fn) => add(name, fn, Boolean(condition)),
});

/** Every test the imported files declared, in order. */
export function collected_tests(): readonly CollectedTest[] {
  return collected;
}
