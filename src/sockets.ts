// Socket constants with Linux's values (Python's socket.AF_INET etc.) and socket address helpers.

/**
 * The constants of Python's `socket` module that the loop's networking
 * methods take or return: address families, socket types, protocols and the
 * `getaddrinfo`/`getnameinfo` flags. Values are Linux's whatever the host, so
 * `getaddrinfo()` results compare the same everywhere.
 *
 * @example
 * const infos = yield* From(loop.getaddrinfo('localhost', 80, { family: socket.AF_INET }));
 */
export const socket = /* @__PURE__ */ Object.freeze({
  /** Any address family (`getaddrinfo()`'s default). */
  AF_UNSPEC: 0,
  /** Unix domain sockets (a filesystem path). */
  AF_UNIX: 1,
  /** IPv4: addresses are `[host, port]`. */
  AF_INET: 2,
  /** IPv6: addresses are `[host, port, flowinfo, scope_id]`. */
  AF_INET6: 10,
  /** A stream socket (TCP, Unix stream). */
  SOCK_STREAM: 1,
  /** A datagram socket (UDP). */
  SOCK_DGRAM: 2,
  /** A raw socket (listed for `getaddrinfo()` filters; no host here opens one). */
  SOCK_RAW: 3,
  /** Any protocol (`getaddrinfo()`'s default). */
  IPPROTO_IP: 0,
  /** TCP. */
  IPPROTO_TCP: 6,
  /** UDP. */
  IPPROTO_UDP: 17,
  /** `getaddrinfo()`: addresses to bind (a `null` host is the wildcard address). */
  AI_PASSIVE: 0x1,
  /** `getaddrinfo()`: fill in the canonical name of the host. */
  AI_CANONNAME: 0x2,
  /** `getaddrinfo()`: the host is a numeric address; do not resolve it. */
  AI_NUMERICHOST: 0x4,
  /** `getaddrinfo()`: with `AF_INET6`, return IPv4-mapped addresses when there are no IPv6 ones. */
  AI_V4MAPPED: 0x8,
  /** `getaddrinfo()`: with `AI_V4MAPPED`, return IPv6 and IPv4-mapped addresses. */
  AI_ALL: 0x10,
  /** `getaddrinfo()`: only families the host has an address of. */
  AI_ADDRCONFIG: 0x20,
  /** `getaddrinfo()`: the port is numeric; do not look up a service name. */
  AI_NUMERICSERV: 0x400,
  /** `getnameinfo()`: the numeric host address instead of its name. */
  NI_NUMERICHOST: 0x1,
  /** `getnameinfo()`: the numeric port instead of its service name. */
  NI_NUMERICSERV: 0x2,
  /** `getnameinfo()`: only the host part of a local name (refused on Node). */
  NI_NOFQDN: 0x4,
  /** `getnameinfo()`: fail when the host has no name. */
  NI_NAMEREQD: 0x8,
  /** `getnameinfo()`: the service is UDP (Node: with `NI_NUMERICSERV` only). */
  NI_DGRAM: 0x10,
});

/**
 * Format a socket address as Python's `repr()` of it, for error messages
 * that match asyncio's: `('127.0.0.1', 8080)`, `('::1', 8080, 0, 0)`, `'/tmp/s'`.
 * @internal
 */
export function _format_sockaddr(addr: unknown): string {
  if (Array.isArray(addr)) {
    const items = addr.map((item) => (typeof item === 'string' ? `'${item}'` : String(item)));
    return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  }
  return typeof addr === 'string' ? `'${addr}'` : String(addr);
}
