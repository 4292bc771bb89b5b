// BaseSubprocessTransport and loop.subprocess_exec/subprocess_shell: a child process and its pipes (asyncio base_subprocess.py).

import type { _LoopInternals } from './loop_internals.js';
import { check_factory, host_future, type ProtocolFactory } from './base_events_net.js';
import { From } from './coroutines.js';
import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { logger } from './log.js';
import { check_options, type OptionKind } from './options.js';
import { ProcessLookupError } from './os_errors.js';
import type { RawProcess, SpawnOptions, SpawnStdio } from './platform.js';
import { Protocol, type BaseProtocol, type SubprocessProtocol } from './protocols.js';
import type { HostResource } from './raw_transport.js';
import { _StreamTransport } from './stream_transport.js';
import type { Task } from './tasks.js';
import { SubprocessTransport, type BaseTransport, type Transport } from './transports.js';

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

// ---- the pipes' protocols -------------------------------------------------------------------

/**
 * The protocol of one pipe of a child (asyncio's `WriteSubprocessPipeProto`
 * and `ReadSubprocessPipeProto`): forwards data, loss and flow control to
 * the process transport.
 * @internal
 */
export class SubprocessPipeProto extends Protocol {
  /** @internal */ _proc: BaseSubprocessTransport | null;
  /** @internal */ readonly _fd: number;
  /** @internal */ pipe: _StreamTransport | null = null;
  /** @internal */ disconnected = false;

  constructor(proc: BaseSubprocessTransport, fd: number) {
    super();
    this._proc = proc;
    this._fd = fd;
  }

  override toString(): string {
    return `<SubprocessPipeProto fd=${this._fd} pipe=${String(this.pipe)}>`;
  }

  override connection_made(transport: Transport): void {
    this.pipe = transport as _StreamTransport;
  }

  override connection_lost(exc: Error | null): void {
    this.disconnected = true;
    const proc = this._proc;
    this._proc = null;
    proc?._pipe_connection_lost(this._fd, exc);
  }

  override pause_writing(): void {
    this._proc?._protocol.pause_writing();
  }

  override resume_writing(): void {
    this._proc?._protocol.resume_writing();
  }

  override data_received(data: Uint8Array): void {
    this._proc?._pipe_data_received(this._fd, data);
  }

  /** The pipe transport closes itself after EOF. */
  override eof_received(): boolean {
    return false;
  }
}

// ---- BaseSubprocessTransport ----------------------------------------------------------------

type PendingCall = [callback: (...args: never[]) => unknown, args: unknown[]];

/**
 * The transport of a child process (asyncio's `BaseSubprocessTransport`):
 * a pipe transport per piped fd, the exit status, and `connection_lost()`
 * once the child has exited *and* every pipe is closed.
 *
 * Order (asyncio's): the pipes' transports are made first; then
 * `protocol.connection_made(transport)` is scheduled; pipe data or an exit
 * that came before it is delivered after it, in order; every protocol call
 * goes through `call_soon`.
 */
export class BaseSubprocessTransport extends SubprocessTransport implements HostResource {
  /** @internal */ readonly _loop: _LoopInternals;
  /** @internal */ _protocol: SubprocessProtocol;
  /** @internal The host process, until connection_lost. */ _proc: RawProcess | null;
  /** @internal */ readonly _pid: number;
  /** @internal */ _returncode: number | null = null;
  /** @internal wait() calls waiting for the exit. */ _exit_waiters: Future<number>[] | null = [];
  /** @internal Protocol calls made before connection_made, run after it. */
  _pending_calls: PendingCall[] | null = [];
  /** @internal The protocols of the piped fds. */ readonly _pipes = new Map<
    number,
    SubprocessPipeProto
  >();
  /** @internal */ _finished = false;
  /** @internal */ _closed = false;

  constructor(
    loop: _LoopInternals,
    protocol: BaseProtocol,
    proc: RawProcess,
    waiter: Future<null> | null = null,
    extra: Record<string, unknown> | null = null,
  ) {
    super({ ...proc.extra, ...extra });
    this._loop = loop;
    this._protocol = protocol as SubprocessProtocol;
    this._proc = proc;
    this._pid = proc.pid;
    proc.stdio.forEach((stream, fd) => {
      if (stream === null) return;
      const pipe_proto = new SubprocessPipeProto(this, fd);
      this._pipes.set(fd, pipe_proto);
      new _StreamTransport(loop, stream, pipe_proto, null, null, null, fd === 0 ? 'write' : 'read');
    });
    // After the pipes' connection_made calls (scheduled by their transports).
    loop._call_soon(this._connected, [waiter]);
    proc.on_exit = this._on_exit;
    proc.start();
    loop._host_resources.add(this);
  }

