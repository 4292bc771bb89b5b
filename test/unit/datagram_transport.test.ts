// The datagram transport driven through the Platform seam alone (scripted RawDatagrams): asyncio's SelectorDatagramTransportTests cases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { BaseEventLoop } from '../../src/base_events.js';
import {
  BaseTransport,
  ConnectionRefusedError,
  DatagramProtocol,
  DatagramTransport,
  OSError,
  Transport,
  ValueError,
  logger,
  logging,
  socket,
  type LogRecord,
  type SockAddr,
} from '../../src/index.js';
import { b, s } from '../support/net.js';
import type { ScriptedDatagram } from '../support/raw_pairs.js';
import {
  close_scripted_loop,
  scripted_loop,
  settle,
  type ScriptedPlatform,
} from '../support/scripted_platform.js';
import { capture_exceptions } from '../support/test_loop.js';

const LOCAL: [string, number] = ['127.0.0.1', 5353];
const REMOTE: [string, number] = ['127.0.0.1', 9];
const OTHER: [string, number] = ['127.0.0.1', 7777];

let platform: ScriptedPlatform;
let loop: BaseEventLoop;

beforeEach(() => ({ platform, loop } = scripted_loop()));
afterEach(() => close_scripted_loop(loop));

/** The flow-control methods the datagram transport has besides DatagramTransport's (asyncio's _FlowControlMixin). */
type WithLimits = DatagramTransport & {
  set_write_buffer_limits(high?: number | null, low?: number | null): void;
  get_write_buffer_limits(): [low: number, high: number];
};

/** Records each protocol call: `made`, `dgram:<text>@<port>`, `error:<Class>`, `pause`, `resume`, `lost:<null|Class>`. */
class Recorder extends DatagramProtocol {
  events: string[] = [];
  transport: DatagramTransport | null = null;
  errors: Error[] = [];
  lost_exc: Error | null | undefined = undefined;
  on_lost: ((exc: Error | null) => void) | null = null;

  override connection_made(transport: BaseTransport): void {
    this.transport = transport as DatagramTransport;
    this.events.push('made');
  }

  override datagram_received(data: Uint8Array, addr: SockAddr): void {
    this.events.push(`dgram:${s(data)}@${(addr as [string, number])[1]}`);
  }

