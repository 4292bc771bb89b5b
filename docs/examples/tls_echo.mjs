// A TLS echo server and a client that verifies it, with a throwaway CA and certificate made by openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { From, coroutine, open_connection, run, ssl, start_server } from 'trollius';

// A CA and a certificate it signed for "localhost" (a real server has one from a real CA).
const dir = mkdtempSync(path.join(tmpdir(), 'trollius-tls-'));
const file = (name) => path.join(dir, name);
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Example CA');
openssl('req', ...key, '-keyout', 'key.pem', '-out', 'cert.csr', '-subj', '/CN=localhost');
writeFileSync(file('cert.ext'), 'subjectAltName=DNS:localhost\n');
openssl('x509', '-req', '-in', 'cert.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
  '-out', 'cert.pem', '-extfile', 'cert.ext'); // prettier-ignore

const handle_echo = coroutine(function* (reader, writer) {
  writer.write(yield From(reader.readline()));
  yield From(writer.drain());
  writer.close();
});

const main = coroutine(function* () {
  const server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server_ctx.load_cert_chain(file('cert.pem'), file('key.pem'));
  const server = yield From(start_server(handle_echo, '127.0.0.1', 0, { ssl: server_ctx }));
  const port = server.sockets[0].getsockname()[1];

  // Clients verify the certificate and the host name by default, as Python's default context does.
  const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: file('ca.pem') });
  const [reader, writer] = yield From(
    open_connection('127.0.0.1', port, { ssl: ctx, server_hostname: 'localhost' }),
  );
  console.log(writer.get_extra_info('cipher')); // [ 'TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256 ]
  writer.write(new TextEncoder().encode('hello over TLS\n'));
  console.log(new TextDecoder().decode(yield From(reader.readline())).trim()); // hello over TLS
  writer.close();
  yield From(writer.wait_closed());
  server.close();
  yield From(server.wait_closed());
});

try {
  await run(main());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
