import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, invalid } from '../errors.js';
import type { Window } from '../geotiff/openRaster.js';
import type { TypedArray } from '../geotiff/metadata.js';
import { writeGeoTIFF, type WritableRaster } from '../geotiff/writeGeoTIFF.js';
import { mapArray } from '../grid/mapArray.js';
import { PERIODS, SAMPLE_NODATA, SampleModel, type WindowFields } from './model.js';
import { FieldsPool } from './fieldsPool.js';
import { generateStations } from './stations.js';
import { sampleReadme } from './readme.js';
import { writeSecondProduct } from './secondProduct.js';
import { type OnProgress } from '../core/progress.js';

/** What the synthetic product can contain. */
export type SyntheticProductPart = 'magt' | 'alt' | 'permafrost' | 'predictors' | 'stations' | 'second_product';
/** @deprecated use `SyntheticProductPart` (removed in the next release) */
export type SamplePart = SyntheticProductPart;

/** Options for {@link generateSyntheticProduct}. */
export interface SyntheticProductOptions {
  /** Output folder. Default `data/sample`. */
  out?: string;
  /** Cell size in metres. Default 10,000 (the embedded sample); 1,000 streams the full-scale grid. */
  resolution_m?: number;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /** Which parts to write. Default all. */
  parts?: SyntheticProductPart[];
  /** Skip the work when the folder already holds a product made by this generator with these options. Default false. */
  if_stale?: boolean;
  /** @deprecated use `if_stale` (the same flag; removed in the next release) */
  ifStale?: boolean;
  /** Fraction of the rasters written (0–1) and what is being written, for a progress bar. */
  on_progress?: OnProgress;
  /** What the generator is doing, a line at a time. */
  on_message?: (message: string) => void;
  /** @deprecated use `on_message` (the same callback). */
  onProgress?: (message: string) => void;
  /** @deprecated use `on_progress` (the same callback). */
  onFraction?: OnProgress;
}

/** @deprecated use `SyntheticProductOptions` (removed in the next release) */
export type SampleOptions = SyntheticProductOptions;

/** What was written. */
export interface SyntheticProductResult {
  out: string;
  skipped: boolean;
  files: string[];
  seconds: number;
  grid: { width: number; height: number; resolution_m: number };
  stations?: { boreholes: number; calm: number };
}

/** @deprecated use `SyntheticProductResult` (removed in the next release) */
export type SampleResult = SyntheticProductResult;

const ALL_PARTS: SyntheticProductPart[] = ['magt', 'alt', 'permafrost', 'predictors', 'stations', 'second_product'];
const NODATA = SAMPLE_NODATA;

/**
 * Generates the synthetic product (the sample the notebooks open by default): `magt.tif`, `alt.tif`, `permafrost.tif` (8 bands, one per
 * period, named `1980-1984` … `2015-2019`), predictor rasters in `predictors/`, station tables
 * `boreholes.csv` and `calm.csv`, a second product to compare with (`second-product/`: TTOP-like
 * MAGT at 5 km, 2000–2016), and a `README.md` saying what it is. Deterministic: the same
 * seed and resolution give byte-identical files. Every file says it is SYNTHETIC.
 * @example await generateSyntheticProduct({ out: 'data/sample', resolution_m: 10000, seed: 1 });
 */
