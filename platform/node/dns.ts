// Node backend: dns.lookup / dns.lookupService -> getaddrinfo / getnameinfo results (Python's tuples as arrays).
//
// Usage: `getaddrinfo` and `getnameinfo` become the node_platform members of the same names.
// @see https://nodejs.org/api/dns.html

import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';

import { NotImplementedError } from '../../src/exceptions.js';
import { OSError } from '../../src/os_errors.js';
import type { AddrInfo, AddrInfoOptions, SockAddr } from '../../src/platform.js';
import { socket as S } from '../../src/sockets.js';

import { map_error } from './errors.js';

/**
 * getaddrinfo's own error codes (Python's `socket.gaierror`, a subclass of
 * OSError there): glibc's negative EAI_* values and texts, keyed by Node's code.
 */
const GAI_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  EAI_BADFLAGS: [-1, 'Bad value for ai_flags'],
  ENOTFOUND: [-2, 'Name or service not known'],
  EAI_NONAME: [-2, 'Name or service not known'],
  EAI_AGAIN: [-3, 'Temporary failure in name resolution'],
  EAI_FAIL: [-4, 'Non-recoverable failure in name resolution'],
  ENODATA: [-5, 'No address associated with hostname'],
  EAI_FAMILY: [-6, 'ai_family not supported'],
  EAI_SERVICE: [-8, 'Servname not supported for ai_socktype'],
};

function gai_error(code: string, cause?: unknown): OSError {
  const [errno, text] = GAI_ERRORS[code] ?? [null, code];
  return new OSError(errno, text, cause === undefined ? { code } : { code, cause });
}

function map_dns_error(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(GAI_ERRORS, code)) return gai_error(code, err);
  return map_error(err);
}

/** The few service names Python programs pass most; anything else must be a number. */
const SERVICES: Readonly<Record<string, number>> = {
  echo: 7,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  pop3: 110,
  imap: 143,
  https: 443,
};

/** A port number, a numeric string or a service name; with `numeric_only` (`AI_NUMERICSERV`), no name. */
function parse_port(port: number | string | null, numeric_only: boolean): number {
  if (port === null) return 0;
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw gai_error('EAI_SERVICE');
    return port;
  }
  if (/^\d+$/.test(port)) return parse_port(Number(port), false);
  // C's getaddrinfo: AI_NUMERICSERV with a service name is EAI_NONAME.
  if (numeric_only) throw gai_error('EAI_NONAME');
  const known = SERVICES[port];
  if (known === undefined) throw gai_error('EAI_SERVICE');
  return known;
}

function sockaddr(address: string, family: number, port: number): SockAddr {
  return family === S.AF_INET6 ? [address, port, 0, 0] : [address, port];
}

// ---- getaddrinfo ------------------------------------------------------------------------------

/** Every `AI_*` flag `getaddrinfo` honours; any other bit is C's EAI_BADFLAGS. */
const AI_FLAGS =
  S.AI_PASSIVE |
  S.AI_CANONNAME |
  S.AI_NUMERICHOST |
  S.AI_V4MAPPED |
  S.AI_ALL |
  S.AI_ADDRCONFIG |
  S.AI_NUMERICSERV;

/**
 * Which families have an address configured on a non-loopback interface, for
 * `AI_ADDRCONFIG` (glibc's `__check_pf`, which leaves loopback addresses out).
 */
function configured_families(): { v4: boolean; v6: boolean } {
  let v4 = false;
  let v6 = false;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4 = true;
      else v6 = true;
    }
  }
  return { v4, v6 };
}

/**
 * The family to resolve for: with `AI_ADDRCONFIG`, as glibc does, only the
 * family a non-loopback interface has when just one has any, and
 * EAI_NONAME when the one asked for has none.
 */
function family_to_resolve(family: number, flags: number): number {
  if ((flags & S.AI_ADDRCONFIG) === 0) return family;
  const { v4, v6 } = configured_families();
  if (family === S.AF_UNSPEC) return v4 === v6 ? family : v4 ? S.AF_INET : S.AF_INET6;
  if ((family === S.AF_INET && !v4) || (family === S.AF_INET6 && !v6)) {
    throw gai_error('EAI_NONAME');
  }
  return family;
}

