// Node backend: TLS over connected sockets (tls.connect / tls.Server), SSLContext -> tls options, peercert/cipher extra info, TLS error mapping.
//
// Usage: net.ts upgrades connected and accepted sockets with `tls_client` / `tls_server`.
// @see https://nodejs.org/api/tls.html

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

import { ValueError } from '../../src/exceptions.js';
import {
  ConnectionAbortedError,
  ConnectionResetError,
  SSLCertVerificationError,
  SSLError,
} from '../../src/os_errors.js';
import {
  CERT_NONE,
  CERT_REQUIRED,
  OP_NO_COMPRESSION,
  OP_NO_SSLv3,
  OP_NO_TICKET,
  OP_NO_TLSv1,
  OP_NO_TLSv1_1,
  OP_NO_TLSv1_2,
  OP_NO_TLSv1_3,
  SSLContext,
  TLSVersion,
} from '../../src/ssl.js';
import type { RawStream, StartTlsOptions } from '../../src/platform.js';

import { map_error } from './errors.js';
import { _NodeStream } from './stream.js';

/** asyncio's default `ssl_handshake_timeout` (seconds). */
const HANDSHAKE_TIMEOUT = 60;

const HONOURED_OPTIONS =
  OP_NO_SSLv3 |
  OP_NO_TLSv1 |
  OP_NO_TLSv1_1 |
  OP_NO_TLSv1_2 |
  OP_NO_TLSv1_3 |
  OP_NO_COMPRESSION |
  OP_NO_TICKET;

const VERSIONS: Readonly<Record<number, tls.SecureVersion>> = {
  [TLSVersion.TLSv1]: 'TLSv1',
  [TLSVersion.TLSv1_1]: 'TLSv1.1',
  [TLSVersion.TLSv1_2]: 'TLSv1.2',
  [TLSVersion.TLSv1_3]: 'TLSv1.3',
};

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

/** Python's `getpeercert()` keys for the X.509 name attributes Node abbreviates. */
const NAME_KEYS: Readonly<Record<string, string>> = {
  C: 'countryName',
  ST: 'stateOrProvinceName',
  L: 'localityName',
  O: 'organizationName',
  OU: 'organizationalUnitName',
  CN: 'commonName',
  emailAddress: 'emailAddress',
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
    const name = code.replace(/^ERR_O?SSL_/, '');
    return new SSLError(1, `[SSL: ${name}] ${reason}`, {
      code,
      cause: err,
      library: typeof e.library === 'string' ? e.library : null,
      reason: name,
    });
  }
  return map_error(err);
}

function read_file(file: string): Buffer {
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

/** The CA certificates `ctx` trusts, or `undefined` for Node's bundled root store alone. */
function ca_of(ctx: SSLContext): Array<string | Buffer> | undefined {
  const ca: Array<string | Buffer> = [];
  for (const file of ctx._cafiles) ca.push(read_file(file));
  for (const dir of ctx._capaths) {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!fs.statSync(file).isFile()) continue;
      const text = fs.readFileSync(file, 'latin1');
      if (text.includes('-----BEGIN CERTIFICATE-----')) ca.push(text);
    }
  }
  for (const data of ctx._cadata) ca.push(typeof data === 'string' ? data : der_to_pem(data));
  if (ctx._default_verify_paths) {
    if (ca.length === 0) return undefined;
    ca.push(...tls.rootCertificates);
  }
  // An empty list trusts nothing, as an OpenSSL context without CA certificates.
  return ca;
}

/** The tls options of `ctx` (files are read now: a missing file rejects the connection). */
function secure_options(ctx: SSLContext): tls.SecureContextOptions {
  const options: tls.SecureContextOptions = {
    secureOptions: ctx.options & HONOURED_OPTIONS,
  };
  const ca = ca_of(ctx);
  if (ca !== undefined) options.ca = ca;
  const chain = ctx._cert_chain;
  if (chain !== null) {
    options.cert = read_file(chain.certfile);
    options.key = read_file(chain.keyfile ?? chain.certfile);
    if (chain.password !== null) options.passphrase = chain.password;
  }
  if (ctx._ciphers !== null) options.ciphers = ctx._ciphers;
  const min = VERSIONS[ctx.minimum_version];
  const max = VERSIONS[ctx.maximum_version];
  if (min !== undefined) options.minVersion = min;
  if (max !== undefined) options.maxVersion = max;
  return options;
}

