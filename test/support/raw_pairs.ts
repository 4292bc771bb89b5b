// In-memory, scripted RawStream / RawDatagram / RawServer: the host side of the Platform seam, played by the test (scripted_platform.ts hands them out).
//
// Every handler is called from a host callback (the host's `schedule`, in the
// order the events were scripted), never inside the transport's own call;
// nothing is delivered before `start()`; `_on_raw_data` only while reading is on;
// `_on_raw_eof` after the last `_on_raw_data`; `_on_raw_close` once, last. Each object
// records what the transport asked of it (`calls`, `writes`, `sends`).
//
// Nothing here is Node-specific: the unit tests that use it also run bundled
// in a browser page.

import { NotImplementedError } from '../../src/exceptions.js';
import { BrokenPipeError, ConnectionResetError, OSError } from '../../src/os_errors.js';
import {
  get_platform,
  type RawDatagram,
  type RawServer,
  type RawStream,
  type RawStreamReceiver,
  type SockAddr,
} from '../../src/platform.js';
import { socket } from '../../src/sockets.js';

// ---- the host: posts handler calls as host callbacks, and counts those still to run ----------

/** Posts callbacks on the host's scheduler (FIFO) and counts those that have not run yet. */
export class ScriptedHost {
  /** Host callbacks posted and not yet run. */
  pending = 0;
  private readonly _schedule: (callback: () => void) => void;

  constructor(schedule: (callback: () => void) => void = (cb) => get_platform().schedule(cb)) {
    this._schedule = schedule;
  }

  /** Run `fn` on a later host turn, after everything posted before it. */
  post(fn: () => void): void {
    this.pending++;
    this._schedule(() => {
      this.pending--;
      fn();
    });
  }
}

function unassigned(name: string): () => never {
  return () => {
    throw new Error(`scripted raw object: ${name} called before the transport assigned it`);
  };
}

/** A scripted stream's receiver until the transport sets itself: every call is a test bug. */
const UNASSIGNED_RECEIVER: RawStreamReceiver = {
  _on_raw_data: unassigned('_on_raw_data'),
  _on_raw_eof: unassigned('_on_raw_eof'),
  _on_raw_close: unassigned('_on_raw_close'),
  _on_raw_drain: unassigned('_on_raw_drain'),
};

