// Checking loop.subprocess_exec/subprocess_shell's arguments into the host's SpawnOptions (asyncio base_events.py, Popen's checks), reached through the loop's I/O methods only.

import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { check_options, type OptionKind } from './options.js';
import type { SpawnOptions, SpawnStdio } from './platform.js';
import {
  DEVNULL,
  PIPE,
  STDOUT,
  _split_exec_args,
  type StdioSpec,
  type SubprocessOptions,
} from './subprocess_options.js';

/** Every key of SubprocessOptions, with the kinds its value may have. */
const SUBPROCESS_OPTIONS = {
  stdin: ['number', 'object', 'null'],
  stdout: ['number', 'object', 'null'],
  stderr: ['number', 'object', 'null'],
  universal_newlines: ['boolean', 'null'],
  shell: ['boolean', 'null'],
  bufsize: ['number', 'null'],
  text: ['boolean', 'null'],
  encoding: ['any'],
  errors: ['any'],
  cwd: ['string', 'null'],
  env: ['object', 'null'],
  executable: ['string', 'null'],
  start_new_session: ['boolean', 'null'],
  close_fds: ['boolean', 'null'],
  pass_fds: ['array', 'null'],
  user: ['any'],
  group: ['any'],
  umask: ['number', 'null'],
  restore_signals: ['boolean', 'null'],
  preexec_fn: ['any'],
  extra_groups: ['any'],
  process_group: ['any'],
  pipesize: ['any'],
  startupinfo: ['any'],
  creationflags: ['any'],
} as const satisfies { readonly [K in keyof Required<SubprocessOptions>]: readonly OptionKind[] };

function type_name(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function stdio_spec(value: StdioSpec, which: 'stdin' | 'stdout' | 'stderr'): SpawnStdio {
  if (value === null || value === undefined) return 'inherit';
  if (value === PIPE) return 'pipe';
  if (value === DEVNULL) return 'devnull';
  if (value === STDOUT) {
    if (which !== 'stderr')
      throw new ValueError(`STDOUT can only be used for stderr, not ${which}`);
    return 'stdout';
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(
        `${which} must be PIPE, STDOUT, DEVNULL, None or a file descriptor, got ${value}`,
      );
    }
    return value;
  }
  return { host: value };
}

function is_none(x: unknown): boolean {
  return x === null || x === undefined;
}

