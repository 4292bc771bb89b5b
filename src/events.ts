// Handles, the abstract event loop and server, and the event loop policy (asyncio events.py).

import { NotImplementedError, RuntimeError } from './exceptions.js';
import { created_at, extract_stack, format_callback } from './format_helpers.js';
import type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  GetAddrInfoOptions,
  GetNameInfoOptions,
  Server,
} from './base_events_net.js';
import type { SubprocessExecArgs, SubprocessOptions } from './base_subprocess.js';
import type { CreateDatagramEndpointOptions } from './datagram_transport.js';
import type { SSLContext } from './ssl.js';
import type { StartTlsOptions } from './start_tls.js';
import type { Future } from './futures.js';
import type { AddrInfo, SockAddr } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import type { Task } from './tasks.js';
import type {
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from './transports.js';

/** What `call_exception_handler` receives: asyncio's context dict. */
export interface ExceptionContext {
  /** What went wrong, in words; always present. */
  message: string;
  exception?: unknown;
  future?: Future<unknown>;
  /** The task in question; for a task collected while pending, its repr (it is gone). */
  task?: Task<unknown> | string;
  handle?: Handle;
  protocol?: unknown;
  transport?: unknown;
  socket?: unknown;
  /** Debug mode: where the object in question was created. */
  source_traceback?: string;
  /** Debug mode: where the handle that was running was created. */
  handle_traceback?: string;
  [key: string]: unknown;
}

/** A custom exception handler, set with `loop.set_exception_handler()`. */
export type ExceptionHandler = (loop: AbstractEventLoop, context: ExceptionContext) => void;

/** A task factory, set with `loop.set_task_factory()`. */
export type TaskFactory = (
  loop: AbstractEventLoop,
  coro: Generator<unknown, unknown, unknown>,
) => Future<unknown>;

/**
 * Options of `loop.create_task()` and `create_task()`: asyncio's keyword-only `name`.
 *
 * @example
 * const task = create_task(fetch_page(url), { name: `fetch ${url}` });
 */
export interface CreateTaskOptions {
  /** The task's name (`task.get_name()`); default `'Task-N'`. */
  name?: string | null;
}

/** The part of a loop that handles need. @internal */
export interface HandleOwner {
  _debug: boolean;
  call_exception_handler(context: ExceptionContext): void;
  _timer_handle_cancelled(handle: TimerHandle): void;
}

const EMPTY_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * What the loop's ready queue holds: a Handle, or an internal object that
 * schedules itself without allocating a Handle (a Task's next step, a
 * `sleep(0)`). `_run()` does nothing once the work was cancelled.
 * @internal
 */
export interface Runnable {
  _run(): void;
}

/**
 * A callback scheduled with `call_soon()`; `cancel()` keeps it from running.
 * asyncio's `Handle`: the loop owns it, users only cancel it.
 */
export class Handle implements Runnable {
  /** @internal */ _callback: ((...args: never[]) => unknown) | null;
  /** @internal */ _args: readonly unknown[] | null;
  /** @internal */ _cancelled = false;
  /** @internal */ _loop: HandleOwner;
  /** @internal */ _repr: string | null = null;
  /** @internal */ _source_traceback: string | null = null;

  constructor(
    callback: (...args: never[]) => unknown,
    args: readonly unknown[] | null,
    loop: HandleOwner,
  ) {
    this._callback = callback;
    this._args = args === null || args.length === 0 ? EMPTY_ARGS : args;
    this._loop = loop;
    if (loop._debug) this._source_traceback = extract_stack();
  }

  /** Keep the callback from running; calling it again does nothing. */
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    if (this._loop._debug) this._repr = this.toString();
    this._callback = null;
    this._args = null;
  }

  /** Whether `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /**
   * Call the callback; an exception goes to the loop's exception handler.
   * This is the only place where loop callbacks are actually called.
   * @internal
   */
  _run(): void {
    if (this._cancelled) return;
    const callback = this._callback as (...args: unknown[]) => unknown;
    const args = this._args!;
    try {
      switch (args.length) {
        case 0:
          callback();
          break;
        case 1:
          callback(args[0]);
          break;
        default:
          callback(...args);
      }
    } catch (exc) {
      const context: ExceptionContext = {
        message: `Exception in callback ${format_callback(callback, args)}`,
        exception: exc,
        handle: this,
      };
      if (this._source_traceback) context.source_traceback = this._source_traceback;
      this._loop.call_exception_handler(context);
    }
  }

  /** @internal */
  _repr_info(): string[] {
    const info = [this.constructor.name];
    if (this._cancelled) info.push('cancelled');
    if (this._callback !== null) info.push(format_callback(this._callback, this._args));
    return info;
  }

  toString(): string {
    if (this._repr !== null) return this._repr;
    return `<${this._repr_info().join(' ')}${created_at(this._source_traceback)}>`;
  }
}

