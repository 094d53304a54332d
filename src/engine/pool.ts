import { own, poolSize, WorkerPool, workerCandidates } from '../geotiff/workerPool.js';
import type { BlockLayout } from '../geotiff/decode.js';
import type { BlockMeans, BlockShares, GroupPartial, GroupSpec, Part, StatsSpec } from '../stats/kernels.js';
import type { Moments } from '../stats/moments.js';

/**
 * The block engine: kernels (src/stats/kernels.ts) run on worker threads over the decoded blocks
 * of one place (all bands, each block decoded once), returning mergeable partials.
 */
class KernelPool extends WorkerPool {
  private task<T>(kernel: string, blobs: Uint8Array[], layout: BlockLayout, stats: StatsSpec, parts: Part[], extra: Record<string, unknown> = {}): Promise<T> {
    const owned = blobs.map(own);
    return this.send<T>({ kernel, blobs: owned, layout, stats, parts, ...extra }, owned.map((b) => b.buffer as ArrayBuffer));
  }

  /** Area-weighted moments of each part (a band of one of the blocks). */
  reduceMany(blobs: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec): Promise<Moments[]> {
    return this.task('moments', blobs, layout, stats, parts);
  }

  /** Moments of the parts of several places in one message (small blocks: strips of a row or two). */
  reduceBatch(items: { blobs: Uint8Array[]; parts: Part[]; layout: BlockLayout; stats: StatsSpec }[]): Promise<Moments[][]> {
    const owned = items.map((item) => ({ ...item, blobs: item.blobs.map(own) }));
    return this.send<Moments[][]>({ kernel: 'batch', items: owned }, owned.flatMap((item) => item.blobs.map((b) => b.buffer as ArrayBuffer)));
  }

  /** Adds each part to the worker's grouped accumulator of its key (collected with `collect`). */
  accumulate(blobs: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, groups: GroupSpec): Promise<void> {
    return this.task('groups', blobs, layout, stats, parts, { groups });
  }

  /** Each cell's Sen's slope (per year) and exact Mann–Kendall p over the parts, in period order. */
  trend(blobs: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, years: number[]): Promise<{ slope: Float32Array; p: Float32Array }> {
    return this.task('trend', blobs, layout, stats, parts, { years });
  }

  /** Each part's sums and counts over the coarse cells (`factor` × `factor`) the block touches, for maps. */
  means(blobs: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, factor: number): Promise<BlockMeans[]> {
    return this.task('means', blobs, layout, stats, parts, { factor });
  }

  /** Each part's land and permafrost areas over the windows (`factor` × `factor` cells) the block touches, for zones. */
  shares(blobs: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, factor: number, frozen: Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>): Promise<BlockShares[]> {
    return this.task('shares', blobs, layout, stats, parts, { factor, frozen });
  }

  /** Collects (and clears) every worker's accumulators of these keys: one partial per worker and key. */
  collect(keys: string[]): Promise<Record<string, GroupPartial | null>[]> {
    return this.broadcast({ kernel: 'collect', keys });
  }
}

/**
 * Places (a block position, with all its bands) waiting on or in each worker during a pass: enough that
 * a worker never waits on the reading thread. Measured at 1 km on 2 cores, band-interleaved LZW in
 * 128-pixel tiles: 3 per worker 4.33-4.75 s, 6 per worker 4.13-4.19 s, 8 no better.
 */
export const PLACES_PER_WORKER = 6;

let shared: KernelPool | undefined;

/** The process-wide kernel pool (size: available cores, or `PERMAFROST_THREADS`). */
export function kernelPool(): KernelPool {
  shared ??= new KernelPool(poolSize(), workerCandidates('engine', import.meta.url, 'worker.js'));
  return shared;
}

export type { KernelPool };
