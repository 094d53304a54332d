// Worker thread of the block engine: decodes the blocks of one place, each once, and runs a
// kernel (src/stats/kernels.ts) over them, so that only partials travel back (pool.ts).
import { parentPort } from 'node:worker_threads';
import { decodeBlock, type BlockLayout } from '../geotiff/decode.js';
import { accumulate, blockMeans, blockShares, collect, reduceParts, samplesOf, trendBlock, weightsFor, type GroupSpec, type Part, type StatsSpec } from '../stats/kernels.js';
import type { Moments } from '../stats/moments.js';

/** One task: the blocks of a place and what to do with them. */
export interface KernelTask {
  id: number;
  blobs?: Uint8Array[];
  layout?: BlockLayout;
  stats?: StatsSpec;
  parts?: Part[];
  kernel: 'moments' | 'groups' | 'trend' | 'means' | 'shares' | 'batch' | 'collect';
  items?: { blobs: Uint8Array[]; parts: Part[]; layout: BlockLayout; stats: StatsSpec }[];
  groups?: GroupSpec;
  years?: number[];
  keys?: string[];
  factor?: number;
  frozen?: Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>;
}

parentPort!.on('message', async (task: KernelTask) => {
  const { id } = task;
  try {
    if (task.kernel === 'collect') { parentPort!.postMessage({ id, result: collect(task.keys!) }); return; }
    if (task.kernel === 'batch') {
      const results: Moments[][] = [];
      for (const item of task.items!) results.push(await momentsOf(item.blobs, item.layout, item.stats, item.parts));
      parentPort!.postMessage({ id, result: results });
      return;
    }
    const { blobs, layout, stats, parts } = task as Required<KernelTask>;
    const decoded = await decodeAll(blobs, layout, stats);
    if (task.kernel === 'trend') {
      const { slope, p } = trendBlock(decoded, layout, parts, stats, task.years!);
      parentPort!.postMessage({ id, result: { slope, p } }, [slope.buffer as ArrayBuffer, p.buffer as ArrayBuffer]);
      return;
    }
    if (task.kernel === 'means') {
      const means = blockMeans(decoded, layout, parts, stats, task.factor!);
      parentPort!.postMessage({ id, result: means }, means.flatMap((m) => [m.sums.buffer as ArrayBuffer, m.counts.buffer as ArrayBuffer]));
      return;
    }
    const weights = weightsFor(stats);
    if (task.kernel === 'shares') {
      const shares = blockShares(decoded, layout, parts, stats, weights, task.factor!, task.frozen!);
      parentPort!.postMessage({ id, result: shares }, shares.flatMap((m) => [m.land.buffer as ArrayBuffer, m.permafrost.buffer as ArrayBuffer]));
      return;
    }
    if (task.kernel === 'groups') {
      for (const part of parts) if (part.blob >= 0) accumulate(decoded[part.blob], layout, part, stats, weights, task.groups!, part.key!);
      parentPort!.postMessage({ id, result: null });
      return;
    }
    parentPort!.postMessage({ id, result: momentsFromDecoded(decoded, layout, stats, parts, weights) });
  } catch (err) {
    // some decoders throw strings: the message must never be lost
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});

/** The parts of each block in one pass over its pixels (all bands of a pixel-interleaved block together). */
function momentsFromDecoded(decoded: ArrayLike<number>[], layout: BlockLayout, stats: StatsSpec, parts: Part[], weights: Float64Array): Moments[] {
  const moments: Moments[] = new Array(parts.length);
  decoded.forEach((values, blob) => {
    const mine = parts.map((part, i) => ({ part, i })).filter(({ part }) => part.blob === blob);
    reduceParts(values, layout, mine.map(({ part }) => part), stats, weights).forEach((m, k) => { moments[mine[k].i] = m; });
  });
  return moments;
}

async function momentsOf(blobs: Uint8Array[], layout: BlockLayout, stats: StatsSpec, parts: Part[]): Promise<Moments[]> {
  return momentsFromDecoded(await decodeAll(blobs, layout, stats), layout, stats, parts, weightsFor(stats));
}

/** A place's blocks decoded, as samples of the raster's type. */
function decodeAll(blobs: Uint8Array[], layout: BlockLayout, stats: StatsSpec): Promise<ArrayLike<number>[]> {
  return Promise.all(blobs.map(async (b) => samplesOf(await decodeBlock(b, layout), layout, stats.dataType)));
}
