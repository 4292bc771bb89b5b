// Node backend: the endpoint a worker thread's parent talks to (worker_threads.parentPort), for accept_parent_port().
//
// Usage: `parent_port` becomes `node_platform.parent_port`.
// @see https://nodejs.org/api/worker_threads.html#workerparentport

import type { MessageEndpoint } from '../../src/platform.js';

import { node_worker_threads } from './builtins.js';

/**
 * `worker_threads.parentPort` (a MessagePort, which is an EventTarget in
 * Node), or `null` on the main thread.
 */
export function parent_port(): MessageEndpoint | null {
  return node_worker_threads().parentPort as unknown as MessageEndpoint | null;
}
