// The public surface of trollius: everything a user imports (asyncio's __init__.py and __all__).

export { as_completed, type AsCompletedIterator, type AsCompletedOptions } from './as_completed.js';
export { Barrier, type BarrierOptions } from './barrier.js';
// `EventLoop`: asyncio 3.13's name for the platform's loop class (`run(main, {loop_factory: EventLoop})`);
// `SelectorEventLoop`: the name older asyncio code makes its loops with.
export {
  BaseEventLoop,
  BaseEventLoop as EventLoop,
  BaseEventLoop as SelectorEventLoop,
  DefaultEventLoopPolicy,
} from './base_events.js';
export {
  type CreateConnectionOptions,
  type CreateServerOptions,
  type CreateUnixConnectionOptions,
  type CreateUnixServerOptions,
  type GetAddrInfoOptions,
  type GetNameInfoOptions,
  type ProtocolFactory,
} from './net_options.js';
export type { StdioSpec, SubprocessExecArgs, SubprocessOptions } from './subprocess_options.js';
export {
  Condition,
  type ConditionOptions,
  type ConditionWaitForOptions,
  type NotifyOptions,
} from './condition.js';
export type { ConnectAcceptedSocketOptions } from './connect_accepted_socket.js';
export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './constants.js';
export {
  From,
  Return,
  coroutine,
  iscoroutine,
  iscoroutinefunction,
  type Awaitable,
  type Coroutine,
} from './coroutines.js';
export type { CreateDatagramEndpointOptions } from './datagram_transport.js';
export { AbstractEventLoop } from './events.js';
export type { ExceptionContext, ExceptionHandler } from './exception_handler.js';
export {
  AbstractEventLoopPolicy,
  _get_running_loop,
  _set_running_loop,
  get_event_loop,
  get_event_loop_policy,
  get_running_loop,
  new_event_loop,
  set_event_loop,
  set_event_loop_policy,
} from './event_loop_policy.js';
export { BaseExceptionGroup, ExceptionGroup } from './exception_group.js';
export {
  BrokenBarrierError,
  CancelledError,
  IncompleteReadError,
  InvalidStateError,
  LimitOverrunError,
  NotImplementedError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  SendfileNotAvailableError,
  TimeoutError,
  ValueError,
  WorkerCrashedError,
} from './exceptions.js';
export { ConcurrentFuture } from './concurrent_future.js';
export {
  SynchronousExecutor,
  type Executor,
  type ShutdownDefaultExecutorOptions,
} from './executor.js';
export {
  Future,
  isfuture,
  wrap_future,
  type ConcurrentFutureLike,
  type DoneCallback,
  type FutureOptions,
  type YieldFrom,
} from './futures.js';
export { Handle, TimerHandle } from './handles.js';
export { Event, Lock, LockGuard, type LockOptions } from './locks.js';
export {
  logger,
  logging,
  Logger,
  type LevelName,
  type LogHandler,
  type LogOptions,
  type LogRecord,
} from './log.js';
export {
  BACKPORT_SSL_CONTEXT,
  BACKPORT_SSL_ERRORS,
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  OSError,
  PermissionError,
  ProcessLookupError,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
} from './os_errors.js';
export type { AddrInfo, ModuleURL, SockAddr } from './platform.js';
export {
  accept_parent_port,
  connect_worker,
  open_message_port,
  type MessageEndpoint,
  type WorkerLike,
} from './message_port.js';
export {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from './protocols.js';
export {
  JoinableQueue,
  LifoQueue,
  PriorityQueue,
  Queue,
  type QueueOptions,
  type QueueShutdownOptions,
  type QueueStorage,
} from './queues.js';
export { BoundedSemaphore, Semaphore, type SemaphoreOptions } from './semaphores.js';
export type { BinaryFile, SendfileOptions } from './sendfile.js';
export { AbstractServer, Server, ServerSocket } from './server.js';
export {
  ensure_future,
  gather,
  shield,
  sleep,
  type GatherOptions,
  type LoopOption,
  type ResultOf,
  type SleepOptions,
} from './task_helpers.js';
export { Runner, run, type RunMain, type RunResult, type RunnerOptions } from './runners.js';
export type { BodyResult, ScopeBody } from './scope_body.js';
export { socket } from './sockets.js';
export {
  SSLContext,
  ssl,
  type DefaultContextOptions,
  type SSLPurpose,
  type ServernameCallback,
} from './ssl.js';
export {
  open_connection,
  open_unix_connection,
  start_server,
  start_unix_server,
  type OpenConnectionOptions,
  type OpenUnixConnectionOptions,
  type StartServerOptions,
  type StartUnixServerOptions,
} from './stream_functions.js';
export {
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  type ClientConnectedCallback,
  type StreamLoopOption,
  type StreamOptions,
  type StreamReaderOptions,
  type StreamWriterStartTlsOptions,
} from './streams.js';
export {
  Process,
  create_subprocess_exec,
  create_subprocess_shell,
  subprocess,
  type CreateSubprocessExecArgs,
  type CreateSubprocessOptions,
} from './subprocess.js';
export type { StartTlsOptions } from './start_tls.js';
export {
  Task,
  all_tasks,
  create_task,
  current_task,
  type CreateTaskOptions,
  type TaskFactory,
  type TaskOptions,
} from './tasks.js';
export {
  create_eager_task_factory,
  eager_task_factory,
  type TaskConstructor,
} from './eager_tasks.js';
export { _enter_task, _leave_task } from './task_bookkeeping.js';
export { run_coroutine_threadsafe } from './run_coroutine_threadsafe.js';
export { TaskGroup, task_group } from './taskgroups.js';
export { Timeout, timeout, timeout_at } from './timeouts.js';
export { to_thread } from './to_thread.js';
export {
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from './transports.js';
export type {
  WebSocketCloseInfo,
  WebSocketConnectOptions,
  WebSocketListenOptions,
  WebSocketServerOptions,
} from './websocket.js';
export { wait, wait_for, type WaitForOptions, type WaitOptions } from './wait.js';
export {
  WorkerPoolExecutor,
  type ExecutorShutdownOptions,
  type WorkerPoolExecutorOptions,
} from './worker_pool_executor.js';
