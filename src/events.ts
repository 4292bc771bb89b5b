// The event loop interface, where every loop method is documented (asyncio events.py).
// The rest of events.py: Handle, TimerHandle in handles.ts; the running loop, get_event_loop()
// and the policies in event_loop_policy.ts; AbstractServer in server.ts; the exception
// handler's context in exception_handler.ts; the task factory in tasks.ts; the Executor
// interface in executor.ts.
// Its only runtime import is exceptions.ts: no cycles.

import { NotImplementedError } from './exceptions.js';
import type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  GetAddrInfoOptions,
  GetNameInfoOptions,
  Server,
} from './base_events_net.js';
import type { ConnectAcceptedSocketOptions } from './connect_accepted_socket.js';
import type { SubprocessExecArgs, SubprocessOptions } from './subprocess_options.js';
import type { CreateDatagramEndpointOptions } from './datagram_transport.js';
import type { ExceptionContext, ExceptionHandler } from './exception_handler.js';
import type { Executor, ShutdownDefaultExecutorOptions } from './executor.js';
import type { Handle, TimerHandle } from './handles.js';
import type { SendfileOptions } from './sendfile.js';
import type { SSLContext } from './ssl.js';
import type { StartTlsOptions } from './start_tls.js';
import type { Future } from './futures.js';
import type { AddrInfo, SockAddr } from './platform.js';
import type { BaseProtocol } from './protocols.js';
import type { CreateTaskOptions, Task, TaskFactory } from './tasks.js';
import type {
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from './transports.js';

/** Throw `NotImplementedError` for a method this loop (or policy) lacks. @internal */
export function not_implemented(name: string): never {
  throw new NotImplementedError(`${name}() is not implemented by this event loop`);
}

/* eslint-disable @typescript-eslint/no-unused-vars -- the stubs name their parameters as the docs do */
/**
 * The event loop interface (asyncio's `AbstractEventLoop`); every method
 * throws `NotImplementedError` here, and `BaseEventLoop` implements them.
 * The host owns the thread, so `run_forever()`/`run_until_complete()` return
 * Promises, and asyncio's coroutine methods return a Future (a Task). Bad
 * arguments throw at the call; later failures (a refused connection) fail the Future.
 */
export abstract class AbstractEventLoop {
  /**
   * Run the loop until `stop()` is called; the Promise settles once it has
   * stopped. Throws `RuntimeError` if the loop is running already or is closed.
   *
   * @example
   * const loop = new_event_loop();
   * loop.call_later(1, () => loop.stop());
   * await loop.run_forever(); // settles about one second later
   * loop.close();
   */
  run_forever(): Promise<void> {
    return not_implemented('run_forever');
  }
  /**
   * Run the loop until `future` is done, and resolve to its result or reject
   * with its exception. A coroutine is wrapped in a Task, a Promise in a
   * Future. Throws `RuntimeError` if the loop is running already or is closed;
   * rejects with `RuntimeError('Event loop stopped before Future completed.')`
   * if `stop()` ends the run first.
   *
   * @example
   * const loop = get_event_loop();
   * const answer = await loop.run_until_complete(main());
   */
  run_until_complete<T>(
    future: Future<T> | PromiseLike<T> | Generator<unknown, T, unknown>,
  ): Promise<T> {
    return not_implemented('run_until_complete');
  }
  /**
   * Stop the loop: the current iteration finishes, then `run_forever()`
   * settles. Called before `run_forever()`, the next run does one iteration.
   */
  stop(): void {
    not_implemented('stop');
  }
  /** Whether the loop is running: from `run_forever()` until it has stopped. */
  is_running(): boolean {
    return not_implemented('is_running');
  }
  /** Whether `close()` was called. */
  is_closed(): boolean {
    return not_implemented('is_closed');
  }
  /**
   * Close the loop: drop pending callbacks and timers, shut the default
   * executor down, remove signal handlers, release what still holds a host
   * handle (transports, servers, child processes). Idempotent; throws
   * `RuntimeError` while the loop runs. A closed loop refuses new work.
   */
  close(): void {
    not_implemented('close');
  }

  /**
   * Schedule `callback(...args)` for the next iteration, after the callbacks
   * already queued (FIFO), and return its Handle; what it throws goes to
   * `call_exception_handler()`. Throws `TypeError` for a non-function or a
   * coroutine function, `RuntimeError` if the loop is closed.
   *
   * @example
   * const handle = loop.call_soon((name: string) => console.log(`hello ${name}`), 'world');
   * handle.cancel(); // changed our mind: it will not run
   */
  call_soon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    return not_implemented('call_soon');
  }
  /** Like `call_soon()`: JavaScript runs the loop on one thread, so they are the same. */
  call_soon_threadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    return not_implemented('call_soon_threadsafe');
  }
  /**
   * Schedule `callback(...args)` to run in `delay` seconds of loop time (`0`
   * or less: as soon as possible), and return its TimerHandle. Callbacks due
   * at the same time run in the order they were scheduled. Throws `TypeError`
   * if `delay` is not a number, and as `call_soon()` does.
   *
   * @example
   * const timer = loop.call_later(5, () => console.log('five seconds later'));
   * timer.cancel(); // before it ran: it never will
   */
  call_later<A extends unknown[]>(
    delay: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    return not_implemented('call_later');
  }
  /**
   * Schedule `callback(...args)` to run when `time()` reaches `when`, and
   * return its TimerHandle. Throws `TypeError` if `when` is not a number, and
   * as `call_soon()` does.
   *
   * @example
   * const deadline = loop.time() + 10;
   * const timer = loop.call_at(deadline, () => transport.abort());
   */
  call_at<A extends unknown[]>(
    when: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    return not_implemented('call_at');
  }
  /** The loop's clock: seconds on a monotonic clock with an unspecified epoch. */
  time(): number {
    return not_implemented('time');
  }

  /**
   * Create a Future attached to this loop: the way to make one (asyncio
   * 3.5.2), so that a loop can supply its own kind of Future.
   *
   * @example
   * const fut = loop.create_future<string>();
   * loop.call_later(1, () => fut.set_result('done'));
   * const value = yield* From(fut); // in a coroutine: 'done', one second later
   */
  create_future<T = unknown>(): Future<T> {
    return not_implemented('create_future');
  }
  /**
   * Wrap a coroutine in a Task (or what the task factory makes), named
   * `options.name`, and schedule its first step. A Future or Promise is
   * wrapped in a coroutine that awaits it, so that ported code such as
   * `loop.create_task(sleep(1))` works (`sleep()` returns a Future here).
   * Throws `RuntimeError` if the loop is closed, `TypeError` for anything else.
   *
   * @example
   * const task = loop.create_task(fetch_page(url), { name: `fetch ${url}` });
   * task.add_done_callback((t) => console.log(t.result()));
   */
  create_task<T>(
    coro: Generator<unknown, T, unknown> | Future<T> | PromiseLike<T>,
    options?: CreateTaskOptions,
  ): Task<T> {
    return not_implemented('create_task');
  }
  /**
   * Set how `create_task()` makes tasks: `factory(loop, coro, options)`
   * returns a Future (`eager_task_factory` makes tasks that start eagerly);
   * `null` restores `Task`. Throws `TypeError` for a non-function.
   */
  set_task_factory(factory: TaskFactory | null): void {
    not_implemented('set_task_factory');
  }
  /** The task factory `set_task_factory()` set, or `null` when tasks are plain `Task`s. */
  get_task_factory(): TaskFactory | null {
    return not_implemented('get_task_factory');
  }

  /**
   * Make `handler(loop, context)` the loop's exception handler, called by
   * `call_exception_handler()` instead of `default_exception_handler()`;
   * `null` restores the default. `TypeError` for anything else.
   *
   * @example
   * loop.set_exception_handler((loop, context) => {
   *   report_to_monitoring(context.message, context.exception);
   *   loop.default_exception_handler(context); // and log it as usual
   * });
   */
  set_exception_handler(handler: ExceptionHandler | null): void {
    not_implemented('set_exception_handler');
  }
  /** The handler `set_exception_handler()` set, or `null` when the default one is used. */
  get_exception_handler(): ExceptionHandler | null {
    return not_implemented('get_exception_handler');
  }
  /**
   * Log `context` through `logger.error`: the message, then every other key
   * sorted, one `key: value` line each, and the exception's stack. Custom
   * handlers may call it to keep the default logging.
   */
  default_exception_handler(context: ExceptionContext): void {
    not_implemented('default_exception_handler');
  }
  /**
   * Report an error that has no caller to go to (a callback that threw, a
   * Future whose exception was never retrieved, a transport's fatal error):
   * to the custom handler if one is set, else to
   * `default_exception_handler()`. Never throws: a failing handler is logged.
   */
  call_exception_handler(context: ExceptionContext): void {
    not_implemented('call_exception_handler');
  }
  /** Whether debug mode is on (`set_debug()`, or `TROLLIUSDEBUG` set when the loop was made). */
  get_debug(): boolean {
    return not_implemented('get_debug');
  }
  /** Turn debug mode on or off: source tracebacks and slow-callback warnings. */
  set_debug(enabled: boolean): void {
    not_implemented('set_debug');
  }

  /**
   * Run `func(...args)` in `executor` (`null`: the default executor) and
   * return a Future of its result. The default `SynchronousExecutor` runs
   * `func` at once, blocking the loop (no threads share its memory); give
   * `set_default_executor()` a worker pool instead. Throws `TypeError` as
   * `call_soon()` does, `RuntimeError` if the loop is closed or (default
   * executor) after `shutdown_default_executor()`.
   *
   * @example
   * const digest = yield* From(loop.run_in_executor(null, checksum, bytes));
   */
  run_in_executor<A extends unknown[], R>(
    executor: Executor | null,
    func: (...args: A) => R,
    ...args: A
  ): Future<Awaited<R>> {
    return not_implemented('run_in_executor');
  }
  /**
   * Replace the executor `run_in_executor(null, ...)` uses; the previous one
   * is not shut down. Throws `TypeError` if `executor` has no `submit` method.
   */
  set_default_executor(executor: Executor | null): void {
    not_implemented('set_default_executor');
  }
  /**
   * Shut the default executor down and resolve once its running work is done
   * (asyncio 3.9); `run_in_executor(null, ...)` is refused afterwards. `run()`
   * calls it before closing its loop, with a `timeout` of 300 seconds.
   *
   * @param timeout - seconds to wait at most (asyncio 3.12), also as
   *   `{timeout}`; `null` (the default): as long as the work takes. Past it, a
   *   warning is logged, the executor is told to shut down without waiting, and
   *   the Future resolves.
   */
  shutdown_default_executor(
    timeout?: number | null | ShutdownDefaultExecutorOptions,
  ): Future<null> {
    return not_implemented('shutdown_default_executor');
  }

  // I/O: BaseEventLoop carries forwarders to these (loop_io_forwarders.ts), whose bodies are in loop_io_methods.ts.
  /**
   * Open a stream connection to `host`/`port` (a WebSocket with `options.url`;
   * or adopt `options.sock`) and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran; each address `getaddrinfo` gives is tried
   * in turn. Throws `ValueError` for arguments that do not go together,
   * `TypeError` for a bad option; the Future fails with the connect's
   * `OSError` (with `all_errors`, an `ExceptionGroup` of every address's).
   *
   * @example
   * const [transport, protocol] = yield* From(loop.create_connection(() => new EchoClient(), '127.0.0.1', 8888));
   */
  create_connection<P extends BaseProtocol>(
    protocol_factory: () => P,
    host?: string | null,
    port?: number | string | null,
    options?: CreateConnectionOptions,
  ): Future<[Transport, P]> {
    return not_implemented('create_connection');
  }
  /**
   * Listen on `port` of `host` (`null` or `''`: all interfaces; or a list of
   * hosts), or adopt `options.sock`; resolve to a `Server`, serving unless
   * `start_serving: false`. Each connection gets a protocol from
   * `protocol_factory`. Throws `ValueError` with neither or both of host/port
   * and `sock`; the Future fails with `OSError` if an address cannot be bound.
   *
   * @example
   * const server = yield* From(loop.create_server(() => new EchoServer(), '127.0.0.1', 8888));
   * console.log(server.sockets[0]!.getsockname()); // ['127.0.0.1', 8888]
   * yield From(server.serve_forever());
   */
  create_server(
    protocol_factory: () => BaseProtocol,
    host?: string | readonly string[] | null,
    port?: number | string | null,
    options?: CreateServerOptions,
  ): Future<Server> {
    return not_implemented('create_server');
  }
  /** Like `create_connection()`, to the Unix socket `path`; `ssl` needs `server_hostname`. */
  create_unix_connection<P extends BaseProtocol>(
    protocol_factory: () => P,
    path?: string | null,
    options?: CreateUnixConnectionOptions,
  ): Future<[Transport, P]> {
    return not_implemented('create_unix_connection');
  }
  /**
   * Like `create_server()`, on the Unix socket `path` (or `options.sock`).
   * `cleanup_socket: false` throws `NotImplementedError`: the host removes the
   * socket file when the server closes.
   */
  create_unix_server(
    protocol_factory: () => BaseProtocol,
    path?: string | null,
    options?: CreateUnixServerOptions,
  ): Future<Server> {
    return not_implemented('create_unix_server');
  }
  /**
   * Read from `pipe` (a host readable stream such as `process.stdin`, or a
   * file descriptor) into a protocol, and resolve to `[transport, protocol]`
   * once `protocol.connection_made` ran.
   */
  connect_read_pipe<P extends BaseProtocol>(
    protocol_factory: () => P,
    pipe: unknown,
  ): Future<[ReadTransport, P]> {
    return not_implemented('connect_read_pipe');
  }
  /**
   * Write to `pipe` (a host writable stream such as `process.stdout`, or a
   * file descriptor) through a transport, and resolve to
   * `[transport, protocol]` once `protocol.connection_made` ran.
   */
  connect_write_pipe<P extends BaseProtocol>(
    protocol_factory: () => P,
    pipe: unknown,
  ): Future<[WriteTransport, P]> {
    return not_implemented('connect_write_pipe');
  }
  /**
   * Wrap a MessagePort (a browser `MessageChannel` port, a Worker's port from
   * `connect_worker()`/`accept_parent_port()`, or a Node `worker_threads`
   * port) in a stream transport, and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran (`TypeError` for anything else). Not in
   * asyncio; see `open_message_port()` for the wire behaviour.
   *
   * @example
   * const { port1, port2 } = new MessageChannel();
   * const [transport, protocol] = yield* From(loop.connect_message_port(() => new Echo(), port1));
   */
  connect_message_port<P extends BaseProtocol>(
    protocol_factory: () => P,
    port: unknown,
  ): Future<[Transport, P]> {
    return not_implemented('connect_message_port');
  }
  /**
   * Open a UDP endpoint: bind `local_addr` and/or connect `remote_addr`
   * (`[host, port]`), and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran. Throws `ValueError` without addresses
   * and `family`, with `reuse_address` (refused since asyncio 3.11), or with
   * `sock` and an address option; `NotImplementedError` for `AF_UNIX`.
   *
   * @example
   * const [transport, protocol] = yield* From(
   *   loop.create_datagram_endpoint(() => new EchoServer(), { local_addr: ['127.0.0.1', 9999] }),
   * );
   */
  create_datagram_endpoint<P extends BaseProtocol>(
    protocol_factory: () => P,
    options?: CreateDatagramEndpointOptions,
  ): Future<[DatagramTransport, P]> {
    return not_implemented('create_datagram_endpoint');
  }
  /**
   * Start `program` with `args` (strings or bytes; the last argument may be the
   * options: `stdin`/`stdout`/`stderr`, default `PIPE`, `cwd`, `env`), and
   * resolve to `[transport, protocol]` once `protocol.connection_made` ran.
   * Throws `TypeError` for an argument that is not a string, `ValueError` for
   * a `Popen` option the host cannot honour; a failed start fails the Future.
   *
   * @example
   * const [transport, protocol] = yield* From(
   *   loop.subprocess_exec(() => new CollectOutput(), 'ls', '-l', { stdin: subprocess.DEVNULL }),
   * );
   * console.log(transport.get_pid());
   */
  subprocess_exec<P extends BaseProtocol>(
    protocol_factory: () => P,
    program: string | Uint8Array,
    ...args: SubprocessExecArgs
  ): Future<[SubprocessTransport, P]> {
    return not_implemented('subprocess_exec');
  }
  /** Like `subprocess_exec()`, running `cmd` with `/bin/sh -c` (`ValueError` unless text or bytes). */
  subprocess_shell<P extends BaseProtocol>(
    protocol_factory: () => P,
    cmd: string | Uint8Array,
    options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return not_implemented('subprocess_shell');
  }
  /**
   * Upgrade the stream connection of `transport` to TLS (asyncio 3.7's
   * `start_tls`) and resolve to the new transport, which delivers to
   * `protocol` (its `connection_made` is not called again); the old transport
   * must not be used any more. Throws `TypeError` for a bad `sslcontext` or
   * `transport`; the Future fails with `SSLError` if the handshake does.
   *
   * @example
   * const tls_transport = yield* From(loop.start_tls(transport, protocol, ctx, { server_hostname: 'example.com' }));
   */
  start_tls(
    transport: Transport,
    protocol: BaseProtocol,
    sslcontext: SSLContext,
    options?: StartTlsOptions,
  ): Future<Transport> {
    return not_implemented('start_tls');
  }
  /**
   * Send `file` over `transport` and resolve to the number of bytes sent
   * (asyncio 3.7's `sendfile`). `file` is a host file object (Node: a
   * `FileHandle` from `fs.promises.open()`, a file descriptor or a `Blob`;
   * browsers: a `Blob` or `File`) or a Python-style `BinaryFile` with
   * `read(size)` and `seek(offset)`. Reading starts at byte `offset` of the
   * file and sends at most `count` bytes (`null`: to its end).
   *
   * No JavaScript host hands a file to a socket natively, so the file is read
   * in chunks, each written once the transport has room (asyncio's fallback);
   * meanwhile the transport's protocol is set aside and reading is paused. A
   * `BinaryFile` is left at `offset` plus the bytes sent (asyncio's
   * `file.tell()`); a host file keeps its position (Node has no `lseek()`).
   * Throws at the call: `TypeError`/`ValueError` for bad arguments,
   * `RuntimeError` for a closing transport or one that cannot carry a file
   * (datagrams, pipes), and with `{fallback: false}` `SendfileNotAvailableError`
   * (a plain socket) or `RuntimeError` (TLS, WebSocket, MessagePort streams).
   *
   * @example
   * const file = yield* From(fs.promises.open('video.mp4')); // Node
   * try {
   *   const sent = yield* From(loop.sendfile(transport, file));
   * } finally {
   *   yield From(file.close());
   * }
   */
  sendfile(
    transport: BaseTransport,
    file: unknown,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Future<number> {
    return not_implemented('sendfile');
  }
  /**
   * Serve a connection a host server accepted outside the loop (asyncio
   * 3.5.3's `connect_accepted_socket`): adopt `sock` (Node: a connected
   * `net.Socket`, as a plain `net.Server` hands it to its `'connection'`
   * listeners), run the server side of the TLS handshake when `options.ssl`
   * is given, and resolve to `[transport, protocol]` once
   * `protocol.connection_made` ran. Throws `ValueError` for a TLS timeout
   * without `ssl`, or for `ssl: true` (a server needs its certificate); the
   * Future fails with `SSLError`, or `ConnectionAbortedError` after
   * `ssl_handshake_timeout`, if the handshake does.
   *
   * @example
   * net.createServer((sock) => {
   *   loop.connect_accepted_socket(() => new EchoProtocol(), sock, { ssl: server_ctx });
   * }).listen(8443);
   */
  connect_accepted_socket<P extends BaseProtocol>(
    protocol_factory: () => P,
    sock: unknown,
    options?: ConnectAcceptedSocketOptions,
  ): Future<[Transport, P]> {
    return not_implemented('connect_accepted_socket');
  }
  /**
   * Resolve `host`/`port` with the host's resolver to `[family, type, proto,
   * canonname, sockaddr]` entries, narrowed by `options` (`family`, `type`,
   * `proto`, `flags`); the Future fails with `OSError` if the name does not resolve.
   */
  getaddrinfo(
    host: string | null,
    port: number | string | null,
    options?: GetAddrInfoOptions,
  ): Future<AddrInfo[]> {
    return not_implemented('getaddrinfo');
  }
  /**
   * Look up the `[host, service]` names of a socket address; `flags` by
   * position or as `{ flags }`. Throws `TypeError` for a bad address or flags.
   */
  getnameinfo(sockaddr: SockAddr, flags?: number | GetNameInfoOptions): Future<[string, string]> {
    return not_implemented('getnameinfo');
  }

  /**
   * Run `callback(...args)` in the loop each time signal `sig` (`'SIGINT'`,
   * or a number) arrives, replacing its previous handler. Throws `TypeError`
   * for a coroutine or non-function, `ValueError` for an unknown signal,
   * `RuntimeError` for `SIGKILL`/`SIGSTOP`, `NotImplementedError` in browsers.
   *
   * @example
   * loop.add_signal_handler('SIGTERM', () => loop.stop());
   */
  add_signal_handler<A extends unknown[]>(
    sig: number | string,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    not_implemented('add_signal_handler');
  }
  /** Remove the handler of signal `sig`; `false` if there was none. */
  remove_signal_handler(sig: number | string): boolean {
    return not_implemented('remove_signal_handler');
  }
  /**
   * Not available: hosts expose no raw sockets, so it throws
   * `NotImplementedError` naming what to use (`create_connection()`, streams).
   */
  sock_recv(sock: unknown, nbytes: number): Future<Uint8Array> {
    return not_implemented('sock_recv');
  }
  /** Not available: throws `NotImplementedError` (see `sock_recv()`). */
  sock_sendall(sock: unknown, data: Uint8Array): Future<null> {
    return not_implemented('sock_sendall');
  }
  /** Not available: throws `NotImplementedError` (see `sock_recv()`). */
  sock_connect(sock: unknown, address: SockAddr): Future<null> {
    return not_implemented('sock_connect');
  }
  /** Not available: throws `NotImplementedError` (see `sock_recv()`). */
  sock_accept(sock: unknown): Future<[unknown, SockAddr]> {
    return not_implemented('sock_accept');
  }
  /** Not available: throws `NotImplementedError` (see `sock_recv()`). */
  sock_recv_into(sock: unknown, buf: Uint8Array): Future<number> {
    return not_implemented('sock_recv_into');
  }
  /** Not available: throws `NotImplementedError` naming `create_datagram_endpoint()`. */
  sock_recvfrom(sock: unknown, bufsize: number): Future<[Uint8Array, SockAddr]> {
    return not_implemented('sock_recvfrom');
  }
  /** Not available: throws `NotImplementedError` naming `create_datagram_endpoint()`. */
  sock_recvfrom_into(sock: unknown, buf: Uint8Array, nbytes?: number): Future<[number, SockAddr]> {
    return not_implemented('sock_recvfrom_into');
  }
  /** Not available: throws `NotImplementedError` naming `create_datagram_endpoint()`. */
  sock_sendto(sock: unknown, data: Uint8Array, address: SockAddr): Future<number> {
    return not_implemented('sock_sendto');
  }
  /** Not available: throws `NotImplementedError` naming `sendfile()`. */
  sock_sendfile(
    sock: unknown,
    file: unknown,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Future<number> {
    return not_implemented('sock_sendfile');
  }
  /**
   * Not available: hosts report no readiness of raw file descriptors, so it
   * throws `NotImplementedError` naming the transport to use instead
   * (`connect_read_pipe()`, `create_connection(factory, null, null, {sock})`).
   */
  add_reader<A extends unknown[]>(
    fd: unknown,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    not_implemented('add_reader');
  }
  /** Not available: throws `NotImplementedError` (see `add_reader()`). */
  remove_reader(fd: unknown): boolean {
    return not_implemented('remove_reader');
  }
  /**
   * Not available: throws `NotImplementedError` naming the transport to use
   * instead (`connect_write_pipe()`, `create_connection(factory, null, null,
   * {sock})`, whose `pause_writing()`/`resume_writing()` tell writability).
   */
  add_writer<A extends unknown[]>(
    fd: unknown,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    not_implemented('add_writer');
  }
  /** Not available: throws `NotImplementedError` (see `add_writer()`). */
  remove_writer(fd: unknown): boolean {
    return not_implemented('remove_writer');
  }

  /** @internal */
  _timer_handle_cancelled(handle: TimerHandle): void {
    not_implemented('_timer_handle_cancelled');
  }
}
/* eslint-enable @typescript-eslint/no-unused-vars */
