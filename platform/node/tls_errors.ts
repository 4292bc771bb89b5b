// Node backend: Node's TLS errors -> Python's ssl errors (SSLCertVerificationError with verify_code, SSLError with library and reason).
//
// Usage: tls.ts, tls_files.ts and websocket.ts map what Node's tls module throws.

import net from 'node:net';

import { SSLCertVerificationError, SSLError } from '../../src/os_errors.js';

import { map_error } from './errors.js';

/** OpenSSL's X509_V_ERR codes and texts (what Python puts in verify_code / verify_message), by Node's code. */
const VERIFY_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  UNABLE_TO_GET_ISSUER_CERT: [2, 'unable to get issuer certificate'],
  CERT_NOT_YET_VALID: [9, 'certificate is not yet valid'],
  CERT_HAS_EXPIRED: [10, 'certificate has expired'],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, 'self-signed certificate'],
  SELF_SIGNED_CERT_IN_CHAIN: [19, 'self-signed certificate in certificate chain'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, 'unable to get local issuer certificate'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [21, 'unable to verify the first certificate'],
  CERT_REVOKED: [23, 'certificate revoked'],
  INVALID_CA: [24, 'invalid CA certificate'],
  CERT_UNTRUSTED: [27, 'certificate not trusted'],
  CERT_REJECTED: [28, 'certificate rejected'],
};

function verify_error(
  code: string,
  verify_code: number,
  verify_message: string,
  cause: unknown,
): SSLError {
  return new SSLCertVerificationError(
    1,
    `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${verify_message}`,
    {
      code,
      cause,
      library: 'SSL routines',
      reason: 'CERTIFICATE_VERIFY_FAILED',
      verify_code,
      verify_message,
    },
  );
}

/**
 * Map a Node TLS error to Python's ssl errors: verification failures to
 * `SSLCertVerificationError` (with `verify_code`/`verify_message`), OpenSSL
 * errors (`ERR_SSL_*`) to `SSLError` with `library`/`reason`, anything else
 * through `map_error`. The Node error is the `cause`.
 */
export function map_tls_error(err: unknown, server_hostname: string | null = null): Error {
  const e = err as { code?: unknown; reason?: unknown; library?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (Object.hasOwn(VERIFY_ERRORS, code)) {
    const [verify_code, verify_message] = VERIFY_ERRORS[code]!;
    return verify_error(code, verify_code, verify_message, err);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const host = server_hostname ?? (err as { host?: string }).host ?? '';
    const ip = net.isIP(host) !== 0;
    return verify_error(
      code,
      ip ? 64 : 62,
      `${ip ? 'IP address' : 'Hostname'} mismatch, certificate is not valid for '${host}'.`,
      err,
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_')) {
    const reason = typeof e.reason === 'string' ? e.reason : String(e.message);
    let name = code.replace(/^ERR_O?SSL_/, '');
    // Python names the OpenSSL library first: [X509: KEY_VALUES_MISMATCH], [PEM: NO_START_LINE].
    let lib = 'SSL';
    const library_word =
      typeof e.library === 'string' ? e.library.split(' ')[0]!.toUpperCase() : '';
    if (code.startsWith('ERR_OSSL_') && library_word !== '') {
      lib = library_word;
      if (name.startsWith(`${lib}_`)) name = name.slice(lib.length + 1);
    }
    return new SSLError(1, `[${lib}: ${name}] ${reason}`, {
      code,
      cause: err,
      library: typeof e.library === 'string' ? e.library : null,
      reason: name,
    });
  }
  return map_error(err);
}

/** Whether `err` (from a connection Node opened itself) failed the TLS handshake or verification. */
export function is_tls_error(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    Object.hasOwn(VERIFY_ERRORS, code) ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_OSSL_')
  );
}
