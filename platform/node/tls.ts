// Node backend: TLS over connected sockets (tls.connect / one tls.Server per SSLContext), SSLContext -> tls options, peercert/cipher extra info.
//
// Usage: net.ts upgrades connected and accepted sockets with `tls_client` / `tls_server`.
// Its neighbours: tls_files.ts (the SSLContext file loader, installed when this file
// loads, and the CA certificates of a context), tls_errors.ts (Node's errors -> Python's).
// @see https://nodejs.org/api/tls.html

import net from 'node:net';
import type * as tls from 'node:tls';

import { SSL_HANDSHAKE_TIMEOUT } from '../../src/constants.js';
import { ValueError } from '../../src/exceptions.js';
import { ConnectionResetError, SSLError } from '../../src/os_errors.js';
import {
  CERT_NONE,
  CERT_OPTIONAL,
  OP_NO_COMPRESSION,
  OP_NO_SSLv3,
  OP_NO_TICKET,
  OP_NO_TLSv1,
  OP_NO_TLSv1_1,
  OP_NO_TLSv1_2,
  OP_NO_TLSv1_3,
  SSLContext,
  TLSVersion,
  _handshake_timer_ms,
  _ssl_handshake_timeout_error,
} from '../../src/ssl.js';
import type { RawStream, StartTlsOptions } from '../../src/platform.js';

import { node_tls } from './builtins.js';
import { _NodeStream } from './stream.js';
import { map_tls_error } from './tls_errors.js';
import { ca_of, read_file } from './tls_files.js';

export { is_tls_error, map_tls_error } from './tls_errors.js';

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

/** The tls options of `ctx`: the certificates read by its `load_*` calls. */
function secure_options(ctx: SSLContext): tls.SecureContextOptions {
  const options: tls.SecureContextOptions = {
    secureOptions: ctx.options & HONOURED_OPTIONS,
  };
  const ca = ca_of(ctx);
  if (ca !== undefined) options.ca = ca;
  const chain = ctx._cert_chain;
  if (chain !== null) {
    options.cert = chain.cert !== null ? Buffer.from(chain.cert) : read_file(chain.certfile);
    options.key =
      chain.key !== null ? Buffer.from(chain.key) : read_file(chain.keyfile ?? chain.certfile);
    if (chain.password !== null) options.passphrase = chain.password;
  }
  if (ctx._ciphers !== null) options.ciphers = ctx._ciphers;
  const min = VERSIONS[ctx.minimum_version];
  const max = VERSIONS[ctx.maximum_version];
  if (min !== undefined) options.minVersion = min;
  if (max !== undefined) options.maxVersion = max;
  return options;
}

/** The secure context built from each SSLContext, until it changes (its `_revision`). */
const secure_contexts = new WeakMap<SSLContext, { revision: number; context: tls.SecureContext }>();

/** The host secure context of `ctx`: built once per change of `ctx`, not per connection. */
function secure_context(ctx: SSLContext): tls.SecureContext {
  const cached = secure_contexts.get(ctx);
  if (cached !== undefined && cached.revision === ctx._revision) return cached.context;
  let context: tls.SecureContext;
  try {
    context = node_tls().createSecureContext(secure_options(ctx));
  } catch (err) {
    throw map_tls_error(err);
  }
  secure_contexts.set(ctx, { revision: ctx._revision, context });
  return context;
}

/** Python's `getpeercert()` name form: `((('commonName', 'x'),), ...)` as nested arrays. */
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
  return _ssl_handshake_timeout_error(timeout);
}

/**
 * Call `on_timeout` once the handshake has taken `seconds` (default
 * `SSL_HANDSHAKE_TIMEOUT`), an absolute deadline as asyncio's; the
 * returned function disarms it.
 */
function handshake_deadline(seconds: number | null, on_timeout: (err: Error) => void): () => void {
  const timeout = seconds ?? SSL_HANDSHAKE_TIMEOUT;
  const ms = _handshake_timer_ms(timeout);
  if (ms === null) return noop;
  const timer = setTimeout(() => on_timeout(timeout_error(timeout)), ms);
  return () => clearTimeout(timer);
}

function noop(): void {}

