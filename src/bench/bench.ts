import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster } from '../geotiff/openRaster.js';
import { rasterStatistics } from '../stats/rasterStatistics.js';
import { openDataset } from '../dataset/openDataset.js';

/** Options for {@link runBenchmarks}. */
export interface BenchOptions {
  /** Where the full-scale cube is cached. Default `$PERMAFROST_BENCH_DIR`, else `~/.cache/permafrost-lab/bench`. */
  cacheDir?: string;
  /** Python with rasterio. Default `/usr/bin/python3`. */
  python?: string;
  print?: (line: string) => void;
  /** Also time GDAL-written copies of the cube (interleave × codec × predictor × tiling). */
  matrix?: boolean;
}

const RASTERIO_PASS = String.raw`
import sys, time, json
import numpy as np
import rasterio
t0 = time.perf_counter()
with rasterio.open(sys.argv[1]) as ds:
    nodata = ds.nodata
    means = []
    for band in range(1, ds.count + 1):
        total = 0.0
        count = 0
        for _, window in ds.block_windows(band):
            a = ds.read(band, window=window)
            valid = a != nodata
            total += float(a[valid].sum(dtype='float64'))
            count += int(valid.sum())
        means.append(total / count)
print(json.dumps({'seconds': time.perf_counter() - t0, 'means': means}))
`;

/**
 * The benchmarks of `npm run bench`: a full pass over the full-scale 1 km cube (8 float32 bands,
 * DEFLATE, 256-pixel tiles) against rasterio's block-by-block pass, a 1000 × 1000 window and
 * 10,000 point reads. Prints the figures; asserts nothing.
 */
export async function runBenchmarks(options: BenchOptions = {}): Promise<Record<string, number>> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const cache = options.cacheDir ?? process.env.PERMAFROST_BENCH_DIR ?? join(homedir(), '.cache', 'permafrost-lab', 'bench');
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

  const raster = await openRaster(cube);
  const decodedMB = (raster.width * raster.height * raster.bands * 4) / 1e6;
  print(`cube: ${raster.width} × ${raster.height} × ${raster.bands} float32 (${decodedMB.toFixed(0)} MB decoded), ${raster.layout.compression}, predictor ${raster.layout.predictor}, tiles ${raster.layout.blockWidth}`);

  global.gc?.();
  const t0 = performance.now();
  const stats = await rasterStatistics(raster);
  figures.ours_s = (performance.now() - t0) / 1000;
  figures.ours_mb_per_s = decodedMB / figures.ours_s;
  print(`ours: area-weighted mean, sd, min, max, valid area of ${stats.length} bands in ${figures.ours_s.toFixed(2)} s (${figures.ours_mb_per_s.toFixed(0)} MB/s decoded)`);
  print(`      ${stats.map((s) => `${s.name} ${s.mean.toFixed(3)} °C`).join(', ')}; valid area ${(stats[0].valid_area_km2 / 1e6).toFixed(2)} M km²`);

  const py = spawnSync(python, ['-c', RASTERIO_PASS, cube], { encoding: 'utf8' });
  if (py.status === 0) {
    const r = JSON.parse(py.stdout.trim().split('\n').pop()!);
    figures.rasterio_s = r.seconds;
    figures.ratio = figures.ours_s / r.seconds;
    print(`rasterio: block-by-block per-band mean in ${r.seconds.toFixed(2)} s (${(decodedMB / r.seconds).toFixed(0)} MB/s)`);
    print(`ratio ours/rasterio: ${figures.ratio.toFixed(2)} (goal ≤ 0.6)`);
  } else {
    print(`rasterio: not available with ${python} (${(py.stderr || py.error?.message || '').trim().split('\n').pop()}); no ratio`);
  }

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

  figures.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  print(`peak RSS of this process: ${figures.peak_rss_mb.toFixed(0)} MB (goal ≤ 600 MB)`);
  await Promise.all([raster.close(), fresh.close()]);
  return figures;
}