/** A callback scheduled for a given loop time with `call_later()` or `call_at()`. */
export class TimerHandle extends Handle {
  /** @internal */ _when: number;
  /** @internal */ _seq: number;
  /** @internal Whether the handle is still in the loop's timer heap. */ _scheduled = false;

  constructor(
    when: number,
    seq: number,
    callback: (...args: never[]) => unknown,
    args: readonly unknown[] | null,
    loop: HandleOwner,
  ) {
    super(callback, args, loop);
    this._when = when;
    this._seq = seq;
  }

  /** The loop time at which the callback is due. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (!this._cancelled) this._loop._timer_handle_cancelled(this);
    super.cancel();
  }

  /** @internal */
  override _repr_info(): string[] {
    const info = super._repr_info();
    info.splice(this._cancelled ? 2 : 1, 0, `when=${this._when}`);
    return info;
  }
}

// `await using` keys: Node 20+ and current browsers define the symbol; elsewhere
// the registered one that Babel's and oxc's `using` helpers look up.
const SERVER_ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');

/**
 * A server returned by `create_server()` (asyncio's `AbstractServer`, 3.13):
 * stop it with `close()`, then `wait_closed()`; or let `await using` do both.
 */
export abstract class AbstractServer {
  /** Stop serving: close the listening sockets. Connections already accepted stay open. */
  abstract close(): void;
  /** Close every connection the server accepted (`transport.close()`). */
  abstract close_clients(): void;
  /** Abort every connection the server accepted (`transport.abort()`). */
  abstract abort_clients(): void;
  /** The loop the server belongs to. */
  abstract get_loop(): AbstractEventLoop;
  /** Whether the server accepts new connections. */
  abstract is_serving(): boolean;
  /** Start accepting connections (idempotent); the Future resolves after one loop iteration. */
  abstract start_serving(): Future<void>;
  /** Serve until cancelled; cancelling closes the server and waits for `wait_closed()`. */
  abstract serve_forever(): Future<void>;
  /** A Future that resolves once the server is closed and its connections are gone. */
  abstract wait_closed(): Future<void>;

  /**
   * `await using server = ...` calls this at scope exit: `close()`, then
   * `wait_closed()` (asyncio's `async with server:`).
   *
   * @example
   * await loop.run_until_complete((async () => {
   *   await using server = await start_server(handle, '127.0.0.1', 0);
   *   await server.start_serving();
   *   // ... at the end of the block the server is closed and its connections are gone
   * })());
   */
  async [SERVER_ASYNC_DISPOSE](): Promise<void> {
    this.close();
    await this.wait_closed();
  }
}

function not_implemented(name: string): never {
  throw new NotImplementedError(`${name}() is not implemented by this event loop`);
}

/**
 * The event loop interface (asyncio's `AbstractEventLoop`). Every method
 * raises `NotImplementedError` here; `BaseEventLoop` implements them.
 */