/** `dns.lookup()`'s hints for `flags`: V4MAPPED and ALL only mean something for AF_INET6. */
function lookup_hints(family: number, flags: number): number {
  let hints = (flags & S.AI_ADDRCONFIG) !== 0 ? dns.ADDRCONFIG : 0;
  if (family === S.AF_INET6 && (flags & S.AI_V4MAPPED) !== 0) {
    hints |= dns.V4MAPPED;
    if ((flags & S.AI_ALL) !== 0) hints |= dns.ALL;
  }
  return hints;
}

/**
 * Resolve like C's getaddrinfo: numeric hosts without a lookup, `null` as the
 * wildcard (with `AI_PASSIVE`) or loopback addresses, names through
 * `dns.lookup` (the system resolver, in Node's thread pool).
 *
 * Every `AI_*` flag is honoured: `AI_ADDRCONFIG` (the interfaces of
 * `os.networkInterfaces()`, and the `dns.ADDRCONFIG` hint), `AI_V4MAPPED`
 * and `AI_ALL` with `AF_INET6` (`::ffff:a.b.c.d` addresses; the
 * `dns.V4MAPPED`/`dns.ALL` hints), `AI_NUMERICSERV` (a service name is
 * EAI_NONAME), `AI_NUMERICHOST`, `AI_PASSIVE`; `AI_CANONNAME` gives the name
 * asked for (`dns.lookup()` does not report the canonical one). Any other
 * bit is EAI_BADFLAGS, as in C.
 */
export async function getaddrinfo(
  host: string | null,
  port: number | string | null,
  opts: AddrInfoOptions,
): Promise<AddrInfo[]> {
  const flags = opts.flags;
  if ((flags & ~AI_FLAGS) !== 0) throw gai_error('EAI_BADFLAGS');
  // C: a canonical name needs a name to start from.
  if ((flags & S.AI_CANONNAME) !== 0 && (host === null || host === '')) {
    throw gai_error('EAI_BADFLAGS');
  }
  const portnum = parse_port(port, (flags & S.AI_NUMERICSERV) !== 0);
  if (opts.family !== S.AF_UNSPEC && opts.family !== S.AF_INET && opts.family !== S.AF_INET6)
    throw gai_error('EAI_FAMILY');
  const want = family_to_resolve(opts.family, flags);
  const v4mapped = want === S.AF_INET6 && (flags & S.AI_V4MAPPED) !== 0;
  let addresses: { address: string; family: number }[];
  if (host === null || host === '') {
    const passive = (flags & S.AI_PASSIVE) !== 0;
    addresses = [
      { address: passive ? '0.0.0.0' : '127.0.0.1', family: S.AF_INET },
      { address: passive ? '::' : '::1', family: S.AF_INET6 },
    ];
  } else if (net.isIP(host) !== 0) {
    addresses = [{ address: host, family: net.isIP(host) === 6 ? S.AF_INET6 : S.AF_INET }];
    if (v4mapped && net.isIP(host) === 4) {
      addresses = [{ address: `::ffff:${host}`, family: S.AF_INET6 }];
    }
  } else if ((flags & S.AI_NUMERICHOST) !== 0) {
    throw gai_error('EAI_NONAME');
  } else {
    let found: dns.LookupAddress[];
    try {
      found = await dns.promises.lookup(host, {
        all: true,
        family: want === S.AF_INET6 ? 6 : want === S.AF_INET ? 4 : 0,
        hints: lookup_hints(want, flags),
        verbatim: true,
      });
    } catch (err) {
      throw map_dns_error(err);
    }
    addresses = found.map((a) => ({
      address: a.address,
      family: a.family === 6 ? S.AF_INET6 : S.AF_INET,
    }));
  }
  addresses = addresses.filter((a) => want === S.AF_UNSPEC || a.family === want);
  if (addresses.length === 0) throw gai_error('EAI_NONAME');
  const kinds: [number, number][] = [];
  for (const [type, proto] of [
    [S.SOCK_STREAM, S.IPPROTO_TCP],
    [S.SOCK_DGRAM, S.IPPROTO_UDP],
    [S.SOCK_RAW, 0],
  ] as const) {
    if (opts.type !== 0 && opts.type !== type) continue;
    if (opts.proto !== 0 && opts.proto !== proto) continue;
    kinds.push([type, proto]);
  }
  if (kinds.length === 0 && opts.type !== 0) kinds.push([opts.type, opts.proto]);
  const canonname = (flags & S.AI_CANONNAME) !== 0 && host !== null ? host : '';
  const result: AddrInfo[] = [];
  for (const { address, family } of addresses) {
    for (const [type, proto] of kinds) {
      result.push([
        family,
        type,
        proto,
        result.length === 0 ? canonname : '',
        sockaddr(address, family, portnum),
      ]);
    }
  }
  return result;
}

