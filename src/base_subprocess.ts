// BaseSubprocessTransport, the pipes' protocol, and loop.subprocess_exec/subprocess_shell that start one (asyncio base_subprocess.py).

import type { _LoopInternals } from './loop_internals.js';
import { check_factory, host_future, type ProtocolFactory } from './base_events_net.js';
import { From } from './coroutines.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { logger } from './log.js';
import { ProcessLookupError } from './os_errors.js';
import type { RawProcess, SpawnOptions } from './platform.js';
import { Protocol, type BaseProtocol, type SubprocessProtocol } from './protocols.js';
import type { HostResource } from './raw_transport.js';
import { _StreamTransport } from './stream_transport.js';
import { exec_spawn_options, shell_spawn_options } from './spawn_options.js';
import type { SubprocessOptions } from './subprocess_options.js';
import type { Task } from './tasks.js';
import { SubprocessTransport, type BaseTransport, type Transport } from './transports.js';

// The loop's declarations (events.ts, base_events.ts) take these types from here.
export type { SubprocessExecArgs, SubprocessOptions } from './subprocess_options.js';

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
  const spawn = exec_spawn_options(program, rest);
  loop._check_closed();
  return spawn_task(loop, protocol_factory, spawn, `execute program ${repr(spawn.args[0])}`);
}

/** `loop.subprocess_shell()`: `cmd` runs with `/bin/sh -c`. @internal */
export function subprocess_shell<P extends BaseProtocol>(
  loop: _LoopInternals,
  protocol_factory: ProtocolFactory<P>,
  cmd: unknown,
  options?: SubprocessOptions | null,
): Task<[SubprocessTransport, P]> {
  check_factory(protocol_factory);
  const spawn = shell_spawn_options(cmd, options);
  loop._check_closed();
  return spawn_task(loop, protocol_factory, spawn, `run shell command ${repr(spawn.args[0])}`);
}

/** Spawn the child, make its transport and wait for its connection_made (asyncio's `_make_subprocess_transport`). */
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
