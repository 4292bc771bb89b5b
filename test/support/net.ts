// Helpers for the network tests: a bounded run, a protocol that records its calls, byte helpers.

import { BaseEventLoop } from '../../src/base_events.js';
import type { Awaitable } from '../../src/coroutines.js';
import { wait_for } from '../../src/wait.js';
import { Protocol } from '../../src/protocols.js';
import type { Transport } from '../../src/transports.js';
import type { Future } from '../../src/futures.js';

/** Run `x` on `loop` to completion, but never longer than `timeout` seconds (then TimeoutError). */
export function run<T>(loop: BaseEventLoop, x: Awaitable<T>, timeout = 10): Promise<T> {
  return loop.run_until_complete(wait_for(x, timeout, { loop }));
}

/** Text to bytes. */
export function b(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes to text. */
export function s(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Concatenate byte chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A protocol that records every call as an event string (`'made'`, `'data'`,
 * `'eof'`, `'lost'`, `'pause'`, `'resume'`), keeps the data, and completes
 * `lost` with the connection_lost argument.
 */
export class RecordingProtocol extends Protocol {
  events: string[] = [];
  chunks: Uint8Array[] = [];
  transport: Transport | null = null;
  lost_exc: Error | null | undefined = undefined;
  readonly made: Future<null>;
  readonly lost: Future<Error | null>;
  readonly eof: Future<null>;
  /** What eof_received returns. */
  keep_open_on_eof = false;

  constructor(loop: BaseEventLoop) {
    super();
    this.made = loop.create_future();
    this.lost = loop.create_future();
    this.eof = loop.create_future();
  }

  get data(): Uint8Array {
    return concat(this.chunks);
  }

  override connection_made(transport: Transport): void {
    this.transport = transport;
    this.events.push('made');
    this.made.set_result(null);
  }

  override data_received(data: Uint8Array): void {
    this.events.push('data');
    this.chunks.push(data);
  }

  override eof_received(): boolean {
    this.events.push('eof');
    this.eof.set_result(null);
    return this.keep_open_on_eof;
  }

  override pause_writing(): void {
    this.events.push('pause');
  }

  override resume_writing(): void {
    this.events.push('resume');
  }

  override connection_lost(exc: Error | null): void {
    this.events.push('lost');
    this.lost_exc = exc;
    this.lost.set_result(exc);
  }
}

/** Collapse runs of the same event: ['made','data','data','eof'] -> ['made','data','eof']. */
export function squash(events: readonly string[]): string[] {
  return events.filter((e, i) => i === 0 || events[i - 1] !== e);
}
