// The stream transport and a BufferedProtocol through the Platform seam alone (scripted RawStreams): buffers filled in order, and chunks the host lends.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { BaseEventLoop } from '../../src/base_events.js';
import {
  BufferedProtocol,
  RuntimeError,
  type BaseTransport,
  type Transport,
} from '../../src/index.js';
import { b, s } from '../support/net.js';
import { Recorder } from '../support/recorders.js';
import {
  host_turns,
  close_scripted_loop,
  scripted_loop,
  settle,
  type ScriptedPlatform,
} from '../support/scripted_platform.js';
import type { ScriptedStream } from '../support/raw_pairs.js';
import { capture_exceptions } from '../support/test_loop.js';

const PORT = 4242;

let platform: ScriptedPlatform;
let loop: BaseEventLoop;

beforeEach(() => ({ platform, loop } = scripted_loop()));
afterEach(() => close_scripted_loop(loop));

/** A BufferedProtocol with one buffer of `size` bytes; records `data:<text>` per buffer_updated(). */
class Filler extends BufferedProtocol {
  readonly buffer: Uint8Array;
  readonly events: string[] = [];
  readonly hints: number[] = [];
  transport: Transport | null = null;
  /** Called after each buffer_updated() is recorded. */
  on_updated: ((text: string) => void) | null = null;

  constructor(size = 64) {
    super();
    this.buffer = new Uint8Array(size);
  }
  override connection_made(transport: BaseTransport): void {
    this.transport = transport as Transport;
    this.events.push('made');
  }
  override get_buffer(sizehint: number): Uint8Array {
    this.hints.push(sizehint);
    return this.buffer;
  }
  override buffer_updated(nbytes: number): void {
    const text = s(this.buffer.subarray(0, nbytes));
    this.events.push(`data:${text}`);
    this.on_updated?.(text);
  }
  override eof_received(): void {
    this.events.push('eof');
  }
  override connection_lost(exc: Error | null): void {
    this.events.push(`lost:${exc === null ? 'null' : exc.constructor.name}`);
  }
}

async function connect<P extends Filler | Recorder>(
  proto: P,
): Promise<{ tr: Transport; proto: P; raw: ScriptedStream }> {
  const [tr] = await loop.run_until_complete(
    loop.create_connection(() => proto, '127.0.0.1', PORT),
  );
  return { tr, proto, raw: platform.streams.at(-1)! };
}

function settled(): Promise<void> {
  return settle(loop, platform);
}

describe('filling the buffers of a BufferedProtocol', () => {
  it('each chunk goes into as many buffers as it takes, in order; the size hint is what is left of it', async () => {
    const { proto, raw } = await connect(new Filler(4));
    raw.feed(b('abcdefghij'), b('kl'));
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual([
      'made',
      'data:abcd',
      'data:efgh',
      'data:ij',
      'data:kl',
      'eof',
      'lost:null',
    ]);
    expect(proto.hints).toEqual([10, 6, 2, 2]);
  });

  it('get_buffer() returning an empty buffer is a fatal error (RuntimeError)', async () => {
    const handled = capture_exceptions(loop);
    const { proto, raw } = await connect(new Filler(0));
    raw.feed(b('x'));
    await settled();
    expect(proto.events).toEqual(['made', 'lost:RuntimeError']);
    expect(handled.map((c) => c.message)).toEqual([
      'Fatal error: protocol.get_buffer() call failed.',
    ]);
    expect(handled[0]!.exception).toEqual(
      new RuntimeError('get_buffer() returned an empty buffer'),
    );
  });
});