export abstract class AbstractEventLoop {
  run_forever(): Promise<void> {
    return not_implemented('run_forever');
  }
  run_until_complete<T>(
    _future: Future<T> | PromiseLike<T> | Generator<unknown, T, unknown>,
  ): Promise<T> {
    return not_implemented('run_until_complete');
  }
  stop(): void {
    not_implemented('stop');
  }
  is_running(): boolean {
    return not_implemented('is_running');
  }
  is_closed(): boolean {
    return not_implemented('is_closed');
  }
  close(): void {
    not_implemented('close');
  }
  call_soon<A extends unknown[]>(_callback: (...args: A) => unknown, ..._args: A): Handle {
    return not_implemented('call_soon');
  }
  call_soon_threadsafe<A extends unknown[]>(
    _callback: (...args: A) => unknown,
    ..._args: A
  ): Handle {
    return not_implemented('call_soon_threadsafe');
  }
  call_later<A extends unknown[]>(
    _delay: number,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): TimerHandle {
    return not_implemented('call_later');
  }
  call_at<A extends unknown[]>(
    _when: number,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): TimerHandle {
    return not_implemented('call_at');
  }
  time(): number {
    return not_implemented('time');
  }
  create_future<T = unknown>(): Future<T> {
    return not_implemented('create_future');
  }
  create_task<T>(
    _coro: Generator<unknown, T, unknown> | Future<T> | PromiseLike<T>,
    _options?: CreateTaskOptions,
  ): Task<T> {
    return not_implemented('create_task');
  }
  set_task_factory(_factory: TaskFactory | null): void {
    not_implemented('set_task_factory');
  }
  get_task_factory(): TaskFactory | null {
    return not_implemented('get_task_factory');
  }
  set_exception_handler(_handler: ExceptionHandler | null): void {
    not_implemented('set_exception_handler');
  }
  get_exception_handler(): ExceptionHandler | null {
    return not_implemented('get_exception_handler');
  }
  default_exception_handler(_context: ExceptionContext): void {
    not_implemented('default_exception_handler');
  }
  call_exception_handler(_context: ExceptionContext): void {
    not_implemented('call_exception_handler');
  }
  get_debug(): boolean {
    return not_implemented('get_debug');
  }
  set_debug(_enabled: boolean): void {
    not_implemented('set_debug');
  }
  run_in_executor<A extends unknown[], R>(
    _executor: Executor | null,
    _func: (...args: A) => R,
    ..._args: A
  ): Future<Awaited<R>> {
    return not_implemented('run_in_executor');
  }
  set_default_executor(_executor: Executor | null): void {
    not_implemented('set_default_executor');
  }
  shutdown_default_executor(): Future<null> {
    return not_implemented('shutdown_default_executor');
  }

  // ---- networking (implemented in base_events_net.ts) ----

