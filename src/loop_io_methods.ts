// The bodies of the loop's I/O methods (networking, pipes, processes, sendfile): the tables BaseEventLoop's forwarders call.
//
// Each method is typed and documented once, on AbstractEventLoop (events.ts);
// its body is in the file of its job (base_events_net.ts lists them) and takes
// the loop first. The forwarders (loop_io_forwarders.ts) are on the loop class
// from the start; a table reaches them through install_platform: at once in
// Node, or loaded with the browser's host I/O on the first call, so that a
// browser program that does no I/O carries none of this code.
//
// Two tables: what every host can do (WebSocket and MessagePort connections,
// sendfile) and what needs the operating system (servers, Unix sockets, pipes,
// datagrams, TLS upgrades, processes, the resolver). Node installs both; the
// browser backend has methods of its own that fail at once for the second
// (platform/browser/unsupported.ts), so its I/O chunk carries none of it.

import * as io from './base_events_net.js';
import type { BaseEventLoop } from './base_events.js';
import { subprocess_exec, subprocess_shell } from './base_subprocess.js';
import { create_datagram_endpoint } from './datagram_transport.js';
import type { LoopIoMethods, OsIoMethod } from './loop_io_forwarders.js';
import { connect_message_port } from './message_port_stream.js';
import { start_tls } from './start_tls.js';

/** The I/O methods every host has (`this` being the loop). @internal */
export const PORTABLE_IO_METHODS: Omit<LoopIoMethods, OsIoMethod> & ThisType<BaseEventLoop> = {
  create_connection(protocol_factory, host, port, options) {
    return io.create_connection(this, protocol_factory, host, port, options);
  },
  connect_message_port(protocol_factory, port) {
    return connect_message_port(this, protocol_factory, port);
  },
  sock_recv(_sock, _nbytes) {
    return io.sock_not_implemented('sock_recv');
  },
  sock_sendall(_sock, _data) {
    return io.sock_not_implemented('sock_sendall');
  },
  sock_connect(_sock, _address) {
    return io.sock_not_implemented('sock_connect');
  },
  sock_accept(_sock) {
    return io.sock_not_implemented('sock_accept');
  },
  sock_recv_into(_sock, _buf) {
    return io.sock_not_implemented('sock_recv_into');
  },
  sock_recvfrom(_sock, _bufsize) {
    return io.sock_not_implemented('sock_recvfrom');
  },
  sock_recvfrom_into(_sock, _buf, _nbytes) {
    return io.sock_not_implemented('sock_recvfrom_into');
  },
  sock_sendto(_sock, _data, _address) {
    return io.sock_not_implemented('sock_sendto');
  },
  sock_sendfile(_sock, _file, _offset, _count, _options) {
    return io.sock_not_implemented('sock_sendfile');
  },
  sendfile(transport, file, offset, count, options) {
    return io.sendfile(this, transport, file, offset, count, options);
  },
};

/** The I/O methods that need the operating system (`this` being the loop). @internal */
export const OS_IO_METHODS: Pick<LoopIoMethods, OsIoMethod> & ThisType<BaseEventLoop> = {
  create_server(protocol_factory, host, port, options) {
    return io.create_server(this, protocol_factory, host, port, options);
  },
  create_unix_connection(protocol_factory, path, options) {
    return io.create_unix_connection(this, protocol_factory, path, options);
  },
  create_unix_server(protocol_factory, path, options) {
    return io.create_unix_server(this, protocol_factory, path, options);
  },
  connect_read_pipe(protocol_factory, pipe) {
    return io.connect_pipe(this, protocol_factory, pipe, 'read');
  },
  connect_write_pipe(protocol_factory, pipe) {
    return io.connect_pipe(this, protocol_factory, pipe, 'write');
  },
  create_datagram_endpoint(protocol_factory, options) {
    return create_datagram_endpoint(this, protocol_factory, options);
  },
  start_tls(transport, protocol, sslcontext, options) {
    return start_tls(this, transport, protocol, sslcontext, options);
  },
  subprocess_exec(protocol_factory, program, ...args) {
    return subprocess_exec(this, protocol_factory, program, args);
  },
  subprocess_shell(protocol_factory, cmd, options) {
    return subprocess_shell(this, protocol_factory, cmd, options);
  },
  getaddrinfo(host, port, options) {
    return io.getaddrinfo(this, host, port, options);
  },
  getnameinfo(sockaddr, flags = 0) {
    return io.getnameinfo(this, sockaddr, flags);
  },
  connect_accepted_socket(protocol_factory, sock, options) {
    return io.connect_accepted_socket(this, protocol_factory, sock, options);
  },
};

/** Every I/O method body, for a host that has them all (Node, the tests' scripted hosts). @internal */
export const IO_METHODS: LoopIoMethods = /* @__PURE__ */ Object.assign(
  {},
  PORTABLE_IO_METHODS,
  OS_IO_METHODS,
);
