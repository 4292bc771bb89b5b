// MessagePort transports (src/message_port.ts): a worker_threads round trip, transfer without copy, close and abort reaching the other end.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { From, coroutine } from '../../src/coroutines.js';
import { set_event_loop } from '../../src/event_loop_policy.js';
import { RuntimeError } from '../../src/exceptions.js';
import { gather } from '../../src/task_helpers.js';
import { accept_parent_port, connect_worker, open_message_port } from '../../src/message_port.js';
import { _transferable_buffer } from '../../src/message_port_stream.js';
import { ConnectionResetError } from '../../src/os_errors.js';
import type { StreamReader, StreamWriter } from '../../src/streams.js';
import { RecordingProtocol, b, run, s } from '../support/net.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
  set_event_loop(loop);
});
afterEach(() => {
  set_event_loop(null);
  if (!loop.is_running()) loop.close();
});

describe('open_message_port with a worker_threads Worker', () => {
  it('round-trips lines through a trollius coroutine in the worker (connect_worker / accept_parent_port)', async () => {
    const worker = new Worker(path.join(fixtures, 'ok.message_port_echo.mjs'));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    try {
      const main = coroutine(function* () {
        const [reader, writer] = yield* From(open_message_port(connect_worker(worker)));
        const replies: string[] = [];
        for (const word of ['hello', 'worker', 'bye']) {
          writer.write(b(`${word}\n`));
          replies.push(s(yield* From(reader.readline())));
        }
        writer.write_eof();
        const rest: Uint8Array = yield* From(reader.read());
        yield From(writer.wait_closed());
        return [replies, rest.length, writer.is_closing()];
      });
      expect(await run(loop, main())).toEqual([['HELLO\n', 'WORKER\n', 'BYE\n'], 0, true]);
      expect(await exited).toBe(0);
    } finally {
      await worker.terminate();
    }
  });
});

describe('MessagePort transports in one thread', () => {
  it('keeps a second port sent before the worker asks for it (two connect_worker calls in a row)', async () => {
    const worker = new Worker(path.join(fixtures, 'ok.message_port_two_ports.mjs'));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    try {
      const talk = coroutine(function* (port: ReturnType<typeof connect_worker>, text: string) {
        const [reader, writer] = yield* From(open_message_port(port));
        writer.write(b(`${text}\n`));
        return s(yield* From(reader.read()));
      });
      const a = connect_worker(worker);
      const c = connect_worker(worker);
      const replies = await run(loop, gather(talk(a, 'a'), talk(c, 'c'), { loop }));
      expect(replies).toEqual(['first got a\n', 'second got c\n']);
      expect(await exited).toBe(0);
    } finally {
      await worker.terminate();
    }
  });

  it('transfers a whole ArrayBuffer without a copy, and copies a view on a larger buffer', () => {
    const whole = new Uint8Array(8);
    expect(_transferable_buffer(whole)).toBe(whole.buffer);
    const big = new Uint8Array(16);
    const view = big.subarray(4, 8);
    view.set([1, 2, 3, 4]);
    const copy = _transferable_buffer(view);
    expect(copy).not.toBe(big.buffer);
    expect([...new Uint8Array(copy)]).toEqual([1, 2, 3, 4]);
  });

  it('write() detaches a whole buffer, and the bytes arrive intact', async () => {
    const { port1, port2 } = new MessageChannel();
    const main = coroutine(function* () {
      const [, w1] = yield* From(open_message_port(port1));
      const [r2, w2]: [StreamReader, StreamWriter] = yield* From(open_message_port(port2));
      const data = b('no copy');
      w1.write(data);
      expect(data.byteLength).toBe(0); // transferred
      w1.write(Buffer.from('pooled')); // a view on Node's Buffer pool: copied
      const got: Uint8Array = yield* From(r2.readexactly(13));
      w1.close();
      const eof: Uint8Array = yield* From(r2.read());
      yield From(w2.wait_closed());
      return [s(got), eof.length];
    });
    expect(await run(loop, main())).toEqual(['no copypooled', 0]);
  });

  it('close() on one end gives eof_received then connection_lost(null) on the other', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = new RecordingProtocol(loop);
    const z = new RecordingProtocol(loop);
    const [ta] = await run(
      loop,
      loop.connect_message_port(() => a, port1),
    );
    await run(
      loop,
      loop.connect_message_port(() => z, port2),
    );
    ta.write(b('x'));
    ta.close();
    expect(await run(loop, z.lost)).toBeNull();
    expect(await run(loop, a.lost)).toBeNull();
    expect(z.events).toEqual(['made', 'data', 'eof', 'lost']);
  });

  it('abort() on one end gives ConnectionResetError on the other', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = new RecordingProtocol(loop);
    const z = new RecordingProtocol(loop);
    const [ta] = await run(
      loop,
      loop.connect_message_port(() => a, port1),
    );
    await run(
      loop,
      loop.connect_message_port(() => z, port2),
    );
    ta.abort();
    expect(await run(loop, z.lost)).toBeInstanceOf(ConnectionResetError);
  });

  it('holds data while reading is paused and delivers it in order on resume', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = new RecordingProtocol(loop);
    const z = new RecordingProtocol(loop);
    const [ta] = await run(
      loop,
      loop.connect_message_port(() => a, port1),
    );
    const [tz] = await run(
      loop,
      loop.connect_message_port(() => z, port2),
    );
    tz.pause_reading();
    ta.write(b('1'));
    ta.write(b('2'));
    ta.close();
    await run(loop, a.lost);
    expect(z.chunks).toEqual([]);
    tz.resume_reading();
    await run(loop, z.lost);
    expect(s(z.data)).toBe('12');
  });

  it('checks its arguments at the call', () => {
    expect(() => loop.connect_message_port(() => new RecordingProtocol(loop), {})).toThrow(
      /port must be a MessagePort/,
    );
    expect(() => accept_parent_port({ loop })).toThrow(RuntimeError);
    expect(() => connect_worker({} as never)).toThrow(/worker must be a Worker/);
  });
});