/** The bytes of `chunks`, joined. */
function join(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** `ConnectionResetError` as the host backends map `ECONNRESET`. */
export function reset_error(): ConnectionResetError {
  return new ConnectionResetError(104, 'Connection reset by peer', { code: 'ECONNRESET' });
}

/** `BrokenPipeError` as the host backends map `EPIPE`. */
export function broken_pipe_error(): BrokenPipeError {
  return new BrokenPipeError(32, 'Broken pipe', { code: 'EPIPE' });
}

// ---- streams ------------------------------------------------------------------------------------

/** In a `feed_together()` burst: the peer's EOF, or the peer's clean close (`_on_raw_close(null)`, last). */
export type StreamEvent = Uint8Array | 'eof' | 'close';

/** How a scripted stream is made. */
export interface ScriptedStreamOptions {
  /** The stream's `extra` (peername, sockname, socket, …). */
  extra?: Record<string, unknown>;
  /** `false`: `write_eof()` throws, as a WebSocket's does. Default `true`. */
  can_write_eof?: boolean;
  /** While stalled, `write()` returns `false` once this many bytes are buffered (Node's 16 KiB). */
  host_mark?: number;
  /** A one-way pipe: a write-only stream closes itself once its EOF is sent (Node's autoDestroy). */
  direction?: 'both' | 'read' | 'write';
}

/**
 * One end of an in-memory byte stream. The test plays the host and the peer:
 *
 * - inbound: `feed()`, `feed_eof()`, `feed_together()` (several events in one
 *   host callback, stopping where the transport pauses), `feed_parsed()` (the
 *   same, all of them), `hang_up()` (EOF, then a clean close), `reset(err)` (the
 *   connection breaks now: `_on_raw_close(err)`, undelivered data lost);
 * - outbound: by default `write()` sends at once (empty host buffer, returns
 *   `true`). After `stall()` written bytes stay in the host buffer
 *   (`write_buffer_size`), `write()` returns `false` over `host_mark`, and the
 *   test sends them with `flush(n)` (partial sends) or `unstall()`; `_on_raw_drain`
 *   follows once the buffer is empty after `write()` returned `false` or
 *   `want_drain()`. `fail_writes(err)` makes sending fail (`_on_raw_close(err)`).
 *
 * Paired with another end (`raw_stream_pair()`), what one sends the other receives.
 *
 * While the transport sets `lend_chunks`, each data chunk is lent, as Node's
 * `onread` client sockets lend them: copied into one memory the stream
 * owns, delivered as a view of it with `lent` = true, and reading stops by
 * itself. The next `resume_reading()` overwrites that memory (with 0xEE), so
 * a transport that resumes before copying the bytes out hands on garbage.
 */
export class ScriptedStream implements RawStream {
  receiver: RawStreamReceiver = UNASSIGNED_RECEIVER;

  readonly extra: Readonly<Record<string, unknown>>;
  readonly can_write_eof: boolean;
  readonly direction: 'both' | 'read' | 'write';
  lend_chunks = false;
  /**
   * Hand over what waited while reading was paused inside `resume_reading()`
   * itself, as the WebSocket and MessagePort streams do, not from a later host callback.
   */
  deliver_inside_resume = false;
  /** The other end, when paired. */
  peer: ScriptedStream | null = null;

  // ---- what the transport did -------------------------------------------------------------
  /** Every method the transport called, in order: `'start'`, `'write'`, `'pause_reading'`, … */
  readonly calls: string[] = [];
  /** Every chunk given to `write()`, by reference. */
  readonly writes: Uint8Array[] = [];
  /** Chunks given to `write()` after the stream was closed (dropped). */
  readonly dropped: Uint8Array[] = [];
  /** What went out to the peer, in order (parts of chunks after partial sends). */
  readonly sent: Uint8Array[] = [];
  /** Chunks handed to `_on_raw_data`, in order (a copy of the bytes of lent ones). */
  readonly delivered: Uint8Array[] = [];
  /** How many chunks were lent. */
  lent = 0;
  /** The memory chunks are lent from (grown when a chunk does not fit). */
  lend_memory = new Uint8Array(64);
  /** A lent chunk is out: the next `resume_reading()` overwrites `lend_memory`. */
  private _lent_out = false;

  // ---- state --------------------------------------------------------------------------------
  started = false;
  /** Reading is on (`resume_reading()` called, and not paused since). */
  reading = false;
  /** `close()` was called: the buffer is being flushed before the stream closes. */
  closing = false;
  /** The stream is closed: `_on_raw_close` is (or will be, at `start()`) its last handler call. */
  closed = false;
  /** What `_on_raw_close` was (or will be) called with. */
  close_error: Error | null = null;
  /** `_on_raw_close` has been called. */
  close_delivered = false;
  /** `write_eof()` was called. */
  eof_written = false;
  /** The EOF went out, after the buffered data. */
  eof_sent = false;
  /** The peer's EOF was handed to `_on_raw_eof`. */
  eof_delivered = false;
  /** Sends wait in the host buffer until `flush()` / `unstall()`. */
  stalled = false;
  readonly host_mark: number;

  private readonly _host: ScriptedHost;
  private readonly _buffer: Uint8Array[] = [];
  private _buffered = 0;
  private _need_drain = false;
  /** The mark of `want_drain()`, or -1 when no `_on_raw_drain` is asked for. */
  private _drain_mark = -1;
  private _write_failure: Error | null = null;
  private readonly _inbound: StreamEvent[][] = [];
  /** The groups of `feed_parsed()`: delivered whole. */
  private readonly _unstoppable = new WeakSet<StreamEvent[]>();
  private _pump_posted = false;
  private _eof_fed = false;

  constructor(host: ScriptedHost, options: ScriptedStreamOptions = {}) {
    this._host = host;
    this.extra = { ...options.extra };
    this.can_write_eof = options.can_write_eof ?? true;
    this.host_mark = options.host_mark ?? 16 * 1024;
    this.direction = options.direction ?? 'both';
  }

  // ---- RawStream ----------------------------------------------------------------------------

  start(): void {
    this.calls.push('start');
    if (this.started) throw new Error('scripted stream: start() called twice');
    this.started = true;
    // A close that happened earlier is delivered now (from a host callback).
    if (this.closed) this._post_close();
    this._schedule_pump();
  }

  get write_buffer_size(): number {
    return this._buffered;
  }

  write(chunk: Uint8Array): boolean {
    this.calls.push('write');
    this.writes.push(chunk);
    if (this.closed || this.closing || this.eof_written) {
      this.dropped.push(chunk);
      return false;
    }
    if (this._write_failure !== null) {
      this._close_now(this._write_failure);
      return false;
    }
    if (!this.stalled && this._buffered === 0) {
      this._transmit(chunk);
      return true;
    }
    this._buffer.push(chunk);
    this._buffered += chunk.length;
    const below = this._buffered < this.host_mark;
    if (!below) this._need_drain = true;
    return below;
  }

  want_drain(mark: number): void {
    this.calls.push('want_drain');
    if (this.closed) return;
    if (this._buffered <= mark) this._post_drain();
    else this._drain_mark = mark;
  }

  write_eof(): void {
    this.calls.push('write_eof');
    if (!this.can_write_eof) {
      throw new NotImplementedError('scripted stream: this stream cannot half-close');
    }
    if (this.eof_written || this.closed) return;
    this.eof_written = true;
    if (this._buffered === 0) this._send_eof();
  }

  pause_reading(): void {
    this.calls.push('pause_reading');
    this.reading = false;
  }

  resume_reading(): void {
    this.calls.push('resume_reading');
    if (this._lent_out) {
      this._lent_out = false;
      this.lend_memory.fill(0xee);
    }
    if (this.closed) return;
    this.reading = true;
    if (this.deliver_inside_resume && this._inbound.length > 0 && !this._pump_posted) this._pump();
    else this._schedule_pump();
  }

  close(): void {
    this.calls.push('close');
    if (this.closed || this.closing) return;
    this.closing = true;
    this.reading = false;
    if (this._buffered === 0) this._finish_close();
  }

  destroy(): void {
    this.calls.push('destroy');
    if (this.closed) return;
    // Closing the descriptor: unsent data is lost, the peer sees EOF.
    this._buffer.length = 0;
    this._buffered = 0;
    if (!this.eof_sent) this.peer?._enqueue(['eof']);
    this.eof_sent = true;
    this._close_now(null);
  }

  // ---- scripting: the peer ------------------------------------------------------------------

  /** The peer sends `chunks`: each is delivered by its own host callback while reading is on. */
  feed(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) this._enqueue([chunk]);
  }

  /**
   * Deliver `events` from one host callback, all of them even if the transport
   * pauses in between: a host that parsed several messages out of one read
   * (a WebSocket library) hands them all over.
   */
  feed_parsed(...events: StreamEvent[]): void {
    const group = [...events];
    this._unstoppable.add(group);
    this._enqueue_group(group);
  }

  /** The peer sends EOF (a FIN): `_on_raw_eof` after the data fed before it. */
  feed_eof(): void {
    this._enqueue(['eof']);
  }

  /**
   * Deliver `events` from one host callback (as a host that read several
   * chunks at once): data and `'eof'` while reading is on (the rest waits),
   * `'close'` as the peer's clean close, last.
   */
  feed_together(...events: StreamEvent[]): void {
    this._enqueue(events);
  }

  /** The peer closes cleanly: EOF after the data fed so far, then `_on_raw_close(null)`. */
  hang_up(): void {
    this._enqueue(this._eof_fed ? ['close'] : ['eof', 'close']);
  }

  /** The connection breaks now: `_on_raw_close(err)` (ECONNRESET by default); undelivered data is lost. */
  reset(err: Error = reset_error()): void {
    this._close_now(err);
  }

  /**
   * The host closes the stream by itself now, whether reading or not (a
   * pipe whose other end went away): `_on_raw_close(err)`; what was not sent or
   * delivered yet is lost.
   */
  host_close(err: Error | null = null): void {
    this._close_now(err);
  }

  // ---- scripting: the host's send buffer ----------------------------------------------------

  /** From now on, written bytes wait in the host buffer (the socket would block). */
  stall(): void {
    this.stalled = true;
  }

  /** Send everything buffered, and stop stalling. */
  unstall(): void {
    this.stalled = false;
    this.flush();
  }

  /** Send up to `n` buffered bytes (a partial send when `n` splits a chunk). */
  flush(n = Infinity): void {
    if (this.closed) return;
    let budget = n;
    while (budget > 0 && this._buffer.length > 0) {
      const head = this._buffer[0]!;
      if (head.length <= budget) {
        this._buffer.shift();
        this._buffered -= head.length;
        budget -= head.length;
        this._transmit(head);
      } else {
        this._buffer[0] = head.subarray(budget);
        this._buffered -= budget;
        this._transmit(head.subarray(0, budget));
        budget = 0;
      }
    }
    if (this._buffered === 0) this._emptied();
    else if (this._drain_mark >= 0 && this._buffered <= this._drain_mark) this._post_drain();
  }

  /** Sending fails with `err` (EPIPE by default): now if data is buffered, else at the next `write()`. */
  fail_writes(err: Error = broken_pipe_error()): void {
    this._write_failure = err;
    if (this._buffered > 0) this._close_now(err);
  }

  // ---- reading the record -------------------------------------------------------------------

  /** What went out, as text. */
  sent_text(): string {
    return new TextDecoder().decode(join(this.sent));
  }

  /** Peer events not delivered yet. */
  get inbound_waiting(): number {
    return this._inbound.reduce((n, group) => n + group.length, 0);
  }

  /** How many times the transport called `name`. */
  count(name: string): number {
    return this.calls.filter((c) => c === name).length;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** @internal Queue peer events (one host callback per group). */
  _enqueue(group: StreamEvent[]): void {
    this._enqueue_group([...group]);
  }

  private _enqueue_group(group: StreamEvent[]): void {
    if (this.closed) return;
    if (group.includes('eof')) this._eof_fed = true;
    this._inbound.push(group);
    this._schedule_pump();
  }

  private _schedule_pump(): void {
    if (this._pump_posted || !this.started || this.closed || !this.reading) return;
    if (this._inbound.length === 0) return;
    this._pump_posted = true;
    this._host.post(this._pump);
  }

  private readonly _pump = (): void => {
    this._pump_posted = false;
    const group = this._inbound[0];
    if (group === undefined || this.closed) return;
    if (this._unstoppable.has(group)) {
      // Parsed out of one read: handed over whole, whatever the transport does meanwhile.
      this._inbound.shift();
      for (const event of group) this._deliver(event);
    } else {
      // Reading is checked before each event: the transport may pause in between.
      while (group.length > 0 && this.reading && !this.closed) this._deliver(group.shift()!);
      if (group.length === 0 && this._inbound[0] === group) this._inbound.shift();
    }
    this._schedule_pump();
  };

  private _deliver(event: StreamEvent): void {
    if (event === 'close') {
      this._close_now(null, true);
    } else if (event === 'eof') {
      this.eof_delivered = true;
      this.receiver._on_raw_eof();
    } else if (this.lend_chunks) {
      this._lend(event);
    } else {
      this.delivered.push(event);
      this.receiver._on_raw_data(event);
    }
  }

  /** Lend `chunk` from `lend_memory`, and stop reading until `resume_reading()`. */
  private _lend(chunk: Uint8Array): void {
    if (this.lend_memory.length < chunk.length) this.lend_memory = new Uint8Array(chunk.length);
    this.lend_memory.set(chunk);
    this.delivered.push(chunk.slice());
    this.lent++;
    this._lent_out = true;
    this.reading = false;
    this.receiver._on_raw_data(this.lend_memory.subarray(0, chunk.length), true);
  }

  private _transmit(chunk: Uint8Array): void {
    this.sent.push(chunk);
    this.peer?._enqueue([chunk]);
  }

  private _send_eof(): void {
    if (this.eof_sent) return;
    this.eof_sent = true;
    this.peer?._enqueue(['eof']);
    // A write-only pipe is done once its EOF went out: the host closes it.
    if (this.direction === 'write') this._close_now(null);
  }

  /** The host buffer became empty. */
  private _emptied(): void {
    if (this.eof_written) this._send_eof();
    if (this.closing) {
      this._finish_close();
      return;
    }
    if (this._need_drain || this._drain_mark >= 0) this._post_drain();
  }

  private _post_drain(): void {
    this._need_drain = false;
    this._drain_mark = -1;
    this._host.post(() => {
      if (!this.closed && this.started) this.receiver._on_raw_drain();
    });
  }

  /** `close()` finished flushing: EOF to the peer, then the stream closes. */
  private _finish_close(): void {
    if (!this.eof_sent) {
      this.eof_sent = true;
      this.peer?._enqueue(['eof']);
    }
    this._close_now(null);
  }

  /**
   * The stream is closed from now on: nothing else is delivered, and
   * `_on_raw_close(err)` follows (from this host callback when `inline`).
   */
  private _close_now(err: Error | null, inline = false): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = false;
    this.reading = false;
    this.close_error = err;
    this._inbound.length = 0;
    // Bytes still buffered were never handed to the OS, and never will be:
    // `write_buffer_size` keeps counting them (`destroy()` drops them first).
    this._buffer.length = 0;
    if (!this.started) return; // start() delivers it
    if (inline) this._deliver_close();
    else this._post_close();
  }

  private _post_close(): void {
    this._host.post(() => this._deliver_close());
  }

  private _deliver_close(): void {
    if (this.close_delivered) return;
    this.close_delivered = true;
    this.receiver._on_raw_close(this.close_error);
  }
}

