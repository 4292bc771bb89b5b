// Browser backend: the endpoint a Web Worker's parent talks to (the worker's global scope), for accept_parent_port().
//
// Usage: `parent_port` becomes `browser_platform.parent_port`.
// @see https://html.spec.whatwg.org/multipage/workers.html#dedicatedworkerglobalscope

import type { MessageEndpoint } from '../../src/platform.js';

/**
 * The global scope of a dedicated worker (classic or module), which receives
 * the parent's `worker.postMessage()`; `null` in a window (or a shared worker,
 * whose parents connect through `onconnect` ports instead).
 */
export function parent_port(): MessageEndpoint | null {
  const scope = globalThis as unknown as Partial<MessageEndpoint> & { importScripts?: unknown };
  const is_dedicated_worker =
    typeof scope.importScripts === 'function' &&
    typeof scope.postMessage === 'function' &&
    typeof scope.addEventListener === 'function';
  return is_dedicated_worker ? (scope as MessageEndpoint) : null;
}
