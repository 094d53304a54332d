import { freemem, totalmem } from 'node:os';
import { LimitError } from '../errors.js';

/**
 * The most memory one call may allocate for its result, in bytes: `PERMAFROST_MAX_MEMORY_MB`
 * when set, else half of the memory free when the call starts (at least 256 MB), so that a notebook
 * kernel survives a request that would not fit.
 */
export function memoryLimit(): number {
  const env = Number(process.env.PERMAFROST_MAX_MEMORY_MB);
  if (Number.isFinite(env) && env > 0) return env * 2 ** 20;
  return Math.max(256 * 2 ** 20, Math.min(freemem(), totalmem()) / 2);
}

/**
 * Refuses, before anything is allocated, a result larger than `memoryLimit()`: a `LimitError`
 * saying how much it would take, the limit, and what to do instead.
 */
export function checkMemory(bytes: number, what: string, instead: string): void {
  const limit = memoryLimit();
  if (bytes <= limit) return;
  const mb = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString('en-US')} MB`;
  throw new LimitError(`${what} would take about ${mb(bytes)}, more than the limit of ${mb(limit)} ` +
    `(half the free memory, or PERMAFROST_MAX_MEMORY_MB); instead, ${instead}`);
}
