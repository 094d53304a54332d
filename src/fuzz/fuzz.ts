import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, invalid } from '../errors.js';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { builtModule, workerExecArgv } from '../geotiff/workerPool.js';
import { epsgToProj4 } from '../geotiff/crs.js';
import { makeTransform } from '../geotiff/rasterNames.js';
import { randomGenerator } from '../core/random.js';
import type { FuzzCase } from './fuzzWorker.js';
import { mutateCsv, mutateTiff, mutateXml } from './mutate.js';
import { type OnProgress } from '../core/progress.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  cases?: number;
  seed?: number;
  /** A case running longer than this is a hang, in seconds. Default 5. */
  timeout_s?: number;
  /** Heap limit of the worker running the cases, in MB. Default 512. */
  heap_mb?: number;
  /** Extra seed GeoTIFFs (the real files in test/fixtures/geotiff are always used). */
  seeds?: string[];
  /** Called after each case with the fraction done. */
  on_progress?: OnProgress;
}

/** What the fuzzer found. */
export interface FuzzReport {
  cases: number;
  seconds: number;
  outcomes: Record<'ok' | 'typed' | 'untyped' | 'crash' | 'hang', number>;
  /** Counts by error class (FormatError, LimitError, …). */
  errors: Record<string, number>;
  slowest: { ms: number; kind: string; mutation: string; seed?: string };
  /** Per seed file kind (codec and layout, as GDAL wrote it): cases and outcomes, and the slowest case. */
  by_seed: Record<string, { cases: number; ok: number; typed: number; untyped: number; crash: number; hang: number; slowest_ms: number }>;
  /** The same per mutation (its first word: `gdal-metadata`, `truncate`, a CSV's `huge-field`, …). */
  by_mutation: FuzzReport['by_seed'];
  /** Every untyped error, crash and hang, with its seed case and mutation. */
  problems: { id: number; kind: string; mutation: string; outcome: string; message: string }[];
}

/** A GDAL sidecar as GDAL writes one: descriptions, nodata, scale, units, category names, an attribute table, statistics. */
const SIDECAR_SEED = `<PAMDataset>
  <PAMRasterBand band="1">
    <Description>1980-1984</Description>
    <NoDataValue>-9999</NoDataValue>
    <Offset>0</Offset>
    <Scale>0.01</Scale>
    <UnitType>degC</UnitType>
    <CategoryNames>
      <Category />
      <Category>Continuous</Category>
    </CategoryNames>
    <Metadata>
      <MDI key="STATISTICS_MEAN">1.99</MDI>
    </Metadata>
  </PAMRasterBand>
  <PAMRasterBand band="2">
    <Description>1985-1989</Description>
    <GDALRasterAttributeTable tableType="thematic">
      <FieldDefn index="0"><Name>Value</Name><Type>0</Type><Usage>5</Usage></FieldDefn>
      <FieldDefn index="1"><Name>Class_Name</Name><Type>2</Type><Usage>2</Usage></FieldDefn>
      <Row index="0"><F>1</F><F>连续多年冻土</F></Row>
      <Row index="1"><F>3</F><F>岛状多年冻土</F></Row>
    </GDALRasterAttributeTable>
  </PAMRasterBand>
</PAMDataset>
`;

const CSV_SEEDS = [
  'site_id,site_name,lat,lon,year,depth_m,magt_c\nAK-1,Site one,65.1,-147.5,2001,10,-1.5\nAK-1,Site one,65.1,-147.5,2002,10,-1.4\nRU-2,"Tiksi, delta",71.6,128.9,2005,15,-8.2\n',
  'Site Code,Site Name,Latitude,Longitude,1990,1991,1992\nU1,Barrow,71.31,-156.60,>260,33,inactive\nR2,Kolyma,68.7,161.4,1.45,98*,<66\n',
  'site\tlat\tlon\tdate\talt_cm\nA\t70\t100\t2001-08-20\t80\nB\t69\t101\t2002-08-21\t95\n',
];

