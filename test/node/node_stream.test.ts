// The Node backend's RawStream over a Node stream: what the stream did before the core started it is not lost.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { _NodeStream } from '../../platform/node/stream.js';
import { NO_RECEIVER } from '../../src/platform.js';

describe('_NodeStream', () => {
  // A TLS server socket can read its peer's EOF between the handshake and the core taking it over.
  it('delivers an end that came before start(), then the close', async () => {
    const stream = new PassThrough();
    const raw = new _NodeStream(stream, {});
    stream.end();
    stream.resume();
    await once(stream, 'close');
    const events: string[] = [];
    raw.receiver = {
      ...NO_RECEIVER,
      _on_raw_eof: () => events.push('eof'),
      _on_raw_close: (err) => events.push(`close ${String(err)}`),
    };
    raw.start();
    expect(events).toEqual(['eof', 'close null']);
  });

  it('delivers an end after start() once, as it happens', async () => {
    const stream = new PassThrough();
    const raw = new _NodeStream(stream, {});
    const events: string[] = [];
    raw.receiver = { ...NO_RECEIVER, _on_raw_eof: () => events.push('eof') };
    raw.start();
    stream.end();
    raw.resume_reading();
    await once(stream, 'end');
    expect(events).toEqual(['eof']);
  });
});
