// The stream transport driven through the Platform seam alone (scripted RawStreams): asyncio's SelectorSocketTransportTests / SelectorTransportTests cases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { BaseEventLoop } from '../../src/base_events.js';
import {
  BaseTransport,
  BrokenPipeError,
  ConnectionRefusedError,
  ConnectionResetError,
  NotImplementedError,
  OSError,
  ReadTransport,
  RuntimeError,
  Transport,
  ValueError,
  WriteTransport,
  logger,
  logging,
  open_connection,
  socket,
  type LogRecord,
} from '../../src/index.js';
import type { Server } from '../../src/server.js';
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

interface Connected {
  tr: Transport;
  proto: Recorder;
  raw: ScriptedStream;
}

/** create_connection() to an address without a scripted server: the test is the peer of `raw`. */
async function connect(proto: Recorder = new Recorder()): Promise<Connected> {
  const [tr] = await loop.run_until_complete(
    loop.create_connection(() => proto, '127.0.0.1', PORT),
  );
  return { tr, proto, raw: platform.streams.at(-1)! };
}

function settled(): Promise<void> {
  return settle(loop, platform);
}

/** Collect the logger's records at every level. */
function capture_log(): LogRecord[] {
  const records: LogRecord[] = [];
  logger.setLevel(logging.DEBUG);
  logger.set_handler((record) => records.push(record));
  return records;
}

function fatal_records(records: readonly LogRecord[]): LogRecord[] {
  return records.filter((r) => r.message.includes('Fatal error'));
}