/** The verification failure Node recorded on a finished handshake, mapped to Python's class. */
function authorization_error(tls_socket: tls.TLSSocket, server_hostname: string | null): Error {
  const err = tls_socket.authorizationError as unknown as (Error & { code?: string }) | string;
  const code = typeof err === 'string' ? err : (err.code ?? String(err));
  return map_tls_error(Object.assign(new Error(String(err)), { code }), server_hostname);
}

/**
 * Run the client side of a TLS handshake over the connected `socket`;
 * resolve with the TLSSocket once the server's certificate (and hostname,
 * with `check_hostname`) passed verification as `ctx` asks. On any failure,
 * including a handshake longer than `timeout` seconds (default 60), the
 * socket is destroyed and the mapped error rejects.
 */
export function tls_client(
  socket: net.Socket,
  ctx: SSLContext,
  server_hostname: string | null,
  timeout: number | null = null,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let tls_socket: tls.TLSSocket;
    try {
      if (ctx.check_hostname && server_hostname === null) {
        throw new ValueError('check_hostname requires server_hostname');
      }
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
      tls_socket = node_tls().connect(options);
    } catch (err) {
      socket.destroy();
      reject(err);
      return;
    }
    const fail = (err: Error): void => {
      disarm();
      tls_socket.destroy();
      socket.destroy();
      reject(err);
    };
    const disarm = handshake_deadline(timeout, fail);
    tls_socket.once('error', (err) => fail(map_tls_error(err, server_hostname)));
    tls_socket.once('secureConnect', () => {
      disarm();
      tls_socket.removeAllListeners('error');
      if (ctx.verify_mode !== CERT_NONE) {
        if (!tls_socket.authorized) return fail(authorization_error(tls_socket, server_hostname));
        if (ctx.check_hostname && server_hostname !== null) {
          const mismatch = node_tls().checkServerIdentity(
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

// ---- the server side: one tls.Server per SSLContext (and per change of it) -------------------

/** A server-side handshake under way: how its end is reported. */
interface PendingHandshake {
  settle(err: Error | null, tls_socket: tls.TLSSocket | null): void;
}

/** Where a tls.Server's listeners find the handshakes under way (no closure per server). */
const kPending = Symbol('trollius.pending_handshakes');

interface TaggedTlsServer extends tls.Server {
  [kPending]: Map<net.Socket, PendingHandshake>;
}

/** The tls.Server that runs the handshakes of each SSLContext, until it changes. */
const tls_servers = new WeakMap<SSLContext, { revision: number; server: TaggedTlsServer }>();

/**
 * The handshake of an accepted socket, found through the TLSSocket Node
 * wrapped around it (its `_parent`, set by `new TLSSocket(socket)` since
 * Node 0.11); removed from the pending ones.
 */
function take_pending(server: TaggedTlsServer, tls_socket: tls.TLSSocket): PendingHandshake | null {
  const parent = (tls_socket as unknown as { _parent?: net.Socket })._parent;
  if (parent === undefined) return null;
  const pending = server[kPending].get(parent);
  if (pending === undefined) return null;
  server[kPending].delete(parent);
  return pending;
}

function tls_server_on_secure_connection(this: TaggedTlsServer, tls_socket: tls.TLSSocket): void {
  const pending = take_pending(this, tls_socket);
  // Its deadline passed or its socket closed already: nobody waits for it.
  if (pending === null) tls_socket.destroy();
  else pending.settle(null, tls_socket);
}

function tls_server_on_client_error(
  this: TaggedTlsServer,
  err: Error,
  tls_socket: tls.TLSSocket,
): void {
  tls_socket.destroy();
  take_pending(this, tls_socket)?.settle(map_tls_error(err), null);
}

/**
 * The tls.Server (never listening) whose 'connection' runs the server side
 * of a handshake with `ctx`'s settings: built when first needed and again
 * after `ctx` changed, so that the certificates are parsed once per change,
 * not per connection. Throws the mapped error if `ctx` cannot make one.
 */
function tls_server_of(ctx: SSLContext): TaggedTlsServer {
  const cached = tls_servers.get(ctx);
  if (cached !== undefined && cached.revision === ctx._revision) return cached.server;
  const options: tls.TlsOptions = {
    ...secure_options(ctx),
    // The client's certificate is verified after the handshake (check_client_certificate),
    // so that a failure has Python's class and CERT_OPTIONAL refuses a bad one.
    requestCert: ctx.verify_mode !== CERT_NONE,
    rejectUnauthorized: false,
    // Each handshake has its own deadline (handshake_deadline); Node's is a longest idle time.
    handshakeTimeout: 2 ** 31 - 1,
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
  let server: TaggedTlsServer;
  try {
    server = node_tls().createServer(options) as TaggedTlsServer;
  } catch (err) {
    throw map_tls_error(err);
  }
  server[kPending] = new Map();
  server.on('secureConnection', tls_server_on_secure_connection);
  server.on('tlsClientError', tls_server_on_client_error);
  tls_servers.set(ctx, { revision: ctx._revision, server });
  return server;
}

/**
 * Check that `ctx` can run the server side of handshakes (its certificates,
 * ciphers, versions), so that a server fails when it starts rather than at
 * each connection; throws the mapped error.
 */
export function prepare_tls_server(ctx: SSLContext): void {
  tls_server_of(ctx);
}

/** Python's verdict on the client's certificate, as `ctx.verify_mode` asks; `null` if accepted. */
function check_client_certificate(tls_socket: tls.TLSSocket, ctx: SSLContext): Error | null {
  if (ctx.verify_mode === CERT_NONE) return null;
  const cert = tls_socket.getPeerCertificate();
  if (cert === null || cert === undefined || Object.keys(cert).length === 0) {
    if (ctx.verify_mode === CERT_OPTIONAL) return null;
    return new SSLError(
      1,
      '[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate',
      {
        library: 'SSL routines',
        reason: 'PEER_DID_NOT_RETURN_A_CERTIFICATE',
      },
    );
  }
  return tls_socket.authorized ? null : authorization_error(tls_socket, null);
}

/**
 * Run the server side of a TLS handshake over the accepted `socket`, through
 * the tls.Server of `ctx`; resolve with the TLSSocket, or destroy the socket
 * and reject with the mapped error when the handshake fails, the client's
 * certificate is refused, the socket closes, or the handshake takes longer
 * than `timeout` seconds (default 60: `ConnectionAbortedError`).
 */
export function tls_server(
  socket: net.Socket,
  ctx: SSLContext,
  timeout: number | null = null,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let server: TaggedTlsServer;
    try {
      server = tls_server_of(ctx);
    } catch (err) {
      socket.destroy();
      reject(err);
      return;
    }
    let settled = false;
    const settle = (err: Error | null, tls_socket: tls.TLSSocket | null): void => {
      if (settled) return;
      settled = true;
      disarm();
      server[kPending].delete(socket);
      socket.removeListener('close', on_close);
      if (err === null && tls_socket !== null) err = check_client_certificate(tls_socket, ctx);
      if (err !== null || tls_socket === null) {
        tls_socket?.destroy();
        socket.destroy();
        reject(err);
      } else {
        resolve(tls_socket);
      }
    };
    // A socket that closes with no word from the tls.Server.
    const on_close = (): void =>
      settle(new ConnectionResetError('Connection lost during the TLS handshake'), null);
    const disarm = handshake_deadline(timeout, (err) => settle(err, null));
    server[kPending].set(socket, { settle });
    socket.once('close', on_close);
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
        ? (host, cert) => node_tls().checkServerIdentity(server_hostname ?? host, cert)
        : () => undefined,
  };
  if (server_hostname !== null && server_hostname !== '' && net.isIP(server_hostname) === 0) {
    options.servername = server_hostname;
  }
  if (ctx._alpn_protocols !== null) options.ALPNProtocols = ctx._alpn_protocols;
  return options;
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
  if (!(socket instanceof net.Socket) || socket instanceof node_tls().TLSSocket) {
    throw new TypeError('start_tls() needs a plain TCP or Unix socket stream');
  }
  const ctx = opts.ssl;
  if (!is_ssl_context(ctx)) throw new TypeError('start_tls() needs an SSLContext');
  const tls_socket = opts.server_side
    ? await tls_server(socket, ctx, opts.ssl_handshake_timeout)
    : await tls_client(socket, ctx, opts.server_hostname, opts.ssl_handshake_timeout);
  return new _NodeStream(tls_socket, tls_extra(tls_socket, ctx, { ...raw.extra }), false);
}