  override error_received(exc: Error): void {
    this.errors.push(exc);
    this.events.push(`error:${exc.constructor.name}`);
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

interface Endpoint {
  tr: WithLimits;
  proto: Recorder;
  raw: ScriptedDatagram;
}

/** create_datagram_endpoint() bound to LOCAL, or connected to REMOTE. */
async function endpoint(
  kind: 'bound' | 'connected' = 'bound',
  proto: Recorder = new Recorder(),
): Promise<Endpoint> {
  const options = kind === 'bound' ? { local_addr: LOCAL } : { remote_addr: REMOTE };
  const [tr] = await loop.run_until_complete(loop.create_datagram_endpoint(() => proto, options));
  return { tr: tr as WithLimits, proto, raw: platform.datagrams.at(-1)! };
}

function settled(): Promise<void> {
  return settle(loop, platform);
}

function refused(): ConnectionRefusedError {
  return new ConnectionRefusedError(111, 'Connection refused', { code: 'ECONNREFUSED' });
}

describe('create_datagram_endpoint through the seam', () => {
  it('opens the socket through Platform.open_datagram and resolves after connection_made', async () => {
    const { tr, proto, raw } = await endpoint();
    expect(platform.datagram_calls).toHaveLength(1);
    expect(platform.datagram_calls[0]).toMatchObject({
      family: socket.AF_INET,
      local_addr: LOCAL,
      remote_addr: null,
      reuse_port: false,
      allow_broadcast: false,
    });
    expect(proto.events).toEqual(['made']);
    expect(proto.transport).toBe(tr);
    expect(raw.calls).toEqual(['start']);
    expect(tr.is_closing()).toBe(false);
    expect(tr.get_protocol()).toBe(proto);
  });

  it("the transport is a DatagramTransport and a BaseTransport (and a Transport, as asyncio's selector one is)", async () => {
    const { tr } = await endpoint();
    expect(tr).toBeInstanceOf(DatagramTransport);
    expect(tr).toBeInstanceOf(BaseTransport);
    expect(tr).toBeInstanceOf(Transport);
  });

  it("get_extra_info() reads the host socket's extra: sockname, peername, socket", async () => {
    const bound = await endpoint();
    expect(bound.tr.get_extra_info('sockname')).toEqual(LOCAL);
    expect(bound.tr.get_extra_info('peername')).toBeNull();
    expect(bound.tr.get_extra_info('socket')).toBe(bound.raw);
    expect(bound.tr.get_extra_info('no such key', 42)).toBe(42);
    const connected = await endpoint('connected');
    expect(connected.tr.get_extra_info('peername')).toEqual(REMOTE);
  });

  it('datagrams that reached the host before the transport started arrive after connection_made, in order', async () => {
    platform.on_datagram_open = (raw) => {
      raw.receive(b('first'), OTHER);
      raw.receive(b('second'), OTHER);
    };
    const { proto } = await endpoint();
    await settled();
    expect(proto.events).toEqual(['made', 'dgram:first@7777', 'dgram:second@7777']);
  });
});

describe('receiving', () => {
  it('each datagram becomes one datagram_received(data, addr), in host order', async () => {
    const { proto, raw } = await endpoint();
    raw.receive(b('a'), OTHER);
    raw.receive(b('b'), REMOTE);
    raw.receive(b('c'), OTHER);
    await settled();
    expect(proto.events).toEqual(['made', 'dgram:a@7777', 'dgram:b@9', 'dgram:c@7777']);
  });

  it('a receive error goes to error_received() and the transport stays open (TR-6)', async () => {
    const errors = capture_exceptions(loop);
    const { tr, proto, raw } = await endpoint();
    const err = refused();
    raw.receive_error(err);
    raw.receive(b('still here'), OTHER);
    await settled();
    expect(proto.events).toEqual(['made', 'error:ConnectionRefusedError', 'dgram:still here@7777']);
    expect(proto.errors[0]).toBe(err);
    expect(tr.is_closing()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('datagram_received raising goes to the exception handler and closes with connection_lost(exc)', async () => {
    const errors = capture_exceptions(loop);
    const boom = new Error('boom');
    class Broken extends Recorder {
      override datagram_received(data: Uint8Array, addr: SockAddr): void {
        super.datagram_received(data, addr);
        throw boom;
      }
    }
    const { tr, proto, raw } = await endpoint('bound', new Broken());
    raw.receive(b('x'), OTHER);
    raw.receive(b('y'), OTHER);
    await settled();
    expect(proto.events).toEqual(['made', 'dgram:x@7777', 'lost:Error']);
    expect(proto.lost_exc).toBe(boom);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'Fatal error: protocol.datagram_received() call failed.',
      exception: boom,
      transport: tr,
      protocol: proto,
    });
    expect(raw.count('close')).toBe(1);
  });

  it('error_received raising goes to the exception handler and closes with connection_lost(exc)', async () => {
    const errors = capture_exceptions(loop);
    const boom = new Error('boom');
    class Broken extends Recorder {
      override error_received(exc: Error): void {
        super.error_received(exc);
        throw boom;
      }
    }
    const { proto, raw } = await endpoint('bound', new Broken());
    raw.receive_error(refused());
    await settled();
    expect(proto.events).toEqual(['made', 'error:ConnectionRefusedError', 'lost:Error']);
    expect(errors.map((e) => e['message'])).toEqual([
      'Fatal error: protocol.error_received() call failed.',
    ]);
  });
});

describe('sending', () => {
  it('sendto(data, addr) hands the datagram to the host; the write buffer counts it until the host has sent it', async () => {
    const { tr, raw } = await endpoint();
    raw.hold_sends();
    const data = b('hello');
    tr.sendto(data, OTHER);
    expect(raw.sends).toHaveLength(1);
    expect(raw.sends[0]!.data).toBe(data);
    expect(raw.sends[0]!.addr).toEqual(OTHER);
    expect(tr.get_write_buffer_size()).toBe(5);
    tr.sendto(b('abc'), OTHER);
    expect(tr.get_write_buffer_size()).toBe(8);
    raw.complete_sends(null, 1);
    await settled();
    expect(tr.get_write_buffer_size()).toBe(3);
    raw.complete_sends();
    await settled();
    expect(tr.get_write_buffer_size()).toBe(0);
  });

  it('on a connected endpoint sendto() goes to the connected address; another address is a ValueError', async () => {
    const { tr, raw } = await endpoint('connected');
    tr.sendto(b('default'));
    expect(raw.sends.map((x) => [s(x.data), x.addr])).toEqual([['default', null]]);
    tr.sendto(b('same'), REMOTE);
    expect(raw.sends).toHaveLength(2);
    expect(() => tr.sendto(b('elsewhere'), OTHER)).toThrow(
      new ValueError("Invalid address: must be None or ('127.0.0.1', 9)"),
    );
    expect(raw.sends).toHaveLength(2);
  });

  it('sendto() of anything but bytes throws TypeError; empty data is ignored', async () => {
    const { tr, raw } = await endpoint();
    expect(() => tr.sendto('str' as never, OTHER)).toThrow(TypeError);
    expect(() => tr.sendto('str' as never, OTHER)).toThrow(/bytes-like object/);
    tr.sendto(new Uint8Array(0), OTHER);
    expect(raw.sends).toEqual([]);
    expect(tr.get_write_buffer_size()).toBe(0);
  });

  it('a failed send goes to error_received() and the transport stays open (TR-6)', async () => {
    const errors = capture_exceptions(loop);
    const { tr, proto, raw } = await endpoint();
    const err = new OSError(101, 'Network is unreachable', { code: 'ENETUNREACH' });
    raw.fail_sends(err);
    tr.sendto(b('lost'), OTHER);
    await settled();
    expect(proto.events).toEqual(['made', 'error:OSError']);
    expect(proto.errors[0]).toBe(err);
    expect(tr.is_closing()).toBe(false);
    expect(tr.get_write_buffer_size()).toBe(0);
    expect(errors).toEqual([]);
    raw.fail_sends(null);
    tr.sendto(b('fine'), OTHER);
    await settled();
    expect(proto.events).toEqual(['made', 'error:OSError']);
  });

  it('get_write_buffer_limits() is [16384, 65536] by default; high below low is a ValueError', async () => {
    const { tr } = await endpoint();
    expect(tr.get_write_buffer_limits()).toEqual([16384, 65536]);
    tr.set_write_buffer_limits(1000);
    expect(tr.get_write_buffer_limits()).toEqual([250, 1000]);
    expect(() => tr.set_write_buffer_limits(1, 2)).toThrow(
      new ValueError('high (1) must be >= low (2) must be >= 0'),
    );
  });

  it('pause_writing() when the bytes in flight go strictly above high, once; resume_writing() at or below low', async () => {
    const { tr, proto, raw } = await endpoint();
    tr.set_write_buffer_limits(1000); // low 250
    raw.hold_sends();
    tr.sendto(new Uint8Array(500), OTHER);
    tr.sendto(new Uint8Array(500), OTHER);
    expect(proto.events).toEqual(['made']); // 1000 is not above 1000
    tr.sendto(new Uint8Array(200), OTHER);
    expect(proto.events).toEqual(['made', 'pause']);
    tr.sendto(new Uint8Array(200), OTHER);
    expect(proto.events).toEqual(['made', 'pause']);
    raw.complete_sends(null, 2); // 400 left: above low
    await settled();
    expect(tr.get_write_buffer_size()).toBe(400);
    expect(proto.events).toEqual(['made', 'pause']);
    raw.complete_sends(null, 1); // 200 left: at or below low
    await settled();
    expect(proto.events).toEqual(['made', 'pause', 'resume']);
    raw.complete_sends();
    await settled();
    expect(proto.events).toEqual(['made', 'pause', 'resume']);
  });

  it("sendto() after close() is dropped; from the fifth on each logs 'socket.send() raised exception.' (TR-5)", async () => {
    const { tr, raw } = await endpoint('connected');
    tr.close();
    const records: LogRecord[] = [];
    logger.set_handler((record) => records.push(record));
    for (let i = 0; i < 6; i++) tr.sendto(b('late'));
    expect(raw.sends).toEqual([]);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      [logging.WARNING, 'socket.send() raised exception.'],
      [logging.WARNING, 'socket.send() raised exception.'],
    ]);
    expect(tr.get_write_buffer_size()).toBe(0);
  });
});

describe('closing', () => {
  it('close() stops delivery at once, closes the host socket, then calls connection_lost(null) once', async () => {
    const { tr, proto, raw } = await endpoint();
    let closed_at_lost: boolean | null = null;
    proto.on_lost = () => {
      closed_at_lost = raw.closed;
    };
    raw.receive(b('too late'), OTHER);
    tr.close();
    expect(tr.is_closing()).toBe(true);
    expect(proto.events).toEqual(['made']); // never synchronously
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    // The protocol that sees connection_lost() sees a closed socket (asyncio closes it
    // right after, in the same callback).
    expect(closed_at_lost).toBe(true);
    expect(raw.count('close')).toBe(1);
  });

  it('close() with datagrams in flight waits for the host to send them, then calls connection_lost(null)', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.hold_sends();
    tr.sendto(b('in flight'), OTHER);
    tr.close();
    await settled();
    expect(proto.events).toEqual(['made']);
    expect(raw.count('close')).toBe(0);
    raw.complete_sends();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    expect(raw.count('close')).toBe(1);
  });

  it('a send that fails while close() waits for it still reaches error_received(), then connection_lost(null)', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.hold_sends();
    tr.sendto(b('doomed'), OTHER);
    tr.close();
    raw.complete_sends(refused());
    await settled();
    expect(proto.events).toEqual(['made', 'error:ConnectionRefusedError', 'lost:null']);
  });

