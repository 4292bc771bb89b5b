// Node backend: the built-in modules only some programs use (TLS, subprocesses, WebSocket servers, worker threads, UDP), loaded on first use.
//
// Usage: `node_tls().connect(...)` where a module would say `tls.connect(...)`;
// the types still come from `import type * as tls from 'node:tls'`.
//
// Imported up front, node:tls, node:crypto, node:child_process, node:http,
// node:worker_threads and node:dgram cost every process that imports trollius
// about 3.5 MB of RSS and 10 ms of start-up (half of its import time), though
// most programs use none of them. `process.getBuiltinModule` (Node 20.16+)
// returns the module Node has cached, loading it the first time.
// @see https://nodejs.org/api/process.html#processgetbuiltinmoduleid

export const node_tls = () => process.getBuiltinModule('node:tls');
export const node_crypto = () => process.getBuiltinModule('node:crypto');
export const node_child_process = () => process.getBuiltinModule('node:child_process');
export const node_http = () => process.getBuiltinModule('node:http');
export const node_worker_threads = () => process.getBuiltinModule('node:worker_threads');
export const node_dgram = () => process.getBuiltinModule('node:dgram');