  /**
   * Open a stream connection to `host`/`port` (or adopt `options.sock`) and
   * resolve to `[transport, protocol]` once `protocol.connection_made` ran.
   * Every address `getaddrinfo` gives is tried in turn.
   *
   * @example
   * const [transport, protocol] = yield* From(loop.create_connection(() => new EchoClient(), '127.0.0.1', 8888));
   */
  create_connection<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _host?: string | null,
    _port?: number | string | null,
    _options?: CreateConnectionOptions,
  ): Future<[Transport, P]> {
    return not_implemented('create_connection');
  }
  /**
   * Listen on `port` of `host` (`null` or `''`: all interfaces; or a list of
   * hosts), or adopt `options.sock`; resolve to a `Server`. Each accepted
   * connection gets a protocol from `protocol_factory`.
   */
  create_server(
    _protocol_factory: () => BaseProtocol,
    _host?: string | readonly string[] | null,
    _port?: number | string | null,
    _options?: CreateServerOptions,
  ): Future<Server> {
    return not_implemented('create_server');
  }
  /** Like `create_connection`, to the Unix socket `path`. */
  create_unix_connection<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _path?: string | null,
    _options?: CreateUnixConnectionOptions,
  ): Future<[Transport, P]> {
    return not_implemented('create_unix_connection');
  }
  /** Like `create_server`, on the Unix socket `path`. */
  create_unix_server(
    _protocol_factory: () => BaseProtocol,
    _path?: string | null,
    _options?: CreateUnixServerOptions,
  ): Future<Server> {
    return not_implemented('create_unix_server');
  }
  /** Read from `pipe` (a host readable stream or a file descriptor) into a protocol. */
  connect_read_pipe<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _pipe: unknown,
  ): Future<[ReadTransport, P]> {
    return not_implemented('connect_read_pipe');
  }
  /** Write to `pipe` (a host writable stream or a file descriptor) through a transport. */
  connect_write_pipe<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _pipe: unknown,
  ): Future<[WriteTransport, P]> {
    return not_implemented('connect_write_pipe');
  }
  /**
   * Wrap a MessagePort (a browser `MessageChannel` port, a Worker's port from
   * `connect_worker()`/`accept_parent_port()`, or a Node `worker_threads`
   * port) in a stream transport, and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran. Not in asyncio: trollius's transport for
   * talking to Workers. See `open_message_port()` for the wire behaviour.
   *
   * @example
   * const { port1, port2 } = new MessageChannel();
   * const [transport, protocol] = yield* From(loop.connect_message_port(() => new Echo(), port1));
   */
  connect_message_port<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _port: unknown,
  ): Future<[Transport, P]> {
    return not_implemented('connect_message_port');
  }
  /**
   * Open a UDP endpoint: bind `local_addr` and/or connect `remote_addr`
   * (`[host, port]`), and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran. Without addresses, `family` is required.
   *
   * @example
   * const [transport, protocol] = yield* From(
   *   loop.create_datagram_endpoint(() => new EchoServer(), { local_addr: ['127.0.0.1', 9999] }),
   * );
   */
  create_datagram_endpoint<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _options?: CreateDatagramEndpointOptions,
  ): Future<[DatagramTransport, P]> {
    return not_implemented('create_datagram_endpoint');
  }
  /**
   * Start `program` with `args` (strings or bytes; the last argument may be the
   * options: `stdin`/`stdout`/`stderr`, default `PIPE`, `cwd`, `env`), and
   * resolve to `[transport, protocol]` once `protocol.connection_made` ran.
   */
  subprocess_exec<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _program: string | Uint8Array,
    ..._args: SubprocessExecArgs
  ): Future<[SubprocessTransport, P]> {
    return not_implemented('subprocess_exec');
  }
  /** Like `subprocess_exec`, running the command line `cmd` with `/bin/sh -c`. */
  subprocess_shell<P extends BaseProtocol>(
    _protocol_factory: () => P,
    _cmd: string | Uint8Array,
    _options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return not_implemented('subprocess_shell');
  }
  /**
   * Upgrade the stream connection of `transport` to TLS (asyncio 3.7's
   * `start_tls`) and resolve to the new transport, which delivers to
   * `protocol`; the old transport must not be used any more.
   *
   * @example
   * const tls_transport = yield* From(loop.start_tls(transport, protocol, ctx, { server_hostname: 'example.com' }));
   */
  start_tls(
    _transport: Transport,
    _protocol: BaseProtocol,
    _sslcontext: SSLContext,
    _options?: StartTlsOptions,
  ): Future<Transport> {
    return not_implemented('start_tls');
  }
  /** Resolve `host`/`port` to `[family, type, proto, canonname, sockaddr]` entries. */
  getaddrinfo(
    _host: string | null,
    _port: number | string | null,
    _options?: GetAddrInfoOptions,
  ): Future<AddrInfo[]> {
    return not_implemented('getaddrinfo');
  }
  /** Look up the `[host, service]` names of a socket address. */
  getnameinfo(_sockaddr: SockAddr, _flags?: number | GetNameInfoOptions): Future<[string, string]> {
    return not_implemented('getnameinfo');
  }
  /** Run `callback(...args)` in the loop each time signal `sig` (a name or number) arrives. */
  add_signal_handler<A extends unknown[]>(
    _sig: number | string,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): void {
    not_implemented('add_signal_handler');
  }
  /** Remove the handler of signal `sig`; `false` if there was none. */
  remove_signal_handler(_sig: number | string): boolean {
    return not_implemented('remove_signal_handler');
  }
  sock_recv(_sock: unknown, _nbytes: number): Future<Uint8Array> {
    return not_implemented('sock_recv');
  }
  sock_sendall(_sock: unknown, _data: Uint8Array): Future<null> {
    return not_implemented('sock_sendall');
  }
  sock_connect(_sock: unknown, _address: SockAddr): Future<null> {
    return not_implemented('sock_connect');
  }
  sock_accept(_sock: unknown): Future<[unknown, SockAddr]> {
    return not_implemented('sock_accept');
  }

  /** @internal */
  _timer_handle_cancelled(_handle: TimerHandle): void {
    not_implemented('_timer_handle_cancelled');
  }
}

/**
 * What `run_in_executor` accepts: any object whose `submit(fn, ...args)`
 * returns a Future or a Promise of `fn(...args)` (concurrent.futures' shape).
 */
export interface Executor {
  submit<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...args: A
  ): PromiseLike<Awaited<R>> | Future<Awaited<R>>;
  /** Stop taking work; with `wait`, the returned Promise (if any) settles once running work is done. */
  shutdown?(wait?: boolean): void | PromiseLike<void>;
}

// ---- the running loop ------------------------------------------------------

let running_loop: AbstractEventLoop | null = null;
const running_loops = new Set<AbstractEventLoop>();

/**
 * The loop whose callbacks are running right now; outside them, the one loop
 * that is running if there is exactly one (code resumed from a Promise runs
 * between the loop's turns); otherwise `null`.
 */