function secure_context(ctx: SSLContext): tls.SecureContext {
  try {
    return tls.createSecureContext(secure_options(ctx));
  } catch (err) {
    throw map_tls_error(err);
  }
}

/** Python's `getpeercert()` name form: `((('commonName', 'x'),), …)` as nested arrays. */
function python_name(name: Record<string, string | string[]> | undefined): string[][][] {
  const out: string[][][] = [];
  if (name === undefined) return out;
  for (const [key, value] of Object.entries(name)) {
    for (const v of Array.isArray(value) ? value : [value]) out.push([[NAME_KEYS[key] ?? key, v]]);
  }
  return out;
}

/** The peer certificate in Python's `getpeercert()` dict shape; `{}` when it was not verified, `null` when none. */
function peercert(socket: tls.TLSSocket, ctx: SSLContext): Record<string, unknown> | null {
  const cert = socket.getPeerCertificate();
  if (cert === null || cert === undefined || Object.keys(cert).length === 0) return null;
  if (ctx.verify_mode === CERT_NONE) return {};
  const out: Record<string, unknown> = {
    subject: python_name(cert.subject as unknown as Record<string, string | string[]>),
    issuer: python_name(cert.issuer as unknown as Record<string, string | string[]>),
    version: 3,
    serialNumber: cert.serialNumber,
    notBefore: cert.valid_from,
    notAfter: cert.valid_to,
  };
  if (cert.subjectaltname) {
    out['subjectAltName'] = cert.subjectaltname.split(', ').map((entry) => {
      const at = entry.indexOf(':');
      return [entry.slice(0, at), entry.slice(at + 1)];
    });
  }
  return out;
}

function cipher_bits(name: string): number | null {
  const match = /AES_?(\d+)|CAMELLIA_?(\d+)/.exec(name);
  if (match) return Number(match[1] ?? match[2]);
  if (name.includes('CHACHA20')) return 256;
  return null;
}

/** A TLS connection's transport extra info: sslcontext, ssl_object, peercert, cipher, compression, and the socket's. */
export function tls_extra(
  socket: tls.TLSSocket,
  ctx: SSLContext,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const cipher = socket.getCipher();
  return {
    ...base,
    socket,
    sslcontext: ctx,
    ssl_object: socket,
    peercert: peercert(socket, ctx),
    cipher: [cipher.name, socket.getProtocol(), cipher_bits(cipher.name)],
    compression: null,
    selected_alpn_protocol: socket.alpnProtocol || null,
  };
}

/** The error of a TLS handshake that took longer than `timeout` seconds (asyncio's message). */
export function timeout_error(timeout: number): Error {
  return new ConnectionAbortedError(
    `SSL handshake is taking longer than ${timeout} seconds: aborting the connection`,
  );
}

/**
 * Run the client side of a TLS handshake over the connected `socket`;
 * resolve with the TLSSocket once the server's certificate (and hostname,
 * with `check_hostname`) passed verification as `ctx` asks.
 */
export function tls_client(
  socket: net.Socket,
  ctx: SSLContext,
  server_hostname: string | null,
  timeout: number | null = null,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    if (ctx.check_hostname && server_hostname === null) {
      throw new ValueError('check_hostname requires server_hostname');
    }
    const seconds = timeout ?? HANDSHAKE_TIMEOUT;
    const options: tls.ConnectionOptions = {
      socket,
      secureContext: secure_context(ctx),
      // Verified below, so that failures carry Python's classes and codes.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    };
    if (server_hostname !== null && net.isIP(server_hostname) === 0) {
      options.servername = server_hostname;
    }
    if (ctx._alpn_protocols !== null) options.ALPNProtocols = ctx._alpn_protocols;
    const tls_socket = tls.connect(options);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      tls_socket.destroy();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(timeout_error(seconds)), seconds * 1000);
    tls_socket.once('error', (err) => fail(map_tls_error(err, server_hostname)));
    tls_socket.once('secureConnect', () => {
      clearTimeout(timer);
      tls_socket.removeAllListeners('error');
      if (ctx.verify_mode !== CERT_NONE) {
        if (!tls_socket.authorized) {
          const err = tls_socket.authorizationError as unknown as Error & { code?: string };
          const code = typeof err === 'string' ? err : (err.code ?? String(err));
          return fail(
            map_tls_error(Object.assign(new Error(String(err)), { code }), server_hostname),
          );
        }
        if (ctx.check_hostname && server_hostname !== null) {
          const mismatch = tls.checkServerIdentity(
            server_hostname,
            tls_socket.getPeerCertificate(),
          );
          if (mismatch !== undefined) return fail(map_tls_error(mismatch, server_hostname));
        }
      }
      resolve(tls_socket);
    });
  });
}