  override toString(): string {
    const info: string[] = [this.constructor.name];
    if (this._closed) info.push('closed');
    info.push(`pid=${this._pid}`);
    if (this._returncode !== null) info.push(`returncode=${this._returncode}`);
    else info.push('running');
    for (const [fd, name] of [
      [0, 'stdin'],
      [1, 'stdout'],
      [2, 'stderr'],
    ] as const) {
      const pipe = this._pipes.get(fd)?.pipe;
      if (pipe) info.push(`${name}=${String(pipe)}`);
    }
    return `<${info.join(' ')}>`;
  }

  private readonly _connected = (waiter: Future<null> | null): void => {
    const loop = this._loop;
    loop._call_soon(this._protocol.connection_made.bind(this._protocol), [this]);
    const pending = this._pending_calls ?? [];
    this._pending_calls = null;
    for (const [callback, args] of pending) loop._call_soon(callback, args);
    if (waiter !== null && !waiter.done()) waiter.set_result(null);
  };

  private readonly _on_exit = (returncode: number): void => {
    if (this._loop.is_closed()) return;
    this._loop._call_soon(this._process_exited, [returncode]);
  };

  /** @internal Schedule a protocol call, after connection_made. */
  _call(callback: (...args: never[]) => unknown, args: unknown[]): void {
    if (this._pending_calls !== null) this._pending_calls.push([callback, args]);
    else this._loop._call_soon(callback, args);
  }

  /** @internal */
  _pipe_connection_lost(fd: number, exc: Error | null): void {
    const protocol = this._protocol;
    this._call(protocol.pipe_connection_lost.bind(protocol), [fd, exc]);
    this._try_finish();
  }

  /** @internal */
  _pipe_data_received(fd: number, data: Uint8Array): void {
    const protocol = this._protocol;
    this._call(protocol.pipe_data_received.bind(protocol), [fd, data]);
  }

  /** @internal The child exited (a loop callback). */
  readonly _process_exited = (returncode: number): void => {
    if (this._returncode !== null) return;
    if (this._loop.get_debug()) logger.info(`${this} exited with return code ${returncode}`);
    this._returncode = returncode;
    const protocol = this._protocol;
    this._call(protocol.process_exited.bind(protocol), []);
    this._try_finish();
    const waiters = this._exit_waiters ?? [];
    this._exit_waiters = null;
    for (const waiter of waiters) if (!waiter.done()) waiter.set_result(returncode);
  };

  /** connection_lost(null) once the child exited and every pipe is closed. */
  private _try_finish(): void {
    if (this._finished || this._returncode === null) return;
    for (const pipe_proto of this._pipes.values()) if (!pipe_proto.disconnected) return;
    this._finished = true;
    this._call(this._call_connection_lost, [null]);
  }

  private readonly _call_connection_lost = (exc: Error | null): void => {
    this._loop._host_resources.delete(this);
    try {
      this._protocol.connection_lost(exc);
    } finally {
      this._proc = null;
    }
  };

  /** @internal A Future of the exit status (what `Process.wait()` waits for). */
  _wait(): Future<number> {
    const waiter = this._loop.create_future<number>();
    if (this._returncode !== null) waiter.set_result(this._returncode);
    else (this._exit_waiters ??= []).push(waiter);
    return waiter;
  }

  private _check_proc(): RawProcess {
    if (this._proc === null) throw new ProcessLookupError();
    return this._proc;
  }

  // ---- SubprocessTransport API ----------------------------------------------------------------

  override is_closing(): boolean {
    return this._closed;
  }

  override set_protocol(protocol: BaseProtocol): void {
    this._protocol = protocol as SubprocessProtocol;
  }

  override get_protocol(): BaseProtocol {
    return this._protocol;
  }

  override get_pid(): number {
    return this._pid;
  }

  override get_returncode(): number | null {
    return this._returncode;
  }

