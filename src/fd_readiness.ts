// asyncio's readiness callbacks on raw file descriptors (add_reader() and the like), which no JavaScript host has: each fails, naming the transport to use.

import { NotImplementedError } from './exceptions.js';

/** How to wrap a socket that is connected elsewhere, named by several `NotImplementedError`s. @internal */
export const STREAM_SOCK =
  'loop.create_connection(factory, null, null, {sock}) for a socket connected elsewhere';

/**
 * What to use instead of watching a descriptor's readiness, by method. Built
 * by a call marked pure: esbuild keeps a template literal that reads a
 * constant (it cannot tell the constant is a string).
 */
const FD_ALTERNATIVES = /* @__PURE__ */ (() => {
  const read = `loop.connect_read_pipe(factory, pipe) for a pipe, or ${STREAM_SOCK}`;
  const write = `loop.connect_write_pipe(factory, pipe) for a pipe, or ${STREAM_SOCK}; a transport's pause_writing()/resume_writing() say when it can take more`;
  return {
    add_reader: read,
    remove_reader: read,
    add_writer: write,
    remove_writer: write,
  } as const;
})();

/** asyncio's readiness callbacks on raw file descriptors. @internal */
export type FdMethod = keyof typeof FD_ALTERNATIVES;

/**
 * `add_reader()`/`remove_reader()`/`add_writer()`/`remove_writer()`: Node
 * (libuv) and browsers report no readiness of raw descriptors, so throw
 * `NotImplementedError` naming the transport to use instead.
 * @internal
 */
export function fd_not_implemented(method: FdMethod): never {
  throw new NotImplementedError(
    `loop.${method}(): needs the readiness of raw file descriptors, which JavaScript hosts do not expose; wrap the descriptor in a transport instead: ${FD_ALTERNATIVES[method]}`,
  );
}