/**
 * Run the server side of a TLS handshake over the accepted `socket` (through
 * a tls.Server that never listens); resolve with the TLSSocket, reject with
 * the mapped error when the handshake fails or times out.
 */
export function tls_server(
  socket: net.Socket,
  ctx: SSLContext,
  timeout: number | null = null,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const seconds = timeout ?? HANDSHAKE_TIMEOUT;
    const options: tls.TlsOptions = {
      ...secure_options(ctx),
      requestCert: ctx.verify_mode !== CERT_NONE,
      rejectUnauthorized: ctx.verify_mode === CERT_REQUIRED,
      handshakeTimeout: seconds * 1000,
      allowHalfOpen: true,
    };
    if (ctx._alpn_protocols !== null) options.ALPNProtocols = ctx._alpn_protocols;
    const callback = ctx._servername_callback;
    if (callback !== null) {
      options.SNICallback = (servername, done) => {
        const ssl_object = { context: ctx };
        try {
          callback(ssl_object, servername || null, ctx);
          done(null, ssl_object.context === ctx ? undefined : secure_context(ssl_object.context));
        } catch (err) {
          done(err as Error);
        }
      };
    }
    // TODO(perf): one tls.Server, and one parse of the certificate files, per accepted
    // connection; cache the secure context per SSLContext once contexts are frozen.
    let server: tls.Server;
    try {
      server = tls.createServer(options);
    } catch (err) {
      socket.destroy();
      throw map_tls_error(err);
    }
    server.once('secureConnection', (tls_socket: tls.TLSSocket) => resolve(tls_socket));
    server.once('tlsClientError', (err: Error & { code?: string }) => {
      socket.destroy();
      reject(
        err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? timeout_error(seconds) : map_tls_error(err),
      );
    });
    // A handshake that dies without a tlsClientError (a rejected client certificate).
    socket.once('close', () =>
      reject(new ConnectionResetError('Connection lost during the TLS handshake')),
    );
    server.emit('connection', socket);
  });
}

/**
 * The `tls.connect()` options of a client connection that Node opens itself
 * (`ws`'s `wss://`): the certificates, versions and ciphers of `ctx`, and its
 * verification (`verify_mode`, `check_hostname`) done by Node, against
 * `server_hostname` when given (also sent as SNI), else the URL's host.
 */
export function tls_connect_options(
  ctx: SSLContext,
  server_hostname: string | null,
): tls.ConnectionOptions {
  if (ctx.check_hostname && server_hostname === '') {
    throw new ValueError('check_hostname requires server_hostname');
  }
  const verify = ctx.verify_mode !== CERT_NONE;
  const options: tls.ConnectionOptions = {
    secureContext: secure_context(ctx),
    rejectUnauthorized: verify,
    checkServerIdentity:
      verify && ctx.check_hostname
        ? (host, cert) => tls.checkServerIdentity(server_hostname ?? host, cert)
        : () => undefined,
  };
  if (server_hostname !== null && server_hostname !== '' && net.isIP(server_hostname) === 0) {
    options.servername = server_hostname;
  }
  if (ctx._alpn_protocols !== null) options.ALPNProtocols = ctx._alpn_protocols;
  return options;
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

/** Whether `ssl` is an SSLContext (the core passes nothing else). */
export function is_ssl_context(ssl: unknown): ssl is SSLContext {
  return ssl instanceof SSLContext;
}

/**
 * `loop.start_tls`: upgrade the socket under a RawStream made by net.ts to
 * TLS. The old RawStream's handlers are the core's business (it detaches them).
 */
export async function start_tls(raw: RawStream, opts: StartTlsOptions): Promise<RawStream> {
  const socket = (raw as Partial<_NodeStream>)._stream;
  if (!(socket instanceof net.Socket) || socket instanceof tls.TLSSocket) {
    throw new TypeError('start_tls() needs a plain TCP or Unix socket stream');
  }
  const ctx = opts.ssl;
  if (!is_ssl_context(ctx)) throw new TypeError('start_tls() needs an SSLContext');
  const tls_socket = opts.server_side
    ? await tls_server(socket, ctx, opts.ssl_handshake_timeout)
    : await tls_client(socket, ctx, opts.server_hostname, opts.ssl_handshake_timeout);
  return new _NodeStream(tls_socket, tls_extra(tls_socket, ctx, { ...raw.extra }), false);
}
