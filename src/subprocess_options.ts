// What loop.subprocess_exec/subprocess_shell accept: PIPE/STDOUT/DEVNULL and SubprocessOptions (asyncio base_events.py, Popen); spawn_options.ts checks them.

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

/** The arguments after `program`: strings or bytes, optionally followed by the options object. */
export type SubprocessExecArgs =
  Array<string | Uint8Array> | [...Array<string | Uint8Array>, SubprocessOptions];

function is_options(x: unknown): x is SubprocessOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !Array.isArray(x);
}

/** Split `subprocess_exec`'s rest arguments into the program arguments and the options. @internal */
export function _split_exec_args(args: readonly unknown[]): [unknown[], SubprocessOptions] {
  const last = args[args.length - 1];
  if (args.length > 0 && is_options(last)) return [args.slice(0, -1), last];
  return [[...args], {}];
}
