import type { Raster } from '../geotiff/openRaster.js';
import { blockAccessOf } from '../geotiff/blockAccess.js';
import { runPass } from '../engine/pass.js';
import { KERNEL_MODULE, partsOf, placeSpec, type KernelResult, type PlaceInput } from './kernels.js';
import { emptyMoments, mergeMoments, summarizeMoments } from './moments.js';
import { progressOf, type OnProgress } from '../core/progress.js';

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
  /** Called as the pass goes on with the fraction done (0–1). */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Area-weighted mean, standard deviation, min, max and valid area of each band in one streaming
 * pass of the block engine: compressed blocks are read in order, decoded and reduced to moments on
 * the worker threads (one per core), and the moments merged in block order, so memory stays
 * bounded by the blocks in flight, never the file, and the numbers are the same for any number of
 * workers. Cell areas come from the projection (`cellArea`).
 * @example const [p1] = await rasterStatistics(await openRaster('magt.tif'), { bands: [0] });
 */
export async function rasterStatistics(raster: Raster, options: RasterStatisticsOptions = {}): Promise<BandStatistics[]> {
  const bands = options.bands ?? Array.from({ length: raster.bands }, (_, i) => i);
  const internals = blockAccessOf(raster);
  const grid = { width: raster.width, height: raster.height, transform: raster.transform, crs: raster.crs };
  const totals = bands.map(() => emptyMoments());
  const onProgress = progressOf(options);
  await runPass<KernelResult['moments'], Omit<PlaceInput, 'blobs'>>({
    files: [{ internals, bands, name: raster.source }],
    module: KERNEL_MODULE,
    describe: (place) => ({ layout: internals.layoutOf(place.first), spec: placeSpec(grid, raster, place.first), parts: partsOf(internals, bands, place) }),
    task: (places) => ({ kernel: 'moments', places }),
    merge: (moments) => moments.forEach((m, j) => { totals[j] = mergeMoments(totals[j], m); }),
    signal: options.signal,
    on_progress: onProgress,
  });
  return bands.map((band, j) => ({ band, name: raster.bandNames[band], ...summarizeMoments(totals[j]) }));
}
