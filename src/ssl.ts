// SSLContext (a plain options carrier the backend turns into host TLS settings), create_default_context, and Python ssl's constants.

import { ValueError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { check_options, type OptionSpec } from './options.js';
import { ConnectionAbortedError } from './os_errors.js';

/** Python's `ssl.PROTOCOL_TLS`: negotiate the highest version both sides support (either side). */
export const PROTOCOL_TLS = 2;
/** Python's old name of `PROTOCOL_TLS`. */
export const PROTOCOL_SSLv23 = PROTOCOL_TLS;
/** Python's `ssl.PROTOCOL_TLS_CLIENT`: client side; verifies the server and its hostname by default. */
export const PROTOCOL_TLS_CLIENT = 16;
/** Python's `ssl.PROTOCOL_TLS_SERVER`: server side. */
export const PROTOCOL_TLS_SERVER = 17;

/** Do not ask for (server) or check (client) the peer's certificate. */
export const CERT_NONE = 0;
/** Server: ask for a client certificate and verify it if one is sent. Client: as `CERT_REQUIRED`. */
export const CERT_OPTIONAL = 1;
/** Require a valid peer certificate. */
export const CERT_REQUIRED = 2;

/** OpenSSL's option bits, as Python's `ssl.OP_*`; the backend honours the `OP_NO_*` ones. */
export const OP_ALL = 0x80000054;
/** Python's `ssl.OP_NO_SSLv2`: always set (0; SSLv2 is gone from every host). */
export const OP_NO_SSLv2 = 0;
/** Refuse SSLv3 (set by default). */
export const OP_NO_SSLv3 = 0x02000000;
/** Refuse TLS 1.0 (prefer `minimum_version`). */
export const OP_NO_TLSv1 = 0x04000000;
/** Refuse TLS 1.1 (prefer `minimum_version`). */
export const OP_NO_TLSv1_1 = 0x10000000;
/** Refuse TLS 1.2 (prefer `minimum_version`/`maximum_version`). */
export const OP_NO_TLSv1_2 = 0x08000000;
/** Refuse TLS 1.3 (prefer `maximum_version`). */
export const OP_NO_TLSv1_3 = 0x20000000;
/** Refuse TLS compression (set by default). */
export const OP_NO_COMPRESSION = 0x20000;
/** Do not use session tickets. */
export const OP_NO_TICKET = 0x4000;

/** Python's `ssl.TLSVersion` (the wire values; the two bounds are OpenSSL's special values). */
export const TLSVersion = /* @__PURE__ */ Object.freeze({
  /** The lowest version the host supports. */
  MINIMUM_SUPPORTED: -2,
  /** The highest version the host supports. */
  MAXIMUM_SUPPORTED: -1,
  /** SSL 3.0 (no host here allows it). */
  SSLv3: 0x0300,
  /** TLS 1.0. */
  TLSv1: 0x0301,
  /** TLS 1.1. */
  TLSv1_1: 0x0302,
  /** TLS 1.2 (the default `minimum_version`). */
  TLSv1_2: 0x0303,
  /** TLS 1.3. */
  TLSv1_3: 0x0304,
});

/** What a certificate is for (Python's `ssl.Purpose`). */
export interface SSLPurpose {
  /** The purpose's OpenSSL short name: `'serverAuth'` or `'clientAuth'`. */
  readonly shortname: string;
  /** The purpose's object identifier (extended key usage). */
  readonly oid: string;
}

/** Python's `ssl.Purpose`: `SERVER_AUTH` for a client's context, `CLIENT_AUTH` for a server's. */
export const Purpose = /* @__PURE__ */ Object.freeze({
  /** Authenticate servers: the purpose of a client's context (the default). */
  SERVER_AUTH: /* @__PURE__ */ Object.freeze({
    shortname: 'serverAuth',
    oid: '1.3.6.1.5.5.7.3.1',
  }) as SSLPurpose,
  /** Authenticate clients: the purpose of a server's context. */
  CLIENT_AUTH: /* @__PURE__ */ Object.freeze({
    shortname: 'clientAuth',
    oid: '1.3.6.1.5.5.7.3.2',
  }) as SSLPurpose,
});

/** What `SSLContext.set_servername_callback` calls: `(ssl_object, server_name, context)`. */
export type ServernameCallback = (
  ssl_object: { context: SSLContext },
  server_name: string | null,
  context: SSLContext,
) => unknown;

const PROTOCOLS = /* @__PURE__ */ new Set([PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER]);

const PATH: OptionSpec[string] = ['string', 'null'];
const CERT_CHAIN_OPTIONS: OptionSpec = { certfile: ['string'], keyfile: PATH, password: PATH };
const VERIFY_LOCATIONS_OPTIONS: OptionSpec = {
  cafile: PATH,
  capath: PATH,
  cadata: ['string', 'object', 'null'],
};
// Object.assign marked pure, not a spread: esbuild keeps a spread of another object (a getter could run).
const DEFAULT_CONTEXT_OPTIONS: OptionSpec = /* @__PURE__ */ Object.assign(
  {},
  VERIFY_LOCATIONS_OPTIONS,
  { purpose: ['object'] },
);

/** Whether the first argument is Python's keyword arguments, as one options object. */
function is_options_object(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !Array.isArray(x);
}

function check_path(value: unknown, what: string): void {
  if (value !== null && value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${what} should be a valid filesystem path, not ${repr(value)}`);
  }
}

/**
 * What the host does, at the call, with what `load_cert_chain()`,
 * `load_verify_locations()` and `set_ciphers()` are given, as Python's `ssl`
 * does: read the files (a missing one is `FileNotFoundError`) and check that
 * they parse and that the key matches the certificate (`SSLError`). The Node
 * backend installs one when it is loaded. Without one (browsers, which take
 * no certificates from a page) the names are kept as given, and the backend
 * refuses a context that has them when it is used.
 * @internal
 */
export interface SSLFileLoader {
  /** Read `certfile` and `keyfile` (default: `certfile`) and check them; their bytes. */
  load_cert_chain(
    certfile: string,
    keyfile: string | null,
    password: string | null,
  ): { cert: Uint8Array; key: Uint8Array };
  /** Read `cafile` and check that it holds PEM certificates; its bytes. */
  load_cafile(cafile: string): Uint8Array;
  /** Check that `cadata` holds certificates (PEM text, or DER bytes). */
  check_cadata(cadata: string | Uint8Array): void;
  /** Check that the OpenSSL cipher list `ciphers` selects a cipher. */
  check_ciphers(ciphers: string): void;
}

let file_loader: SSLFileLoader | null = null;

/**
 * Install the host's {@link SSLFileLoader} (the Node backend does, once, when
 * loaded); returns the one it replaces.
 * @internal
 */
export function _install_ssl_file_loader(loader: SSLFileLoader | null): SSLFileLoader | null {
  const previous = file_loader;
  file_loader = loader;
  return previous;
}

/**
 * The error of a TLS handshake that took longer than `timeout` seconds, on
 * either side (asyncio's `SSLProtocol._check_handshake_timeout`). @internal
 */
export function _ssl_handshake_timeout_error(timeout: number): ConnectionAbortedError {
  return new ConnectionAbortedError(
    `SSL handshake is taking longer than ${timeout} seconds: aborting the connection`,
  );
}

/** The longest delay host timers take (2**31 - 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2147483647; // as a literal: esbuild keeps an unused `2 ** 31 - 1`

/**
 * The host timer delay (ms) of a handshake deadline `seconds` away, or `null`
 * when it is too far for a host timer: no deadline then, as none would come
 * in practice. @internal
 */
export function _handshake_timer_ms(seconds: number): number | null {
  const ms = seconds * 1000;
  return ms <= MAX_TIMER_MS ? ms : null;
}

/** Options of `SSLContext.load_cert_chain()`, for those who pass them by name. */
export interface CertChainOptions {
  certfile: string;
  keyfile?: string | null;
  password?: string | null;
}

/** Options of `SSLContext.load_verify_locations()`, for those who pass them by name. */
export interface VerifyLocationsOptions {
  cafile?: string | null;
  capath?: string | null;
  cadata?: string | Uint8Array | null;
}

/**
 * TLS settings (Python's `ssl.SSLContext`), as a plain options carrier: the
 * platform backend turns them into host TLS settings when a connection or
 * server uses the context. As in Python, `load_cert_chain` and
 * `load_verify_locations` read their files at the call: a missing file is a
 * `FileNotFoundError`, a file or `cadata` that does not parse (or a key that
 * does not match the certificate) an `SSLError`, and the file may go away
 * afterwards. Changes made after a server started apply to the connections
 * it accepts from then on, as with Python's context.
 *
 * @example
 * const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
 * ctx.load_cert_chain('server.pem', 'server.key');
 * const server = yield* From(start_server(handle, '127.0.0.1', 8443, { ssl: ctx }));
 */
export class SSLContext {
  /** The protocol given to the constructor. */
  readonly protocol: number;
  /** @internal */ _verify_mode: number;
  /** @internal */ _check_hostname: boolean;
  /**
   * @internal Counts the changes to this context, so that a backend can
   * reuse what it built from it (a host secure context, a TLS server) until
   * the next change.
   */
  _revision = 0;
  /** @internal */ _options: number = OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION;
  /** @internal */ _minimum_version: number = TLSVersion.TLSv1_2;
  /** @internal */ _maximum_version: number = TLSVersion.MAXIMUM_SUPPORTED;
  /**
   * @internal The chain of `load_cert_chain`: the names, and the bytes read at
   * the call (`null` when no host loader is installed).
   */
  _cert_chain: {
    certfile: string;
    keyfile: string | null;
    password: string | null;
    cert: Uint8Array | null;
    key: Uint8Array | null;
  } | null = null;
  /** @internal The `cafile`s of `load_verify_locations`, by name. */ _cafiles: string[] = [];
  /** @internal The bytes of each of `_cafiles`, read at the call (`null` without a host loader). */
  _cafile_data: Array<Uint8Array | null> = [];
  /** @internal */ _capaths: string[] = [];
  /** @internal */ _cadata: Array<string | Uint8Array> = [];
  /** @internal */ _default_verify_paths = false;
  /** @internal */ _ciphers: string | null = null;
  /** @internal */ _alpn_protocols: string[] | null = null;
  /** @internal */ _servername_callback: ServernameCallback | null = null;

  /** @param protocol - `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER` or `PROTOCOL_TLS` (the default). */
  constructor(protocol: number = PROTOCOL_TLS) {
    if (!PROTOCOLS.has(protocol))
      throw new ValueError(`invalid or unsupported protocol version ${repr(protocol)}`);
    this.protocol = protocol;
    const client = protocol === PROTOCOL_TLS_CLIENT;
    this._verify_mode = client ? CERT_REQUIRED : CERT_NONE;
    this._check_hostname = client;
  }

  /** A repr of the protocol and the verification settings: `<SSLContext protocol=16 verify_mode=2 check_hostname=true>`. */
  toString(): string {
    return `<SSLContext protocol=${this.protocol} verify_mode=${this._verify_mode} check_hostname=${this._check_hostname}>`;
  }

  /** OpenSSL option bits (`OP_*`); the backend honours `OP_NO_*`. */
  get options(): number {
    return this._options;
  }

  /** Set the OpenSSL option bits. */
  set options(value: number) {
    this._options = value;
    this._revision++;
  }

  /** The lowest TLS version allowed (a `TLSVersion` value). */
  get minimum_version(): number {
    return this._minimum_version;
  }

  /** Set the lowest TLS version allowed. */
  set minimum_version(value: number) {
    this._minimum_version = value;
    this._revision++;
  }

  /** The highest TLS version allowed (a `TLSVersion` value). */
  get maximum_version(): number {
    return this._maximum_version;
  }

  /** Set the highest TLS version allowed. */
  set maximum_version(value: number) {
    this._maximum_version = value;
    this._revision++;
  }

  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. */
  get verify_mode(): number {
    return this._verify_mode;
  }

  /** Set the verification mode; `CERT_NONE` while `check_hostname` is on is a `ValueError`. */
  set verify_mode(value: number) {
    if (value !== CERT_NONE && value !== CERT_OPTIONAL && value !== CERT_REQUIRED) {
      throw new ValueError('invalid value for verify_mode');
    }
    if (value === CERT_NONE && this._check_hostname) {
      throw new ValueError('Cannot set verify_mode to CERT_NONE when check_hostname is enabled.');
    }
    this._verify_mode = value;
    this._revision++;
  }

  /** Whether the peer's certificate must match the server hostname; turning it on sets `CERT_REQUIRED` if verification was off. */
  get check_hostname(): boolean {
    return this._check_hostname;
  }

  /** Turn hostname checking on or off. */
  set check_hostname(value: boolean) {
    if (value && this._verify_mode === CERT_NONE) this._verify_mode = CERT_REQUIRED;
    this._check_hostname = Boolean(value);
    this._revision++;
  }

  /**
   * Use this certificate chain (PEM file) and private key (default: in
   * `certfile`), read now: a missing file is a `FileNotFoundError`, a file
   * that does not parse, a wrong `password` or a key that does not match the
   * certificate an `SSLError` (as Python's). The arguments may also come by
   * name, as one options object: `load_cert_chain({certfile, keyfile})`.
   */
  load_cert_chain(options: CertChainOptions): void;
  load_cert_chain(certfile: string, keyfile?: string | null, password?: string | null): void;
  load_cert_chain(
    certfile: string | CertChainOptions,
    keyfile: string | null = null,
    password: string | null = null,
  ): void {
    if (is_options_object(certfile)) {
      if (arguments.length > 1) {
        throw new TypeError('load_cert_chain() takes the options object as its only argument');
      }
      const o = check_options('load_cert_chain', certfile, CERT_CHAIN_OPTIONS);
      [certfile, keyfile, password] = [o.certfile as string, o.keyfile ?? null, o.password ?? null];
    }
    if (typeof certfile !== 'string')
      throw new TypeError(`certfile should be a valid filesystem path, not ${repr(certfile)}`);
    check_path(keyfile, 'keyfile');
    if (password !== null && password !== undefined && typeof password !== 'string') {
      throw new TypeError('password should be a string');
    }
    keyfile ??= null;
    password ??= null;
    const loaded = file_loader?.load_cert_chain(certfile, keyfile, password) ?? null;
    this._cert_chain = {
      certfile,
      keyfile,
      password,
      cert: loaded?.cert ?? null,
      key: loaded?.key ?? null,
    };
    this._revision++;
  }

  /**
   * Trust the CA certificates of `cafile` (PEM), of the files in `capath`,
   * or of `cadata` (PEM text or DER bytes). As in Python, `cafile` is read
   * now (missing: `FileNotFoundError`), `cafile` and `cadata` must hold
   * certificates (else `SSLError`), and `capath` is looked in when a
   * certificate is verified. The arguments may also come by name, as one
   * options object: `load_verify_locations({cadata})`.
   */
  load_verify_locations(options: VerifyLocationsOptions): void;
  load_verify_locations(
    cafile?: string | null,
    capath?: string | null,
    cadata?: string | Uint8Array | null,
  ): void;
  load_verify_locations(
    cafile: string | VerifyLocationsOptions | null = null,
    capath: string | null = null,
    cadata: string | Uint8Array | null = null,
  ): void {
    if (is_options_object(cafile)) {
      if (arguments.length > 1) {
        throw new TypeError(
          'load_verify_locations() takes the options object as its only argument',
        );
      }
      const o = check_options('load_verify_locations', cafile, VERIFY_LOCATIONS_OPTIONS);
      [cafile, capath, cadata] = [o.cafile ?? null, o.capath ?? null, o.cadata ?? null];
    }
    check_path(cafile, 'cafile');
    check_path(capath, 'capath');
    if ((cafile ?? null) === null && (capath ?? null) === null && (cadata ?? null) === null) {
      throw new TypeError('cafile, capath and cadata cannot be all omitted');
    }
    if (cadata !== null && cadata !== undefined) {
      if (typeof cadata !== 'string' && !(cadata instanceof Uint8Array)) {
        throw new TypeError('cadata should be an ASCII string or a bytes-like object');
      }
      file_loader?.check_cadata(cadata);
    }
    // Everything is read and checked before the context changes.
    const cafile_data =
      cafile !== null && cafile !== undefined ? file_loader?.load_cafile(cafile) : undefined;
    if (cafile !== null && cafile !== undefined) {
      this._cafiles.push(cafile);
      this._cafile_data.push(cafile_data ?? null);
    }
    if (capath !== null && capath !== undefined) this._capaths.push(capath);
    if (cadata !== null && cadata !== undefined) this._cadata.push(cadata);
    this._revision++;
  }

  /** Trust the host's default CA certificates (Node: its bundled root store). */
  set_default_verify_paths(): void {
    this._default_verify_paths = true;
    this._revision++;
  }

  /** Python's `load_default_certs()`: the default CA certificates. */
  load_default_certs(_purpose: SSLPurpose = Purpose.SERVER_AUTH): void {
    this.set_default_verify_paths();
  }

  /**
   * Restrict the ciphers (an OpenSSL cipher list string); one that selects no
   * cipher is an `SSLError` now (`No cipher can be selected.`, as Python's).
   */
  set_ciphers(ciphers: string): void {
    if (typeof ciphers !== 'string')
      throw new TypeError(`ciphers must be a string, not ${repr(ciphers)}`);
    file_loader?.check_ciphers(ciphers);
    this._ciphers = ciphers;
    this._revision++;
  }

  /** Offer (client) or accept (server) these ALPN protocols, in order of preference. */
  set_alpn_protocols(protocols: Iterable<string>): void {
    const list = [...protocols];
    for (const p of list) {
      if (typeof p !== 'string')
        throw new TypeError(`ALPN protocols must be strings, not ${repr(p)}`);
      if (p.length === 0 || p.length > 255)
        throw new ValueError(`ALPN protocols must be 1 to 255 in length`);
    }
    this._alpn_protocols = list;
    this._revision++;
  }

  /**
   * Server side: call `callback(ssl_object, server_name, context)` with the
   * client's SNI name during the handshake; setting `ssl_object.context` to
   * another SSLContext serves that context's certificate. `null` removes it.
   */
  set_servername_callback(callback: ServernameCallback | null): void {
    if (callback !== null && typeof callback !== 'function')
      throw new TypeError('not a callable object');
    this._servername_callback = callback;
    this._revision++;
  }

  /** Python's `sni_callback` property: the same callback as `set_servername_callback`. */
  get sni_callback(): ServernameCallback | null {
    return this._servername_callback;
  }

  /** Set the SNI callback, as `set_servername_callback()` does. */
  set sni_callback(callback: ServernameCallback | null) {
    this.set_servername_callback(callback);
  }
}

/** Options of `create_default_context()` (Python's keyword-only `cafile`, `capath`, `cadata`). */
export interface DefaultContextOptions {
  /** A PEM file of CA certificates to trust instead of the default ones. */
  cafile?: string | null;
  /** A directory of CA certificates to trust instead of the default ones. */
  capath?: string | null;
  /** CA certificates to trust instead of the default ones: PEM text or DER bytes. */
  cadata?: string | Uint8Array | null;
}

/** `create_default_context()`'s arguments all by name: the options and `purpose`. */
export interface DefaultContextAllOptions extends DefaultContextOptions {
  purpose?: SSLPurpose;
}

/**
 * A context with secure defaults (Python's `ssl.create_default_context`):
 * for `Purpose.SERVER_AUTH` (the default; a client's context) it verifies the
 * server's certificate and hostname, against `cafile`/`capath`/`cadata` or
 * the default CA certificates; for `Purpose.CLIENT_AUTH` (a server's) it
 * verifies nothing unless told.
 *
 * The options may come alone, `purpose` among them:
 * `create_default_context({cafile: 'ca.pem'})`. An unknown key or a value of
 * the wrong type is a `TypeError`.
 *
 * @example
 * const [reader, writer] = yield* From(open_connection('example.com', 443, { ssl: ssl.create_default_context() }));
 */
export function create_default_context(options: DefaultContextAllOptions): SSLContext;
export function create_default_context(
  purpose?: SSLPurpose,
  options?: DefaultContextOptions | null,
): SSLContext;
export function create_default_context(
  purpose: SSLPurpose | DefaultContextAllOptions = Purpose.SERVER_AUTH,
  options?: DefaultContextOptions | null,
): SSLContext {
  let checked: DefaultContextAllOptions;
  const by_name =
    purpose !== Purpose.SERVER_AUTH &&
    purpose !== Purpose.CLIENT_AUTH &&
    is_options_object(purpose) &&
    options === undefined;
  if (by_name) {
    // Everything by name, as Python's create_default_context(cafile=...).
    checked = check_options<DefaultContextAllOptions>(
      'create_default_context',
      purpose as DefaultContextAllOptions,
      DEFAULT_CONTEXT_OPTIONS,
    );
    purpose = checked.purpose ?? Purpose.SERVER_AUTH;
  } else {
    checked = check_options('create_default_context', options, VERIFY_LOCATIONS_OPTIONS);
  }
  if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
    throw new TypeError(`${repr(purpose)} is not a Purpose`);
  }
  const ctx = new SSLContext(
    purpose === Purpose.SERVER_AUTH ? PROTOCOL_TLS_CLIENT : PROTOCOL_TLS_SERVER,
  );
  const { cafile = null, capath = null, cadata = null } = checked;
  if (cafile !== null || capath !== null || cadata !== null) {
    ctx.load_verify_locations(cafile, capath, cadata);
  } else if (ctx.verify_mode !== CERT_NONE) {
    ctx.load_default_certs(purpose as SSLPurpose);
  }
  return ctx;
}

/**
 * Python's `ssl` module as one object: `SSLContext`, `create_default_context`,
 * `Purpose`, `TLSVersion`, and the `PROTOCOL_*`, `CERT_*` and `OP_*` constants.
 *
 * @example
 * const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: 'ca.pem' });
 */
export const ssl = /* @__PURE__ */ Object.freeze({
  /** Python's `ssl.SSLContext`: the class {@link SSLContext}. */
  SSLContext,
  /** Python's `ssl.create_default_context()`: the function {@link create_default_context}. */
  create_default_context,
  Purpose,
  TLSVersion,
  PROTOCOL_TLS,
  PROTOCOL_SSLv23,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  OP_ALL,
  OP_NO_SSLv2,
  OP_NO_SSLv3,
  OP_NO_TLSv1,
  OP_NO_TLSv1_1,
  OP_NO_TLSv1_2,
  OP_NO_TLSv1_3,
  OP_NO_COMPRESSION,
  OP_NO_TICKET,
});

/**
 * The context a connection uses: `true` means a default client context
 * (asyncio's `ssl=True`); a server needs an explicit SSLContext. @internal
 */
export function _ssl_context_of(ssl_arg: unknown, server_side: boolean): SSLContext | null {
  if (ssl_arg === null || ssl_arg === undefined || ssl_arg === false) return null;
  if (ssl_arg instanceof SSLContext) return ssl_arg;
  if (ssl_arg === true) {
    if (server_side) throw new ValueError('Server side SSL needs a valid SSLContext');
    return create_default_context();
  }
  throw new TypeError(`ssl argument must be an SSLContext or None, got ${repr(ssl_arg)}`);
}

/**
 * Check the TLS timeouts of a call: each only with TLS (`ValueError`, as
 * asyncio), and a positive, finite number of seconds.
 * @internal
 */
export function check_ssl_timeouts(
  tls: boolean,
  options: { ssl_handshake_timeout?: number | null; ssl_shutdown_timeout?: number | null },
): void {
  for (const key of ['ssl_handshake_timeout', 'ssl_shutdown_timeout'] as const) {
    const value = options[key];
    if (value === null || value === undefined) continue;
    if (!tls) throw new ValueError(`${key} is only meaningful with ssl`);
    if (!(value > 0 && Number.isFinite(value))) {
      throw new ValueError(`${key} should be a positive number, got ${value}`);
    }
  }
}
