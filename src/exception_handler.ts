// The loop's exception handler: what default_exception_handler() logs, and how call_exception_handler() falls back (asyncio base_events.py).

import type { AbstractEventLoop } from './events.js';
import type { Future } from './futures.js';
import type { Handle } from './handles.js';
import type { Task } from './tasks.js';
import { repr } from './format_helpers.js';
import { logger } from './log.js';

/** What `call_exception_handler` receives: asyncio's context dict. */
export interface ExceptionContext {
  /** What went wrong, in words; always present. */
  message: string;
  /** The exception, if there is one. */
  exception?: unknown;
  /** The future in question (a failed future nobody retrieved, a callback's). */
  future?: Future<unknown>;
  /** The task in question; for a task collected while pending, its repr (it is gone). */
  task?: Task<unknown> | string;
  /** The handle whose callback failed. */
  handle?: Handle;
  /** The protocol in question. */
  protocol?: unknown;
  /** The transport in question. */
  transport?: unknown;
  /** The host socket in question. */
  socket?: unknown;
  /** Debug mode: where the object in question was created. */
  source_traceback?: string;
  /** Debug mode: where the handle that was running was created. */
  handle_traceback?: string;
  [key: string]: unknown;
}

/** A custom exception handler, set with `loop.set_exception_handler()`. */
export type ExceptionHandler = (loop: AbstractEventLoop, context: ExceptionContext) => void;

/**
 * `loop.default_exception_handler(context)`: log the message through
 * `logger.error`, then every other key sorted, one `key: value` line each,
 * and the exception's stack.
 * @internal
 */
export function log_exception_context(context: ExceptionContext): void {
  const lines = [context.message || 'Unhandled exception in event loop'];
  for (const key of Object.keys(context).sort()) {
    if (key === 'message' || key === 'exception') continue;
    const value = context[key];
    if (key === 'source_traceback')
      lines.push(`Object created at (most recent call last):\n${String(value)}`);
    else if (key === 'handle_traceback')
      lines.push(`Handle created at (most recent call last):\n${String(value)}`);
    else lines.push(`${key}: ${repr(value)}`);
  }
  logger.error(
    lines.join('\n'),
    context.exception === undefined ? undefined : { exc_info: context.exception },
  );
}

/**
 * `loop.call_exception_handler(context)`: call the custom `handler`, or
 * `loop.default_exception_handler()` without one. Never throws: what a custom
 * handler throws goes to the default handler, and what that throws is logged.
 * @internal
 */
export function call_exception_handler(
  loop: AbstractEventLoop,
  handler: ExceptionHandler | null,
  context: ExceptionContext,
): void {
  if (handler === null) {
    try {
      loop.default_exception_handler(context);
    } catch (exc) {
      logger.error('Exception in default exception handler', { exc_info: exc });
    }
    return;
  }
  try {
    handler(loop, context);
  } catch (exc) {
    try {
      loop.default_exception_handler({
        message: 'Unhandled error in exception handler',
        exception: exc,
        context,
      });
    } catch (exc2) {
      logger.error(
        'Exception in default exception handler while handling an unexpected error in custom exception handler',
        { exc_info: exc2 },
      );
    }
  }
}
