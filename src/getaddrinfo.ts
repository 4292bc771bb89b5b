// Name resolution for the loop: getaddrinfo() and getnameinfo() through the host's resolver (asyncio base_events.py).

import type { _LoopInternals } from './loop_internals.js';
import { repr } from './format_helpers.js';
import type { Future } from './futures.js';
import { host_future, is_none } from './net_helpers.js';
import {
  GETADDRINFO_OPTIONS,
  GETNAMEINFO_OPTIONS,
  _check_port,
  _check_sockaddr_port,
  type GetAddrInfoOptions,
  type GetNameInfoOptions,
} from './net_options.js';
import { check_options } from './options.js';
import type { AddrInfo, SockAddr } from './platform.js';

/** `loop.getaddrinfo()`: a Future of `[family, type, proto, canonname, sockaddr]` entries. @internal */
export function getaddrinfo(
  loop: _LoopInternals,
  host: string | null | undefined,
  port: number | string | null | undefined,
  options?: GetAddrInfoOptions | null,
): Future<AddrInfo[]> {
  const checked = check_options('getaddrinfo', options, GETADDRINFO_OPTIONS);
  if (!is_none(host) && typeof host !== 'string') {
    throw new TypeError(`getaddrinfo() argument 1 must be string or None, not ${repr(host)}`);
  }
  _check_port('getaddrinfo', port);
  const opts = {
    family: checked.family ?? 0,
    type: checked.type ?? 0,
    proto: checked.proto ?? 0,
    flags: checked.flags ?? 0,
  };
  let promise: Promise<AddrInfo[]>;
  try {
    promise = loop._platform.getaddrinfo(host ?? null, port ?? null, opts);
  } catch (exc) {
    promise = Promise.reject(exc);
  }
  return host_future(loop, promise);
}

/**
 * `loop.getnameinfo()`: a Future of `[host, service]`. `flags` is given by
 * position (`getnameinfo(addr, socket.NI_NUMERICHOST)`) or by name (`{flags}`).
 * @internal
 */
export function getnameinfo(
  loop: _LoopInternals,
  sockaddr: SockAddr,
  flags: number | GetNameInfoOptions | null = 0,
): Future<[string, string]> {
  if (typeof flags === 'object' && flags !== null) {
    flags = check_options('getnameinfo', flags, GETNAMEINFO_OPTIONS).flags ?? 0;
  } else if (flags === null) {
    flags = 0;
  } else if (!Number.isInteger(flags)) {
    throw new TypeError(`getnameinfo() argument 2 must be int, not ${repr(flags)}`);
  }
  if (!Array.isArray(sockaddr) || sockaddr.length < 2) {
    throw new TypeError(`getnameinfo() argument 1 must be a tuple, not ${repr(sockaddr)}`);
  }
  _check_sockaddr_port('getnameinfo', sockaddr);
  let promise: Promise<[string, string]>;
  try {
    promise = loop._platform.getnameinfo(sockaddr, flags);
  } catch (exc) {
    promise = Promise.reject(exc);
  }
  return host_future(loop, promise);
}