/**
 * Feeds mutated GeoTIFFs (bit flips, truncation, oversized counts, offsets past the end, wrong
 * types, IFD loops, huge dimensions, huge damaged GDAL_METADATA) and station CSVs (delimiters, BOMs, quotes, blank lines,
 * huge fields, encodings) to openRaster, reads, openDataset and loadStations. Each case runs in a
 * worker thread with a heap limit and a watchdog: every case must end within the timeout with
 * data or one of this package's typed errors. Seeded: the same seed replays the same cases.
 * @example const report = await runFuzz({ cases: 5000, seed: 1 })
 */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const started = Date.now();
  const total = options.cases ?? 1000;
  const timeout = (options.timeout_s ?? 5) * 1000;
  const random = randomGenerator(options.seed ?? 1);
  const work = mkdtempSync(join(tmpdir(), 'permafrost-fuzz-'));
  let worker: Worker | null = null;
  try {
    const tiffSeeds = await makeTiffSeeds(work, options.seeds ?? []);
    const bySeed: FuzzReport['by_seed'] = {};
    const companion = join(work, 'seed-0.tif');
    const report: FuzzReport = { cases: 0, seconds: 0, outcomes: { ok: 0, typed: 0, untyped: 0, crash: 0, hang: 0 }, errors: {},
      slowest: { ms: 0, kind: '', mutation: '' }, problems: [], by_seed: bySeed, by_mutation: {} };
    const workerUrl = workerFile();
    const spawn = () => new Worker(workerUrl, { execArgv: workerExecArgv(), resourceLimits: { maxOldGenerationSizeMb: options.heap_mb ?? 512 }, env: { ...process.env, PERMAFROST_THREADS: '1' } });
    for (let id = 0; id < total; id++) {
      const pick = random.next();
      let c: FuzzCase;
      let mutation: string;
      let label = 'csv';
      if (pick < 0.6 || pick >= 0.95) {
        const seed = tiffSeeds[random.int(0, tiffSeeds.length - 1)];
        label = seed.label;
        const m = mutateTiff(seed.bytes, random);
        c = pick < 0.6 ? { id, kind: 'tiff', bytes: m.bytes } : { id, kind: 'dataset', bytes: m.bytes, dir: join(work, `ds-${id}`), companion };
        mutation = m.mutation;
        if (c.kind === 'dataset' && random.next() < 0.5) {
          const x = mutateXml(SIDECAR_SEED, random);
          c.sidecar = x.text;
          mutation += ` + sidecar ${x.mutation}`;
        }
      } else {
        const m = mutateCsv(CSV_SEEDS[random.int(0, CSV_SEEDS.length - 1)], random);
        c = { id, kind: 'csv', text: m.text };
        mutation = m.mutation;
      }
      worker ??= spawn();
      const result = await runCase(worker, c, timeout);
      if (result.outcome === 'hang' || result.outcome === 'crash') { await worker.terminate().catch(() => {}); worker = null; }
      if (c.dir) rmSync(c.dir, { recursive: true, force: true });
      report.cases++;
      report.outcomes[result.outcome]++;
      if (result.outcome === 'typed') report.errors[result.name!] = (report.errors[result.name!] ?? 0) + 1;
      if (result.ms > report.slowest.ms) report.slowest = { ms: Math.round(result.ms), kind: c.kind, mutation, seed: label };
      for (const counts of [bySeed[label] ??= { cases: 0, ok: 0, typed: 0, untyped: 0, crash: 0, hang: 0, slowest_ms: 0 },
        report.by_mutation[mutation.split(' ')[0]] ??= { cases: 0, ok: 0, typed: 0, untyped: 0, crash: 0, hang: 0, slowest_ms: 0 }]) {
        counts.cases++;
        counts[result.outcome]++;
        counts.slowest_ms = Math.max(counts.slowest_ms, Math.round(result.ms));
      }
      if (result.outcome !== 'ok' && result.outcome !== 'typed') {
        report.problems.push({ id, kind: `${c.kind} (${label})`, mutation, outcome: result.outcome, message: `${result.name ?? ''}: ${result.message ?? ''}\n${result.stack ?? ''}`.trim() });
      }
      options.on_progress?.((id + 1) / total);
    }
    report.seconds = (Date.now() - started) / 1000;
    return report;
  } finally {
    await worker?.terminate(); // also when the driver itself throws: a live worker would keep the process from exiting
    rmSync(work, { recursive: true, force: true });
  }
}

interface CaseResult { outcome: 'ok' | 'typed' | 'untyped' | 'crash' | 'hang'; name?: string; message?: string; stack?: string; ms: number }

function runCase(worker: Worker, c: FuzzCase, timeout: number): Promise<CaseResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (r: CaseResult) => { clearTimeout(timer); worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); resolve(r); };
    const onMessage = (m: CaseResult & { id: number }) => { if (m.id === c.id) done(m); };
    const onError = (e: Error) => done({ outcome: 'crash', name: e.name, message: e.message, ms: performance.now() - started });
    const onExit = (code: number) => done({ outcome: 'crash', name: 'exit', message: `worker exited with ${code}`, ms: performance.now() - started });
    const timer = setTimeout(() => done({ outcome: 'hang', message: `no answer within ${timeout} ms`, ms: timeout }), timeout);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(c);
  });
}

function workerFile(): URL {
  const url = builtModule('fuzz', import.meta.url, 'fuzzWorker.js');
  if (!url) throw new Error('the fuzz worker is not built: run npm run build');
  return url;
}

/**
 * GDAL's encodings and layouts, as `gdal_translate` writes them from a small 3-band float32 file
 * (and an 8-bit one for JPEG): every codec it offers, predictors, tiles and strips, pixel and band
 * interleave, BigTIFF and overviews.
 */
