// The loop's network methods in one namespace, which loop_io_methods.ts forwards to as `io` (asyncio base_events.py and unix_events.py).
//
// Nothing is defined here: each method lives in the file of its job, and
// this file gathers them (and the names other modules import from here).
// Each method is documented once, on AbstractEventLoop (events.ts); the
// IO_METHODS table in loop_io_methods.ts binds it to its body here, or in
// datagram_transport.ts, base_subprocess.ts (spawn_options.ts checks its
// arguments), start_tls.ts and message_port_stream.ts, which it imports
// directly. The synchronous methods need no host I/O: loop_io_forwarders.ts
// binds them to signals.ts and fd_readiness.ts.
//
//   net_options.ts        the options objects of the methods, and their specs
//   net_helpers.ts        host_future(), argument checks
//   stream_transport.ts   _make_transport(): a stream transport, once connection_made ran
//   getaddrinfo.ts        getaddrinfo(), getnameinfo()
//   create_connection.ts  create_connection() (staggered.ts: Happy Eyeballs)
//   create_server.ts      create_server() (server.ts: Server, ServerSocket)
//   unix_events.ts        create_unix_connection(), create_unix_server(), pipes
//   sendfile.ts           sendfile()
//   connect_accepted_socket.ts  connect_accepted_socket()
//
// The files above never import this one, so no import cycle goes through it.

export {
  connect_accepted_socket,
  type ConnectAcceptedSocketOptions,
} from './connect_accepted_socket.js';
export { create_connection, _interleave_addrinfos } from './create_connection.js';
export { create_server } from './create_server.js';
export { getaddrinfo, getnameinfo } from './getaddrinfo.js';
export {
  check_factory,
  host_future,
  sock_not_implemented,
  type SockMethod,
} from './net_helpers.js';
export {
  SSL_SHUTDOWN_TIMEOUT,
  type CreateConnectionOptions,
  type CreateServerOptions,
  type CreateUnixConnectionOptions,
  type CreateUnixServerOptions,
  type GetAddrInfoOptions,
  type GetNameInfoOptions,
  type ProtocolFactory,
} from './net_options.js';
export {
  SENDFILE_FALLBACK_READBUFFER_SIZE,
  sendfile,
  type BinaryFile,
  type SendfileOptions,
} from './sendfile.js';
export { Server, ServerSocket } from './server.js';
export { connect_pipe, create_unix_connection, create_unix_server } from './unix_events.js';
export { _make_transport } from './stream_transport.js';
