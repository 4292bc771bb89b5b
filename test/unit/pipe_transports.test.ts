// Pipe transports through the Platform seam (scripted RawStreams): connect_read_pipe/connect_write_pipe, asyncio's UnixReadPipeTransportTests / UnixWritePipeTransportTests cases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { BaseEventLoop } from '../../src/base_events.js';
import { ReadTransport, WriteTransport } from '../../src/index.js';
import { b } from '../support/net.js';
import { Recorder } from '../support/recorders.js';
import {
  close_scripted_loop,
  scripted_loop,
  settle,
  type ScriptedPlatform,
} from '../support/scripted_platform.js';
import { capture_exceptions } from '../support/test_loop.js';

let platform: ScriptedPlatform;
let loop: BaseEventLoop;

beforeEach(() => ({ platform, loop } = scripted_loop()));
afterEach(() => close_scripted_loop(loop));

function settled(): Promise<void> {
  return settle(loop, platform);
}

describe('pipes', () => {
  it('connect_read_pipe(): data, then EOF, then connection_lost(null) whatever eof_received returns', async () => {
    const pipe = { name: 'a read pipe' };
    const proto = new Recorder();
    proto.keep_open = true;
    const [tr] = await loop.run_until_complete(loop.connect_read_pipe(() => proto, pipe));
    const raw = platform.streams.at(-1)!;
    expect(platform.pipe_calls).toEqual([[pipe, 'read']]);
    expect(tr).toBeInstanceOf(ReadTransport);
    expect(tr.get_extra_info('pipe')).toBe(pipe);
    raw.feed(b('line'));
    raw.hang_up();
    await settled();
    expect(proto.events).toEqual(['made', 'data:line', 'eof', 'lost:null']);
  });

  it('connect_read_pipe(): pause_reading() and resume_reading() hold the data back', async () => {
    const proto = new Recorder();
    const [tr] = await loop.run_until_complete(loop.connect_read_pipe(() => proto, {}));
    const raw = platform.streams.at(-1)!;
    tr.pause_reading();
    raw.feed(b('held'));
    await settled();
    expect(proto.events).toEqual(['made']);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual(['made', 'data:held']);
  });

  it('connect_write_pipe(): writes go to the host; get_extra_info("pipe") is the pipe', async () => {
    const pipe = { name: 'a write pipe' };
    const proto = new Recorder();
    const [tr] = await loop.run_until_complete(loop.connect_write_pipe(() => proto, pipe));
    const raw = platform.streams.at(-1)!;
    expect(platform.pipe_calls).toEqual([[pipe, 'write']]);
    expect(tr).toBeInstanceOf(WriteTransport);
    expect(tr.get_extra_info('pipe')).toBe(pipe);
    expect(raw.reading).toBe(false);
    tr.write(b('out'));
    expect(raw.sent_text()).toBe('out');
    tr.close();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('write_eof() on a write pipe sends EOF after the buffered data, then connection_lost(null)', async () => {
    const proto = new Recorder();
    const [tr] = await loop.run_until_complete(loop.connect_write_pipe(() => proto, {}));
    const raw = platform.streams.at(-1)!;
    raw.stall();
    tr.write(b('last words'));
    tr.write_eof();
    raw.unstall();
    await settled();
    expect(raw.sent_text()).toBe('last words');
    expect(raw.eof_sent).toBe(true);
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('write_eof() on a write pipe closes it at once, as close() does: is_closing() is true', async () => {
    const proto = new Recorder();
    const [tr] = await loop.run_until_complete(loop.connect_write_pipe(() => proto, {}));
    const raw = platform.streams.at(-1)!;
    raw.stall();
    tr.write(b('buffered'));
    tr.write_eof();
    expect(tr.is_closing()).toBe(true);
  });

  it('a write pipe whose reader goes away with data still buffered is lost with BrokenPipeError', async () => {
    const errors = capture_exceptions(loop);
    const proto = new Recorder();
    const [tr] = await loop.run_until_complete(loop.connect_write_pipe(() => proto, {}));
    const raw = platform.streams.at(-1)!;
    raw.stall();
    tr.write(b('nobody reads this'));
    raw.host_close(null);
    await settled();
    expect(proto.events).toEqual(['made', 'lost:BrokenPipeError']);
    expect(errors).toEqual([]);
  });
});
