// What no JavaScript host can do for the loop (raw sockets, descriptor readiness): each refusal is a NotImplementedError that names what to use instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { NotImplementedError } from '../../src/exceptions.js';
import { fd_not_implemented, type FdMethod } from '../../src/fd_readiness.js';
import { sock_not_implemented, type SockMethod } from '../../src/net_helpers.js';

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  loop.close();
});

function refusal(call: () => unknown): NotImplementedError {
  try {
    call();
  } catch (exc) {
    expect(exc).toBeInstanceOf(NotImplementedError);
    return exc as NotImplementedError;
  }
  throw new Error('expected a NotImplementedError');
}

/** Each asyncio method, and the alternative its message must name. */
const SOCK_METHODS: Record<SockMethod, RegExp> = {
  sock_recv: /loop\.create_connection\(factory, host, port\).*StreamReader\.read\(\)/,
  sock_recv_into: /loop\.create_connection\(factory, host, port\).*StreamReader\.read\(\)/,
  sock_recvfrom: /loop\.create_datagram_endpoint\(/,
  sock_recvfrom_into: /loop\.create_datagram_endpoint\(/,
  sock_sendall: /transport\.write\(\) then StreamWriter\.drain\(\)/,
  sock_sendto: /loop\.create_datagram_endpoint\(/,
  sock_connect: /loop\.create_connection\(factory, host, port\) or open_connection\(host, port\)/,
  sock_accept: /loop\.create_server\(.*loop\.connect_accepted_socket\(factory, sock\)/,
  sock_sendfile: /loop\.sendfile\(transport, file\)/,
};

const FD_METHODS: Record<FdMethod, RegExp> = {
  add_reader: /loop\.connect_read_pipe\(factory, pipe\).*\{sock\}/,
  remove_reader: /loop\.connect_read_pipe\(factory, pipe\).*\{sock\}/,
  add_writer: /loop\.connect_write_pipe\(factory, pipe\).*pause_writing\(\)\/resume_writing\(\)/,
  remove_writer: /loop\.connect_write_pipe\(factory, pipe\).*pause_writing\(\)\/resume_writing\(\)/,
};

describe('the sock_* methods', () => {
  it.each(Object.entries(SOCK_METHODS))(
    '%s() throws NotImplementedError naming the transport API to use instead',
    (method, alternative) => {
      const exc = refusal(() => sock_not_implemented(method as SockMethod));
      expect(exc.message).toMatch(
        new RegExp(
          `^loop\\.${method}\\(\\): needs a raw socket object, which JavaScript hosts do not expose; `,
        ),
      );
      expect(exc.message).toMatch(alternative);
    },
  );

  it('reach the loop’s forwarders: loop.sock_recv() and loop.sock_accept() say what to use', () => {
    expect(refusal(() => loop.sock_recv(null, 1)).message).toMatch(SOCK_METHODS.sock_recv);
    expect(refusal(() => loop.sock_sendall(null, new Uint8Array(1))).message).toMatch(
      SOCK_METHODS.sock_sendall,
    );
    expect(refusal(() => loop.sock_connect(null, ['127.0.0.1', 1])).message).toMatch(
      SOCK_METHODS.sock_connect,
    );
    expect(refusal(() => loop.sock_accept(null)).message).toMatch(SOCK_METHODS.sock_accept);
  });
});

describe('add_reader / add_writer / remove_reader / remove_writer', () => {
  it.each(Object.entries(FD_METHODS))(
    '%s() throws NotImplementedError naming the transport to wrap the descriptor in',
    (method, alternative) => {
      const exc = refusal(() => fd_not_implemented(method as FdMethod));
      expect(exc.message).toMatch(
        new RegExp(
          `^loop\\.${method}\\(\\): needs the readiness of raw file descriptors, which JavaScript hosts do not expose; `,
        ),
      );
      expect(exc.message).toMatch(alternative);
    },
  );
});
