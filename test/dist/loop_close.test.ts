// loop.close() releases every host handle the loop made: a script that leaves transports, servers or children open still ends.
import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/static_server.js';

/** How long a script may take; one that is kept alive by a leaked handle is killed then. */
const SCRIPT_SECONDS = 15;

interface Ended {
  /** `null` when the script was killed for running too long. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `body` (statements inside a coroutine, with `loop`, `t` = trollius and
 * `sleep` in scope) on a loop, then `loop.close()`, in a Node process of its own.
 */
function run_then_close(body: string, { debug = false } = {}): Promise<Ended> {
  const script = `
    import * as t from 'trollius';
    import { MessageChannel } from 'node:worker_threads';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    const loop = t.new_event_loop();
    loop.set_debug(${debug});
    const sleep = (s) => t.sleep(s, null, { loop });
    const main = t.coroutine(function* () { ${body} });
    await loop.run_until_complete(main());
    loop.close();
    console.log('closed');
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      timeout: SCRIPT_SECONDS * 1000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Open, in `body`, something `loop.close()` must release; the script must end on its own. */
const LEFT_OPEN: Record<string, string> = {
  'a TCP server and a connection to it': `
    const server = yield t.From(loop.create_server(() => new t.Protocol(), '127.0.0.1', 0));
    const port = server.sockets[0].getsockname()[1];
    yield t.From(loop.create_connection(() => new t.Protocol(), '127.0.0.1', port));
    yield t.From(sleep(0.05));`,
  'a TCP connection closed while its peer does not read (the flush is pending)': `
    const server = yield t.From(loop.create_server(() => {
      const p = new t.Protocol();
      p.connection_made = (tr) => tr.pause_reading();
      return p;
    }, '127.0.0.1', 0));
    const port = server.sockets[0].getsockname()[1];
    const [tr] = yield t.From(loop.create_connection(() => new t.Protocol(), '127.0.0.1', port));
    tr.write(new Uint8Array(16 * 1024 * 1024));
    tr.close();
    server.close();`,
  'a Unix server and a connection to it': `
    const path = join(tmpdir(), 'trollius-loop-close-' + process.pid + '.sock');
    yield t.From(loop.create_unix_server(() => new t.Protocol(), path));
    yield t.From(loop.create_unix_connection(() => new t.Protocol(), path));
    yield t.From(sleep(0.05));`,
  'a UDP endpoint closed right before loop.close()': `
    const [tr] = yield t.From(loop.create_datagram_endpoint(() => new t.DatagramProtocol(),
      { local_addr: ['127.0.0.1', 0] }));
    tr.close();`,
  'a UDP endpoint aborted right before loop.close()': `
    const [tr] = yield t.From(loop.create_datagram_endpoint(() => new t.DatagramProtocol(),
      { local_addr: ['127.0.0.1', 0] }));
    tr.abort();`,
  'a UDP endpoint never closed': `
    yield t.From(loop.create_datagram_endpoint(() => new t.DatagramProtocol(),
      { local_addr: ['127.0.0.1', 0] }));`,
  'a WebSocket server and a client': `
    const server = yield t.From(t.start_server(() => {}, '127.0.0.1', 0, { websocket: true, loop }));
    const port = server.sockets[0].getsockname()[1];
    yield t.From(t.open_connection('127.0.0.1', port, { websocket: true, loop }));
    yield t.From(sleep(0.05));`,
  'both ends of a MessageChannel': `
    const { port1, port2 } = new MessageChannel();
    yield t.From(t.open_message_port(port1, { loop }));
    yield t.From(t.open_message_port(port2, { loop }));`,
  'a cat child waiting for its stdin': `
    yield t.From(loop.subprocess_exec(() => new t.SubprocessProtocol(), 'cat',
      { stdin: t.subprocess.PIPE, stdout: t.subprocess.PIPE }));`,
  'a child that would sleep for a minute': `
    yield t.From(loop.subprocess_exec(() => new t.SubprocessProtocol(), 'sleep', '60',
      { stdin: t.subprocess.DEVNULL }));`,
  "the worker pool of to_thread()": `
    yield t.From(t.to_thread((x) => x + 1, 1));`,
  'a worker pool made the default executor': `
    loop.set_default_executor(new t.WorkerPoolExecutor({ max_workers: 2 }));
    yield t.From(loop.run_in_executor(null, (x) => x, 1));`,
  'a worker pool the program never shut down (its idle workers do not hold the process)': `
    const pool = new t.WorkerPoolExecutor({ max_workers: 2 });
    yield t.From(Promise.all([pool.submit((x) => x, 1), pool.submit((x) => x, 2)]));`,
};

describe('loop.close() lets the process exit', () => {
  for (const [what, body] of Object.entries(LEFT_OPEN)) {
    it(`with ${what}`, async () => {
      const ended = await run_then_close(body);
      expect(ended.stderr).toBe('');
      expect(ended.stdout).toBe('closed\n');
      expect(ended.status).toBe(0);
    });
  }

  it('reports each transport and server the program never closed, in debug mode', async () => {
    const ended = await run_then_close(LEFT_OPEN['a TCP server and a connection to it']!, {
      debug: true,
    });
    expect(ended.status).toBe(0);
    expect(ended.stderr.match(/unclosed transport <_StreamTransport/g)).toHaveLength(2);
    expect(ended.stderr).toMatch(/unclosed server <Server sockets=/);
  });

  it('says nothing of a transport the program closed itself, in debug mode', async () => {
    const ended = await run_then_close(LEFT_OPEN['a UDP endpoint closed right before loop.close()']!, {
      debug: true,
    });
    expect(ended.status).toBe(0);
    expect(ended.stderr).not.toMatch(/unclosed/);
  });
});
