// The worker module of ../to_thread.mjs: its exports run in the pool's workers, with their own imports.
import { createHash } from 'node:crypto';

export function sha256_hex(text) {
  return createHash('sha256').update(text).digest('hex');
}