export function _get_running_loop(): AbstractEventLoop | null {
  if (running_loop !== null) return running_loop;
  if (running_loops.size === 1) return running_loops.values().next().value!;
  return null;
}

/** Whether any loop of this realm is running (asyncio: of this thread). @internal */
export function _any_loop_running(): boolean {
  return running_loop !== null || running_loops.size > 0;
}

/** Set the loop whose callbacks are running; returns the previous one. @internal */
export function _set_running_loop(loop: AbstractEventLoop | null): AbstractEventLoop | null {
  const previous = running_loop;
  running_loop = loop;
  return previous;
}

/** Record that `loop` started or stopped running. @internal */
export function _mark_running(loop: AbstractEventLoop, running: boolean): void {
  if (running) running_loops.add(loop);
  else running_loops.delete(loop);
}

/** The running loop; throws `RuntimeError` when no loop is running (asyncio 3.7). */
export function get_running_loop(): AbstractEventLoop {
  const loop = _get_running_loop();
  if (loop === null) throw new RuntimeError('no running event loop');
  return loop;
}

// ---- policy ----------------------------------------------------------------

/** The policy interface: where `get_event_loop()` finds its loop. */
export abstract class AbstractEventLoopPolicy {
  /** The current context's loop. */
  get_event_loop(): AbstractEventLoop {
    return not_implemented('get_event_loop');
  }
  /** Make `loop` the current context's loop. */
  set_event_loop(_loop: AbstractEventLoop | null): void {
    not_implemented('set_event_loop');
  }
  /** Create a new loop; it is not made current. */
  new_event_loop(): AbstractEventLoop {
    return not_implemented('new_event_loop');
  }
}

/**
 * The default policy's behaviour (asyncio's `BaseDefaultEventLoopPolicy`): the
 * first `get_event_loop()` creates the loop, unless `set_event_loop()` was called.
 * A JavaScript realm (a page, a Worker, a Node process) is one "main thread".
 */
export abstract class BaseDefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  private _loop: AbstractEventLoop | null = null;
  private _set_called = false;

  override get_event_loop(): AbstractEventLoop {
    if (this._loop === null && !this._set_called) this.set_event_loop(this.new_event_loop());
    if (this._loop === null) {
      throw new RuntimeError("There is no current event loop in thread 'MainThread'.");
    }
    return this._loop;
  }

  /** The current loop as it is, without making one: what `run()` restores. @internal */
  _save_current(): [AbstractEventLoop | null, boolean] {
    return [this._loop, this._set_called];
  }

  /** Put back what `_save_current()` returned. @internal */
  _restore_current([loop, set_called]: [AbstractEventLoop | null, boolean]): void {
    this._loop = loop;
    this._set_called = set_called;
  }

  override set_event_loop(loop: AbstractEventLoop | null): void {
    this._set_called = true;
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw new TypeError(`loop must be an AbstractEventLoop or null, not ${String(loop)}`);
    }
    this._loop = loop;
  }
}

let policy: AbstractEventLoopPolicy | null = null;
let default_policy_factory: (() => AbstractEventLoopPolicy) | null = null;

/** Register how to make the default policy (base_events.ts does, at load). @internal */
export function _set_default_policy_factory(factory: () => AbstractEventLoopPolicy): void {
  default_policy_factory = factory;
}

/** The current policy; the default one is created on first use. */
export function get_event_loop_policy(): AbstractEventLoopPolicy {
  if (policy === null) policy = default_policy_factory!();
  return policy;
}

/** Replace the policy; `null` restores the default. */
export function set_event_loop_policy(new_policy: AbstractEventLoopPolicy | null): void {
  if (new_policy !== null && !(new_policy instanceof AbstractEventLoopPolicy)) {
    throw new TypeError('policy must be an AbstractEventLoopPolicy or null');
  }
  policy = new_policy;
}

/**
 * The running loop when called from code the loop runs; otherwise the policy's
 * current loop, created on first use (asyncio 3.6 semantics).
 */
export function get_event_loop(): AbstractEventLoop {
  return _get_running_loop() ?? get_event_loop_policy().get_event_loop();
}

/** Make `loop` the policy's current loop. */
export function set_event_loop(loop: AbstractEventLoop | null): void {
  get_event_loop_policy().set_event_loop(loop);
}

/** Create a new loop with the policy; it is not made current. */
export function new_event_loop(): AbstractEventLoop {
  return get_event_loop_policy().new_event_loop();
}
