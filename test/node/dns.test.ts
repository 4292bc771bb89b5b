// The Node resolver (platform/node/dns.ts): every getaddrinfo AI_* and getnameinfo NI_* flag is honoured or refused, never ignored. Loopback and localhost only.
import dns from 'node:dns';
import os from 'node:os';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { getaddrinfo, getnameinfo } from '../../platform/node/dns.js';
import { NotImplementedError } from '../../src/exceptions.js';
import { OSError } from '../../src/os_errors.js';
import type { AddrInfoOptions, SockAddr } from '../../src/platform.js';
import { socket } from '../../src/sockets.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const STREAM = { family: 0, type: socket.SOCK_STREAM, proto: 0, flags: 0 };

function lookup(
  host: string | null,
  port: number | string | null,
  options: Partial<AddrInfoOptions>,
): Promise<[number, SockAddr][]> {
  return getaddrinfo(host, port, { ...STREAM, ...options }).then((infos) =>
    infos.map((i) => [i[0], i[4]]),
  );
}

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

/** Expect `err` to be Python's socket.gaierror for `errno`. */
function expect_gaierror(err: unknown, errno: number, strerror: string): void {
  expect(err).toBeInstanceOf(OSError);
  expect((err as OSError).errno).toBe(errno);
  expect((err as OSError).message).toBe(`[Errno ${errno}] ${strerror}`);
}

type Interfaces = ReturnType<typeof os.networkInterfaces>;

function iface(address: string, internal = false): os.NetworkInterfaceInfo {
  const v6 = address.includes(':');
  return {
    address,
    netmask: v6 ? 'ffff:ffff:ffff:ffff::' : '255.255.255.0',
    family: v6 ? 'IPv6' : 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: null,
    ...(v6 ? { scopeid: 0 } : {}),
  } as os.NetworkInterfaceInfo;
}

const LOOPBACK: Interfaces = { lo: [iface('127.0.0.1', true), iface('::1', true)] };

describe('getaddrinfo flags', () => {
  it('AI_NUMERICSERV refuses a service name (EAI_NONAME), as C does', async () => {
    expect(await lookup('127.0.0.1', 'http', {})).toEqual([[socket.AF_INET, ['127.0.0.1', 80]]]);
    expect(await lookup('127.0.0.1', '80', { flags: socket.AI_NUMERICSERV })).toEqual([
      [socket.AF_INET, ['127.0.0.1', 80]],
    ]);
    expect_gaierror(
      await failure(lookup('127.0.0.1', 'http', { flags: socket.AI_NUMERICSERV })),
      -2,
      'Name or service not known',
    );
  });

  it('an unknown flag, or AI_CANONNAME without a host, is EAI_BADFLAGS', async () => {
    expect_gaierror(
      await failure(lookup('127.0.0.1', 80, { flags: 0x8000 })),
      -1,
      'Bad value for ai_flags',
    );
    expect_gaierror(
      await failure(lookup(null, 80, { flags: socket.AI_CANONNAME })),
      -1,
      'Bad value for ai_flags',
    );
  });

  it('AI_V4MAPPED maps IPv4 addresses into AF_INET6 (::ffff:a.b.c.d)', async () => {
    const v6 = { family: socket.AF_INET6 };
    expect_gaierror(await failure(lookup('127.0.0.1', 80, v6)), -2, 'Name or service not known');
    expect(await lookup('127.0.0.1', 80, { ...v6, flags: socket.AI_V4MAPPED })).toEqual([
      [socket.AF_INET6, ['::ffff:127.0.0.1', 80, 0, 0]],
    ]);
    // Through the system resolver: localhost's IPv4 address comes back mapped with AI_ALL.
    const flags = socket.AI_V4MAPPED | socket.AI_ALL;
    const found = await lookup('localhost', 80, { ...v6, flags });
    expect(found.every(([family]) => family === socket.AF_INET6)).toBe(true);
    expect(found.map(([, addr]) => (addr as [string, number])[0])).toContain('::ffff:127.0.0.1');
    // Without AF_INET6, AI_V4MAPPED changes nothing (C ignores it there).
    expect(await lookup('127.0.0.1', 80, { flags: socket.AI_V4MAPPED })).toEqual([
      [socket.AF_INET, ['127.0.0.1', 80]],
    ]);
  });

  it('AI_ADDRCONFIG keeps the families a non-loopback interface has, as glibc does', async () => {
    const interfaces = vi.spyOn(os, 'networkInterfaces');
    const flags = socket.AI_ADDRCONFIG;
    const families = async (options: Partial<AddrInfoOptions>): Promise<number[]> =>
      (await lookup(null, 80, options)).map(([family]) => family);

    interfaces.mockReturnValue({ ...LOOPBACK, eth0: [iface('192.0.2.2')] });
    expect(await families({})).toEqual([socket.AF_INET, socket.AF_INET6]);
    expect(await families({ flags })).toEqual([socket.AF_INET]);
    expect_gaierror(
      await failure(lookup('::1', 80, { family: socket.AF_INET6, flags })),
      -2,
      'Name or service not known',
    );

    interfaces.mockReturnValue({ ...LOOPBACK, eth0: [iface('fd00::2')] });
    expect(await families({ flags })).toEqual([socket.AF_INET6]);

    // Only loopback addresses: nothing to go by, every family stays.
    interfaces.mockReturnValue(LOOPBACK);
    expect(await families({ flags })).toEqual([socket.AF_INET, socket.AF_INET6]);
    expect(interfaces).toHaveBeenCalled();
  });
});

