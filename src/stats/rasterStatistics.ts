import { InputError, invalid } from '../errors.js';
import { RASTER_INTERNALS, type BlockJob, type Raster, type RasterInternals } from '../geotiff/openRaster.js';
import type { BlockLayout } from '../geotiff/decode.js';
import type { Part, StatsSpec } from './kernels.js';
import { forEachPlace } from '../engine/places.js';
import { kernelPool, PLACES_PER_WORKER } from '../engine/pool.js';
import { emptyMoments, mergeMoments, summarizeMoments, type Moments } from './moments.js';

/** Area-weighted statistics of one band. */
export interface BandStatistics {
  band: number;
  name: string;
  mean: number;
  sd: number;
  min: number;
  max: number;
  valid_area_km2: number;
  cells: number;
}

/** Options for {@link rasterStatistics}. */
export interface RasterStatisticsOptions {
  /** 0-based bands. Default all. */
  bands?: number[];
  /** Blocks in flight at once (bounds memory). Default 4 per worker. */
  inFlight?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Area-weighted mean, standard deviation, min, max and valid area of each band in one streaming
 * pass: compressed blocks are read in order and decoded and reduced to moments on the worker
 * threads (one per core); partial moments merge exactly, so memory stays bounded by the blocks in
 * flight, never the file. Cell areas come from the projection (`cellArea`).
 * @example const [p1] = await rasterStatistics(await openRaster('magt.tif'), { bands: [0] });
 */
export async function rasterStatistics(raster: Raster, options: RasterStatisticsOptions = {}): Promise<BandStatistics[]> {
  const bands = options.bands ?? Array.from({ length: raster.bands }, (_, i) => i);
  const internals = (raster as unknown as { [RASTER_INTERNALS]?: RasterInternals })[RASTER_INTERNALS];
  if (!internals) throw new InputError(invalid('raster', typeof raster, 'a raster from openRaster'));
  const grid = { width: raster.width, height: raster.height, transform: raster.transform, crs: raster.crs };
  const totals = new Map<number, Moments>(bands.map((b) => [b, emptyMoments()]));
  const jobs = internals.blocks(bands);
  const pool = kernelPool();
  const statsOf = (first: BlockJob) => ({ grid, dataType: raster.dataType, noData: raster.noData, col: first.col, row: first.row, cols: first.cols, rows: first.rows });
  const add = (stored: BlockJob[], moments: Moments[]) => stored.forEach((job, i) => totals.set(job.band, mergeMoments(totals.get(job.band)!, moments[i])));
  // small blocks (strips of a few rows) go to the workers in batches: one message per block would cost more than its decoding
  const small = jobs.length > 0 && jobs[0].cols * jobs[0].rows < 16_384;
  const perBatch = 32;
  let batch: { stored: BlockJob[]; item: { blobs: Uint8Array[]; parts: Part[]; layout: BlockLayout; stats: StatsSpec } }[] = [];
  let waiting = deferred();
  const flush = () => {
    if (batch.length === 0) return;
    const sent = batch, done = waiting;
    batch = [];
    waiting = deferred();
    pool.reduceBatch(sent.map((b) => b.item)).then((results) => { results.forEach((m, k) => add(sent[k].stored, m)); done.resolve(); }, done.reject);
  };
  await forEachPlace(internals, jobs, options.inFlight ?? (small ? perBatch * pool.size * 2 : pool.size * PLACES_PER_WORKER), async (stored, blobs, blobOf) => {
    const first = stored[0];
    const parts = stored.map((job, i) => ({ blob: blobOf[i], sample: job.sample, ...internals.valueTransform(job.band) }));
    if (small) {
      batch.push({ stored, item: { blobs, parts, layout: internals.layoutOf(first), stats: statsOf(first) } });
      const mine = waiting.promise;
      if (batch.length >= perBatch) flush();
      return mine;
    }
    add(stored, await pool.reduceMany(blobs, parts, internals.layoutOf(first), statsOf(first)));
  }, { signal: options.signal, where: raster.source, flush, onProgress: (done) => options.onProgress?.(done / jobs.length) });
  return bands.map((band) => ({ band, name: raster.bandNames[band], ...summarizeMoments(totals.get(band)!) }));
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void, reject!: (e: unknown) => void;
  const promise = new Promise<void>((a, b) => { resolve = a; reject = b; });
  promise.catch(() => {}); // rejections reach forEachPlace through the tasks that wait on it
  return { promise, resolve, reject };
}