export const GDAL_SEED_VARIANTS: { label: string; options: string[]; byte?: boolean; overviews?: boolean }[] = [
  { label: 'none-strips-pixel', options: ['-co', 'INTERLEAVE=PIXEL', '-co', 'BLOCKYSIZE=8'] },
  { label: 'deflate-pred3-tiles-band', options: ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'] },
  { label: 'deflate-pred2-tiles-pixel', options: ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=PIXEL'] },
  { label: 'lzw-strips-pixel', options: ['-co', 'COMPRESS=LZW', '-co', 'INTERLEAVE=PIXEL', '-co', 'BLOCKYSIZE=5'] },
  { label: 'lzw-pred3-tiles-band', options: ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16'] },
  { label: 'packbits-strips-band', options: ['-co', 'COMPRESS=PACKBITS', '-co', 'INTERLEAVE=BAND', '-co', 'BLOCKYSIZE=7'] },
  { label: 'zstd-pred3-tiles-band', options: ['-co', 'COMPRESS=ZSTD', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'] },
  { label: 'zstd-pred3-tiles-pixel', options: ['-co', 'COMPRESS=ZSTD', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=PIXEL'] },
  { label: 'zstd-strips-pixel-bigtiff', options: ['-co', 'COMPRESS=ZSTD', '-co', 'BIGTIFF=YES', '-co', 'BLOCKYSIZE=6'] },
  { label: 'lerc-tiles-band', options: ['-co', 'COMPRESS=LERC', '-co', 'MAX_Z_ERROR=0', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'] },
  { label: 'lerc-deflate-tiles-band', options: ['-co', 'COMPRESS=LERC_DEFLATE', '-co', 'MAX_Z_ERROR=0', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'] },
  { label: 'lerc-zstd-tiles-band', options: ['-co', 'COMPRESS=LERC_ZSTD', '-co', 'MAX_Z_ERROR=0', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'] },
  { label: 'deflate-pred3-tiles-overviews', options: ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16'], overviews: true },
  { label: 'jpeg-uint8-tiles-band', options: ['-ot', 'Byte', '-scale', '-10', '40', '0', '255', '-co', 'COMPRESS=JPEG', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND'], byte: true },
];

/** The GeoTIFFs of a folder (real third-party files to mutate beside the generated seeds, such as the checkout's test/fixtures/geotiff). */
export function seedFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new InputError(invalid('seeds folder', dir, 'an existing folder of .tif files'));
  return readdirSync(dir).filter((f) => /\.tiff?$/i.test(f)).map((f) => join(dir, f));
}

/** Small GeoTIFFs written by this package, GDAL's encodings (when gdal_translate is there), and the real test files. */
async function makeTiffSeeds(dir: string, extra: string[]): Promise<{ label: string; bytes: Uint8Array }[]> {
  const transform = makeTransform({ origin_x: -500_000, origin_y: 500_000, pixel_width: 25_000, pixel_height: -25_000, rotation_x: 0, rotation_y: 0 });
  const crs = epsgToProj4(3995)!;
  const variants = [
    { width: 40, height: 40, bands: 3, dataType: 'float32' as const, options: { tile_size: 16, predictor: 3 as const }, names: ['1980-1984', '1985-1989', '1990-1994'] },
    { width: 33, height: 17, bands: 1, dataType: 'int16' as const, options: { tile_size: 16, predictor: 2 as const }, names: ['1980-1984'] },
    { width: 20, height: 20, bands: 1, dataType: 'uint8' as const, options: { tile_size: 16, compression: 'none' as const, big_tiff: true }, names: ['1980-1984'] },
  ];
  const seeds: { label: string; bytes: Uint8Array }[] = [];
  for (const [i, v] of variants.entries()) {
    const n = v.width * v.height;
    const Type = v.dataType === 'float32' ? Float32Array : v.dataType === 'int16' ? Int16Array : Uint8Array;
    const path = join(dir, `seed-${i}.tif`);
    await writeGeoTIFF(path, { width: v.width, height: v.height, bands: v.bands, dataType: v.dataType, transform, crs, noData: v.dataType === 'uint8' ? 255 : -9999,
      bandNames: v.names, values: v.names.map((_, b) => { const a = new Type(n); for (let k = 0; k < n; k++) a[k] = ((k * 7 + b * 13) % 50) - 10 + (v.dataType === 'float32' ? (k % 3) * 0.25 : 0); return a; }) }, v.options);
    seeds.push({ label: `ours-${v.dataType}`, bytes: new Uint8Array(readFileSync(path)) });
  }
  const source = join(dir, 'seed-0.tif');
  for (const v of GDAL_SEED_VARIANTS) {
    const out = join(dir, `gdal-${v.label}.tif`);
    const run = spawnSync('gdal_translate', ['-q', ...v.options, source, out], { encoding: 'utf8' });
    if (run.error || run.status !== 0) {
      throw new Error(`gdal_translate could not write the ${v.label} seed (${run.error?.message ?? run.stderr.trim()}): install GDAL with npm run setup`);
    }
    if (v.overviews) spawnSync('gdaladdo', ['-q', '-r', 'average', out, '2', '4'], { encoding: 'utf8' });
    seeds.push({ label: v.label, bytes: new Uint8Array(readFileSync(out)) });
  }
  for (const f of extra) seeds.push({ label: `real-${basename(f, '.tif')}`, bytes: new Uint8Array(readFileSync(f)) });
  return seeds;
}
