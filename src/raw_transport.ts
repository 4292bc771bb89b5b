// _RawTransport: the lifecycle and write flow control every transport over a platform Raw* object shares (asyncio's _SelectorTransport and _FlowControlMixin).

import type { _LoopInternals } from './loop_internals.js';
import { LOG_THRESHOLD_FOR_CONNLOST_WRITES } from './constants.js';
import { From } from './coroutines.js';
import { ValueError } from './exceptions.js';
import type { Future } from './futures.js';
import { logger } from './log.js';
import { BrokenPipeError, ConnectionAbortedError, ConnectionResetError } from './os_errors.js';
import type { BaseProtocol } from './protocols.js';
import { Transport } from './transports.js';

/** The default high-water mark of a transport's write buffer (the low one is a quarter). */
export const DEFAULT_HIGH_WATER = 65536; // 64 KiB, as a literal: esbuild keeps an unused `64 * 1024`

/**
 * The `[high, low]` water marks `set_write_buffer_limits(high, low)` asks
 * for: high defaults to 64 KiB (or 4 × low), low to a quarter of high.
 * Throws asyncio's `ValueError` unless `high >= low >= 0`.
 */
export function write_buffer_limits(
  high: number | null | undefined,
  low: number | null | undefined,
): [high: number, low: number] {
  if (high === null || high === undefined) {
    high = low === null || low === undefined ? DEFAULT_HIGH_WATER : 4 * low;
  }
  if (low === null || low === undefined) low = Math.floor(high / 4);
  if (!(high >= low && low >= 0)) {
    throw new ValueError(`high (${high}) must be >= low (${low}) must be >= 0`);
  }
  return [high, low];
}