  /** The transport of pipe `fd` (0 stdin, 1 stdout, 2 stderr), or `null` if it is not piped. */
  override get_pipe_transport(fd: number): BaseTransport | null {
    return this._pipes.get(fd)?.pipe ?? null;
  }

  /**
   * Send `signal` (a name such as `'SIGTERM'`, or the host's number) to the
   * child; `ProcessLookupError` once the transport has let go of it.
   */
  override send_signal(signal: number | string): void {
    const proc = this._check_proc();
    proc.send_signal(this._loop._platform.signal_name(signal));
  }

  override terminate(): void {
    this._check_proc().send_signal('SIGTERM');
  }

  override kill(): void {
    this._check_proc().send_signal('SIGKILL');
  }

  /** Close the pipes, and kill the child if it still runs. */
  override close(): void {
    if (this._closed) return;
    this._closed = true;
    this._loop._host_resources.delete(this);
    for (const pipe_proto of this._pipes.values()) pipe_proto.pipe?.close();
    const proc = this._proc;
    if (proc !== null && this._returncode === null && proc.returncode === null) {
      if (this._loop.get_debug()) logger.warning(`Close running child process: kill ${this}`);
      proc.send_signal('SIGKILL');
    }
  }

  /**
   * @internal See `HostResource`: a child still running would keep the
   * process alive, so it is killed, as `close()` does (its pipes are the
   * loop's resources themselves).
   */
  _close_at_loop_close(): void {
    if (this._loop.get_debug()) logger.warning(`unclosed transport ${this}`);
    this._closed = true;
    const proc = this._proc;
    if (proc !== null && this._returncode === null && proc.returncode === null) {
      proc.send_signal('SIGKILL');
    }
  }
}

// ---- loop.subprocess_exec / loop.subprocess_shell ---------------------------------------------

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

const decoder = new TextDecoder();

function as_text(x: string | Uint8Array): string {
  return typeof x === 'string' ? x : decoder.decode(x);
}

/**
 * `loop.subprocess_exec()`: checks the arguments now, starts the child in a
 * Task resolving to `[transport, protocol]`. @internal
 */
export function subprocess_exec<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  program: unknown,
  rest: readonly unknown[],
): Task<[SubprocessTransport, P]> {
  check_factory(protocol_factory);
  const [args, options] = _split_exec_args(rest);
  const popen_args = [program, ...args];
  for (const arg of popen_args) {
    if (typeof arg !== 'string' && !(arg instanceof Uint8Array)) {
      throw new TypeError(
        `program arguments must be a bytes or text string, not ${type_name(arg)}`,
      );
    }
  }
  const spawn = spawn_options(
    'subprocess_exec',
    options,
    (popen_args as Array<string | Uint8Array>).map(as_text),
  );
  loop._check_closed();
  return spawn_task(
    loop,
    protocol_factory,
    spawn,
    `execute program ${repr(as_text(program as string))}`,
  );
}

/** `loop.subprocess_shell()`: `cmd` runs with `/bin/sh -c`. @internal */
export function subprocess_shell<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  cmd: unknown,
  options?: SubprocessOptions | null,
): Task<[SubprocessTransport, P]> {
  check_factory(protocol_factory);
  if (typeof cmd !== 'string' && !(cmd instanceof Uint8Array)) {
    throw new ValueError('cmd must be a string');
  }
  const spawn = spawn_options('subprocess_shell', options, [as_text(cmd)]);
  loop._check_closed();
  return spawn_task(loop, protocol_factory, spawn, `run shell command ${repr(as_text(cmd))}`);
}

function spawn_task<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  spawn_options: SpawnOptions,
  debug_log: string,
): Task<[SubprocessTransport, P]> {
  return loop.create_task(
    (function* (): Generator<unknown, [SubprocessTransport, P], unknown> {
      const protocol = protocol_factory();
      const proc = yield* From(
        host_future(loop, loop._platform.spawn(spawn_options), (orphan) =>
          orphan.send_signal('SIGKILL'),
        ),
      );
      const waiter = loop.create_future<null>();
      const transport = new BaseSubprocessTransport(loop, protocol, proc, waiter);
      if (loop.get_debug()) logger.info(`${debug_log}: ${transport}`);
      try {
        yield From(waiter);
      } catch (exc) {
        transport.close();
        yield From(transport._wait());
        throw exc;
      }
      return [transport, protocol];
    })(),
  );
}