let next_port = 40000;

/** A free port number of the scripted world. */
export function ephemeral_port(): number {
  return next_port++;
}

/**
 * Two connected ends: what one sends, the other receives (data, then EOF
 * after `write_eof()`, `close()` or `destroy()`). `a` is the connecting side.
 */
export function raw_stream_pair(
  host: ScriptedHost = new ScriptedHost(),
  a_addr: [string, number] = ['127.0.0.1', ephemeral_port()],
  b_addr: [string, number] = ['127.0.0.1', ephemeral_port()],
): [a: ScriptedStream, b: ScriptedStream] {
  const a = new ScriptedStream(host, { extra: { peername: b_addr, sockname: a_addr } });
  const b = new ScriptedStream(host, { extra: { peername: a_addr, sockname: b_addr } });
  (a.extra as Record<string, unknown>)['socket'] = a;
  (b.extra as Record<string, unknown>)['socket'] = b;
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A listening socket of the scripted world: `connect_stream` to its port makes a pair. */
export class ScriptedServer implements RawServer {
  readonly family: number;
  readonly socket: unknown = { scripted: 'server' };
  readonly address: [string, number];
  /** `close()` was called. */
  closed = false;
  /** The server ends handed to `on_accept`, in order. */
  readonly accepted: ScriptedStream[] = [];
  /** @internal */ readonly _on_accept: (stream: RawStream) => void;

  constructor(family: number, address: [string, number], on_accept: (stream: RawStream) => void) {
    this.family = family;
    this.address = address;
    this._on_accept = on_accept;
  }

  getsockname(): SockAddr {
    return this.family === socket.AF_INET6
      ? [this.address[0], this.address[1], 0, 0]
      : [this.address[0], this.address[1]];
  }

  close(): void {
    this.closed = true;
  }
}

// ---- datagrams ----------------------------------------------------------------------------------

/** One `send()` the transport made. */
export interface ScriptedSend {
  data: Uint8Array;
  addr: SockAddr | null;
  /** `done` has been called (with `error`). */
  done: boolean;
  error: Error | null;
}

/**
 * A UDP socket of the scripted world. The test delivers `receive(data,
 * addr)`, `receive_error(err)` and `host_close()`; sends complete (from a host
 * callback) with success, or with `fail_sends(err)`'s error; after
 * `hold_sends()` they wait for `complete_sends()`.
 */
export class ScriptedDatagram implements RawDatagram {
  on_datagram: (data: Uint8Array, addr: SockAddr) => void = unassigned('on_datagram');
  on_error: (err: Error) => void = unassigned('on_error');
  on_close: () => void = unassigned('on_close');
  readonly extra: Readonly<Record<string, unknown>>;

  /** Every method the transport called, in order. */
  readonly calls: string[] = [];
  /** Every `send()`, in order. */
  readonly sends: ScriptedSend[] = [];
  started = false;
  /** `close()` was called, or the host closed the socket. */
  closed = false;
  /** Sends wait for `complete_sends()`. */
  holding = false;

  private readonly _host: ScriptedHost;
  private readonly _early: Array<() => void> = [];
  private _send_failure: Error | null = null;
  private readonly _held: Array<[ScriptedSend, (err: Error | null) => void]> = [];

  constructor(host: ScriptedHost, extra: Record<string, unknown> = {}) {
    this._host = host;
    this.extra = { socket: this, ...extra };
  }

  start(): void {
    this.calls.push('start');
    if (this.started) throw new Error('scripted datagram: start() called twice');
    this.started = true;
    for (const event of this._early.splice(0)) this._host.post(event);
  }

  send(data: Uint8Array, addr: SockAddr | null, done: (err: Error | null) => void): void {
    this.calls.push('send');
    const record: ScriptedSend = { data, addr, done: false, error: null };
    this.sends.push(record);
    if (this.closed) {
      this._complete(record, done, new OSError(9, 'Bad file descriptor', { code: 'EBADF' }));
    } else if (this.holding) {
      this._held.push([record, done]);
    } else {
      this._complete(record, done, this._send_failure);
    }
  }

  close(): void {
    this.calls.push('close');
    this.closed = true;
  }

  // ---- scripting ----------------------------------------------------------------------------

  /** A datagram arrives from `addr`. */
  receive(data: Uint8Array, addr: SockAddr): void {
    this._event(() => this.on_datagram(data, addr));
  }

  /** Receiving failed with `err` (already mapped); the socket stays open. */
  receive_error(err: Error): void {
    this._event(() => this.on_error(err));
  }

  /** The host closed the socket by itself. */
  host_close(): void {
    this._event(() => {
      this.closed = true;
      this.on_close();
    });
  }

  /** From now on, every send fails with `err` (`null`: they succeed again). */
  fail_sends(err: Error | null): void {
    this._send_failure = err;
  }

  /** Keep sends in flight until `complete_sends()`. */
  hold_sends(): void {
    this.holding = true;
  }

  /** Complete the held sends (all, or the first `count`), with `err` or success; stop holding when all are done. */
  complete_sends(err: Error | null = null, count = Infinity): void {
    const batch = this._held.splice(0, count);
    for (const [record, done] of batch) this._complete(record, done, err);
    if (this._held.length === 0) this.holding = false;
  }

  /** How many times the transport called `name`. */
  count(name: string): number {
    return this.calls.filter((c) => c === name).length;
  }

  private _complete(record: ScriptedSend, done: (err: Error | null) => void, err: Error | null) {
    this._host.post(() => {
      record.done = true;
      record.error = err;
      done(err);
    });
  }

  /** Post a handler call, in order; before `start()` it waits; after close it is dropped. */
  private _event(fn: () => void): void {
    const guarded = (): void => {
      if (!this.closed) fn();
    };
    if (this.started) this._host.post(guarded);
    else this._early.push(guarded);
  }
}
