// A TLS echo server and a verifying client, with a throwaway certificate made by openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  From,
  coroutine,
  get_event_loop,
  open_connection,
  ssl,
  start_server,
} from '../dist/trollius.node.mjs';

// A self-signed certificate for "localhost" (a real server has one from a CA).
const dir = mkdtempSync(path.join(tmpdir(), 'trollius-tls-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ],
  { stdio: 'ignore' },
);

const handle_echo = coroutine(function* (reader, writer) {
  const line = yield From(reader.readline());
  writer.write(line);
  yield From(writer.drain());
  writer.close();
});

const main = coroutine(function* () {
  const server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server_ctx.load_cert_chain(cert, key);
  const server = yield From(start_server(handle_echo, '127.0.0.1', 0, { ssl: server_ctx }));
  const port = server.sockets[0].getsockname()[1];

  // The client verifies the certificate and the host name, as Python's default context does.
  const client_ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: cert });
  const [reader, writer] = yield From(
    open_connection('127.0.0.1', port, { ssl: client_ctx, server_hostname: 'localhost' }),
  );
  console.log('cipher:', writer.get_extra_info('cipher'));
  console.log('peer:', JSON.stringify(writer.get_extra_info('peercert').subject));
  writer.write(new TextEncoder().encode('hello over TLS\n'));
  console.log('echo:', new TextDecoder().decode(yield From(reader.readline())).trim());
  writer.close();
  server.close();
  yield From(server.wait_closed());
});

try {
  await get_event_loop().run_until_complete(main());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
