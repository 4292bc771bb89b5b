// Abstract transport classes: BaseTransport ... SubprocessTransport (asyncio transports.py).

import { NotImplementedError } from './exceptions.js';
import type { SockAddr } from './platform.js';
import type { BaseProtocol } from './protocols.js';

function abstract(cls: string, method: string): never {
  throw new NotImplementedError(`${cls}.${method}() is not implemented by this transport`);
}

/**
 * What every transport has (asyncio's `BaseTransport`): extra information,
 * the protocol, and `close()`. A transport is made by the loop
 * (`create_connection()` and friends), never by user code.
 */
export class BaseTransport {
  /** @internal */ _extra: Record<string, unknown>;

  constructor(extra?: Record<string, unknown> | null) {
    this._extra = extra ?? {};
  }

  /**
   * Optional information about the transport or its underlying resource:
   * `'peername'`, `'sockname'`, `'socket'` (the host socket), `'pipe'`, ...;
   * `default_value` (default `null`) when the transport has no such key.
   */
  get_extra_info(name: string, default_value: unknown = null): unknown {
    const extra = this._extra_info();
    return Object.hasOwn(extra, name) ? extra[name] : default_value;
  }

  /**
   * @internal The record `get_extra_info()` reads: a transport whose host
   * makes it only when first asked for returns the host's.
   */
  _extra_info(): Readonly<Record<string, unknown>> {
    return this._extra;
  }

  /** Whether the transport is closing or closed. */
  is_closing(): boolean {
    return abstract(this.constructor.name, 'is_closing');
  }

  /**
   * Close the transport. Buffered data is flushed asynchronously; no more
   * data is received. Once the buffer is flushed, the protocol's
   * `connection_lost()` is called with `null`.
   */
  close(): void {
    abstract(this.constructor.name, 'close');
  }

  /** Replace the protocol that receives the transport's events (asyncio 3.6). */
  set_protocol(_protocol: BaseProtocol): void {
    abstract(this.constructor.name, 'set_protocol');
  }

  /** The protocol receiving the transport's events (asyncio 3.6). */
  get_protocol(): BaseProtocol {
    return abstract(this.constructor.name, 'get_protocol');
  }
}

/** The reading side of a transport (asyncio's `ReadTransport`). */
export class ReadTransport extends BaseTransport {
  /** A `Transport` is a `ReadTransport` too, as asyncio's multiple inheritance makes it. */
  static override [Symbol.hasInstance](obj: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, obj)) return true;
    return this === ReadTransport && obj instanceof Transport;
  }

  /** Whether the transport is receiving (not paused, not closing). */
  is_reading(): boolean {
    return abstract(this.constructor.name, 'is_reading');
  }

  /**
   * Stop reading from the OS: no `data_received()` calls until
   * `resume_reading()`, and the peer's sends eventually block.
   */
  pause_reading(): void {
    abstract(this.constructor.name, 'pause_reading');
  }

  /** Undo `pause_reading()`: `data_received()` calls resume. */
  resume_reading(): void {
    abstract(this.constructor.name, 'resume_reading');
  }
}

/** The writing side of a transport (asyncio's `WriteTransport`). */
export class WriteTransport extends BaseTransport {
  /**
   * Set the high- and low-water marks of the write buffer, in bytes, for
   * flow control: the protocol's `pause_writing()` is called when the buffer
   * goes strictly over `high`, and `resume_writing()` when it is back at or
   * below `low`. Defaults: `high` 64 KiB (or `4 * low` if only `low` is
   * given), `low` `high / 4`. `high` 0 makes every non-empty buffer pause.
   */
  set_write_buffer_limits(_high?: number | null, _low?: number | null): void {
    abstract(this.constructor.name, 'set_write_buffer_limits');
  }

  /** The write buffer's current size in bytes. */
  get_write_buffer_size(): number {
    return abstract(this.constructor.name, 'get_write_buffer_size');
  }

  /** The marks as `[low, high]`. */
  get_write_buffer_limits(): [low: number, high: number] {
    return abstract(this.constructor.name, 'get_write_buffer_limits');
  }

