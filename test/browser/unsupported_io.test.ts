// What browsers lack (dist/trollius.browser.mjs in Chromium): each loop method that needs the operating system throws NotImplementedError at the call, naming what to use instead.
import { describe, expect, it } from 'vitest';

import { run_page, use_chromium_pages } from '../support/pages.js';

const pages = use_chromium_pages();

interface Outcome {
  at: 'call' | 'await';
  name: string;
  message?: string;
}

describe('loop methods that need the operating system, in a Chromium page', () => {
  it('refuse with NotImplementedError at the call, before looking at their arguments', async () => {
    const { outcome, problems } = await run_page<Record<string, Outcome>>(
      pages.browser(),
      pages.url('/pages/unsupported_io.html'),
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    const r = outcome.results;

    // The very first I/O call waits for the I/O chunk: its Task fails.
    expect(r.first).toMatchObject({ at: 'await', name: 'NotImplementedError' });

    const refusal = (message: RegExp): Outcome => ({
      at: 'call',
      name: 'NotImplementedError',
      message: expect.stringMatching(message) as unknown as string,
    });
    expect(r.create_server).toEqual(
      refusal(/^create_server\(host, port\) needs listening sockets.*serve from Node/),
    );
    expect(r.create_unix_server).toEqual(
      refusal(/^create_unix_server\(path\) needs listening sockets/),
    );
    expect(r.create_unix_connection).toEqual(
      refusal(/^create_unix_connection\(path\) needs Unix sockets.*WebSocket/),
    );
    expect(r.connect_read_pipe).toEqual(
      refusal(/^connect_read_pipe\(\) needs OS pipes.*connect_message_port/),
    );
    expect(r.connect_write_pipe).toEqual(refusal(/^connect_write_pipe\(\) needs OS pipes/));
    expect(r.create_datagram_endpoint).toEqual(
      refusal(/^create_datagram_endpoint\(\) needs UDP sockets/),
    );
    expect(r.start_tls).toEqual(refusal(/^start_tls\(\) needs a raw TCP socket.*wss:\/\//));
    expect(r.subprocess_exec).toEqual(
      refusal(/^subprocess_exec\(\) \/ create_subprocess_exec\(\) need child processes.*Worker/),
    );
    expect(r.subprocess_shell).toEqual(
      refusal(/^subprocess_shell\(\) \/ create_subprocess_shell\(\) need child processes/),
    );
    expect(r.getaddrinfo).toEqual(
      refusal(/^getaddrinfo\(\) needs the system resolver.*connect by URL/),
    );
    expect(r.getnameinfo).toEqual(refusal(/^getnameinfo\(\) needs the system resolver/));
    expect(r.connect_accepted_socket).toEqual(
      refusal(/^connect_accepted_socket\(factory, sock\) needs sockets of the operating system/),
    );

    // So do the streams and subprocess functions over them.
    expect(r.start_server).toMatchObject({ at: 'call', name: 'NotImplementedError' });
    expect(r.create_subprocess_exec).toMatchObject({ at: 'call', name: 'NotImplementedError' });
  });
});
