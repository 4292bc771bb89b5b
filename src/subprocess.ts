// Child processes with streams: create_subprocess_exec/shell, Process, SubprocessStreamProtocol (asyncio subprocess.py).

import { _loop_of, type _LoopInternals } from './loop_internals.js';
import type { BaseSubprocessTransport } from './base_subprocess.js';
import {
  DEVNULL,
  PIPE,
  STDOUT,
  _split_exec_args,
  type SubprocessOptions,
} from './subprocess_options.js';
import { From } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import type { Future } from './futures.js';
import { BrokenPipeError, ConnectionResetError } from './os_errors.js';
import type { SubprocessProtocol } from './protocols.js';
import { StreamReader } from './stream_reader.js';
import { FlowControlMixin, StreamWriter, _split_stream_options } from './streams.js';
import { gather } from './task_helpers.js';
import type { Task } from './tasks.js';
import type { ReadTransport, SubprocessTransport, Transport } from './transports.js';

export {
  DEVNULL,
  PIPE,
  STDOUT,
  type StdioSpec,
  type SubprocessOptions,
} from './subprocess_options.js';

/**
 * Options of `create_subprocess_exec()` / `create_subprocess_shell()`: those
 * of `loop.subprocess_exec()` (but stdin, stdout and stderr default to
 * `null`, inherit), plus `limit` (the StreamReaders' buffer limit) and `loop`.
 */
export interface CreateSubprocessOptions extends SubprocessOptions {
  /** The buffer limit of `stdout` / `stderr` (default 64 KiB). */
  limit?: number;
  /** The loop to use; default `get_event_loop()`. */
  loop?: AbstractEventLoop | null;
}

/** The arguments after `program`: strings or bytes, optionally followed by the options object. */
export type CreateSubprocessExecArgs =
  Array<string | Uint8Array> | [...Array<string | Uint8Array>, CreateSubprocessOptions];

/**
 * The protocol behind a `Process` (asyncio's `SubprocessStreamProtocol`):
 * a `StreamWriter` on the child's stdin and `StreamReader`s on its stdout and
 * stderr. The transport is closed once the child has exited and both output
 * pipes are closed (asyncio 3.8+; 3.5 closed it at exit and could lose output).
 */
export class SubprocessStreamProtocol extends FlowControlMixin implements SubprocessProtocol {
  /** The child's stdin, or `null` if not piped. */
  stdin: StreamWriter | null = null;
  /** The child's stdout, or `null` if not piped. */
  stdout: StreamReader | null = null;
  /** The child's stderr, or `null` if not piped. */
  stderr: StreamReader | null = null;
  /** @internal */ readonly _limit: number;
  /** @internal */ _transport: SubprocessTransport | null = null;
  /** @internal */ _process_exited = false;
  /** @internal The output pipes still open. */ _pipe_fds: number[] = [];

  constructor(limit: number, loop: AbstractEventLoop) {
    super({ loop });
    this._limit = limit;
  }

  override toString(): string {
    const info = ['SubprocessStreamProtocol'];
    if (this.stdin !== null) info.push(`stdin=${String(this.stdin)}`);
    if (this.stdout !== null) info.push(`stdout=${String(this.stdout)}`);
    if (this.stderr !== null) info.push(`stderr=${String(this.stderr)}`);
    return `<${info.join(' ')}>`;
  }

  override connection_made(transport: Transport | SubprocessTransport): void {
    const proc = transport as SubprocessTransport;
    this._transport = proc;
    const stdout = proc.get_pipe_transport(1);
    if (stdout !== null) {
      this.stdout = new StreamReader(this._limit, this._loop);
      this.stdout.set_transport(stdout as ReadTransport);
      this._pipe_fds.push(1);
    }
    const stderr = proc.get_pipe_transport(2);
    if (stderr !== null) {
      this.stderr = new StreamReader(this._limit, this._loop);
      this.stderr.set_transport(stderr as ReadTransport);
      this._pipe_fds.push(2);
    }
    const stdin = proc.get_pipe_transport(0);
    if (stdin !== null) this.stdin = new StreamWriter(stdin as Transport, this, null, this._loop);
  }

  pipe_data_received(fd: number, data: Uint8Array): void {
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    // The pipe's chunk belongs to the protocol: the reader keeps it without a copy.
    reader?._feed_owned(data);
  }