/** A `user` / `group` id, as `Popen` checks it; names are refused (the host cannot look them up). */
function check_id(value: unknown, what: 'User' | 'Group'): number | null {
  if (is_none(value)) return null;
  const key = what.toLowerCase();
  if (typeof value === 'string') {
    throw new ValueError(
      `${key} must be a numeric id here, got ${repr(value)}: names cannot be looked up`,
    );
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be a string or an integer`);
  }
  if (value < 0) throw new ValueError(`${what} ID cannot be negative, got ${value}`);
  return value;
}

function check_pass_fds(fds: readonly unknown[] | null | undefined): number[] {
  const out: number[] = [];
  for (const fd of fds ?? []) {
    if (typeof fd !== 'number' || !Number.isInteger(fd)) {
      throw new TypeError(`pass_fds must hold integers, got ${repr(fd)}`);
    }
    if (fd < 0) throw new ValueError('bad value(s) in fds_to_keep');
    // 0, 1 and 2 are what stdin, stdout and stderr make them, as with Popen.
    if (fd > 2 && !out.includes(fd)) out.push(fd);
  }
  return out.sort((x, y) => x - y);
}

/** Refuse a `Popen` keyword the host cannot honour, unless it has one of its default values. */
function refuse(value: unknown, defaults: readonly unknown[], message: string): void {
  if (!is_none(value) && !defaults.includes(value)) throw new ValueError(message);
}

/**
 * Check `options` as asyncio's `subprocess_exec`/`subprocess_shell` and
 * Python's `Popen` do, at the call, and turn them into what the platform
 * spawns. `args` is the program and its arguments, or the shell command.
 */
function spawn_options(
  where: 'subprocess_exec' | 'subprocess_shell',
  options: SubprocessOptions | null | undefined,
  args: string[],
): SpawnOptions {
  const o = check_options(where, options, SUBPROCESS_OPTIONS);
  const shell = where === 'subprocess_shell';
  // asyncio's own checks, in its order.
  if (o.universal_newlines) throw new ValueError('universal_newlines must be False');
  if (shell && !(o.shell ?? true)) throw new ValueError('shell must be True');
  if (!shell && o.shell) throw new ValueError('shell must be False');
  if ((o.bufsize ?? 0) !== 0) throw new ValueError('bufsize must be 0');
  if (o.text) throw new ValueError('text must be False');
  if (!is_none(o.encoding)) throw new ValueError('encoding must be None');
  if (!is_none(o.errors)) throw new ValueError('errors must be None');
  // Popen's keywords that no JavaScript host can carry out.
  refuse(
    o.preexec_fn,
    [],
    'preexec_fn is not supported: no JavaScript code can run in the child before it executes the program',
  );
  refuse(
    o.restore_signals,
    [true],
    'restore_signals=False is not supported: the child always starts with every signal ' +
      'at its default disposition',
  );
  refuse(o.extra_groups, [], 'extra_groups is not supported: the host cannot set them');
  refuse(
    o.process_group,
    [-1],
    'process_group is not supported: the host cannot call setpgid() alone; ' +
      'start_new_session=True puts the child in a new session and process group',
  );
  refuse(o.pipesize, [-1], 'pipesize is not supported: the host cannot size pipes');
  refuse(o.startupinfo, [], 'startupinfo is only supported on Windows platforms');
  refuse(o.creationflags, [0], 'creationflags is only supported on Windows platforms');
  const umask = o.umask ?? -1;
  if (!Number.isInteger(umask)) throw new TypeError(`umask must be an integer, got ${repr(umask)}`);
  return {
    args,
    shell,
    stdin: stdio_spec(o.stdin === undefined ? PIPE : o.stdin, 'stdin'),
    stdout: stdio_spec(o.stdout === undefined ? PIPE : o.stdout, 'stdout'),
    stderr: stdio_spec(o.stderr === undefined ? PIPE : o.stderr, 'stderr'),
    cwd: o.cwd ?? null,
    env: o.env ?? null,
    executable: o.executable ?? null,
    start_new_session: o.start_new_session ?? false,
    close_fds: o.close_fds ?? true,
    pass_fds: check_pass_fds(o.pass_fds),
    uid: check_id(o.user, 'User'),
    gid: check_id(o.group, 'Group'),
    umask: umask < 0 ? -1 : umask & 0o777,
  };
}

const decoder = /* @__PURE__ */ new TextDecoder();

function as_text(x: string | Uint8Array): string {
  return typeof x === 'string' ? x : decoder.decode(x);
}

/**
 * Check `subprocess_exec()`'s program, arguments and options, as asyncio's
 * `base_events.subprocess_exec` and `Popen` do, and turn them into what the
 * platform spawns (`args[0]` is the program, as text). @internal
 */
export function exec_spawn_options(program: unknown, rest: readonly unknown[]): SpawnOptions {
  const [args, options] = _split_exec_args(rest);
  const popen_args = [program, ...args];
  for (const arg of popen_args) {
    if (typeof arg !== 'string' && !(arg instanceof Uint8Array)) {
      throw new TypeError(
        `program arguments must be a bytes or text string, not ${type_name(arg)}`,
      );
    }
  }
  return spawn_options(
    'subprocess_exec',
    options,
    (popen_args as Array<string | Uint8Array>).map(as_text),
  );
}

/**
 * Check `subprocess_shell()`'s command and options, as asyncio's
 * `base_events.subprocess_shell` and `Popen` do, and turn them into what the
 * platform spawns (`args[0]` is the command, as text). @internal
 */
export function shell_spawn_options(
  cmd: unknown,
  options: SubprocessOptions | null | undefined,
): SpawnOptions {
  if (typeof cmd !== 'string' && !(cmd instanceof Uint8Array)) {
    throw new ValueError('cmd must be a string');
  }
  return spawn_options('subprocess_shell', options, [as_text(cmd)]);
}