  it('close() twice, or abort() after close(): connection_lost(null) once', async () => {
    const { tr, proto, raw } = await endpoint();
    tr.close();
    tr.close();
    tr.abort();
    await settled();
    tr.close();
    tr.abort();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    expect(raw.count('close')).toBe(1);
  });

  it('abort() does not wait for the datagrams in flight: connection_lost(null) once, and their outcome is ignored', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.hold_sends();
    tr.sendto(b('in flight'), OTHER);
    tr.abort();
    expect(tr.is_closing()).toBe(true);
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    expect(tr.get_write_buffer_size()).toBe(0);
    raw.complete_sends(refused());
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('abort() while close() waits for datagrams in flight ends it now, with connection_lost(null) once', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.hold_sends();
    tr.sendto(b('in flight'), OTHER);
    tr.close();
    tr.abort();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    raw.complete_sends();
    await settled();
    expect(proto.count('lost:null')).toBe(1);
  });

  it('after close(), receive errors are not reported and datagrams are not delivered', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.hold_sends();
    tr.sendto(b('keeps it open'), OTHER);
    tr.close();
    raw.receive(b('ignored'), OTHER);
    raw.receive_error(refused());
    await settled();
    expect(proto.events).toEqual(['made']);
    raw.complete_sends();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
  });

  it('the host closing the socket by itself calls connection_lost(null) once', async () => {
    const { tr, proto, raw } = await endpoint();
    raw.host_close();
    await settled();
    expect(proto.events).toEqual(['made', 'lost:null']);
    expect(tr.is_closing()).toBe(true);
    tr.close();
    await settled();
    expect(proto.count('lost:null')).toBe(1);
  });
});