describe('connecting through the seam', () => {
  it('create_connection() opens the stream through Platform.connect_stream and resolves after connection_made', async () => {
    const { tr, proto, raw } = await connect();
    expect(platform.connect_calls).toHaveLength(1);
    expect(platform.connect_calls[0]).toMatchObject({
      host: '127.0.0.1',
      port: PORT,
      family: socket.AF_INET,
    });
    expect(proto.events).toEqual(['made']);
    expect(proto.transport).toBe(tr);
    // Reading starts only after connection_made (asyncio TR-2).
    expect(raw.calls).toEqual(['start', 'resume_reading']);
    expect(raw.reading).toBe(true);
    expect(tr.is_closing()).toBe(false);
    expect(tr.get_protocol()).toBe(proto);
  });

  it('data the host holds before the transport starts is delivered after connection_made', async () => {
    platform.on_connect = (raw) => raw.feed(b('early'));
    const { proto } = await connect();
    await settled();
    expect(proto.events).toEqual(['made', 'data:early']);
  });

  it('a reset before the transport starts comes after connection_made, as connection_lost(ConnectionResetError)', async () => {
    const errors = capture_exceptions(loop);
    platform.on_connect = (raw) => raw.reset();
    const { tr, proto } = await connect();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:ConnectionResetError']);
    expect(tr.is_closing()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a refused connection rejects create_connection() and never calls the protocol factory', async () => {
    platform.connect_error = new ConnectionRefusedError(111, 'Connection refused', {
      code: 'ECONNREFUSED',
    });
    let made = 0;
    const error = await loop
      .run_until_complete(
        loop.create_connection(
          () => {
            made++;
            return new Recorder();
          },
          '127.0.0.1',
          PORT,
        ),
      )
      .then(
        () => null,
        (exc: unknown) => exc,
      );
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect(made).toBe(0);
  });

  it('the transport is a Transport, a ReadTransport, a WriteTransport and a BaseTransport', async () => {
    const { tr } = await connect();
    expect(tr).toBeInstanceOf(Transport);
    expect(tr).toBeInstanceOf(ReadTransport);
    expect(tr).toBeInstanceOf(WriteTransport);
    expect(tr).toBeInstanceOf(BaseTransport);
  });

  it("get_extra_info() reads the host stream's extra, with a default for unknown keys", async () => {
    const { tr, raw } = await connect();
    expect(tr.get_extra_info('peername')).toEqual(['127.0.0.1', PORT]);
    expect(tr.get_extra_info('sockname')).toEqual(raw.extra['sockname']);
    expect(tr.get_extra_info('socket')).toBe(raw);
    expect(tr.get_extra_info('no such key')).toBeNull();
    expect(tr.get_extra_info('no such key', 'fallback')).toBe('fallback');
  });
});

describe('reading', () => {
  it('calls data_received for each chunk in host order, then eof_received, then connection_lost(null)', async () => {
    const { tr, proto, raw } = await connect();
    raw.feed(b('one'), b('two'));
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual(['made', 'data:one', 'data:two', 'eof', 'lost:null']);
    // eof_received returned false: the transport closed itself.
    expect(tr.is_closing()).toBe(true);
    expect(raw.count('close') + raw.count('destroy')).toBe(1);
  });

  it('eof_received returning true keeps the transport open: it still writes, and close() ends it', async () => {
    const { tr, proto, raw } = await connect();
    proto.keep_open = true;
    raw.feed(b('question'));
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual(['made', 'data:question', 'eof']);
    expect(tr.is_closing()).toBe(false);
    // Nothing more can come: the host stream is not read any more.
    expect(raw.reading).toBe(false);
    tr.write(b('answer'));
    expect(raw.sent_text()).toBe('answer');
    tr.close();
    await settled();
    expect(proto.events).toEqual(['made', 'data:question', 'eof', 'lost:null']);
  });

  it('pause_reading() stops data_received and pauses the host stream; resume_reading() brings both back', async () => {
    const { tr, proto, raw } = await connect();
    expect(tr.is_reading()).toBe(true);
    tr.pause_reading();
    expect(tr.is_reading()).toBe(false);
    expect(raw.reading).toBe(false);
    raw.feed(b('waits'));
    await settled();
    expect(proto.events).toEqual(['made']);
    expect(raw.inbound_waiting).toBe(1);
    tr.resume_reading();
    expect(tr.is_reading()).toBe(true);
    await settled();
    expect(proto.events).toEqual(['made', 'data:waits']);
    expect(raw.reading).toBe(true);
  });

  it('pause_reading() inside data_received holds back what the host already delivered; resume_reading() delivers it in order, EOF last', async () => {
    const { tr, proto, raw } = await connect();
    proto.on_data = (data) => {
      if (s(data) === 'a') tr.pause_reading();
    };
    raw.feed_parsed(b('a'), b('b'), b('c'), 'eof');
    await settled();
    expect(raw.delivered).toHaveLength(3); // the host handed everything over at once
    expect(proto.events).toEqual(['made', 'data:a']);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual(['made', 'data:a', 'data:b', 'data:c', 'eof', 'lost:null']);
  });

  it('an idle loop delivers a chunk inside the host callback that brought it: a pause there stops the host at once', async () => {
    const { tr, proto, raw } = await connect();
    proto.on_data = (data) => {
      if (s(data) === 'a') tr.pause_reading();
    };
    // A host that checks between its events whether reading is still on (Node's streams do).
    raw.feed_together(b('a'), b('b'), b('c'));
    await settled();
    expect(raw.delivered).toHaveLength(1);
    expect(proto.events).toEqual(['made', 'data:a']);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual(['made', 'data:a', 'data:b', 'data:c']);
  });

  it('data a host stream hands over inside resume_reading() waits for the loop: resume_reading() returns first', async () => {
    const { tr, proto, raw } = await connect();
    raw.deliver_inside_resume = true; // as the WebSocket and MessagePort streams do
    tr.pause_reading();
    raw.feed(b('held'));
    await settled();
    let events_when_resumed: string[] = [];
    // User code outside the loop (a host callback) resumes reading while the loop is idle.
    platform.host.post(() => {
      tr.resume_reading();
      events_when_resumed = [...proto.events];
    });
    await settled();
    expect(events_when_resumed).toEqual(['made']);
    expect(proto.events).toEqual(['made', 'data:held']);
  });

  it('pause_reading() inside connection_made keeps the host stream unread until resume_reading()', async () => {
    class PausesAtOnce extends Recorder {
      override connection_made(transport: BaseTransport): void {
        super.connection_made(transport);
        (transport as Transport).pause_reading();
      }
    }
    const { tr, proto, raw } = await connect(new PausesAtOnce());
    expect(raw.count('resume_reading')).toBe(0);
    raw.feed(b('later'));
    await settled();
    expect(proto.events).toEqual(['made']);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual(['made', 'data:later']);
  });

  it('close() inside data_received drops the chunks the host already delivered after it', async () => {
    const { tr, proto, raw } = await connect();
    proto.on_data = () => tr.close();
    raw.feed_parsed(b('a'), b('b'), b('c'));
    await settled();
    expect(raw.delivered).toHaveLength(3);
    expect(proto.events).toEqual(['made', 'data:a', 'lost:null']);
  });

  it('set_protocol() sends the later events to the new protocol, connection_lost included', async () => {
    const { tr, proto, raw } = await connect();
    raw.feed(b('old'));
    await settled();
    const next = new Recorder();
    tr.set_protocol(next);
    expect(tr.get_protocol()).toBe(next);
    raw.feed(b('new'));
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual(['made', 'data:old']);
    expect(next.events).toEqual(['data:new', 'eof', 'lost:null']);
  });

  it('pause_reading() and resume_reading() out of order throw RuntimeError (TR-7)', async () => {
    const { tr } = await connect();
    expect(() => tr.resume_reading()).toThrow(new RuntimeError('Not paused'));
    tr.pause_reading();
    expect(() => tr.pause_reading()).toThrow(new RuntimeError('Already paused'));
    tr.resume_reading();
    tr.close();
    expect(() => tr.pause_reading()).toThrow(
      new RuntimeError('Cannot pause_reading() when closing'),
    );
  });

  it('is_reading() is false once the transport is closing', async () => {
    const { tr } = await connect();
    tr.close();
    expect(tr.is_reading()).toBe(false);
  });

  it('while the loop is stopped, the transport pauses the host stream instead of taking more data', async () => {
    const { proto, raw } = await connect();
    raw.feed(b('1'), b('2'), b('3'));
    await host_turns(platform, 5); // host callbacks run, the loop does not
    expect(raw.delivered.map(s)).toEqual(['1']);
    expect(raw.reading).toBe(false);
    expect(raw.inbound_waiting).toBe(2);
    expect(proto.events).toEqual(['made']);
    await settled();
    expect(proto.events).toEqual(['made', 'data:1', 'data:2', 'data:3']);
    expect(raw.reading).toBe(true);
  });

  it('data the host delivered before close() is not passed to the protocol', async () => {
    const { tr, proto, raw } = await connect();
    raw.feed(b('late'));
    await host_turns(platform, 2); // on_data ran; its delivery waits for the loop
    expect(raw.delivered.map(s)).toEqual(['late']);
    tr.close();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('data_received raising goes to the exception handler and closes with connection_lost(exc)', async () => {
    const errors = capture_exceptions(loop);
    const boom = new Error('boom');
    const { tr, proto, raw } = await connect();
    proto.on_data = () => {
      throw boom;
    };
    raw.feed(b('x'), b('y'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:x', 'lost:Error']);
    expect(proto.lost_exc).toBe(boom);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'Fatal error: protocol.data_received() call failed.',
      exception: boom,
      transport: tr,
      protocol: proto,
    });
    expect(raw.count('destroy')).toBe(1);
  });

  it('eof_received raising goes to the exception handler and closes with connection_lost(exc)', async () => {
    const errors = capture_exceptions(loop);
    const boom = new Error('eof boom');
    class BadEof extends Recorder {
      override eof_received(): boolean {
        super.eof_received();
        throw boom;
      }
    }
    const { proto, raw } = await connect(new BadEof());
    raw.feed_eof();
    await settled();
    expect(proto.events).toEqual(['made', 'eof', 'lost:Error']);
    expect(proto.lost_exc).toBe(boom);
    expect(errors.map((e) => e['message'])).toEqual([
      'Fatal error: protocol.eof_received() call failed.',
    ]);
  });
});

describe('writing', () => {
  it('write() hands the bytes to the host at once, by reference', async () => {
    const { tr, raw } = await connect();
    const data = b('data');
    tr.write(data);
    expect(raw.writes).toHaveLength(1);
    expect(raw.writes[0]).toBe(data);
    expect(raw.sent_text()).toBe('data');
    expect(tr.get_write_buffer_size()).toBe(0);
  });

  it('write() of anything but bytes throws TypeError; write() of empty bytes does nothing', async () => {
    const { tr, raw } = await connect();
    expect(() => tr.write('str' as never)).toThrow(TypeError);
    expect(() => tr.write('str' as never)).toThrow(/bytes-like object/);
    expect(() => tr.write([1, 2] as never)).toThrow(TypeError);
    tr.write(new Uint8Array(0));
    expect(raw.count('write')).toBe(0);
  });

  it('writelines() writes each buffer in order', async () => {
    const { tr, raw } = await connect();
    tr.writelines([b('a'), b('b'), b('c')]);
    expect(raw.sent_text()).toBe('abc');
  });

  it("get_write_buffer_size() is the host's buffer: bytes written and not sent yet (partial sends)", async () => {
    const { tr, raw } = await connect();
    raw.stall();
    tr.write(b('abcdef'));
    expect(tr.get_write_buffer_size()).toBe(6);
    raw.flush(4);
    expect(tr.get_write_buffer_size()).toBe(2);
    expect(raw.sent_text()).toBe('abcd');
    tr.write(b('gh'));
    expect(tr.get_write_buffer_size()).toBe(4);
    raw.flush();
    expect(tr.get_write_buffer_size()).toBe(0);
    expect(raw.sent_text()).toBe('abcdefgh');
  });

  it("write_eof() sends EOF after the buffered data, once; can_write_eof() is the host's", async () => {
    const { tr, raw } = await connect();
    expect(tr.can_write_eof()).toBe(true);
    raw.stall();
    tr.write(b('data'));
    tr.write_eof();
    expect(raw.eof_sent).toBe(false);
    tr.write_eof();
    expect(raw.count('write_eof')).toBe(1);
    raw.unstall();
    expect(raw.sent_text()).toBe('data');
    expect(raw.eof_sent).toBe(true);
    expect(tr.is_closing()).toBe(false);
  });

  it('write() after write_eof() throws RuntimeError', async () => {
    const { tr } = await connect();
    tr.write_eof();
    expect(() => tr.write(b('x'))).toThrow(
      new RuntimeError('Cannot call write() after write_eof()'),
    );
  });

  it('on a stream that cannot half-close, write_eof() throws and the transport stays writable', async () => {
    platform.stream_options = { can_write_eof: false };
    const { tr, raw } = await connect();
    expect(tr.can_write_eof()).toBe(false);
    expect(() => tr.write_eof()).toThrow(NotImplementedError);
    tr.write(b('still'));
    expect(raw.sent_text()).toBe('still');
  });

  it("writes after close() are dropped; from the fifth on each logs 'socket.send() raised exception.' (TR-5)", async () => {
    const { tr, raw } = await connect();
    tr.close();
    const records = capture_log();
    for (let i = 0; i < 6; i++) tr.write(b('late'));
    expect(raw.count('write')).toBe(0);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      [logging.WARNING, 'socket.send() raised exception.'],
      [logging.WARNING, 'socket.send() raised exception.'],
    ]);
  });

  it("writes after the connection was reset are dropped, then logged as 'socket.send() raised exception.'", async () => {
    const { tr, proto, raw } = await connect();
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:ConnectionResetError']);
    const records = capture_log();
    for (let i = 0; i < 5; i++) tr.write(b('late'));
    expect(raw.count('write')).toBe(0);
    expect(records.map((r) => r.message)).toEqual(['socket.send() raised exception.']);
  });
});

describe('flow control', () => {
  it('get_write_buffer_limits() is [16384, 65536] by default; set_write_buffer_limits() derives the missing mark', async () => {
    const { tr } = await connect();
    expect(tr.get_write_buffer_limits()).toEqual([16384, 65536]);
    tr.set_write_buffer_limits(1000);
    expect(tr.get_write_buffer_limits()).toEqual([250, 1000]);
    tr.set_write_buffer_limits(null, 100);
    expect(tr.get_write_buffer_limits()).toEqual([100, 400]);
    tr.set_write_buffer_limits(0);
    expect(tr.get_write_buffer_limits()).toEqual([0, 0]);
  });

  it('set_write_buffer_limits() with high below low, or low below 0, throws ValueError', async () => {
    const { tr } = await connect();
    expect(() => tr.set_write_buffer_limits(1, 2)).toThrow(
      new ValueError('high (1) must be >= low (2) must be >= 0'),
    );
    expect(() => tr.set_write_buffer_limits(10, -1)).toThrow(
      new ValueError('high (10) must be >= low (-1) must be >= 0'),
    );
    expect(tr.get_write_buffer_limits()).toEqual([16384, 65536]);
  });

  it('pause_writing() is called once, inside write(), when the host buffer goes strictly above the high-water mark', async () => {
    const { tr, proto, raw } = await connect();
    tr.set_write_buffer_limits(100);
    raw.stall();
    tr.write(new Uint8Array(100));
    expect(proto.events).toEqual(['made']);
    tr.write(new Uint8Array(1));
    expect(proto.events).toEqual(['made', 'pause']);
    tr.write(new Uint8Array(50));
    expect(proto.events).toEqual(['made', 'pause']);
    expect(tr.get_write_buffer_size()).toBe(151);
  });

  it('resume_writing() is called once the host has sent the buffer', async () => {
    const { tr, proto, raw } = await connect();
    tr.set_write_buffer_limits(100);
    raw.stall();
    tr.write(new Uint8Array(300));
    expect(proto.events).toEqual(['made', 'pause']);
    await settled();
    expect(proto.events).toEqual(['made', 'pause']);
    raw.unstall();
    await settled();
    expect(proto.events).toEqual(['made', 'pause', 'resume']);
    expect(raw.sent.reduce((n, c) => n + c.length, 0)).toBe(300);
  });

  it('resume_writing() is called as soon as the buffer falls to the low-water mark, before it is empty (TR-1)', async () => {
    const { tr, proto, raw } = await connect();
    tr.set_write_buffer_limits(100, 50);
    raw.stall();
    tr.write(new Uint8Array(150));
    expect(proto.events).toEqual(['made', 'pause']);
    raw.flush(120); // a partial send: 30 bytes left, at or below low
    await settled();
    expect(tr.get_write_buffer_size()).toBe(30);
    expect(proto.events).toEqual(['made', 'pause', 'resume']);
  });

  it('set_write_buffer_limits() checks the buffer at once: lowering high under it calls pause_writing()', async () => {
    const { tr, proto, raw } = await connect();
    raw.stall();
    tr.write(new Uint8Array(100));
    expect(proto.events).toEqual(['made']);
    tr.set_write_buffer_limits(50);
    expect(proto.events).toEqual(['made', 'pause']);
  });

  it('a host that sends at once (empty buffer) never pauses the protocol', async () => {
    const { tr, proto } = await connect();
    tr.set_write_buffer_limits(10);
    for (let i = 0; i < 10; i++) tr.write(new Uint8Array(1000));
    await settled();
    expect(proto.events).toEqual(['made']);
  });

  it("pause_writing() raising is reported as 'protocol.pause_writing() failed', and the write still goes out", async () => {
    const errors = capture_exceptions(loop);
    const boom = new Error('no pausing');
    class BadPause extends Recorder {
      override pause_writing(): void {
        throw boom;
      }
    }
    const { tr, proto, raw } = await connect(new BadPause());
    tr.set_write_buffer_limits(10);
    raw.stall();
    tr.write(new Uint8Array(20));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'protocol.pause_writing() failed',
      exception: boom,
      transport: tr,
      protocol: proto,
    });
    expect(tr.get_write_buffer_size()).toBe(20);
    expect(tr.is_closing()).toBe(false);
  });
});

