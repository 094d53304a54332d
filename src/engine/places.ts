import { InputError } from '../errors.js';
import type { BlockJob, RasterInternals } from '../geotiff/openRaster.js';

/**
 * Groups blocks by place (the same tile position in several bands), reads each place's stored
 * blocks once (the bands of a pixel-interleaved file share one), and hands them to `task`
 * (usually work on the decode workers) with, for each job, the index of its block in `blobs`;
 * at most `limit` tasks are in flight so memory stays bounded. Sparse blocks are skipped. A task
 * that gathers places into batches is told to send what it holds (`flush`) before this waits.
 */
export async function forEachPlace(internals: RasterInternals, jobs: BlockJob[], limit: number,
  task: (stored: BlockJob[], blobs: Uint8Array[], blobOf: number[]) => Promise<void>,
  options: { signal?: AbortSignal; where?: string; onProgress?: (done: number) => void; flush?: () => void } = {}): Promise<void> {
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
    const indexes: number[] = [];
    const blobOf = stored.map((job) => {
      let k = indexes.indexOf(job.index);
      if (k < 0) { k = indexes.push(job.index) - 1; blobs.push(new Uint8Array(0)); }
      return k;
    });
    for (let k = 0; k < indexes.length; k++) blobs[k] = await internals.readBlockBytes(stored[blobOf.indexOf(k)]);
    const running1 = task(stored, blobs, blobOf).then(() => {
      running.delete(running1);
      done += stored.length;
      options.onProgress?.(done);
    });
    running.add(running1);
    if (running.size >= limit) { options.flush?.(); await Promise.race(running); }
  }
  options.flush?.();
  await Promise.all(running);
}
