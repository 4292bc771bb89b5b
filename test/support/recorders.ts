// Test doubles that record the calls they get: a Transport under StreamReader/StreamWriter, a Protocol over the transport under test, an executor whose work never ends.

import type { Executor } from '../../src/executor.js';
import { Protocol } from '../../src/protocols.js';
import { Transport, type BaseTransport } from '../../src/transports.js';
import { s } from './net.js';

/** A transport that records pause_reading/resume_reading calls and what is written. */
export class FakeTransport extends Transport {
  calls: string[] = [];
  written: Uint8Array[] = [];
  closing = false;
  override is_closing(): boolean {
    return this.closing;
  }
  override pause_reading(): void {
    this.calls.push('pause');
  }
  override resume_reading(): void {
    this.calls.push('resume');
  }
  override write(data: Uint8Array): void {
    this.written.push(data);
  }
  override write_eof(): void {
    this.calls.push('write_eof');
  }
  override can_write_eof(): boolean {
    return true;
  }
  override close(): void {
    this.closing = true;
    this.calls.push('close');
  }
}

/** Records each protocol call as a word: `made`, `data:<text>`, `eof`, `pause`, `resume`, `lost:<null|Class>`. */
export class Recorder extends Protocol {
  events: string[] = [];
  transport: Transport | null = null;
  lost_exc: Error | null | undefined = undefined;
  /** What eof_received returns. */
  keep_open = false;
  /** Called after each data_received is recorded. */
  on_data: ((data: Uint8Array) => void) | null = null;
  /** Called inside connection_lost. */
  on_lost: ((exc: Error | null) => void) | null = null;

  override connection_made(transport: BaseTransport): void {
    this.transport = transport as Transport;
    this.events.push('made');
  }

  override data_received(data: Uint8Array): void {
    this.events.push(`data:${s(data)}`);
    this.on_data?.(data);
  }

  override eof_received(): boolean {
    this.events.push('eof');
    return this.keep_open;
  }

  override pause_writing(): void {
    this.events.push('pause');
  }

  override resume_writing(): void {
    this.events.push('resume');
  }

  override connection_lost(exc: Error | null): void {
    this.events.push(`lost:${exc === null ? 'null' : exc.constructor.name}`);
    this.lost_exc = exc;
    this.on_lost?.(exc);
  }

  count(event: string): number {
    return this.events.filter((e) => e === event).length;
  }
}

/**
 * An executor whose work never ends: `shutdown(true)` returns a Promise that
 * never settles. Each `shutdown(wait)` call's `wait` goes into `calls`.
 */
export function stuck_executor(calls: unknown[]): Executor {
  return {
    submit: () => Promise.resolve(1) as never,
    shutdown: (wait) => {
      calls.push(wait);
      return wait ? new Promise<void>(() => {}) : undefined;
    },
  };
}
