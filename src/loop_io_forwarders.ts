// The loop's I/O methods as BaseEventLoop carries them: each forwards to its body in loop_io_methods.ts, which a lazy backend loads on the first call.
//
// Why forwarders: a bundle for browsers should not carry the network, TLS,
// subprocess and WebSocket code into a program that never calls them, yet
// `loop.create_connection()` must work for any program that does. A bundler
// cannot see which methods a program calls on a loop, so the loop class names
// the methods without reaching their bodies: the Node entry installs the bodies
// at once (install_platform), the browser ESM entry loads them, with the host's
// I/O, through a dynamic import on the first call.
//
// Once loaded, a forwarder calls the body directly: argument errors are thrown
// at the call, as asyncio does. The first call of a lazy backend returns a Task
// that waits for the load and then for the body's Future (its argument errors
// fail that Task).

import type { BaseEventLoop } from './base_events.js';
import { From } from './coroutines.js';
import type { AbstractEventLoop } from './events.js';
import { fd_not_implemented } from './fd_readiness.js';
import type { Future } from './futures.js';
import { load_loop_io, loaded_loop_io } from './platform.js';
import * as signals from './signals.js';

/** The loop methods whose bodies are in loop_io_methods.ts: every one resolves a Future. */
const LOADED_METHODS = [
  'create_connection',
  'create_server',
  'create_unix_connection',
  'create_unix_server',
  'connect_read_pipe',
  'connect_write_pipe',
  'connect_message_port',
  'create_datagram_endpoint',
  'start_tls',
  'subprocess_exec',
  'subprocess_shell',
  'getaddrinfo',
  'getnameinfo',
  'sock_recv',
  'sock_sendall',
  'sock_connect',
  'sock_accept',
  'sock_recv_into',
  'sock_recvfrom',
  'sock_recvfrom_into',
  'sock_sendto',
  'sock_sendfile',
  'sendfile',
  'connect_accepted_socket',
] as const;

/** The loop's I/O method bodies, as loop_io_methods.ts exports them (`this` is the loop). */
export type LoopIoMethods = Pick<AbstractEventLoop, (typeof LOADED_METHODS)[number]>;

/** The I/O methods that need the operating system: browsers have none of them (loop_io_methods.ts). */
export type OsIoMethod =
  | 'create_server'
  | 'create_unix_connection'
  | 'create_unix_server'
  | 'connect_read_pipe'
  | 'connect_write_pipe'
  | 'create_datagram_endpoint'
  | 'start_tls'
  | 'subprocess_exec'
  | 'subprocess_shell'
  | 'getaddrinfo'
  | 'getnameinfo'
  | 'connect_accepted_socket';

/** The synchronous I/O methods, which need no host I/O loaded: signals and descriptor readiness. */
const SYNC_METHODS: Partial<AbstractEventLoop> & ThisType<BaseEventLoop> = {
  add_signal_handler(sig, callback, ...args) {
    signals.add_signal_handler(this, sig, callback, args);
  },
  remove_signal_handler(sig) {
    return signals.remove_signal_handler(this, sig);
  },
  add_reader(_fd, _callback, ..._args) {
    fd_not_implemented('add_reader');
  },
  remove_reader(_fd) {
    return fd_not_implemented('remove_reader');
  },
  add_writer(_fd, _callback, ..._args) {
    fd_not_implemented('add_writer');
  },
  remove_writer(_fd) {
    return fd_not_implemented('remove_writer');
  },
};

/** Install every I/O method on the loop class's prototype, as a class body would (not enumerable). @internal */
export function install_io_methods(prototype: BaseEventLoop): void {
  const install = (name: string, value: unknown): void => {
    Object.defineProperty(prototype, name, { value, writable: true, configurable: true });
  };
  for (const [name, value] of Object.entries(SYNC_METHODS)) install(name, value);
  for (const name of LOADED_METHODS) {
    // A method named as the method (stack traces read `create_connection`).
    const forwarder = {
      [name](this: BaseEventLoop, ...args: unknown[]): Future<unknown> {
        const methods = loaded_loop_io();
        if (methods !== null) return call(methods, name, this, args);
        return this.create_task(call_when_loaded(this, load_on(this), name, args));
      },
    }[name];
    install(name, forwarder);
  }
}

function call(
  methods: LoopIoMethods,
  name: (typeof LOADED_METHODS)[number],
  loop: BaseEventLoop,
  args: unknown[],
): Future<unknown> {
  return (methods[name] as (...args: unknown[]) => Future<unknown>).apply(loop, args);
}

/** Start loading the backend's I/O now; the Future on `loop` resolves to the loop methods. */
function load_on(loop: BaseEventLoop): Future<LoopIoMethods> {
  const loaded = loop.create_future<LoopIoMethods>();
  load_loop_io().then(
    (methods) => {
      if (!loaded.done() && !loop.is_closed()) loaded.set_result(methods);
    },
    (error: unknown) => {
      if (!loaded.done() && !loop.is_closed()) loaded.set_exception(error);
    },
  );
  return loaded;
}

/** The first I/O calls of a lazy backend: wait for the load, then for the body. */
function* call_when_loaded(
  loop: BaseEventLoop,
  loaded: Future<LoopIoMethods>,
  name: (typeof LOADED_METHODS)[number],
  args: unknown[],
): Generator<unknown, unknown, unknown> {
  const methods = (yield From(loaded)) as LoopIoMethods;
  return yield From(call(methods, name, loop, args));
}
