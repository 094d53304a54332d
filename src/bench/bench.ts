import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster } from '../geotiff/openRaster.js';
import { rasterStatistics, type BandStatistics } from '../stats/rasterStatistics.js';
import { openDataset } from '../dataset/openDataset.js';
import { INFLATER } from '../geotiff/decode.js';
import { workerPool } from '../geotiff/workerPool.js';

/** Options for {@link runBenchmarks}. */
export interface BenchOptions {
  /** Where the full-scale cube is cached. Default `$PERMAFROST_BENCH_DIR`, else `~/.cache/permafrost-lab/bench`. */
  cache_dir?: string;
  /** @deprecated use `cache_dir` (removed in the next release) */
  cacheDir?: string;
  /** Python with rasterio. Default `/usr/bin/python3`. */
  python?: string;
  print?: (line: string) => void;
  /** Also time GDAL-written copies of the cube (interleave × codec × predictor × tiling). */
  matrix?: boolean;
  /** Also build the full 1 km sample (all parts) and run every notebook on it: seconds and peak memory per notebook. */
  scale?: boolean;
  /** The notebooks `scale` runs. Default `./notebooks` (the checkout's, when run from it). */
  notebooks?: string;
}

/** The trend anchor: vectorized numpy Sen's slope and Mann–Kendall S (src/bench/trend_anchor.py). */
const TREND_ANCHOR = fileURLToPath(new URL('./trend_anchor.py', import.meta.url));

/** The anchor: rasterio + numpy doing the same area-weighted pass (src/bench/anchor.py). */
const ANCHOR = fileURLToPath(new URL('./anchor.py', import.meta.url));