  /**
   * Write `data` without blocking: it is sent at once when possible, else
   * buffered and sent asynchronously. The transport keeps a reference to
   * `data` until it is sent: do not modify it after the call.
   */
  write(_data: Uint8Array): void {
    abstract(this.constructor.name, 'write');
  }

  /** Write every buffer of `list_of_data`, in order. */
  writelines(list_of_data: Iterable<Uint8Array>): void {
    for (const data of list_of_data) this.write(data);
  }

  /**
   * Close the write end after flushing buffered data: the peer receives EOF.
   * Data may still be received. Not every transport can (see `can_write_eof`).
   */
  write_eof(): void {
    abstract(this.constructor.name, 'write_eof');
  }

  /** Whether `write_eof()` is supported. */
  can_write_eof(): boolean {
    return abstract(this.constructor.name, 'can_write_eof');
  }

  /**
   * Close the transport at once, dropping buffered data. The protocol's
   * `connection_lost()` is called with `null`.
   */
  abort(): void {
    abstract(this.constructor.name, 'abort');
  }
}

/**
 * A bidirectional stream transport (asyncio's `Transport`): TCP, Unix
 * sockets. It is both a `ReadTransport` and a `WriteTransport`
 * (`instanceof` says so for both).
 */
export class Transport extends WriteTransport {
  /** Whether the transport is receiving (not paused, not closing). */
  is_reading(): boolean {
    return abstract(this.constructor.name, 'is_reading');
  }

  /** Stop reading from the OS; see `ReadTransport.pause_reading`. */
  pause_reading(): void {
    abstract(this.constructor.name, 'pause_reading');
  }

  /** Undo `pause_reading()`. */
  resume_reading(): void {
    abstract(this.constructor.name, 'resume_reading');
  }
}

/** A datagram (UDP) transport (asyncio's `DatagramTransport`). */
export class DatagramTransport extends BaseTransport {
  /**
   * The built-in datagram transport extends `Transport`, as asyncio's does
   * (its `_SelectorDatagramTransport` is a `_SelectorTransport`); it is a
   * `DatagramTransport` too.
   */
  static override [Symbol.hasInstance](obj: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, obj)) return true;
    // The built-in one says so with a getter in its class body rather than by
    // registering here: a bundler then drops it when a program does not use it.
    return (
      this === DatagramTransport &&
      obj instanceof BaseTransport &&
      (obj as { _is_datagram_transport?: unknown })._is_datagram_transport === true
    );
  }

  /**
   * Send `data` to `addr` (or to the connected peer when `addr` is `null`)
   * without blocking.
   */
  sendto(_data: Uint8Array, _addr?: SockAddr | null): void {
    abstract(this.constructor.name, 'sendto');
  }

  /** Close at once, dropping buffered datagrams; `connection_lost(null)` follows. */
  abort(): void {
    abstract(this.constructor.name, 'abort');
  }

  /** The bytes of the datagrams queued and not yet sent (asyncio's selector transport). */
  get_write_buffer_size(): number {
    return abstract(this.constructor.name, 'get_write_buffer_size');
  }
}

/** A child process and its pipes (asyncio's `SubprocessTransport`). */
export class SubprocessTransport extends BaseTransport {
  /** The child's process id. */
  get_pid(): number {
    return abstract(this.constructor.name, 'get_pid');
  }

  /** The exit status, or `null` while the child runs (negative: killed by that signal). */
  get_returncode(): number | null {
    return abstract(this.constructor.name, 'get_returncode');
  }

  /** The transport of pipe `fd` (0 stdin, 1 stdout, 2 stderr), or `null`. */
  get_pipe_transport(_fd: number): BaseTransport | null {
    return abstract(this.constructor.name, 'get_pipe_transport');
  }

  /** Send signal `signal` to the child. */
  send_signal(_signal: number | string): void {
    abstract(this.constructor.name, 'send_signal');
  }

  /** Ask the child to stop (SIGTERM). */
  terminate(): void {
    abstract(this.constructor.name, 'terminate');
  }

  /** Kill the child (SIGKILL). */
  kill(): void {
    abstract(this.constructor.name, 'kill');
  }
}
