import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { epsgToProj4 } from '../geotiff/crs.js';
import { randomGenerator } from '../sample/noise.js';
import type { FuzzCase } from './fuzzWorker.js';
import { mutateCsv, mutateTiff } from './mutate.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  cases?: number;
  seed?: number;
  /** A case running longer than this is a hang. Default 5000 ms. */
  timeout_ms?: number;
  /** Heap limit of the worker running the cases, in MB. Default 512. */
  heap_mb?: number;
  /** Extra seed GeoTIFFs (the real files in ../shared/realdata are used when present). */
  seeds?: string[];
  onProgress?: (done: number, total: number) => void;
}

/** What the fuzzer found. */
export interface FuzzReport {
  cases: number;
  seconds: number;
  outcomes: Record<'ok' | 'typed' | 'untyped' | 'crash' | 'hang', number>;
  /** Counts by error class (FormatError, LimitError, …). */
  errors: Record<string, number>;
  slowest: { ms: number; kind: string; mutation: string };
  /** Every untyped error, crash and hang, with its seed case and mutation. */
  problems: { id: number; kind: string; mutation: string; outcome: string; message: string }[];
}

const CSV_SEEDS = [
  'site_id,site_name,lat,lon,year,depth_m,magt_c\nAK-1,Site one,65.1,-147.5,2001,10,-1.5\nAK-1,Site one,65.1,-147.5,2002,10,-1.4\nRU-2,"Tiksi, delta",71.6,128.9,2005,15,-8.2\n',
  'Site Code,Site Name,Latitude,Longitude,1990,1991,1992\nU1,Barrow,71.31,-156.60,>260,33,inactive\nR2,Kolyma,68.7,161.4,1.45,98*,<66\n',
  'site\tlat\tlon\tdate\talt_cm\nA\t70\t100\t2001-08-20\t80\nB\t69\t101\t2002-08-21\t95\n',
];

/**
 * Feeds mutated GeoTIFFs (bit flips, truncation, oversized counts, offsets past the end, wrong
 * types, IFD loops, huge dimensions) and station CSVs (delimiters, BOMs, quotes, blank lines,
 * huge fields, encodings) to openRaster, reads, openDataset and loadStations. Each case runs in a
 * worker thread with a heap limit and a watchdog: every case must end within the timeout with
 * data or one of this package's typed errors. Seeded: the same seed replays the same cases.
 * @example const report = await runFuzz({ cases: 5000, seed: 1 })
 */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const started = Date.now();
  const total = options.cases ?? 1000;
  const timeout = options.timeout_ms ?? 5000;
  const random = randomGenerator(options.seed ?? 1);
  const work = mkdtempSync(join(tmpdir(), 'permafrost-fuzz-'));
  try {
    const tiffSeeds = await makeTiffSeeds(work, options.seeds ?? []);
    const companion = join(work, 'seed-0.tif');
    const report: FuzzReport = { cases: 0, seconds: 0, outcomes: { ok: 0, typed: 0, untyped: 0, crash: 0, hang: 0 }, errors: {},
      slowest: { ms: 0, kind: '', mutation: '' }, problems: [] };
    const workerUrl = workerFile();
    let worker: Worker | null = null;
    const spawn = () => new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: options.heap_mb ?? 512 }, env: { ...process.env, PERMAFROST_THREADS: '1' } });
    for (let id = 0; id < total; id++) {
      const pick = random.next();
      let c: FuzzCase;
      let mutation: string;
      if (pick < 0.6 || pick >= 0.95) {
        const m = mutateTiff(tiffSeeds[random.int(0, tiffSeeds.length - 1)], random);
        c = pick < 0.6 ? { id, kind: 'tiff', bytes: m.bytes } : { id, kind: 'dataset', bytes: m.bytes, dir: join(work, `ds-${id}`), companion };
        mutation = m.mutation;
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
      if (result.ms > report.slowest.ms) report.slowest = { ms: Math.round(result.ms), kind: c.kind, mutation };
      if (result.outcome !== 'ok' && result.outcome !== 'typed') {
        report.problems.push({ id, kind: c.kind, mutation, outcome: result.outcome, message: `${result.name ?? ''}: ${result.message ?? ''}\n${result.stack ?? ''}`.trim() });
      }
      options.onProgress?.(id + 1, total);
    }
    await worker?.terminate();
    report.seconds = (Date.now() - started) / 1000;
    return report;
  } finally {
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
  for (const rel of ['./fuzzWorker.js', '../../dist/fuzz/fuzzWorker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error('the fuzz worker is not built: run npm run build');
}

/** Small GeoTIFFs of several encodings written by this package, and the real test files when present. */
async function makeTiffSeeds(dir: string, extra: string[]): Promise<Uint8Array[]> {
  const transform = { originX: -500_000, originY: 500_000, pixelWidth: 25_000, pixelHeight: -25_000, rotationX: 0, rotationY: 0 };
  const crs = epsgToProj4(3995)!;
  const variants = [
    { width: 40, height: 40, bands: 2, dataType: 'float32' as const, options: { tileSize: 16, predictor: 3 as const }, names: ['1980-1984', '1985-1989'] },
    { width: 33, height: 17, bands: 1, dataType: 'int16' as const, options: { tileSize: 16, predictor: 2 as const }, names: ['1980-1984'] },
    { width: 20, height: 20, bands: 1, dataType: 'uint8' as const, options: { tileSize: 16, compression: 'none' as const, bigTiff: true }, names: ['1980-1984'] },
  ];
  const seeds: Uint8Array[] = [];
  for (const [i, v] of variants.entries()) {
    const n = v.width * v.height;
    const Type = v.dataType === 'float32' ? Float32Array : v.dataType === 'int16' ? Int16Array : Uint8Array;
    const path = join(dir, `seed-${i}.tif`);
    await writeGeoTIFF(path, { width: v.width, height: v.height, bands: v.bands, dataType: v.dataType, transform, crs, noData: v.dataType === 'uint8' ? 255 : -9999,
      bandNames: v.names, values: v.names.map((_, b) => { const a = new Type(n); for (let k = 0; k < n; k++) a[k] = ((k * 7 + b * 13) % 50) - 10; return a; }) }, v.options);
    seeds.push(new Uint8Array(readFileSync(path)));
  }
  const real = process.env.PERMAFROST_REALDATA ?? fileURLToPath(new URL('../../../shared/realdata/geotiff', import.meta.url));
  const files = [...extra, ...(existsSync(real) ? readdirSync(real).filter((f) => f.endsWith('.tif')).map((f) => join(real, f)) : [])];
  for (const f of files) seeds.push(new Uint8Array(readFileSync(f)));
  return seeds;
}