describe('lent chunks', () => {
  it('the transport asks the host to lend chunks to a BufferedProtocol only, and follows set_protocol()', async () => {
    const { tr, raw } = await connect(new Filler());
    expect(raw.lend_chunks).toBe(true);
    tr.set_protocol(new Recorder());
    expect(raw.lend_chunks).toBe(false);
    tr.set_protocol(new Filler());
    expect(raw.lend_chunks).toBe(true);
    const plain = await connect(new Recorder());
    expect(plain.raw.lend_chunks).toBe(false);
  });

  it('each lent chunk is copied out before the host reads into its memory again', async () => {
    const { proto, raw } = await connect(new Filler(64));
    raw.feed(b('one'), b('two'), b('three'));
    raw.feed_eof();
    await settled();
    expect(raw.lent).toBe(3);
    expect(proto.events).toEqual([
      'made',
      'data:one',
      'data:two',
      'data:three',
      'eof',
      'lost:null',
    ]);
    // The host was resumed once per lent chunk, each time after the copy.
    expect(raw.count('resume_reading')).toBe(4);
  });

  it('the host stays paused while a lent chunk waits for the loop', async () => {
    const { proto, raw } = await connect(new Filler());
    raw.feed(b('lent'), b('next'));
    await host_turns(platform, 5); // host callbacks run, the loop does not
    expect(raw.lent).toBe(1);
    expect(raw.reading).toBe(false);
    expect(raw.inbound_waiting).toBe(1);
    await settled();
    expect(proto.events).toEqual(['made', 'data:lent', 'data:next']);
  });

  it('pause_reading() in buffer_updated() holds the rest of a lent chunk, host paused, until resume_reading()', async () => {
    const { tr, proto, raw } = await connect(new Filler(2));
    proto.on_updated = (text) => {
      if (text === 'ab') tr.pause_reading();
    };
    raw.feed(b('abcdef'), b('gh'));
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual(['made', 'data:ab']);
    expect(raw.reading).toBe(false);
    expect(raw.lent).toBe(1);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual([
      'made',
      'data:ab',
      'data:cd',
      'data:ef',
      'data:gh',
      'eof',
      'lost:null',
    ]);
  });

  it('pause_reading() and resume_reading() before a lent chunk is delivered do not resume the host early', async () => {
    const { tr, proto, raw } = await connect(new Filler());
    raw.feed(b('first'), b('second'));
    await host_turns(platform, 3); // the first chunk is lent and queued
    tr.pause_reading();
    tr.resume_reading();
    expect(raw.reading).toBe(false);
    await settled();
    expect(proto.events).toEqual(['made', 'data:first', 'data:second']);
  });

  it('a data_received() protocol set while part of a lent chunk is held gets a copy it may keep', async () => {
    const { tr, proto, raw } = await connect(new Filler(3));
    const plain = new Recorder();
    const kept: Uint8Array[] = [];
    plain.on_data = (data) => kept.push(data);
    proto.on_updated = () => {
      tr.pause_reading();
      tr.set_protocol(plain);
    };
    raw.feed(b('abcdefgh'), b('ij'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:abc']);
    tr.resume_reading();
    await settled();
    expect(plain.events).toEqual(['data:defgh', 'data:ij']);
    expect(raw.lent).toBe(1);
    // The host has read into its memory since: what the protocol kept is intact.
    expect(kept.map(s)).toEqual(['defgh', 'ij']);
    expect(kept[0]!.buffer).not.toBe(raw.lend_memory.buffer);
  });

  it("set_protocol() inside buffer_updated(): the rest of the chunk still fills the old protocol's buffers (asyncio's _feed_data_to_buffered_proto)", async () => {
    const { tr, proto, raw } = await connect(new Filler(3));
    const plain = new Recorder();
    proto.on_updated = () => tr.set_protocol(plain);
    raw.feed(b('abcdefgh'), b('ij'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:abc', 'data:def', 'data:gh']);
    expect(plain.events).toEqual(['data:ij']);
  });

  it('close() inside buffer_updated() drops the rest of the lent chunk and does not resume the host', async () => {
    const { tr, proto, raw } = await connect(new Filler(2));
    proto.on_updated = () => tr.close();
    raw.feed(b('abcdef'), b('gh'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:ab', 'lost:null']);
    expect(raw.count('resume_reading')).toBe(1);
  });

  it('a reset while a lent chunk waits: its bytes are delivered first, then connection_lost(exc)', async () => {
    const { proto, raw } = await connect(new Filler());
    raw.feed(b('last'));
    await host_turns(platform, 3);
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'data:last', 'lost:ConnectionResetError']);
  });

  it('a clean close by the peer comes after the lent bytes, EOF first', async () => {
    const { proto, raw } = await connect(new Filler());
    raw.feed(b('bye'));
    raw.hang_up();
    await settled();
    expect(proto.events).toEqual(['made', 'data:bye', 'eof', 'lost:null']);
  });

  it('a reset while the protocol holds part of a lent chunk drops it: connection_lost(exc) once', async () => {
    const { tr, proto, raw } = await connect(new Filler(1));
    proto.on_updated = () => {
      if (!tr.is_closing() && tr.is_reading()) tr.pause_reading();
    };
    raw.feed(b('xyz'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:x']);
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'data:x', 'lost:ConnectionResetError']);
    expect(raw.count('resume_reading')).toBe(1);
  });
});
