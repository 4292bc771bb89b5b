// Abstract protocol classes: BaseProtocol, Protocol, BufferedProtocol, DatagramProtocol, SubprocessProtocol (asyncio protocols.py).

import { NotImplementedError } from './exceptions.js';
import type { SockAddr } from './platform.js';
import type {
  BaseTransport,
  DatagramTransport,
  SubprocessTransport,
  Transport,
} from './transports.js';

/**
 * The callbacks every protocol has (asyncio's `BaseProtocol`).
 *
 * Derive from `Protocol`, `DatagramProtocol` or `SubprocessProtocol`; derive
 * from this class directly only for a write-only transport such as a write
 * pipe. Every method is a no-op: override the ones you need. Transports call
 * them from loop callbacks (through `loop.call_soon`), except the two flow
 * control methods, which are called synchronously.
 */
export class BaseProtocol {
  /**
   * The connection is ready: `transport` is its transport. Data arrives
   * through later `data_received()` calls, and `connection_lost()` ends it.
   */
  connection_made(_transport: BaseTransport): void {}

  /**
   * The connection is closed. `exc` is the error that closed it, or `null`
   * for a regular EOF or a close/abort by this side. Called exactly once,
   * after every other callback of the connection.
   */
  connection_lost(_exc: Error | null): void {}

  /**
   * The transport's write buffer went strictly over its high-water mark:
   * stop writing until `resume_writing()`.
   *
   * The two calls come in pairs: one `pause_writing()` when the buffer size
   * first exceeds the high mark (more writes do not repeat it), then one
   * `resume_writing()` once it is back at or below the low mark. A buffer
   * exactly at the high mark does not pause, and one exactly at the low mark
   * resumes; that is what makes a mark of zero work.
   *
   * This is the one protocol callback that is not scheduled with
   * `loop.call_soon()`: the transport calls it from inside `write()`, since a
   * writer that never yields would otherwise learn of it too late.
   */
  pause_writing(): void {}

  /** The write buffer is back at or below the low-water mark; see `pause_writing()`. */
  resume_writing(): void {}
}

/**
 * A stream protocol (asyncio's `Protocol`): subclass it and pass a factory
 * making instances to `loop.create_connection()` or `loop.create_server()`.
 *
 * Calls arrive in this order, each from its own loop callback:
 *
 *     start -> connection_made [-> data_received*] [-> eof_received?] -> connection_lost -> end
 */
export class Protocol extends BaseProtocol {
  /** The connection is ready; `transport` is a stream transport. */
  override connection_made(_transport: Transport): void {}

  /**
   * Bytes arrived. `data` is handed over as the host delivered it (a
   * `Buffer` in Node, which is a `Uint8Array`); it may be kept.
   */
  data_received(_data: Uint8Array): void {}

  /**
   * The peer sent EOF (it called `write_eof()` or shut down its sending side).
   *
   * Return a true value to keep the transport open (half-closed: this side
   * may still write, and must close it later); any false value, `undefined`
   * included, makes the transport close itself.
   */
  eof_received(): boolean | void {}
}

/**
 * A stream protocol that receives into buffers of its own (asyncio 3.7's
 * `BufferedProtocol`), so that a parser can keep one buffer instead of
 * concatenating chunks. Use it wherever a `Protocol` goes.
 *
 * For each chunk the transport calls `get_buffer(sizehint)`, copies as much
 * of the chunk as fits into the buffer returned, and calls
 * `buffer_updated(nbytes)`, repeating until the chunk is consumed; a protocol
 * that pauses reading in `buffer_updated()` gets the rest after
 * `resume_reading()`. An exception from either method, or an empty buffer,
 * is a fatal error of the transport.
 *
 *     start -> connection_made [-> get_buffer -> buffer_updated]* [-> eof_received?] -> connection_lost -> end
 *
 * @example
 * class Framer extends BufferedProtocol {
 *   buf = new Uint8Array(64 * 1024);
 *   used = 0;
 *   override get_buffer(_sizehint: number): Uint8Array {
 *     return this.buf.subarray(this.used);
 *   }
 *   override buffer_updated(nbytes: number): void {
 *     this.used += nbytes; // then parse frames out of this.buf
 *   }
 * }
 */
export class BufferedProtocol extends BaseProtocol {
  /** The connection is ready; `transport` is a stream transport. */
  override connection_made(_transport: Transport): void {}

  /**
   * A writable buffer of at least one byte for the next bytes to arrive.
   * `sizehint` is how many bytes are waiting (asyncio passes -1: unknown);
   * the buffer may be smaller or larger.
   */
  get_buffer(_sizehint: number): Uint8Array {
    throw new NotImplementedError(`${this.constructor.name}.get_buffer() is not implemented`);
  }

  /** `nbytes` bytes were written at the start of the buffer `get_buffer()` returned. */
  buffer_updated(_nbytes: number): void {
    throw new NotImplementedError(`${this.constructor.name}.buffer_updated() is not implemented`);
  }

  /** As `Protocol.eof_received()`: return a true value to stay half-open. */
  eof_received(): boolean | void {}
}

/** A datagram protocol (asyncio's `DatagramProtocol`). */
export class DatagramProtocol extends BaseProtocol {
  /** The endpoint is ready; `transport` is a datagram transport. */
  override connection_made(_transport: DatagramTransport): void {}

  /** A datagram `data` arrived from `addr`. */
  datagram_received(_data: Uint8Array, _addr: SockAddr): void {}

  /**
   * A send or receive failed with an `OSError` (other than would-block or
   * interrupted); the transport stays open.
   */
  error_received(_exc: Error): void {}
}

/** A protocol for a child process and its pipes (asyncio's `SubprocessProtocol`). */
export class SubprocessProtocol extends BaseProtocol {
  /** The process started; `transport` controls it. */
  override connection_made(_transport: SubprocessTransport): void {}

  /** The child wrote `data` to its stdout (`fd` 1) or stderr (`fd` 2). */
  pipe_data_received(_fd: number, _data: Uint8Array): void {}

  /** The pipe of `fd` closed, with `exc` or `null`. */
  pipe_connection_lost(_fd: number, _exc: Error | null): void {}

  /** The child process exited. */
  process_exited(): void {}
}
