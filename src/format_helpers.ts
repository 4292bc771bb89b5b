// Short, readable representations of values, callbacks and coroutines for reprs and logs.

const MAX_REPR = 60;

/** A symbol under which `coroutine()` records a generator function's name on its prototype. @internal */
export const CORO_NAME = Symbol.for('trollius.coroutine_name');

/**
 * Represent a value the way a log line wants it: strings quoted, errors as
 * `Name('message')`, objects that define `toString` (Futures, Handles) by it.
 */
export function repr(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const s = value.length > MAX_REPR ? value.slice(0, MAX_REPR - 3) + '...' : value;
      return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    }
    case 'function':
      return `<function ${value.name || 'anonymous'}>`;
    case 'symbol':
      return value.toString();
    case 'object':
      return repr_object(value);
    default:
      return String(value);
  }
}

function repr_object(value: object | null): string {
  if (value === null) return 'null';
  if (value instanceof Error) return `${value.name}(${repr(value.message)})`;
  if (Array.isArray(value)) {
    const items = value.slice(0, 6).map(repr);
    if (value.length > 6) items.push('...');
    return `[${items.join(', ')}]`;
  }
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (is_generator(value)) return `<coroutine ${coroutine_name(value)}()>`;
  const own = (value as { toString?: unknown }).toString;
  if (typeof own === 'function' && own !== Object.prototype.toString) return String(value);
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor && ctor.name && ctor.name !== 'Object' ? `<${ctor.name} object>` : '{...}';
}

function is_generator(value: object): boolean {
  const g = value as { next?: unknown; throw?: unknown };
  return typeof g.next === 'function' && typeof g.throw === 'function';
}

/** The name of the function that made a generator, when `coroutine()` recorded it. */
export function coroutine_name(gen: object): string {
  const name = (gen as { [CORO_NAME]?: string })[CORO_NAME];
  return name || 'coroutine';
}

/** Format a callback and its arguments as `name(arg1, arg2)`. */
export function format_callback(callback: unknown, args: readonly unknown[] | null): string {
  const name = typeof callback === 'function' ? callback.name || 'anonymous' : repr(callback);
  return `${name.replace(/^bound /, '')}(${args ? args.map(repr).join(', ') : ''})`;
}

/**
 * Capture the current call stack as text, minus this helper's frame, for
 * debug-mode `source_traceback`s (asyncio's `traceback.extract_stack()`).
 */
export function extract_stack(): string {
  const stack = new Error().stack ?? '';
  return stack.split('\n').slice(2).join('\n');
}

/** `created at <first frame>` for reprs in debug mode: the first frame outside trollius itself. */
export function created_at(source_traceback: string | null): string {
  if (!source_traceback) return '';
  const first = source_traceback.split('\n').find((line) => !INTERNAL_FRAME.test(line));
  return first ? ` created at ${first.trim().replace(/^at /, '')}` : '';
}

// Frames of the library: its sources (src/, platform/) or its bundles (dist/trollius.*).
const INTERNAL_FRAME =
  /[\\/](src|platform[\\/]\w+)[\\/]\w+\.[cm]?[jt]s|[\\/]trollius\.\w+\.(c|m)?js/;
