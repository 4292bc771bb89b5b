// The checked options object: asyncio's keyword arguments as a trailing object, bad keys and types refused at the call.

import { repr } from './format_helpers.js';

/**
 * What an option may hold: JavaScript's `typeof` names, plus `null`, `array`,
 * `any`, and `integer` (a number that is a whole number, Python's `int`).
 * @internal
 */
export type OptionKind =
  'number' | 'integer' | 'string' | 'boolean' | 'function' | 'object' | 'array' | 'null' | 'any';

/** The keys an options object may have, each with the kinds its value may be. @internal */
export type OptionSpec = Readonly<Record<string, readonly OptionKind[]>>;

function kind_of(value: unknown): OptionKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as OptionKind;
}

function fits(value: unknown, kinds: readonly OptionKind[]): boolean {
  if (value === undefined) return true; // an absent key, as Python's default
  const kind = kind_of(value);
  if (kinds.includes('any') || kinds.includes(kind)) return true;
  if (kind === 'number' && kinds.includes('integer')) return Number.isInteger(value);
  return kind === 'array' && kinds.includes('object');
}

/** What `check_options()` returns for no options: shared, so the common call allocates nothing. */
const NO_OPTIONS: Readonly<Record<string, never>> = /* @__PURE__ */ Object.freeze({});

/**
 * Check the options object of `where()` against `spec` and return it (an empty
 * object for `undefined`/`null`). An unknown key or a value of the wrong kind
 * is a `TypeError` naming it, as Python reports a bad keyword argument.
 * @internal
 */
export function check_options<O extends object>(
  where: string,
  options: O | null | undefined,
  spec: OptionSpec,
): Partial<O> {
  if (options === undefined || options === null) return NO_OPTIONS as Partial<O>;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}() options must be an object, got ${repr(options)}`);
  }
  for (const key in options) {
    const kinds = Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined;
    if (kinds === undefined) {
      throw new TypeError(`${where}() got an unexpected keyword argument '${key}'`);
    }
    const value = (options as Record<string, unknown>)[key];
    if (!fits(value, kinds)) {
      throw new TypeError(
        `${where}() argument '${key}' must be ${kinds.join(' or ')}, not ${repr(value)}`,
      );
    }
  }
  return options;
}

/** The kinds of asyncio's keyword `loop`: an event loop (checked by `_loop_of()`) or `null`. @internal */
export const LOOP_KINDS: readonly OptionKind[] = ['object', 'null'];
