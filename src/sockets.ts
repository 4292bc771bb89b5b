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
export const socket = Object.freeze({
  AF_UNSPEC: 0,
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  IPPROTO_IP: 0,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  AI_PASSIVE: 0x1,
  AI_CANONNAME: 0x2,
  AI_NUMERICHOST: 0x4,
  AI_V4MAPPED: 0x8,
  AI_ALL: 0x10,
  AI_ADDRCONFIG: 0x20,
  AI_NUMERICSERV: 0x400,
  NI_NUMERICHOST: 0x1,
  NI_NUMERICSERV: 0x2,
  NI_NOFQDN: 0x4,
  NI_NAMEREQD: 0x8,
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
