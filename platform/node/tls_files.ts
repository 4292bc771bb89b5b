// Node backend: the SSLContext file loader (load_cert_chain / load_verify_locations / set_ciphers read and check at the call) and the CA certificates a context trusts.
//
// Usage: loading this file installs the loader in src/ssl.ts; tls.ts builds secure contexts with ca_of() and read_file().

import fs from 'node:fs';
import path from 'node:path';

import { SSLError } from '../../src/os_errors.js';
import { _install_ssl_file_loader, type SSLContext, type SSLFileLoader } from '../../src/ssl.js';

import { node_crypto, node_tls } from './builtins.js';
import { map_error } from './errors.js';
import { map_tls_error } from './tls_errors.js';

export function read_file(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw map_error(err);
  }
}

function der_to_pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Split DER bytes into the certificates they hold, one after another (Python's
 * `cadata` bytes); `null` when they are not a sequence of whole DER records.
 */
function der_certificates(der: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < der.length) {
    if (der[at] !== 0x30 || at + 2 > der.length) return null; // not a SEQUENCE
    let length = der[at + 1]!;
    let header = 2;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes === 0 || bytes > 4 || at + 2 + bytes > der.length) return null;
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + der[at + 2 + i]!;
      header += bytes;
    }
    const end = at + header + length;
    if (end > der.length) return null;
    out.push(der.subarray(at, end));
    at = end;
  }
  return out.length > 0 ? out : null;
}

/** The PEM certificate blocks of `text`. */
function pem_certificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** Throw the mapped OpenSSL error if `cert` (PEM or DER) does not parse as a certificate. */
function check_certificate(cert: string | Uint8Array): void {
  const { X509Certificate } = node_crypto();
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw map_tls_error(err);
  }
}

/** Python's `SSLError` when `cadata` holds no certificate: `<why>: cadata does not contain a certificate`. */
function no_cadata_certificate(why: string): SSLError {
  return new SSLError(0, `${why}: cadata does not contain a certificate`, {
    library: null,
    reason: null,
  });
}

/**
 * The loader `SSLContext` calls at `load_cert_chain` / `load_verify_locations`
 * / `set_ciphers`: read the files now and check them with OpenSSL, so that a
 * missing or broken file fails the call (Python's classes: `FileNotFoundError`
 * and the other `OSError`s of reading, `SSLError` for what does not parse).
 */
const node_file_loader: SSLFileLoader = {
  load_cert_chain(certfile, keyfile, password) {
    const cert = read_file(certfile);
    const key = keyfile === null ? cert : read_file(keyfile);
    try {
      // Parses both and checks that the key belongs to the certificate.
      node_tls().createSecureContext(
        password === null ? { cert, key } : { cert, key, passphrase: password },
      );
    } catch (err) {
      throw map_tls_error(err);
    }
    return { cert, key };
  },
  load_cafile(cafile) {
    const data = read_file(cafile);
    const blocks = pem_certificates(data.toString('latin1'));
    if (blocks.length === 0) {
      throw new SSLError(136, '[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found', {
        library: 'X509',
        reason: 'NO_CERTIFICATE_OR_CRL_FOUND',
      });
    }
    for (const block of blocks) check_certificate(block);
    return data;
  },
  check_cadata(cadata) {
    if (typeof cadata === 'string') {
      const blocks = pem_certificates(cadata);
      if (blocks.length === 0) throw no_cadata_certificate('no start line');
      for (const block of blocks) check_certificate(block);
    } else {
      const certs = der_certificates(cadata);
      if (certs === null) throw no_cadata_certificate('not enough data');
      for (const cert of certs) check_certificate(cert);
    }
  },
  check_ciphers(ciphers) {
    try {
      node_tls().createSecureContext({ ciphers });
    } catch (err) {
      throw new SSLError('No cipher can be selected.', {
        cause: err,
        code: (err as { code?: string }).code,
      });
    }
  },
};

_install_ssl_file_loader(node_file_loader);

/** A capath entry as a CA certificate, if it is a readable file holding one (OpenSSL skips the rest). */
function capath_certificate(file: string): string | null {
  try {
    if (!fs.statSync(file).isFile()) return null;
    const text = fs.readFileSync(file, 'latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? text : null;
  } catch {
    return null;
  }
}

/** The names in a capath directory; none if it is missing (Python's capath is looked in lazily). */
function capath_entries(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The CA certificates `ctx` trusts, or `undefined` for Node's bundled root store alone. */
export function ca_of(ctx: SSLContext): Array<string | Buffer> | undefined {
  const ca: Array<string | Buffer> = [];
  ctx._cafiles.forEach((file, i) => {
    const data = ctx._cafile_data[i];
    ca.push(data !== null && data !== undefined ? Buffer.from(data) : read_file(file));
  });
  for (const dir of ctx._capaths) {
    for (const name of capath_entries(dir)) {
      const text = capath_certificate(path.join(dir, name));
      if (text !== null) ca.push(text);
    }
  }
  for (const data of ctx._cadata) {
    if (typeof data === 'string') ca.push(data);
    else for (const der of der_certificates(data) ?? [data]) ca.push(der_to_pem(der));
  }
  if (ctx._default_verify_paths) {
    if (ca.length === 0) return undefined;
    ca.push(...node_tls().rootCertificates);
  }
  // An empty list trusts nothing, as an OpenSSL context without CA certificates.
  return ca;
}