export async function generateSyntheticProduct(options: SyntheticProductOptions = {}): Promise<SyntheticProductResult> {
  const started = Date.now();
  const out = resolve(options.out ?? 'data/sample');
  const resolution_m = options.resolution_m ?? 10_000;
  const seed = options.seed ?? 1;
  const parts = options.parts ?? ALL_PARTS;
  const say = options.on_message ?? options.onProgress ?? (() => {});
  if (!Number.isFinite(resolution_m) || resolution_m < 500 || resolution_m > 100_000) {
    throw new InputError(invalid('resolution_m', resolution_m, 'metres from 500 to 100000'));
  }
  if (!Number.isInteger(seed) || seed < 0) throw new InputError(invalid('seed', seed, 'a whole number ≥ 0'));
  for (const p of parts) if (!ALL_PARTS.includes(p)) throw new InputError(invalid('part', p, ALL_PARTS.join(', ')));

  const stamp = { generator: generatorHash(), resolution_m, seed, parts: [...parts].sort() };
  const stampPath = join(out, 'sample.json');
  if ((options.if_stale ?? options.ifStale) && existsSync(stampPath)) {
    try {
      const old = JSON.parse(readFileSync(stampPath, 'utf8'));
      if (JSON.stringify({ generator: old.generator, resolution_m: old.resolution_m, seed: old.seed, parts: old.parts }) === JSON.stringify(stamp)) {
        say(`sample in ${out} is up to date`);
        const model = { width: old.grid.width, height: old.grid.height, resolution_m };
        return { out, skipped: true, files: old.files, seconds: (Date.now() - started) / 1000, grid: model };
      }
    } catch { /* regenerate */ }
  }

  mkdirSync(out, { recursive: true });
  say(`building the ${resolution_m} m grid and land mask`);
  const model = new SampleModel(resolution_m, seed);
  const { grid } = model;
  const which = parts.some((p) => p !== 'magt') ? 'all' : 'magt';
  const label = `synthetic sample made by permafrost-lab (seed ${seed}, ${resolution_m} m); not the real product`;
  const periodNames = PERIODS;

  type Output = { file: string; bands: number; dataType: 'float32' | 'uint8'; noData: number; names: string[]; units: string[];
    variable: string; pick: (f: WindowFields) => TypedArray[] };
  const outputs: Output[] = [];
  const float = (file: string, variable: string, unit: string, pick: (f: WindowFields) => Float32Array[], names = periodNames): Output =>
    ({ file, bands: names.length, dataType: 'float32', noData: NODATA, names, units: names.map(() => unit), variable, pick });
  if (parts.includes('magt')) outputs.push(float('magt.tif', 'magt', 'degC', (f) => f.magtMap_c));
  if (parts.includes('alt')) outputs.push(float('alt.tif', 'alt', 'cm', (f) => f.altMap_cm));
  if (parts.includes('permafrost')) {
    outputs.push({ file: 'permafrost.tif', bands: 8, dataType: 'uint8', noData: 255, names: periodNames, units: periodNames.map(() => ''), variable: 'permafrost',
      pick: (f) => f.magtMap_c.map((m) => mapArray(m, Uint8Array, (v, i) => (f.valid[i] ? (v < 0 ? 1 : 0) : 255))) });
  }
  if (parts.includes('predictors')) {
    mkdirSync(join(out, 'predictors'), { recursive: true });
    outputs.push(
      float('predictors/elevation.tif', 'elevation', 'm', (f) => [f.elevation_m], ['elevation_m']),
      float('predictors/slope.tif', 'slope', 'degree', (f) => [f.slope_deg], ['slope_deg']),
      float('predictors/wetness_index.tif', 'wetness_index', '', (f) => [f.twi], ['wetness_index']),
      float('predictors/ndvi.tif', 'ndvi', '', (f) => [f.ndvi], ['ndvi']),
      float('predictors/soil_texture.tif', 'soil_texture', 'percent', (f) => [f.sand_pct, f.silt_pct, f.clay_pct], ['sand_pct', 'silt_pct', 'clay_pct']),
      float('predictors/air_temperature.tif', 'air_temperature', 'degC', (f) => f.airTemperature_c),
      float('predictors/precipitation.tif', 'precipitation', 'mm', (f) => f.precipitation_mm),
    );
  }

  // One window of the model at a time, computed once for all files on the worker threads. The
  // writers meet at a barrier before each window (every one has finished the window before), so
  // only one window's fields are alive: memory stays bounded at 1 km.
  const pool = new FieldsPool(model, resolution_m, seed);
  const windows = new Map<number, Promise<WindowFields>>();
  const arrived: number[] = [];
  let waiting: (() => void)[] = [];
  const fieldsFor = async (k: number, window: Window): Promise<WindowFields> => {
    arrived[k] = window.y;
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
    while (Math.min(...arrived) < window.y) await new Promise<void>((resolve) => waiting.push(resolve));
    for (const y of windows.keys()) if (y < window.y) windows.delete(y);
    let entry = windows.get(window.y);
    if (!entry) { entry = pool.fields(window, which); windows.set(window.y, entry); }
    return entry;
  };
  say(`writing ${outputs.length} rasters (${grid.width} × ${grid.height})`);
  let done = 0;
  const fractions = new Float64Array(outputs.length);
  arrived.push(...outputs.map(() => -1));
  try {
  await Promise.all(outputs.map((o, k) => {
    const raster: WritableRaster = {
      width: grid.width, height: grid.height, bands: o.bands, dataType: o.dataType, transform: grid.transform, crs: grid.crs, epsg: 3995,
      noData: o.noData, bandNames: o.names, bandUnits: o.units,
      metadata: { SYNTHETIC: label, VARIABLE: o.variable, PRODUCT: 'permafrost-lab synthetic pan-Arctic permafrost sample (MAGT, ALT, permafrost 1980-2019)' },
      read: async ({ window }) => {
        const f = await fieldsFor(k, window);
        // nodata was set where the rows were computed (maskFields)
        return o.pick(f).map((a) => (a.length === 0 ? new Float32Array(window.width * window.height).fill(o.noData) : a));
      },
    };
    return writeGeoTIFF(join(out, o.file), raster, {
      // DEFLATE level 1: a quarter of the time of level 6 for 5 % more bytes (GDAL reads either)
      overwrite: true, into_data_folder: true, predictor: o.dataType === 'float32' ? 3 : 2, level: 1,
      on_progress: (fraction) => {
        fractions[k] = fraction;
        (options.on_progress ?? options.onFraction)?.(fractions.reduce((a, b) => a + b, 0) / outputs.length, 'writing rasters');
        if (fraction === 1) {
          say(`  ${o.file} written (${++done}/${outputs.length})`);
          arrived[k] = Infinity; // done: never holds the others back
          const wake = waiting;
          waiting = [];
          for (const w of wake) w();
        }
      },
    });
  }));
  } finally {
    await pool.close();
  }

  const files = outputs.map((o) => o.file);
  if (parts.includes('second_product')) {
    // a TTOP-like product at 5 km whatever the sample's resolution, to compare with (07-compare)
    say('writing the second product (TTOP-like MAGT, 5 km, 2000-2016)');
    const model5 = resolution_m === 5000 ? model : new SampleModel(5000, seed);
    const pool5 = new FieldsPool(model5, 5000, seed);
    try { files.push(await writeSecondProduct(out, model5, pool5, seed)); } finally { await pool5.close(); }
  }
  let stations: SyntheticProductResult['stations'];
  let flaws: string[] = [];
  if (parts.includes('stations')) {
    say('drawing stations');
    const tables = generateStations(model, seed);
    writeAtomic(join(out, 'boreholes.csv'), tables.boreholesCsv);
    writeAtomic(join(out, 'calm.csv'), tables.calmCsv);
    files.push('boreholes.csv', 'calm.csv');
    stations = { boreholes: tables.boreholeSites, calm: tables.calmSites };
    flaws = tables.flaws;
  }
  writeAtomic(join(out, 'README.md'), sampleReadme({ seed, resolution_m, grid, files, stations, flaws }));
  files.push('README.md');
  // Temporary files left by an interrupted earlier run.
  for (const name of readdirSync(out)) if (name.endsWith('.tmp')) rmSync(join(out, name), { force: true });
  writeAtomic(stampPath, JSON.stringify({ ...stamp, grid: { width: grid.width, height: grid.height }, files }, null, 2) + '\n');
  return { out, skipped: false, files, seconds: (Date.now() - started) / 1000, grid: { width: grid.width, height: grid.height, resolution_m }, stations };
}

/**
 * @deprecated use `generateSyntheticProduct` from `permafrost-lab/tools` (the same function: "sample"
 * also names point values and TIFF samples; removed in the next release)
 */
export const generateSample = generateSyntheticProduct;

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

/** A hash of the generator's own code: a changed model makes `if_stale` regenerate. */
function generatorHash(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => /\.(js|ts)$/.test(n)).sort()) hash.update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}
