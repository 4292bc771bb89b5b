// TLS certificates for loopback tests, made by openssl at test time (as test/node/tls.test.ts makes them), and the SSLContexts that use them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { SSLContext, create_default_context, ssl } from '../../src/ssl.js';

/** A test CA, a server certificate it signed, a self-signed one, and contexts over them. */
export interface TestCertificates {
  /** A server context with the CA-signed certificate for `localhost` and `127.0.0.1`. */
  server_context(): SSLContext;
  /** A server context with a self-signed certificate no client here trusts. */
  untrusted_server_context(): SSLContext;
  /** A verifying client context that trusts the test CA only. */
  client_context(): SSLContext;
  /** The files of the CA-signed server certificate and its key (for host TLS servers). */
  readonly server_cert: string;
  readonly server_key: string;
  /** Delete the files. */
  remove(): void;
}

/** Make the certificates in a fresh temporary directory (call from `beforeAll`). */
export function make_test_certificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-certs-'));
  const f = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/O=Trollius Test/CN=Trollius Test CA'); // prettier-ignore
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(f('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'); // prettier-ignore
  openssl('req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'); // prettier-ignore
  const server = (name: string): SSLContext => {
    const ctx = create_default_context(ssl.Purpose.CLIENT_AUTH);
    ctx.load_cert_chain(f(`${name}.pem`), f(`${name}.key`));
    return ctx;
  };
  return {
    server_context: () => server('server'),
    untrusted_server_context: () => server('self'),
    client_context: () => create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: f('ca.pem') }),
    server_cert: f('server.pem'),
    server_key: f('server.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