  pipe_connection_lost(fd: number, exc: Error | null): void {
    if (fd === 0) {
      this.stdin?.close();
      this.connection_lost(exc);
      return;
    }
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    if (reader !== null) {
      if (exc === null) reader.feed_eof();
      else reader.set_exception(exc);
    }
    const at = this._pipe_fds.indexOf(fd);
    if (at >= 0) this._pipe_fds.splice(at, 1);
    this._maybe_close_transport();
  }

  process_exited(): void {
    this._process_exited = true;
    this._maybe_close_transport();
  }

  private _maybe_close_transport(): void {
    if (this._pipe_fds.length === 0 && this._process_exited && this._transport !== null) {
      this._transport.close();
      this._transport = null;
    }
  }
}

function* noop(): Generator<unknown, null, unknown> {
  return null;
}

function ignore_pipe_errors(exc: unknown): boolean {
  return exc instanceof BrokenPipeError || exc instanceof ConnectionResetError;
}

/**
 * A child process started by `create_subprocess_exec()` or
 * `create_subprocess_shell()` (asyncio's `Process`).
 *
 * @example
 * const proc = yield* From(create_subprocess_exec('cat', { stdin: subprocess.PIPE, stdout: subprocess.PIPE }));
 * const [out] = yield* From(proc.communicate(new TextEncoder().encode('hello')));
 * proc.returncode; // 0
 */
export class Process {
  /** @internal */ readonly _transport: BaseSubprocessTransport;
  /** @internal */ readonly _protocol: SubprocessStreamProtocol;
  /** @internal */ readonly _loop: _LoopInternals;
  /** The child's stdin (a `StreamWriter`), or `null` if it was not `PIPE`. */
  readonly stdin: StreamWriter | null;
  /** The child's stdout (a `StreamReader`), or `null` if it was not `PIPE`. */
  readonly stdout: StreamReader | null;
  /** The child's stderr (a `StreamReader`), or `null` if it was not `PIPE`. */
  readonly stderr: StreamReader | null;
  /** The child's process id. */
  readonly pid: number;

  constructor(
    transport: SubprocessTransport,
    protocol: SubprocessStreamProtocol,
    loop: AbstractEventLoop,
  ) {
    this._transport = transport as BaseSubprocessTransport;
    this._protocol = protocol;
    this._loop = _loop_of(loop, 'Process()');
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
    this.pid = transport.get_pid();
  }

  /** The repr, as asyncio's: `<Process 1234>`. */
  toString(): string {
    return `<Process ${this.pid}>`;
  }

  /** The exit status: `null` while running, negative `-N` when killed by signal `N`. */
  get returncode(): number | null {
    return this._transport.get_returncode();
  }

  /**
   * Wait for the child to exit; resolves to `returncode`. Cancelling the wait
   * leaves the child running. With `stdout: PIPE`, read the output (or use
   * `communicate()`), else a child writing much can block on a full pipe.
   */
  wait(): Future<number> {
    return this._transport._wait();
  }

  /** Send `signal` (a name, or the host's number); `ProcessLookupError` once the process is gone. */
  send_signal(signal: number | string): void {
    this._transport.send_signal(signal);
  }

  /** Send SIGTERM. */
  terminate(): void {
    this._transport.terminate();
  }

  /** Send SIGKILL. */
  kill(): void {
    this._transport.kill();
  }

  private *_feed_stdin(input: Uint8Array | null): Generator<unknown, null, unknown> {
    const stdin = this.stdin!;
    try {
      if (input !== null && input.length > 0) {
        stdin.write(input);
        yield From(stdin.drain());
      }
    } catch (exc) {
      // The child may exit, or close its stdin, before reading everything.
      if (!ignore_pipe_errors(exc)) throw exc;
    }
    stdin.close();
    return null;
  }

  private *_read_stream(fd: 1 | 2): Generator<unknown, Uint8Array, unknown> {
    const stream = fd === 1 ? this.stdout! : this.stderr!;
    const output = yield* From(stream.read());
    this._transport.get_pipe_transport(fd)?.close();
    return output;
  }

  /**
   * Send `input` to stdin (then close it), read stdout and stderr to EOF
   * concurrently, and wait for the child to exit; resolves to
   * `[stdout, stderr]` (`null` for a stream that was not `PIPE`). The pipes
   * are served together, so large input and output cannot deadlock.
   * stdin is closed even without `input` (asyncio 3.12; 3.5 left it open).
   */
  communicate(input: Uint8Array | null = null): Task<[Uint8Array | null, Uint8Array | null]> {
    return this._loop.create_task(this._communicate(input));
  }

