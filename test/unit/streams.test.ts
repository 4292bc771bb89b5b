// StreamReaderProtocol and StreamWriter over a fake transport: asyncio's test_streams cases for the protocol and the writer.
import { describe, expect, it } from 'vitest';

import {
  ConnectionResetError,
  Future,
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  set_event_loop,
} from '../../src/index.js';
import { FlowControlMixin } from '../../src/streams.js';
import { b, concat, s } from '../support/net.js';
import { FakeTransport } from '../support/recorders.js';
import { TestLoop, capture_exceptions, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

/** A StreamReader on the test loop. */
function reader(limit?: number): StreamReader {
  return new StreamReader(limit, { loop });
}

/** The result of a Future that must be done already. */
function now<T>(future: Future<T>): T {
  expect(future.done()).toBe(true);
  return future.result();
}

/** The exception of a Future that must have failed already. */
function failure(future: Future<unknown>): unknown {
  expect(future.done()).toBe(true);
  return future.exception();
}

describe('StreamReaderProtocol and StreamWriter', () => {
  function connected(): [StreamReader, StreamReaderProtocol, FakeTransport, StreamWriter] {
    const stream = reader();
    const protocol = new StreamReaderProtocol(stream, null, { loop });
    const transport = new FakeTransport();
    protocol.connection_made(transport);
    return [stream, protocol, transport, new StreamWriter(transport, protocol, stream, loop)];
  }

  it('feeds data and EOF to the reader, and stays half-open on EOF (STR-7)', () => {
    const [stream, protocol] = connected();
    expect(stream._transport).not.toBeNull();
    protocol.data_received(b('abc'));
    expect(protocol.eof_received()).toBe(true);
    expect(s(now(stream.read()))).toBe('abc');
  });

  it('keeps the chunks data_received hands over without copying them, and refuses non-bytes', () => {
    const [stream, protocol] = connected();
    const chunk = b('owned');
    protocol.data_received(chunk);
    // The transport's chunk belongs to the protocol: it is buffered as is.
    expect(stream._chunks[0]).toBe(chunk);
    expect(() => protocol.data_received('abc' as never)).toThrow(TypeError);
    expect(stream._size).toBe(5);
  });

  it('checks the options of StreamReaderProtocol and FlowControlMixin', () => {
    expect(() => new StreamReaderProtocol(reader(), null, { loop, lopp: 1 } as never)).toThrow(
      new TypeError("StreamReaderProtocol() got an unexpected keyword argument 'lopp'"),
    );
    expect(() => new StreamReaderProtocol(reader(), null, { loop: 'x' } as never)).toThrow(
      /StreamReaderProtocol\(\) argument 'loop'/,
    );
    expect(() => new FlowControlMixin({ limit: 1 } as never)).toThrow(
      new TypeError("FlowControlMixin() got an unexpected keyword argument 'limit'"),
    );
    expect(new FlowControlMixin({ loop })._loop).toBe(loop);
  });

  it('connection_lost(exc) sets the exception on the reader; connection_lost(null) feeds EOF', () => {
    const [stream, protocol] = connected();
    const pending = stream.read(5);
    const exc = new ConnectionResetError('reset');
    protocol.connection_lost(exc);
    expect(failure(pending)).toBe(exc);
    const [other, other_protocol] = connected();
    other_protocol.connection_lost(null);
    expect(other.at_eof()).toBe(true);
  });

  it('the writer passes write, writelines, write_eof, close through to the transport', () => {
    const [stream, , transport, writer] = connected();
    writer.write(b('a'));
    writer.writelines([b('b'), b('c')]);
    writer.write_eof();
    expect(writer.can_write_eof()).toBe(true);
    expect(s(concat(transport.written))).toBe('abc');
    expect(writer.transport).toBe(transport);
    expect(writer.get_extra_info('missing', 42)).toBe(42);
    expect(writer.is_closing()).toBe(false);
    writer.close();
    expect(writer.is_closing()).toBe(true);
    expect(String(writer)).toBe(`<StreamWriter transport=${transport} reader=${stream}>`);
  });

  it('drain: done at once, waits while paused, then ConnectionResetError after connection lost (STR-6)', async () => {
    const [, protocol, , writer] = connected();
    expect(writer.drain().done()).toBe(true);
    protocol.pause_writing();
    const waiting = writer.drain();
    const waiting2 = writer.drain();
    expect(waiting.done()).toBe(false);
    protocol.resume_writing();
    expect(waiting.done() && waiting2.done()).toBe(true);
    protocol.pause_writing();
    const lost = writer.drain();
    const exc = new ConnectionResetError('reset');
    protocol.connection_lost(exc);
    expect(failure(lost)).toBe(exc);
    const after = writer.drain();
    // The reader has the exception now: drain raises it first.
    expect(failure(after)).toBe(exc);
  });

  it('drain raises ConnectionResetError("Connection lost") once lost cleanly', () => {
    const [, protocol, , writer] = connected();
    protocol.connection_lost(null);
    const err = failure(writer.drain());
    expect(err).toBeInstanceOf(ConnectionResetError);
    expect((err as Error).message).toBe('Connection lost');
  });

  it('drain on a closing transport yields to the loop once first', async () => {
    const [, protocol, transport, writer] = connected();
    transport.closing = true;
    // As after a fatal error: connection_lost is already scheduled.
    loop.call_soon(() => protocol.connection_lost(null));
    const fut = writer.drain();
    expect(fut.done()).toBe(false);
    await expect(loop.run_until_complete(fut)).rejects.toThrow('Connection lost');
  });

  it('wait_closed resolves at connection_lost, or fails with its error', async () => {
    const [, protocol, , writer] = connected();
    const closed = writer.wait_closed();
    expect(closed.done()).toBe(false);
    protocol.connection_lost(null);
    expect(now(closed)).toBeUndefined();
    expect(writer.wait_closed().done()).toBe(true);
    const [, p2, , w2] = connected();
    p2.connection_lost(new ConnectionResetError('x'));
    expect(failure(w2.wait_closed())).toBeInstanceOf(ConnectionResetError);
  });

  it('calls client_connected_cb from connection_made; a failure is reported and closes the transport', async () => {
    const seen = capture_exceptions(loop);
    const got: unknown[] = [];
    const ok = new StreamReaderProtocol(reader(), (r, w) => got.push(r, w), { loop });
    const t1 = new FakeTransport();
    ok.connection_made(t1);
    expect(got[0]).toBeInstanceOf(StreamReader);
    expect(got[1]).toBeInstanceOf(StreamWriter);
    expect((got[1] as StreamWriter).transport).toBe(t1);

    const bad = new StreamReaderProtocol(
      reader(),
      () => {
        throw new Error('sync boom');
      },
      { loop },
    );
    const t2 = new FakeTransport();
    bad.connection_made(t2);
    expect(seen[0]!['message']).toBe('Unhandled exception in client_connected_cb');
    expect((seen[0]!['exception'] as Error).message).toBe('sync boom');
    expect(t2.calls).toContain('close');
  });

  it('FlowControlMixin is what StreamReaderProtocol builds on', () => {
    expect(new StreamReaderProtocol(reader(), null, { loop })).toBeInstanceOf(FlowControlMixin);
  });
});
