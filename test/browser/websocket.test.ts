// WebSocket streams from a Chromium page to Node trollius servers (start_server({websocket: true})): echo, abnormal close, refused handshake.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type * as Trollius from '../../src/index.js';
import { import_node_esm } from '../support/bundles.js';
import { launch_chromium } from '../support/chromium.js';
import { run_page } from '../support/pages.js';
import { start_static_server, type StaticServer } from '../support/static_server.js';

let server: StaticServer | undefined;
let browser: Browser | undefined;
let T: typeof Trollius;
let loop: Trollius.BaseEventLoop;
let running: Promise<void> | undefined;
const servers: Trollius.Server[] = [];

function port_of(s: Trollius.Server): number {
  return (s.sockets![0]!.getsockname() as [string, number])[1];
}

beforeAll(async () => {
  T = (await import_node_esm()) as unknown as typeof Trollius;
  server = await start_static_server();
  browser = await launch_chromium();
  loop = T.new_event_loop() as Trollius.BaseEventLoop;
});

afterAll(async () => {
  for (const s of servers) s.close();
  if (running !== undefined) {
    loop.stop();
    await running;
  }
  loop.close();
  await browser?.close();
  await server?.close();
});

describe('WebSocket streams between Chromium and a Node trollius server', () => {
  it('echoes lines, gives ConnectionResetError on an abnormal close, ConnectionRefusedError when nobody listens', async () => {
    const { From, coroutine } = T;
    const echo = coroutine(function* (
      reader: Trollius.StreamReader,
      writer: Trollius.StreamWriter,
    ) {
      for (;;) {
        const line: Uint8Array = yield* From(reader.readline());
        if (line.length === 0) break;
        writer.write(line);
        yield From(writer.drain());
      }
      writer.close();
    });
    // Terminates the TCP connection without a closing handshake: the page sees 1006.
    const abort = coroutine(function* (
      _reader: Trollius.StreamReader,
      writer: Trollius.StreamWriter,
    ) {
      yield From(T.sleep(0.05));
      writer.transport.abort();
    });
    const start = (cb: Trollius.ClientConnectedCallback, path: string | null) =>
      T.start_server(cb, '127.0.0.1', 0, { websocket: { path }, loop });
    const echo_server = await loop.run_until_complete(start(echo, '/echo'));
    const abort_server = await loop.run_until_complete(start(abort, null));
    const closed_server = await loop.run_until_complete(start(echo, null));
    servers.push(echo_server, abort_server);
    const closed_port = port_of(closed_server);
    closed_server.close();
    running = loop.run_forever();

    const query = `echo=${port_of(echo_server)}&abort=${port_of(abort_server)}&closed=${closed_port}`;
    const { outcome, problems } = await run_page<Record<string, unknown>>(
      browser!,
      `${server!.url}/pages/websocket.html?${query}`,
      // Chromium logs the refused handshake itself.
      { allow: [/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/' failed/] },
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    const r = outcome.results;
    expect(r['echo']).toEqual(['hello from chromium\n', 'second line\n']);
    expect(r['url']).toBe(`ws://127.0.0.1:${port_of(echo_server)}/echo`);
    expect(r['can_write_eof']).toBe(false);
    expect(r['closed_cleanly']).toBe(true);
    expect(r['abort']).toEqual([
      'ConnectionResetError',
      true,
      '[Errno 104] WebSocket closed with code 1006 (abnormal closure)',
    ]);
    expect(r['refused']).toEqual(['ConnectionRefusedError', true]);
  });
});