/** GDAL-written copies of the cube for `--matrix`: interleave × codec × predictor × tiling, a representative subset. */
export const MATRIX: { label: string; options: string[] }[] = [
  { label: 'pixel-deflate-pred2-tiles', options: ['-co', 'INTERLEAVE=PIXEL', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'TILED=YES'] },
  { label: 'pixel-deflate-tiles', options: ['-co', 'INTERLEAVE=PIXEL', '-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES'] },
  { label: 'pixel-lzw-strips', options: ['-co', 'INTERLEAVE=PIXEL', '-co', 'COMPRESS=LZW'] },
  { label: 'pixel-none-tiles', options: ['-co', 'INTERLEAVE=PIXEL', '-co', 'TILED=YES'] },
  { label: 'band-zstd-pred3-tiles', options: ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=ZSTD', '-co', 'PREDICTOR=3', '-co', 'TILED=YES'] },
  { label: 'band-lzw-pred2-strips', options: ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2'] },
  // ArcGIS's defaults for a GeoTIFF: LZW, band-interleaved, 128-pixel tiles
  { label: 'band-lzw-tiles-128', options: ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=LZW', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=128'] },
];

interface AnchorResult { seconds: number; bands: { mean: number; sd: number; min: number; max: number; valid_area_km2: number }[] }

/** Runs the anchor on a file on one thread (`1`) or with a reading thread per core (`ALL_CPUS`); `lean`: decoding and an unweighted mean only. */
function anchor(python: string, file: string, threads: '1' | 'ALL_CPUS', lean = false): AnchorResult | string {
  const run = spawnSync(python, [ANCHOR, file, threads, ...(lean ? ['lean'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return (run.stderr || run.error?.message || 'failed').trim().split('\n').pop()!;
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** Largest differences between our statistics and the anchor's: mean and sd in the data's units, area relative. */
function agreement(ours: BandStatistics[], theirs: AnchorResult): { mean: number; sd: number; area: number; ok: boolean } {
  let mean = 0, sd = 0, area = 0;
  ours.forEach((o, i) => {
    const t = theirs.bands[i];
    mean = Math.max(mean, Math.abs(o.mean - t.mean));
    sd = Math.max(sd, Math.abs(o.sd - t.sd));
    area = Math.max(area, Math.abs(o.valid_area_km2 / t.valid_area_km2 - 1));
  });
  return { mean, sd, area, ok: mean < 1e-4 && sd < 1e-4 && area < 1e-5 };
}

/**
 * Reads the file once before timing, so that neither side pays for the disk: whoever ran first
 * would otherwise read it cold and hand the other a warm page cache.
 */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 24);
  try { while (readSync(fd, chunk, 0, chunk.length, null) > 0); } finally { closeSync(fd); }
}

/** One full pass over a file, ours and the anchor's (one thread, and a thread per core), checked to agree. */
async function fullPass(label: string, file: string, python: string, print: (line: string) => void, figures: Record<string, number>): Promise<void> {
  warmPageCache(file);
  const raster = await openRaster(file);
  const decodedMB = (raster.width * raster.height * raster.bands * 4) / 1e6;
  // each side's best of two runs: one slow run on a shared machine (another tenant, the collector)
  // should not decide a ratio
  const best = async () => {
    let seconds = Infinity, stats: BandStatistics[] = [];
    for (let run = 0; run < 2; run++) {
      global.gc?.();
      const t0 = performance.now();
      stats = await rasterStatistics(raster);
      seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    }
    return { seconds, stats };
  };
  const { seconds: ours, stats } = await best();
  let zlib: number | null = null;
  if (label === 'cube' && INFLATER === 'libdeflate') {
    // the same pass with DEFLATE through Node's zlib: workers started again without the addon
    await workerPool().close();
    process.env.PERMAFROST_LIBDEFLATE = '0';
    try { zlib = (await best()).seconds; } finally { delete process.env.PERMAFROST_LIBDEFLATE; await workerPool().close(); }
    figures.cube_ours_zlib_s = zlib;
  }
  await raster.close();
  figures[`${label}_ours_s`] = ours;
  const bestOf = (a: AnchorResult | string, b: AnchorResult | string) => (typeof a === 'string' ? b : typeof b === 'string' || a.seconds <= b.seconds ? a : b);
  const one = bestOf(anchor(python, file, '1'), anchor(python, file, '1'));
  const all = anchor(python, file, 'ALL_CPUS');
  const leanOne = anchor(python, file, '1', true);
  const leanAll = bestOf(anchor(python, file, 'ALL_CPUS', true), anchor(python, file, 'ALL_CPUS', true));
  const cell = (r: AnchorResult | string) => (typeof r === 'string' ? `n/a (${r})` : `${r.seconds.toFixed(2)} s, **${(ours / r.seconds).toFixed(2)}**`);
  const agree = typeof one === 'string' ? null : agreement(stats, one);
  if (typeof one !== 'string') { figures[`${label}_anchor_1_s`] = one.seconds; figures[`${label}_ratio_1`] = ours / one.seconds; }
  if (typeof all !== 'string') { figures[`${label}_anchor_threads_s`] = all.seconds; figures[`${label}_ratio_threads`] = ours / all.seconds; }
  if (typeof leanOne !== 'string') { figures[`${label}_lean_1_s`] = leanOne.seconds; figures[`${label}_ratio_lean_1`] = ours / leanOne.seconds; }
  if (typeof leanAll !== 'string') { figures[`${label}_lean_threads_s`] = leanAll.seconds; figures[`${label}_ratio_lean_threads`] = ours / leanAll.seconds; }
  print(`| ${label} | ${raster.layout.interleave} | ${raster.layout.compression}${raster.layout.predictor > 1 ? ` + pred ${raster.layout.predictor}` : ''} | ` +
    `${raster.layout.tiled ? `tiles ${raster.layout.blockWidth}` : `strips of ${raster.layout.blockHeight}`} | ${ours.toFixed(2)} s (${(decodedMB / ours).toFixed(0)} MB/s)` +
    `${zlib !== null ? `; zlib ${zlib.toFixed(2)} s` : ''} | ${cell(one)} | ${cell(all)} | ${cell(leanOne)} | ${cell(leanAll)} | ` +
    `${agree ? `${agree.ok ? 'yes' : 'NO'} (Δmean ${agree.mean.toExponential(1)}, Δsd ${agree.sd.toExponential(1)}, Δarea ${agree.area.toExponential(1)})` : 'n/a'} |`);
}

/**
 * The benchmarks of `npm run bench`: a full pass over the full-scale 1 km cube (8 float32 bands,
 * DEFLATE, 256-pixel tiles) against rasterio's block-by-block pass, a 1000 × 1000 window and
 * 10,000 point reads. Prints the figures; asserts nothing.
 */
export async function runBenchmarks(options: BenchOptions = {}): Promise<Record<string, number>> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const cache = options.cache_dir ?? options.cacheDir ?? process.env.PERMAFROST_BENCH_DIR ?? join(homedir(), '.cache', 'permafrost-lab', 'bench');
  const python = options.python ?? process.env.PERMAFROST_PYTHON ?? '/usr/bin/python3';
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const figures: Record<string, number> = {};

  print(`# permafrost-lab benchmarks (cache: ${cache})`);
  const cube = join(cache, '1km', 'magt.tif');
  const started = Date.now();
  const gen = spawnSync(process.execPath, [cli, 'sample', '--out', join(cache, '1km'), '--resolution-m', '1000', '--parts', 'magt', '--if-stale'],
    { encoding: 'utf8', env: { ...process.env, PERMAFROST_REPORT_RSS: '1' }, stdio: ['ignore', 'inherit', 'pipe'] });
  const rss = /maxrss_kb=(\d+)/.exec(gen.stderr ?? '');
  if (gen.status !== 0 || !existsSync(cube)) throw new Error(`generating the 1 km cube failed:\n${gen.stderr}`);
  if (/up to date/.test(gen.stderr)) print(`1 km cube: cached at ${cube}`);
  else {
    figures.generate_s = (Date.now() - started) / 1000;
    figures.generate_peak_rss_mb = rss ? Number(rss[1]) / 1024 : NaN;
    print(`1 km cube generated (streamed): ${figures.generate_s.toFixed(1)} s, peak RSS ${figures.generate_peak_rss_mb.toFixed(0)} MB`);
  }

  print('');
  print('Full area-weighted pass (mean, sd, min, max, valid area of every band): ours on all cores, against rasterio + numpy doing the same');
  print('work block by block on one thread (each side the best of two runs) and with a reading thread per core; the two must agree before a ratio means anything. Each file is read once beforehand, so both sides find it in the page cache.');
  print('');
  print(`Ours decodes DEFLATE with ${INFLATER}${INFLATER === 'libdeflate' ? ' (the cube is also timed with Node\'s zlib)' : ''}. The lean rasterio columns do less work than ours: every block decoded and an unweighted mean, no cell areas.`);
  print('');
  print('| file | interleave | codec | blocks | ours | rasterio 1 thread (ratio) | rasterio, a thread per core (ratio) | lean rasterio 1 thread (ratio) | lean rasterio, a thread per core (ratio) | agree |');
  print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  await fullPass('cube', cube, python, print, figures);
  figures.ours_s = figures.cube_ours_s;
  if (figures.cube_anchor_1_s) { figures.rasterio_s = figures.cube_anchor_1_s; figures.ratio = figures.cube_ratio_1; }
  if (options.matrix) {
    for (const v of MATRIX) {
      const file = join(cache, 'matrix', `${v.label}.tif`);
      if (!existsSync(file)) {
        mkdirSync(join(cache, 'matrix'), { recursive: true });
        const made = spawnSync('gdal_translate', ['-q', '--config', 'GDAL_NUM_THREADS', 'ALL_CPUS', '-co', 'NUM_THREADS=ALL_CPUS', '-co', 'BIGTIFF=IF_SAFER', ...v.options, cube, `${file}.tmp.tif`], { encoding: 'utf8' });
        if (made.status !== 0) { print(`| ${v.label} | gdal_translate failed: ${(made.stderr || made.error?.message || '').trim()} |`); continue; }
        renameSync(`${file}.tmp.tif`, file);
      }
      await fullPass(v.label, file, python, print, figures);
    }
  }
  print('');

  // The dataset API on the same cube: summarize by period (8 periods), and a region's table.
  const ds = await openDataset(join(cache, '1km'));
  global.gc?.();
  const t3 = performance.now();
  const summary = await ds.summarize({ by: ['period'] });
  figures.summarize_s = (performance.now() - t3) / 1000;
  print(`ds.summarize({ by: ['period'] }) over ${summary.numRows()} periods × ${ds.variables.length} variable(s): ${figures.summarize_s.toFixed(2)} s` +
    (figures.rasterio_s ? `, ratio to the rasterio pass ${(figures.summarize_s / figures.rasterio_s).toFixed(2)} (goal ≤ 0.6)` : ''));
  const t4 = performance.now();
  const alaska = await ds.table('magt', '2015-2019', { region: 'alaska' });
  figures.alaska_table_s = (performance.now() - t4) / 1000;
  print(`ds.table('magt', '2015-2019', { region: 'alaska' }) at 1 km: ${alaska.numRows().toLocaleString('en-US')} rows in ${figures.alaska_table_s.toFixed(2)} s (region rasterized on first use)`);
  await ds.close();

  // A 1000 × 1000 window of one band, from a freshly opened file.
  const fresh = await openRaster(cube);
  const t1 = performance.now();
  await fresh.read({ window: { x: 4000, y: 6000, width: 1000, height: 1000 }, bands: [7] });
  figures.window_s = (performance.now() - t1) / 1000;
  print(`1000 × 1000 window of one band: ${figures.window_s.toFixed(3)} s (goal < 0.3 s)`);

  // 10,000 point reads at random places north of 45°N.
  let seed = 42;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const points = Array.from({ length: 10_000 }, () => ({ lon: -180 + 360 * random(), lat: 45 + 45 * random() }));
  const t2 = performance.now();
  const values = await fresh.valuesAt(points, { bands: [7] });
  figures.points_s = (performance.now() - t2) / 1000;
  print(`10,000 point reads: ${figures.points_s.toFixed(3)} s, ${values[0].filter((v) => !Number.isNaN(v)).length} on land (goal < 1 s)`);

  // Per-cell trends (Sen's slope and exact Mann–Kendall) against the vectorized numpy pass.
  {
    const tds = await openDataset(join(cache, '1km'));
    global.gc?.();
    const t5 = performance.now();
    const trend = await tds.trend('magt');
    figures.trend_s = (performance.now() - t5) / 1000;
    let cells = 0, sum = 0;
    for (let i = 0; i < trend.slope_per_decade.length; i++) { const v = trend.slope_per_decade[i]; if (v === v) { cells++; sum += v; } }
    await tds.close();
    const py = spawnSync(python, [TREND_ANCHOR, cube], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (py.status === 0) {
      const r = JSON.parse(py.stdout.trim().split('\n').pop()!);
      figures.trend_numpy_s = r.seconds;
      figures.trend_ratio = figures.trend_s / r.seconds;
      const agree = cells === r.cells && Math.abs(sum / cells - r.mean_slope_per_decade) < 1e-4;
      print(`ds.trend('magt') at 1 km (slope and exact p per cell, all cores): ${figures.trend_s.toFixed(1)} s; numpy (slope and S, one core): ${r.seconds.toFixed(1)} s; ` +
        `ratio ${figures.trend_ratio.toFixed(2)} (goal ≤ 0.5); agree: ${agree ? 'yes' : 'NO'} (${cells} vs ${r.cells} cells, mean slope ${(sum / cells).toFixed(5)} vs ${r.mean_slope_per_decade.toFixed(5)} °C/decade)`);
    } else {
      print(`ds.trend('magt') at 1 km: ${figures.trend_s.toFixed(1)} s; numpy anchor failed: ${(py.stderr || '').trim().split('\n').pop()}`);
    }
  }

  if (options.scale) await scaleBenchmark(cache, cli, resolve(options.notebooks ?? 'notebooks'), print, figures);

  figures.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  print(`peak RSS of this process: ${figures.peak_rss_mb.toFixed(0)} MB (the trend's slope, p-value and significance rasters of the 1 km grid are 0.95 GB of it)`);
  await fresh.close();
  return figures;
}

/**
 * The notebooks at the product's scale: the full 1 km sample (all parts, made once in the cache),
 * then every notebook run on it in one runner as `npm start` runs them, timed, with the peak memory of its processes.
 */
async function scaleBenchmark(cache: string, cli: string, notebooks: string, print: (line: string) => void, figures: Record<string, number>): Promise<void> {
  if (!existsSync(notebooks)) { print(`scale: no notebooks at ${notebooks} (give --notebooks <folder>)`); return; }
  const folder = join(cache, '1km-full');
  const t0 = Date.now();
  const gen = spawnSync('/usr/bin/time', ['-f', 'peak_kb=%M', process.execPath, cli, 'sample', '--out', folder, '--resolution-m', '1000', '--if-stale', '--quiet'],
    { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (gen.status !== 0) { print(`scale: making the 1 km sample failed: ${gen.stderr}`); return; }
  const peak = Number(/peak_kb=(\d+)/.exec(gen.stderr)?.[1] ?? NaN) / 1024;
  if (/up to date/.test(gen.stderr)) print(`scale: full 1 km sample cached at ${folder}`);
  else { figures.sample_1km_s = (Date.now() - t0) / 1000; figures.sample_1km_peak_mb = peak; print(`scale: full 1 km sample made in ${figures.sample_1km_s.toFixed(0)} s, peak ${peak.toFixed(0)} MB (goal ≤ 120 s, ≤ 1 GB)`); }
  print('');
  // all notebooks in one runner, as `npm start` runs them (one Chromium; each notebook's kernel
  // started while the one before runs), in a folder of their own (the kernel resolves
  // permafrost-lab and arquero from any folder)
  const names = readdirSync(notebooks).filter((n) => n.endsWith('.ipynb')).sort();
  const one = mkdtempSync(join(tmpdir(), 'permafrost-scale-'));
  let total = 0, worst = 0;
  try {
    for (const name of names) symlinkSync(join(notebooks, name), join(one, name));
    const t = Date.now();
    const run = spawnSync('/usr/bin/time', ['-f', 'peak_kb=%M', process.execPath, cli, 'run-notebooks', one, '--out', join(one, 'out')],
      { encoding: 'utf8', env: { ...process.env, PERMAFROST_DATA: folder } });
    total = (Date.now() - t) / 1000;
    worst = Number(/peak_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
    let reports: { notebook: string; seconds: number; wall_s?: number; ok: boolean; error: { message: string } | null }[] = [];
    try { reports = JSON.parse(readFileSync(join(one, 'out', 'report.json'), 'utf8')); } catch { print(`scale: the runner wrote no report: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`); }
    print('| notebook | seconds in the runner | of which cells | result |');
    print('| --- | --- | --- | --- |');
    for (const r of reports) {
      figures[`scale_${r.notebook}_s`] = r.wall_s ?? NaN;
      print(`| ${r.notebook} | ${(r.wall_s ?? NaN).toFixed(1)} | ${r.seconds.toFixed(1)} | ${r.ok ? 'ok' : `FAILED: ${r.error?.message.split('\n')[0] ?? ''}`} |`);
    }
  } finally {
    rmSync(one, { recursive: true, force: true });
  }
  figures.scale_total_s = total; figures.scale_peak_mb = worst;
  print(`| all (the runner, start to end) | ${total.toFixed(1)} | | peak ${worst.toFixed(0)} MB; goal ≤ 180 s + 30 s per notebook after the seven (${names.length} notebooks: ${180 + 30 * Math.max(0, names.length - 7)} s), ≤ 4 GB |`);
}