  private *_communicate(
    input: Uint8Array | null,
  ): Generator<unknown, [Uint8Array | null, Uint8Array | null], unknown> {
    const [, stdout, stderr] = (yield From(
      gather(
        [
          this.stdin !== null ? this._feed_stdin(input) : noop(),
          this.stdout !== null ? this._read_stream(1) : noop(),
          this.stderr !== null ? this._read_stream(2) : noop(),
        ],
        { loop: this._loop },
      ),
    )) as [null, Uint8Array | null, Uint8Array | null];
    yield From(this.wait());
    return [stdout, stderr];
  }
}

/**
 * `limit` and `loop`, checked, and the options for `loop.subprocess_exec()`,
 * which checks the others; stdin, stdout and stderr default to `null` here.
 */
function split_stream_options(
  where: string,
  options: CreateSubprocessOptions | null | undefined,
): [_LoopInternals, number, SubprocessOptions] {
  const [limit, loop, rest] = _split_stream_options(where, options);
  return [
    loop,
    limit,
    {
      ...rest,
      stdin: rest.stdin ?? null,
      stdout: rest.stdout ?? null,
      stderr: rest.stderr ?? null,
    },
  ];
}

/**
 * Start `program` with `args` and resolve to a `Process` (asyncio's
 * `create_subprocess_exec`). The last argument may be the options:
 * `stdin`/`stdout`/`stderr` (`subprocess.PIPE`, `subprocess.STDOUT`,
 * `subprocess.DEVNULL`, a file descriptor, or `null` to inherit, the
 * default), `cwd`, `env`, `limit`, `loop`. A program that cannot be started
 * fails with `FileNotFoundError` or `PermissionError`.
 *
 * @example
 * const run = coroutine(function* () {
 *   const proc = yield* From(
 *     create_subprocess_exec('ls', '-l', { stdout: subprocess.PIPE }),
 *   );
 *   const [out] = yield* From(proc.communicate());
 *   return [proc.returncode, new TextDecoder().decode(out!)];
 * });
 */
export function create_subprocess_exec(
  program: string | Uint8Array,
  ...args: CreateSubprocessExecArgs
): Task<Process> {
  const [argv, options] = _split_exec_args(args);
  const [loop, limit, rest] = split_stream_options(
    'create_subprocess_exec',
    options as CreateSubprocessOptions,
  );
  const factory = (): SubprocessStreamProtocol => new SubprocessStreamProtocol(limit, loop);
  const started = loop.subprocess_exec(
    factory,
    program,
    ...(argv as Array<string | Uint8Array>),
    rest,
  );
  return loop.create_task(
    (function* (): Generator<unknown, Process, unknown> {
      const [transport, protocol] = yield* From(started);
      return new Process(transport, protocol, loop);
    })(),
  );
}

/**
 * Run `cmd` with `/bin/sh -c` and resolve to a `Process` (asyncio's
 * `create_subprocess_shell`); options as `create_subprocess_exec`.
 * A missing command is the shell's business: it exits with status 127.
 */
export function create_subprocess_shell(
  cmd: string | Uint8Array,
  options?: CreateSubprocessOptions | null,
): Task<Process> {
  const [loop, limit, rest] = split_stream_options('create_subprocess_shell', options);
  const factory = (): SubprocessStreamProtocol => new SubprocessStreamProtocol(limit, loop);
  const started = loop.subprocess_shell(factory, cmd, rest);
  return loop.create_task(
    (function* (): Generator<unknown, Process, unknown> {
      const [transport, protocol] = yield* From(started);
      return new Process(transport, protocol, loop);
    })(),
  );
}

/**
 * asyncio's `asyncio.subprocess` module as one object: the constants `PIPE`,
 * `STDOUT`, `DEVNULL`, and `Process`, `create_subprocess_exec`,
 * `create_subprocess_shell` (also exported on their own).
 *
 * @example
 * const proc = yield* From(create_subprocess_shell('echo hi 1>&2', { stderr: subprocess.PIPE }));
 */
export const subprocess = /* @__PURE__ */ Object.freeze({
  PIPE,
  STDOUT,
  DEVNULL,
  /** The class {@link Process}. */
  Process,
  /** The function {@link create_subprocess_exec}. */
  create_subprocess_exec,
  /** The function {@link create_subprocess_shell}. */
  create_subprocess_shell,
});