describe('closing', () => {
  it('close() with nothing buffered closes the host stream, then calls connection_lost(null) on a later iteration', async () => {
    const { tr, proto, raw } = await connect();
    tr.close();
    expect(tr.is_closing()).toBe(true);
    expect(raw.count('close')).toBe(1);
    expect(proto.events).toEqual(['made']); // never synchronously
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    expect(proto.lost_exc).toBeNull();
  });

  it('close() with buffered data flushes it, then calls connection_lost(null) once', async () => {
    const { tr, proto, raw } = await connect();
    raw.stall();
    tr.write(b('pending'));
    tr.close();
    await settled();
    expect(proto.events).toEqual(['made']); // still flushing
    expect(raw.count('destroy')).toBe(0);
    raw.unstall();
    await settled();
    expect(raw.sent_text()).toBe('pending');
    expect(raw.eof_sent).toBe(true);
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('close() twice is harmless: the host is told once, connection_lost is called once', async () => {
    const { tr, proto, raw } = await connect();
    tr.close();
    tr.close();
    await settled();
    tr.close();
    await settled();
    expect(raw.count('close')).toBe(1);
    expect(proto.count('lost:null')).toBe(1);
  });

  it('abort() drops the buffered data, destroys the host stream and calls connection_lost(null) once', async () => {
    const { tr, proto, raw } = await connect();
    raw.stall();
    tr.write(b('dropped'));
    tr.abort();
    expect(tr.is_closing()).toBe(true);
    expect(raw.count('destroy')).toBe(1);
    tr.abort();
    tr.close();
    await settled();
    expect(raw.sent).toEqual([]);
    expect(tr.get_write_buffer_size()).toBe(0);
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('abort() after close() drops the data close() was flushing', async () => {
    const { tr, proto, raw } = await connect();
    raw.stall();
    tr.write(b('never sent'));
    tr.close();
    tr.abort();
    await settled();
    expect(raw.count('destroy')).toBe(1);
    expect(raw.sent).toEqual([]);
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('connection_lost runs only after the host stream was closed or destroyed, whatever ended it', async () => {
    const seen: boolean[] = [];
    const ended = (raw: () => ScriptedStream) => (_exc: Error | null) => {
      const r = raw();
      seen.push(r.closed || r.count('close') + r.count('destroy') > 0);
    };
    for (const end of ['close', 'abort', 'eof', 'reset'] as const) {
      const proto = new Recorder();
      const { tr, raw } = await connect(proto);
      proto.on_lost = ended(() => raw);
      if (end === 'close') tr.close();
      if (end === 'abort') tr.abort();
      if (end === 'eof') raw.feed_eof();
      if (end === 'reset') raw.reset();
      await settled();
      expect(proto.count(`lost:${end === 'reset' ? 'ConnectionResetError' : 'null'}`)).toBe(1);
    }
    expect(seen).toEqual([true, true, true, true]);
  });

  it('is_closing() is false while open, and true after close(), abort() or a reset', async () => {
    const one = await connect();
    expect(one.tr.is_closing()).toBe(false);
    one.tr.close();
    expect(one.tr.is_closing()).toBe(true);
    const two = await connect();
    two.tr.abort();
    expect(two.tr.is_closing()).toBe(true);
    const three = await connect();
    three.raw.reset();
    await settled();
    expect(three.tr.is_closing()).toBe(true);
  });
});

describe('errors from the host', () => {
  it('a reset calls connection_lost(ConnectionResetError) once, and is not reported outside debug mode', async () => {
    loop.set_debug(false); // also under TROLLIUSDEBUG=1
    const errors = capture_exceptions(loop);
    const records = capture_log();
    const { proto, raw } = await connect();
    const err = new ConnectionResetError(104, 'Connection reset by peer', { code: 'ECONNRESET' });
    raw.reset(err);
    await settled();
    expect(proto.events).toEqual(['made', 'lost:ConnectionResetError']);
    expect(proto.lost_exc).toBe(err);
    expect(errors).toEqual([]);
    expect(fatal_records(records)).toEqual([]);
  });

  it('in debug mode a reset is logged at DEBUG level, still not sent to the exception handler', async () => {
    const errors = capture_exceptions(loop);
    loop.set_debug(true);
    const records = capture_log();
    const { raw } = await connect();
    raw.reset();
    await settled();
    const fatal = fatal_records(records);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.level).toBe(logging.DEBUG);
    expect(fatal[0]!.message).toMatch(/Fatal error on socket transport$/);
    expect(fatal[0]!.exc_info).toBeInstanceOf(ConnectionResetError);
    expect(errors).toEqual([]);
  });

  it("any other host error goes to the exception handler as 'Fatal error on socket transport', then connection_lost(exc)", async () => {
    const errors = capture_exceptions(loop);
    const { tr, proto, raw } = await connect();
    const err = new OSError(110, 'Connection timed out', { code: 'ETIMEDOUT' });
    raw.reset(err);
    await settled();
    expect(proto.events).toEqual(['made', 'lost:OSError']);
    expect(proto.lost_exc).toBe(err);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'Fatal error on socket transport',
      exception: err,
      transport: tr,
      protocol: proto,
    });
  });

  it('a failed send (EPIPE) ends the connection with connection_lost(BrokenPipeError), quietly', async () => {
    const errors = capture_exceptions(loop);
    const { tr, proto, raw } = await connect();
    raw.fail_writes();
    tr.write(b('into the void'));
    await settled();
    expect(proto.events).toEqual(['made', 'lost:BrokenPipeError']);
    expect(proto.lost_exc).toBeInstanceOf(BrokenPipeError);
    expect(errors).toEqual([]);
  });

  it('a reset while close() is flushing ends with connection_lost(ConnectionResetError), once', async () => {
    const { tr, proto, raw } = await connect();
    raw.stall();
    tr.write(b('stuck'));
    tr.close();
    await settled();
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:ConnectionResetError']);
  });

  it('a reset while writing is paused: connection_lost(exc), and no resume_writing() afterwards', async () => {
    const { tr, proto, raw } = await connect();
    tr.set_write_buffer_limits(10);
    raw.stall();
    tr.write(new Uint8Array(100));
    expect(proto.events).toEqual(['made', 'pause']);
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'pause', 'lost:ConnectionResetError']);
    expect(tr.get_write_buffer_size()).toBe(0);
  });

  it('a reset while the protocol paused reading drops the held data: connection_lost(exc) once', async () => {
    const { tr, proto, raw } = await connect();
    proto.on_data = () => tr.pause_reading();
    raw.feed_together(b('a'), b('b'));
    await settled();
    expect(proto.events).toEqual(['made', 'data:a']);
    raw.reset();
    await settled();
    expect(proto.events).toEqual(['made', 'data:a', 'lost:ConnectionResetError']);
  });

  it('a clean close by the peer while reading is paused: the held data and EOF come after resume_reading(), then connection_lost(null)', async () => {
    const { tr, proto, raw } = await connect();
    proto.on_data = (data) => {
      if (s(data) === 'a') tr.pause_reading();
    };
    raw.feed_together(b('a'), b('b'), 'eof', 'close');
    await settled();
    expect(proto.events).toEqual(['made', 'data:a']);
    expect(tr.is_closing()).toBe(false);
    tr.resume_reading();
    await settled();
    expect(proto.events).toEqual(['made', 'data:a', 'data:b', 'eof', 'lost:null']);
  });
});

describe('servers and streams over the seam', () => {
  /** create_server() on the scripted host; `protos` gets each accepted connection's protocol. */
  async function serve(protos: Recorder[]): Promise<[Server, number]> {
    const server = await loop.run_until_complete(
      loop.create_server(
        () => {
          const proto = new Recorder();
          protos.push(proto);
          return proto;
        },
        '127.0.0.1',
        0,
      ),
    );
    const [, port] = server.sockets[0]!.getsockname() as [string, number];
    return [server, port];
  }

  it('create_server() listens through Platform.listen_stream; each accepted stream gets its own protocol and transport', async () => {
    const accepted: Recorder[] = [];
    const [server, port] = await serve(accepted);
    expect(platform.listen_calls).toHaveLength(1);
    expect(platform.listen_calls[0]).toMatchObject({ host: '127.0.0.1', port: 0 });
    expect(port).not.toBe(0);
    const client = new Recorder();
    const [ctr] = await loop.run_until_complete(
      loop.create_connection(() => client, '127.0.0.1', port),
    );
    await settled();
    expect(accepted).toHaveLength(1);
    const peer = accepted[0]!;
    expect(peer.events).toEqual(['made']);
    const str = peer.transport!;
    expect(str).toBeInstanceOf(Transport);
    expect(str.get_extra_info('peername')).toEqual(ctr.get_extra_info('sockname'));
    expect(ctr.get_extra_info('peername')).toEqual(['127.0.0.1', port]);

    ctr.write(b('ping'));
    await settled();
    str.write(b('pong'));
    await settled();
    expect(peer.events).toEqual(['made', 'data:ping']);
    expect(client.events).toEqual(['made', 'data:pong']);

    // The client closes: the server side sees EOF, closes too; each is lost once.
    ctr.close();
    await settled();
    expect(peer.events).toEqual(['made', 'data:ping', 'eof', 'lost:null']);
    expect(client.events).toEqual(['made', 'data:pong', 'lost:null']);
    server.close();
    expect(platform.servers[0]!.closed).toBe(true);
  });

  it("Server.wait_closed() waits for the accepted connection's connection_lost", async () => {
    const accepted: Recorder[] = [];
    const [server, port] = await serve(accepted);
    const [ctr] = await loop.run_until_complete(
      loop.create_connection(() => new Recorder(), '127.0.0.1', port),
    );
    await settled();
    server.close();
    const closed = server.wait_closed();
    await settled();
    expect(closed.done()).toBe(false);
    ctr.write_eof(); // the server protocol's eof_received returns false: it closes
    await settled();
    expect(accepted[0]!.events).toEqual(['made', 'eof', 'lost:null']);
    expect(closed.done()).toBe(true);
  });

  it('open_connection(): the reader gets what the host delivers; drain() waits while the host buffer is over the high-water mark', async () => {
    const [reader, writer] = await loop.run_until_complete(
      open_connection('127.0.0.1', PORT, { loop }),
    );
    const raw = platform.streams.at(-1)!;
    raw.feed(b('hello\n'));
    expect(s(await loop.run_until_complete(reader.readline()))).toBe('hello\n');

    raw.stall();
    writer.write(new Uint8Array(70 * 1024));
    const drained = writer.drain();
    await settled();
    expect(drained.done()).toBe(false);
    raw.unstall();
    await settled();
    expect(drained.done()).toBe(true);
    writer.close();
    await loop.run_until_complete(writer.wait_closed());
    expect(raw.count('close')).toBe(1);
  });
});
