import * as aq from 'arquero';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileError } from '../errors.js';
import { openRaster, type Raster } from '../geotiff/openRaster.js';
import type { Forest } from './randomForest.js';
import { asNumbers } from '../geotiff/metadata.js';
import { blockFactor, cellsAcrossOf } from '../grid/blockFactor.js';
import { withTransform } from '../geotiff/rasterNames.js';

type Table = ReturnType<typeof aq.from>;

/** The predictor layers of the sample (and of a product folder that has them): file, band per period or fixed. */
const PREDICTORS: { name: string; file: string; band: number | 'period' }[] = [
  { name: 'elevation_m', file: 'elevation.tif', band: 0 },
  { name: 'slope_deg', file: 'slope.tif', band: 0 },
  { name: 'wetness_index', file: 'wetness_index.tif', band: 0 },
  { name: 'ndvi', file: 'ndvi.tif', band: 0 },
  { name: 'sand_pct', file: 'soil_texture.tif', band: 0 },
  { name: 'silt_pct', file: 'soil_texture.tif', band: 1 },
  { name: 'clay_pct', file: 'soil_texture.tif', band: 2 },
  { name: 'air_temperature_c', file: 'air_temperature.tif', band: 'period' },
  { name: 'precipitation_mm', file: 'precipitation.tif', band: 'period' },
];

/** Names of the predictor columns, in order. */
export const PREDICTOR_NAMES = PREDICTORS.map((p) => p.name);

async function openPredictors(folder: string): Promise<Map<string, Raster>> {
  const rasters = new Map<string, Raster>();
  for (const p of PREDICTORS) {
    if (rasters.has(p.file)) continue;
    const path = join(folder, p.file);
    if (!existsSync(path)) throw new FileError(`predictor raster not found (expected ${PREDICTORS.map((q) => q.file).filter((f, i, a) => a.indexOf(f) === i).join(', ')})`, path);
    rasters.set(p.file, await openRaster(path));
  }
  return rasters;
}

/**
 * The predictors at stations: for each row (lon, lat, period) the values of every predictor layer
 * in `folder` (per-period layers for air temperature and precipitation), as new columns.
 * @example const training = await predictorsAt('data/sample/predictors', aggregatePeriods(stations))
 */
export async function predictorsAt(folder: string, stations: Table): Promise<Table> {
  const rasters = await openPredictors(folder);
  const rows = stations.objects() as Record<string, any>[];
  const columns: Record<string, Float64Array> = Object.fromEntries(PREDICTOR_NAMES.map((n) => [n, new Float64Array(rows.length).fill(NaN)]));
  const periods = [...new Set(rows.map((r) => r.period as string))];
  for (const period of periods) {
    const index = rows.map((r, i) => (r.period === period ? i : -1)).filter((i) => i >= 0);
    const points = index.map((i) => ({ lon: rows[i].lon, lat: rows[i].lat }));
    for (const p of PREDICTORS) {
      const raster = rasters.get(p.file)!;
      const band = p.band === 'period' ? raster.bandNames.indexOf(period) : p.band;
      if (band < 0) continue;
      const [values] = await raster.valuesAt(points, { bands: [band] });
      index.forEach((row, k) => { columns[p.name][row] = values[k]; });
    }
  }
  await Promise.all([...rasters.values()].map((r) => r.close()));
  return stations.assign(columns);
}

/** Options of {@link predictMap}. */
export interface PredictMapOptions {
  /** The period whose climate predictors are used, e.g. `2015-2019`. */
  period: string;
  /** Predictors the forest was trained on, in order. Default: all (`PREDICTOR_NAMES`). */
  features?: string[];
  /**
   * At most this many cells across: the forest predicts at the centre cell of each block of
   * `factor × factor` cells, so a map of the 1 km grid costs what a 10 km one does. Default: every cell.
   */
  max_cells_across?: number;
  /** @deprecated use `max_cells_across` (the same number; removed in the next release) */
  max_cells?: number;
}

/**
 * A period's map predicted by a forest from the predictor layers, on the predictors' grid (or a
 * coarser one with `max_cells_across`; NaN where any predictor has no data), ready for `writeGeoTIFF` or `mapFigure`.
 */
export async function predictMap(forest: Forest, folder: string, options: PredictMapOptions):
  Promise<{ values: Float32Array; width: number; height: number; transform: Raster['transform']; crs: string; factor: number }> {
  const { period } = options;
  const features = options.features ?? PREDICTOR_NAMES;
  const rasters = await openPredictors(folder);
  const first = rasters.get(PREDICTORS[0].file)!;
  const factor = blockFactor(first.width, first.height, cellsAcrossOf(options));
  const width = Math.ceil(first.width / factor), height = Math.ceil(first.height / factor);
  const out = new Float32Array(width * height).fill(NaN);
  const chosen = features.map((name) => PREDICTORS.find((p) => p.name === name)!);
  const offset = Math.floor(factor / 2);
  // strips of the predictors' grid; in each, the centre row and column of every block
  const strip = Math.max(factor, Math.floor(256 / factor) * factor);
  for (let g0 = 0; g0 < first.height; g0 += strip) {
    const h = Math.min(strip, first.height - g0);
    const rows: number[] = [];
    for (let r = g0; r < g0 + h; r++) if (r % factor === Math.min(offset, first.height - 1 - Math.floor(r / factor) * factor)) rows.push(r);
    if (rows.length === 0) continue;
    const layers = await Promise.all(chosen.map(async (p) => {
      const raster = rasters.get(p.file)!;
      const band = p.band === 'period' ? raster.bandNames.indexOf(period) : p.band;
      const [values] = asNumbers(await raster.read({ window: { x: 0, y: g0, width: first.width, height: h }, bands: [band] }));
      return { values, noData: raster.noData };
    }));
    const cells: number[] = [];
    const rowsOfFeatures: number[][] = [];
    for (const r of rows) {
      for (let c = 0; c < width; c++) {
        const col = Math.min(first.width - 1, c * factor + offset);
        const row = layers.map(({ values, noData }) => { const v = values[(r - g0) * first.width + col]; return v === noData ? NaN : v; });
        if (row.every(Number.isFinite)) { cells.push(Math.floor(r / factor) * width + c); rowsOfFeatures.push(row); }
      }
    }
    forest.predict(rowsOfFeatures).forEach((v, k) => { out[cells[k]] = v; });
  }
  const t = first.transform;
  const transform = withTransform(t, { pixel_width: t.pixel_width * factor, pixel_height: t.pixel_height * factor });
  const result = { values: out, width, height, transform, crs: first.crs, factor };
  await Promise.all([...rasters.values()].map((r) => r.close()));
  return result;
}

/**
 * What the forest and the cross-validation take, from a table made by `predictorsAt`: the feature
 * rows (predictors in `features` order, rows with any missing predictor left out), the target,
 * and each row's site and coordinates for grouped and spatial folds.
 */
export function trainingData(table: Table, target: string, features: string[] = PREDICTOR_NAMES):
  { X: number[][]; y: number[]; sites: string[]; lon: number[]; lat: number[]; features: string[] } {
  const rows = (table.objects() as Record<string, any>[]).filter((r) => features.every((f) => Number.isFinite(r[f])) && Number.isFinite(r[target]));
  return { X: rows.map((r) => features.map((f) => r[f])), y: rows.map((r) => r[target]), sites: rows.map((r) => String(r.site_id)),
    lon: rows.map((r) => r.lon), lat: rows.map((r) => r.lat), features };
}