/** The name of `x`'s type, for "must be a bytes-like object, not 'str'" messages. */
export function type_name(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** The host closed a connection under us: routine, reported only in debug mode (asyncio). */
function is_routine_disconnect(exc: unknown): boolean {
  return (
    exc instanceof BrokenPipeError ||
    exc instanceof ConnectionResetError ||
    exc instanceof ConnectionAbortedError
  );
}

function call_connection_lost(transport: _RawTransport, exc: Error | null): void {
  transport._call_connection_lost(exc);
}

/** `transport._maybe_resume_protocol()`, as a loop callback: `loop._call_soon(maybe_resume_protocol, [transport])`. */
export function maybe_resume_protocol(transport: _RawTransport): void {
  transport._maybe_resume_protocol();
}

/**
 * What the loop closes when it is closed itself: a transport, server or child
 * process still holding a host handle (a socket, a pipe), which would keep
 * Node alive or leak a descriptor. See `BaseEventLoop.close()`.
 * @internal
 */
export interface HostResource {
  /** Release the host handle now, with no protocol callback (the loop is closed). */
  _close_at_loop_close(): void;
}

/**
 * The base of every transport over a platform `Raw*` object (streams, pipes,
 * WebSockets, MessagePorts, datagrams): the parts of the lifecycle that must
 * not drift apart between them.
 *
 * - `close()`/`abort()`/a fatal error make it closing; `connection_lost()` is
 *   called exactly once, last, on a later loop iteration.
 * - `_force_close()` releases the host resource before `connection_lost()`
 *   is scheduled, so a protocol that sees `connection_lost()` sees a closed
 *   descriptor, and a loop closed in between leaks nothing.
 * - Routine disconnects (reset, broken pipe, aborted) are logged only in
 *   debug mode; other fatal errors go to the loop's exception handler.
 * - Writes after the connection was lost are dropped, with asyncio's warning
 *   once more than `LOG_THRESHOLD_FOR_CONNLOST_WRITES` were.
 * - Write flow control: `pause_writing()` once the buffer is above the high
 *   mark, `resume_writing()` once it is at or below the low mark.
 * - Until its host handle is released the transport is one of the loop's
 *   host resources, closed by `loop.close()` (reported in debug mode if the
 *   user never closed it, as asyncio reports an unclosed transport).
 *
 * Note: it extends `Transport`, as asyncio's `_SelectorTransport` does, so a
 * datagram transport is a `Transport` too; `DatagramTransport` recognizes it.
 * @internal
 */
export abstract class _RawTransport extends Transport implements HostResource {
  /** @internal */ _loop: _LoopInternals;
  /** @internal */ _protocol: BaseProtocol;
  /** @internal close() or abort() was called, or the connection was lost. */ _closing = false;
  /** @internal Non-zero once closing or lost; counts the writes dropped since. */ _conn_lost = 0;
  /** @internal connection_lost has been scheduled. */ _lost_scheduled = false;
  /** @internal The host handle was released (by us, or the host closed it). */
  _host_released = false;
  /** @internal pause_writing() was called and resume_writing() not yet. */ _protocol_paused = false;
  /** @internal */ _high = DEFAULT_HIGH_WATER;
  /** @internal */ _low = DEFAULT_HIGH_WATER / 4;

  constructor(loop: _LoopInternals, protocol: BaseProtocol, extra: Record<string, unknown>) {
    super(extra);
    this._loop = loop;
    this._protocol = protocol;
    loop._host_resources.add(this);
  }

  // ---- what each kind of transport provides ------------------------------------------------

  /** Close the host handle now, dropping unsent data; nothing more is delivered. */
  protected abstract _destroy_host(): void;

  /** Writing was paused: ask the host to report progress (streams); datagrams report every send. */
  protected _writing_paused(): void {}

  // ---- BaseTransport --------------------------------------------------------------------------

  override is_closing(): boolean {
    return this._closing;
  }

  override set_protocol(protocol: BaseProtocol): void {
    this._protocol = protocol;
  }

  override get_protocol(): BaseProtocol {
    return this._protocol;
  }

  /** Close at once, dropping buffered data; `connection_lost(null)` follows. */
  override abort(): void {
    this._force_close(null);
  }

  // ---- flow control (asyncio _FlowControlMixin) -------------------------------------------

  /** The marks as `[low, high]`. */
  override get_write_buffer_limits(): [low: number, high: number] {
    return [this._low, this._high];
  }

  /**
   * Set the water marks of the write buffer (default high 64 KiB, low a
   * quarter of high); `pause_writing()` is checked again at once.
   */
  override set_write_buffer_limits(high?: number | null, low?: number | null): void {
    [this._high, this._low] = write_buffer_limits(high, low);
    this._maybe_pause_protocol();
  }

  /** @internal */
  _maybe_pause_protocol(): void {
    if (this._protocol_paused || this.get_write_buffer_size() <= this._high) return;
    this._protocol_paused = true;
    this._call_flow_control('pause_writing');
    this._writing_paused();
  }

  /** @internal The host made progress: resume the protocol once at or below the low mark. */
  _maybe_resume_protocol(): void {
    if (!this._protocol_paused) return;
    if (this.get_write_buffer_size() > this._low) {
      if (!this._host_released) this._writing_paused();
      return;
    }
    this._protocol_paused = false;
    this._call_flow_control('resume_writing');
  }

  /** An exception of `pause_writing()`/`resume_writing()` goes to the exception handler (asyncio). */
  private _call_flow_control(method: 'pause_writing' | 'resume_writing'): void {
    try {
      this._protocol[method]();
    } catch (exc) {
      this._loop.call_exception_handler({
        message: `protocol.${method}() failed`,
        exception: exc,
        transport: this,
        protocol: this._protocol,
      });
    }
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * A write after close or after the connection was lost: dropped. asyncio
   * warns from the `LOG_THRESHOLD_FOR_CONNLOST_WRITES`-th such write on.
   * @internal
   */
  _drop_write(warning: string): void {
    if (this._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) logger.warning(warning);
    this._conn_lost++;
  }

  /** Report `exc` (routine disconnects only in debug mode), then force-close. @internal */
  _fatal_error(exc: unknown, message = 'Fatal error on transport'): void {
    if (is_routine_disconnect(exc)) {
      if (this._loop.get_debug()) logger.debug(`${this}: ${message}`, { exc_info: exc });
    } else {
      this._loop.call_exception_handler({
        message,
        exception: exc,
        transport: this,
        protocol: this._protocol,
      });
    }
    this._force_close(exc instanceof Error ? exc : new Error(String(exc)));
  }

  /** Release the host handle now and schedule `connection_lost(exc)`, once. @internal */
  _force_close(exc: Error | null): void {
    if (this._lost_scheduled) return;
    this._closing = true;
    this._conn_lost++;
    this._release_host();
    this._schedule_connection_lost(exc);
  }

  /** Close the host handle unless it is closed already; the loop forgets it. @internal */
  _release_host(): void {
    if (this._host_released) return;
    this._host_released = true;
    this._loop._host_resources.delete(this);
    this._destroy_host();
  }

  /** The host closed the handle by itself: there is nothing left to release. @internal */
  _host_closed(): void {
    this._host_released = true;
    this._loop._host_resources.delete(this);
  }

  /** @internal */
  _schedule_connection_lost(exc: Error | null): void {
    this._lost_scheduled = true;
    this._loop._call_soon(call_connection_lost, [this, exc]);
  }

  /** Call the protocol's `connection_lost(exc)` (scheduled once). @internal */
  _call_connection_lost(exc: Error | null): void {
    this._protocol.connection_lost(exc);
  }

  /** @internal See `HostResource`. */
  _close_at_loop_close(): void {
    if (!this._closing && this._loop.get_debug()) logger.warning(`unclosed transport ${this}`);
    this._closing = true;
    this._lost_scheduled = true;
    this._release_host();
  }
}

/**
 * Make the protocol, then its transport with `make(protocol, waiter)`, and wait
 * until connection_made ran (the transport sets `waiter`). If the protocol
 * cannot be made, the host object is let go with `release`; if the wait fails,
 * the transport is closed. Resolves to `[transport, protocol]`.
 * @internal
 */
export function* _connect_protocol<P extends BaseProtocol, T extends { close(): void }>(
  loop: _LoopInternals,
  protocol_factory: () => P,
  release: () => void,
  make: (protocol: P, waiter: Future<null>) => T,
): Generator<unknown, [T, P], unknown> {
  let protocol: P;
  try {
    protocol = protocol_factory();
  } catch (exc) {
    release();
    throw exc;
  }
  const waiter = loop.create_future<null>();
  const transport = make(protocol, waiter);
  try {
    yield From(waiter);
  } catch (exc) {
    transport.close();
    throw exc;
  }
  return [transport, protocol];
}