describe('getnameinfo flags', () => {
  /** The service name the system gives TCP port 80 ('http', or '80' without /etc/services). */
  const http = (): Promise<string> =>
    dns.promises.lookupService('127.0.0.1', 80).then((names) => names.service);

  /** Make 127.0.0.2 an address without a name, whatever the resolver says. */
  function nameless_127_0_0_2(): void {
    const real = dns.promises.lookupService.bind(dns.promises);
    vi.spyOn(dns.promises, 'lookupService').mockImplementation((address, port) =>
      address === '127.0.0.2'
        ? Promise.reject(Object.assign(new Error('getnameinfo ENOTFOUND'), { code: 'ENOTFOUND' }))
        : real(address, port),
    );
  }

  it('without NI_NAMEREQD, an address without a name gives the number, as C does', async () => {
    nameless_127_0_0_2();
    expect(await getnameinfo(['127.0.0.2', 80], 0)).toEqual(['127.0.0.2', await http()]);
    expect(await getnameinfo(['127.0.0.2', 80], socket.NI_NUMERICSERV)).toEqual([
      '127.0.0.2',
      '80',
    ]);
  });

  it('NI_NAMEREQD: an address without a name is EAI_NONAME, one with a name gets it', async () => {
    nameless_127_0_0_2();
    expect_gaierror(
      await failure(getnameinfo(['127.0.0.2', 80], socket.NI_NAMEREQD)),
      -2,
      'Name or service not known',
    );
    const [host, service] = await getnameinfo(['127.0.0.1', 80], socket.NI_NAMEREQD);
    expect(host).not.toBe('127.0.0.1');
    expect(service).toBe(await http());
    // A name is required, but only the number was asked for.
    expect_gaierror(
      await failure(getnameinfo(['127.0.0.1', 80], socket.NI_NAMEREQD | socket.NI_NUMERICHOST)),
      -2,
      'Name or service not known',
    );
  });

  it('NI_NUMERICHOST alone still names the service', async () => {
    expect(await getnameinfo(['127.0.0.1', 80], socket.NI_NUMERICHOST)).toEqual([
      '127.0.0.1',
      await http(),
    ]);
  });

  it('refuses NI_NOFQDN, and NI_DGRAM without NI_NUMERICSERV, with NotImplementedError', async () => {
    const nofqdn = await failure(getnameinfo(['127.0.0.1', 80], socket.NI_NOFQDN));
    expect(nofqdn).toBeInstanceOf(NotImplementedError);
    expect((nofqdn as Error).message).toMatch(/^getnameinfo\(\) flag NI_NOFQDN is not supported/);
    const dgram = await failure(getnameinfo(['127.0.0.1', 80], socket.NI_DGRAM));
    expect(dgram).toBeInstanceOf(NotImplementedError);
    expect((dgram as Error).message).toMatch(/^getnameinfo\(\) flag NI_DGRAM needs NI_NUMERICSERV/);
    // With numbers only, NI_DGRAM changes nothing.
    const numeric = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV;
    expect(await getnameinfo(['127.0.0.1', 80], numeric | socket.NI_DGRAM)).toEqual([
      '127.0.0.1',
      '80',
    ]);
  });

  it('an unknown flag is EAI_BADFLAGS', async () => {
    expect_gaierror(
      await failure(getnameinfo(['127.0.0.1', 80], 0x4000)),
      -1,
      'Bad value for ai_flags',
    );
  });
});
