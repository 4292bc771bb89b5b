// What loop.subprocess_exec/subprocess_shell accept: PIPE/STDOUT/DEVNULL, SubprocessOptions, and their checking into SpawnOptions (asyncio base_events.py, Popen).

import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { check_options, type OptionKind } from './options.js';
import type { SpawnOptions, SpawnStdio } from './platform.js';

/** Python's `subprocess.PIPE`: connect the child's stream to a new pipe. */
export const PIPE = -1;
/** Python's `subprocess.STDOUT`: send the child's stderr where its stdout goes (stderr only). */
export const STDOUT = -2;
/** Python's `subprocess.DEVNULL`: connect the child's stream to the null device. */
export const DEVNULL = -3;

/**
 * What a child's stdin/stdout/stderr is connected to: `PIPE`, `STDOUT`
 * (stderr only), `DEVNULL`, `null` (inherit the parent's), a file descriptor
 * number, or a host stream object with a file descriptor (Node: a `Stream`).
 */
export type StdioSpec = number | null | undefined | object;

/**
 * Options of `loop.subprocess_exec()` / `loop.subprocess_shell()`: asyncio's
 * keyword arguments and those of Python's `subprocess.Popen` it passes on.
 *
 * Every key is checked at the call: an unknown one, or a value of the wrong
 * type, is a `TypeError` naming it. The `Popen` keywords that a JavaScript
 * host cannot honour are refused with a `ValueError` naming them, unless they
 * have their default value: `preexec_fn`, `restore_signals: false`,
 * `extra_groups`, `process_group`, `pipesize`, `startupinfo`,
 * `creationflags`; `user` and `group` take numeric ids only.
 */
export interface SubprocessOptions {
  /** Default `PIPE`. */
  stdin?: StdioSpec;
  /** Default `PIPE`. */
  stdout?: StdioSpec;
  /** Default `PIPE`. */
  stderr?: StdioSpec;
  /** Must be `false`: pipes carry bytes. */
  universal_newlines?: boolean | null;
  /** `false` for `subprocess_exec`, `true` for `subprocess_shell`; anything else is a `ValueError`. */
  shell?: boolean | null;
  /** Must be 0: the transports do their own buffering. */
  bufsize?: number | null;
  /** Must be `false`/`null`: pipes carry bytes (asyncio). */
  text?: boolean | null;
  /** Must be `null`: pipes carry bytes (asyncio). */
  encoding?: null;
  /** Must be `null`: pipes carry bytes (asyncio). */
  errors?: null;
  /** The child's working directory. */
  cwd?: string | null;
  /** The child's whole environment (default: the parent's). */
  env?: Record<string, string> | null;
  /**
   * The program to run instead of the first argument, which becomes the
   * child's `argv[0]` (with `subprocess_shell`: the shell instead of
   * `/bin/sh`). Node: not with `umask`, nor with `stderr: STDOUT` and a piped
   * stdout, which start the program through `/bin/sh` (whose `exec` cannot
   * set `argv[0]`); that combination fails the call with `ValueError`.
   */
  executable?: string | null;
  /** Start the child in a new session, hence a new process group, with `setsid()` (Node: `detached`). */
  start_new_session?: boolean | null;
  /**
   * `true` (the default): no descriptor of this process but stdin, stdout,
   * stderr and `pass_fds` reaches the child. `false`: descriptors obey their
   * inheritable flag (Python 3.4+, PEP 446). They differ only for an
   * inheritable descriptor: Node opens none (everything is close-on-exec, as
   * in Python), so in practice one this process inherited from its parent
   * (a socket-activation fd, a harness's pipe). With `false` the child gets
   * it; with `true` it does not: Node cannot close a descriptor in the child,
   * so on Linux (where `/proc/self/fdinfo` tells which descriptors are
   * inheritable) the child finds `/dev/null` at that number instead, and
   * elsewhere the descriptor still reaches it. To hand a descriptor on, list
   * it in `pass_fds`.
   */
  close_fds?: boolean | null;
  /** File descriptors of the parent (3 and up) the child keeps, under the same numbers. */
  pass_fds?: readonly number[] | null;
  /** Run the child as this user id (`setuid`; a numeric uid: names are a `ValueError`). */
  user?: number | null;
  /** Run the child with this group id (`setgid`; a numeric gid: names are a `ValueError`). */
  group?: number | null;
  /** The child's umask (an integer; negative, the default -1, keeps the parent's). */
  umask?: number | null;
  /**
   * Only `true` (the default): the child starts with every signal at its
   * default disposition (libuv resets them all, which covers Python's
   * SIGPIPE, SIGXFZ and SIGXFSZ). `false` is refused with `ValueError`.
   */
  restore_signals?: boolean | null;
  /** Refused (anything but `null` is a `ValueError`): no JavaScript can run in the child before exec. */
  preexec_fn?: null;
  /** Refused unless `null`: the host cannot set supplementary groups. */
  extra_groups?: null;
  /** Refused unless `null`/-1: the host cannot `setpgid()` alone (`start_new_session` makes a new group). */
  process_group?: number | null;
  /** Refused unless -1/`null`: the host cannot size pipes. */
  pipesize?: number | null;
  /** Windows only in Python; refused unless `null`. */
  startupinfo?: null;
  /** Windows only in Python; refused unless 0/`null`. */
  creationflags?: number | null;
}

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

/** The arguments after `program`: strings or bytes, optionally followed by the options object. */
export type SubprocessExecArgs =
  Array<string | Uint8Array> | [...Array<string | Uint8Array>, SubprocessOptions];

// ---- checking the arguments ------------------------------------------------------------------

function type_name(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function is_options(x: unknown): x is SubprocessOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !Array.isArray(x);
}

/** Split `subprocess_exec`'s rest arguments into the program arguments and the options. @internal */
export function _split_exec_args(args: readonly unknown[]): [unknown[], SubprocessOptions] {
  const last = args[args.length - 1];
  if (args.length > 0 && is_options(last)) return [args.slice(0, -1), last];
  return [[...args], {}];
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
