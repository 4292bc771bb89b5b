// Node backend: dns.lookup / dns.lookupService -> getaddrinfo / getnameinfo results (Python's tuples as arrays).
//
// Usage: `getaddrinfo` and `getnameinfo` become the node_platform members of the same names.
// @see https://nodejs.org/api/dns.html

import dns from 'node:dns';
import net from 'node:net';

import { OSError } from '../../src/os_errors.js';
import type { AddrInfo, AddrInfoOptions, SockAddr } from '../../src/platform.js';
import { socket as S } from '../../src/sockets.js';

import { map_error } from './errors.js';

/**
 * getaddrinfo's own error codes (Python's `socket.gaierror`, a subclass of
 * OSError there): glibc's negative EAI_* values and texts, keyed by Node's code.
 */
const GAI_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
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

function parse_port(port: number | string | null): number {
  if (port === null) return 0;
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw gai_error('EAI_SERVICE');
    return port;
  }
  if (/^\d+$/.test(port)) return parse_port(Number(port));
  const known = SERVICES[port];
  if (known === undefined) throw gai_error('EAI_SERVICE');
  return known;
}

function sockaddr(address: string, family: number, port: number): SockAddr {
  return family === S.AF_INET6 ? [address, port, 0, 0] : [address, port];
}

/**
 * Resolve like C's getaddrinfo: numeric hosts without a lookup, `null` as the
 * wildcard (with `AI_PASSIVE`) or loopback addresses, names through
 * `dns.lookup` (the system resolver, in Node's thread pool).
 */
export async function getaddrinfo(
  host: string | null,
  port: number | string | null,
  opts: AddrInfoOptions,
): Promise<AddrInfo[]> {
  const portnum = parse_port(port);
  const want = opts.family;
  if (want !== S.AF_UNSPEC && want !== S.AF_INET && want !== S.AF_INET6)
    throw gai_error('EAI_FAMILY');
  let addresses: { address: string; family: number }[];
  if (host === null || host === '') {
    const passive = (opts.flags & S.AI_PASSIVE) !== 0;
    addresses = [
      { address: passive ? '0.0.0.0' : '127.0.0.1', family: S.AF_INET },
      { address: passive ? '::' : '::1', family: S.AF_INET6 },
    ];
  } else if (net.isIP(host) !== 0) {
    addresses = [{ address: host, family: net.isIP(host) === 6 ? S.AF_INET6 : S.AF_INET }];
  } else if ((opts.flags & S.AI_NUMERICHOST) !== 0) {
    throw gai_error('EAI_NONAME');
  } else {
    let found: dns.LookupAddress[];
    try {
      found = await dns.promises.lookup(host, {
        all: true,
        family: want === S.AF_INET6 ? 6 : want === S.AF_INET ? 4 : 0,
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
  const canonname = (opts.flags & S.AI_CANONNAME) !== 0 && host !== null ? host : '';
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

/** Look up the names of a socket address (`dns.lookupService`), honouring the NI_NUMERIC* flags. */
export async function getnameinfo(addr: SockAddr, flags: number): Promise<[string, string]> {
  const [host, port] = addr as [string, number];
  if (typeof host !== 'string' || typeof port !== 'number') {
    throw new TypeError('getnameinfo() sockaddr must be a [host, port] array');
  }
  const numeric_host = (flags & S.NI_NUMERICHOST) !== 0;
  const numeric_serv = (flags & S.NI_NUMERICSERV) !== 0;
  if (net.isIP(host) === 0) throw gai_error('EAI_NONAME');
  if (numeric_host && numeric_serv) return [host, String(port)];
  let names: { hostname: string; service: string };
  try {
    names = await dns.promises.lookupService(host, port);
  } catch (err) {
    throw map_dns_error(err);
  }
  return [numeric_host ? host : names.hostname, numeric_serv ? String(port) : names.service];
}
