// Write-side flow control shared by the transports: water marks, and pause/resume_writing calls (asyncio _FlowControlMixin).

import type { _LoopInternals } from './loop_internals.js';
import { ValueError } from './exceptions.js';
import type { BaseProtocol } from './protocols.js';

/** The default high-water mark of a transport's write buffer (the low one is a quarter). */
export const DEFAULT_HIGH_WATER = 64 * 1024;

/**
 * The `[high, low]` water marks `set_write_buffer_limits(high, low)` asks
 * for: high defaults to 64 KiB (or 4 × low), low to a quarter of high.
 * Throws asyncio's `ValueError` unless `high >= low >= 0`.
 */
export function write_buffer_limits(
  high: number | null | undefined,
  low: number | null | undefined,
): [high: number, low: number] {
  if (high === null || high === undefined) {
    high = low === null || low === undefined ? DEFAULT_HIGH_WATER : 4 * low;
  }
  if (low === null || low === undefined) low = Math.floor(high / 4);
  if (!(high >= low && low >= 0)) {
    throw new ValueError(`high (${high}) must be >= low (${low}) must be >= 0`);
  }
  return [high, low];
}

/**
 * Call the protocol's `pause_writing()` or `resume_writing()`; an exception
 * goes to the loop's exception handler, as asyncio reports it.
 */
export function call_flow_control(
  loop: _LoopInternals,
  transport: unknown,
  protocol: BaseProtocol,
  method: 'pause_writing' | 'resume_writing',
): void {
  try {
    protocol[method]();
  } catch (exc) {
    loop.call_exception_handler({
      message: `protocol.${method}() failed`,
      exception: exc,
      transport,
      protocol,
    });
  }
}
