import { InputError } from '../errors.js';
import type { BlockJob, RasterInternals } from '../geotiff/openRaster.js';

/**
 * Groups blocks by place (the same tile position in several bands), reads each place's stored
 * blocks in order, and hands them to `task` (usually work on the decode workers), keeping at most
 * `limit` tasks in flight so memory stays bounded. Sparse blocks are skipped.
 */
export async function forEachPlace(internals: RasterInternals, jobs: BlockJob[], limit: number,
  task: (stored: BlockJob[], blobs: Uint8Array[]) => Promise<void>,
  options: { signal?: AbortSignal; where?: string; onProgress?: (done: number) => void } = {}): Promise<void> {
  const places = new Map<string, BlockJob[]>();
  for (const job of jobs) {
    const key = `${job.col},${job.row}`;
    (places.get(key) ?? places.set(key, []).get(key)!).push(job);
  }
  const running = new Set<Promise<void>>();
  let done = 0;
  for (const group of places.values()) {
    if (options.signal?.aborted) throw new InputError('aborted', options.where);
    const stored = group.filter((j) => !j.sparse);
    done += group.length - stored.length;
    if (stored.length === 0) continue;
    const blobs: Uint8Array[] = [];
    for (const job of stored) blobs.push(await internals.readBlockBytes(job));
    const running1 = task(stored, blobs).then(() => {
      running.delete(running1);
      done += stored.length;
      options.onProgress?.(done);
    });
    running.add(running1);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