// ---- getnameinfo ------------------------------------------------------------------------------

/** Every `NI_*` flag there is; `getnameinfo` refuses NI_NOFQDN, and NI_DGRAM without NI_NUMERICSERV. */
const NI_FLAGS = S.NI_NUMERICHOST | S.NI_NUMERICSERV | S.NI_NOFQDN | S.NI_NAMEREQD | S.NI_DGRAM;

/** A lookup that found no name: C's getnameinfo then falls back to the numeric host. */
function no_name(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(GAI_ERRORS, code);
}

/**
 * The service name of TCP `port` from the system's services database
 * (`/etc/services`): Node has no getservbyport(), so ask `dns.lookupService()`
 * about the port on 127.0.0.1 and keep only the service; the number if that fails.
 */
async function service_name(port: number): Promise<string> {
  try {
    return (await dns.promises.lookupService('127.0.0.1', port)).service;
  } catch {
    return String(port);
  }
}

/**
 * Look up the names of a socket address (`dns.lookupService`, the system's
 * getnameinfo), with C's flags:
 * - `NI_NUMERICHOST`, `NI_NUMERICSERV`: the numbers, not the names;
 * - `NI_NAMEREQD`: EAI_NONAME when the address has no name. Without it, the
 *   numeric host stands in for a missing name (`dns.lookupService()` always
 *   fails then, so that fallback is made here);
 * - `NI_DGRAM` (UDP service names) only with `NI_NUMERICSERV`, where it changes
 *   nothing: `dns.lookupService()` looks up TCP service names only;
 * - `NI_NOFQDN` is refused: `dns.lookupService()` cannot shorten local names.
 * Any other bit is EAI_BADFLAGS, as in C.
 */
export async function getnameinfo(addr: SockAddr, flags: number): Promise<[string, string]> {
  const [host, port] = addr as [string, number];
  if (typeof host !== 'string' || typeof port !== 'number') {
    throw new TypeError('getnameinfo() sockaddr must be a [host, port] array');
  }
  if ((flags & ~NI_FLAGS) !== 0) throw gai_error('EAI_BADFLAGS');
  const numeric_host = (flags & S.NI_NUMERICHOST) !== 0;
  const numeric_serv = (flags & S.NI_NUMERICSERV) !== 0;
  const name_required = (flags & S.NI_NAMEREQD) !== 0;
  if ((flags & S.NI_NOFQDN) !== 0) {
    throw new NotImplementedError(
      "getnameinfo() flag NI_NOFQDN is not supported: Node's dns.lookupService() cannot " +
        'shorten a local host name to its first label',
    );
  }
  if ((flags & S.NI_DGRAM) !== 0 && !numeric_serv) {
    throw new NotImplementedError(
      "getnameinfo() flag NI_DGRAM needs NI_NUMERICSERV: Node's dns.lookupService() looks up " +
        'TCP service names only',
    );
  }
  if (net.isIP(host) === 0) throw gai_error('EAI_NONAME');
  // C: a name is required, but only the number was asked for.
  if (numeric_host && name_required) throw gai_error('EAI_NONAME');
  if (numeric_host && numeric_serv) return [host, String(port)];
  let names: { hostname: string; service: string } | null = null;
  if (!numeric_host) {
    try {
      names = await dns.promises.lookupService(host, port);
    } catch (err) {
      if (name_required || !no_name(err)) throw map_dns_error(err);
    }
  }
  const service = numeric_serv ? String(port) : (names?.service ?? (await service_name(port)));
  return [names?.hostname ?? host, service];
}
