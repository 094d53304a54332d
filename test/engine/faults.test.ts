// Faults the block engine must survive: every verb gives the fault-free result to the last bit, or
// rejects with a typed error; never a partial or empty result, and never a partial pass cached.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset } from '../../src/dataset/openDataset.js';
import { internalsOf } from '../../src/dataset/context.js';
import { runPass } from '../../src/engine/pass.js';
import { FileError, FormatError, PermafrostError, WorkerError } from '../../src/errors.js';
import { workerPool } from '../../src/geotiff/workerPool.js';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { rasterStatistics } from '../../src/stats/rasterStatistics.js';
import { python, referee, tempDir } from '../helpers.js';
import { faultServer } from './faultServer.js';

const tmp = tempDir('permafrost-faults-');
const sample = join(tmp.dir, 'sample');
const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];

beforeAll(async () => {
  await generateSyntheticProduct({ out: sample, resolution_m: 25_000, parts: ['magt', 'alt', 'permafrost'] });
  writeFileSync(join(sample, 'dataset.json'), JSON.stringify({ variables: Object.fromEntries(['magt', 'alt', 'permafrost'].map((v) => [v, { file: `${v}.tif`, periods }])) }));
}, 120_000);
afterAll(() => tmp.cleanup());

/** Everything a result holds (but its provenance: where and when), typed arrays as their hashes: equal texts are equal results, to the last bit. */
function text(value: unknown): string {
  return JSON.stringify(value, (key, x) => {
    if (key === 'provenance') return undefined;
    if (ArrayBuffer.isView(x)) return createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');
    if (x && typeof x === 'object' && typeof (x as { objects?: unknown }).objects === 'function') return (x as { objects: () => unknown }).objects();
    return x;
  });
}

const points = [{ lon: -150, lat: 68 }, { lon: 100, lat: 65 }, { lon: 20, lat: 69 }, { lon: -100, lat: 60 }];

/** Every verb that reads the product, each as the text of its whole result. */
const VERBS: Record<string, (ds: Dataset) => Promise<string>> = {
  'summarize by period, region and latitude band': async (ds) => text(await ds.summarize({ by: ['period', 'region', 'lat_band'] })),
  histogram: async (ds) => text(await ds.histogram('alt')),
  'layers (block means)': async (ds) => text((await ds.layers('magt', { max_cells_across: 100 })).map((l) => l.values)),
  'layers of a region, every cell': async (ds) => text((await ds.layers('permafrost', { periods: periods.slice(0, 3), region: 'alaska' })).map((l) => l.values)),
  zoneAreas: async (ds) => text(await ds.zoneAreas()),
  zonation: async (ds) => text(await ds.zonation('2015-2019')),
  trend: async (ds) => { const t = await ds.trend('magt'); return text([t.slope_per_decade, t.p_value, t.area_km2]); },
  change: async (ds) => text(await ds.change('magt', { from: '1980-1984', to: '2015-2019' })),
  table: async (ds) => text(await ds.table('alt', '2015-2019', { region: 'alaska' })),
  'sample (point values)': async (ds) => text(await ds.sample(points, { variable: 'magt' })),
  rasterStatistics: async (ds) => text(await rasterStatistics(ds.raster('magt', '1980-1984').raster)),
};

/** Opens the dataset fresh (no pass kept from an earlier call), runs a verb and closes it. */
async function run(source: string, verb: string, options = {}): Promise<string> {
  const ds = await openDataset(source, options);
  try { return await VERBS[verb](ds); } finally { await ds.close(); }
}

describe('a remote dataset on a bad day (HTTP on 127.0.0.1): the exact result or a typed error, for every verb', () => {
  const clean = new Map<string, string>();
  beforeAll(async () => { for (const verb of Object.keys(VERBS)) clean.set(verb, await run(sample, verb)); }, 120_000);

  for (const verb of Object.keys(VERBS)) {
    it(`${verb}: stalled (2 s), dropped and failed-once requests give the local files' result to the last bit`, async () => {
      // range requests are numbered from the first header read; faults fall on headers and blocks alike
      const server = await faultServer(sample, { stall: { requests: new Set([4, 12]), ms: 2000 }, drop: new Set([6, 15]), fail: new Set([8, 18]) });
      try {
        const remote = await run(`${server.base}/dataset.json`, verb);
        expect(server.requests()).toBeGreaterThanOrEqual(8); // the first stall, drop and failure happened
        expect(remote).toBe(clean.get(verb));
      } finally { await server.close(); }
    }, 60_000);

    it(`${verb}: a file whose every request fails rejects with a FileError naming it and the byte range`, async () => {
      const server = await faultServer(sample, { broken: new Set(['magt.tif', 'alt.tif', 'permafrost.tif']) });
      try {
        const error = await run(`${server.base}/dataset.json`, verb, { tries: 2 }).then(() => null, (e) => e);
        expect(error).toBeInstanceOf(FileError);
        expect(error.message).toMatch(/(magt|alt|permafrost)\.tif: bytes \d+–\d+ .*500, 2 tries/);
      } finally { await server.close(); }
    }, 60_000);
  }

  it('a request that never answers times out (timeout_s) and is tried again, then is a FileError', async () => {
    const server = await faultServer(sample, { stall: { requests: new Set(Array.from({ length: 400 }, (_, i) => i + 1)), ms: 5000 } });
    try {
      const t0 = Date.now();
      const error = await openDataset(`${server.base}/magt.tif`, { timeout_s: 0.3, tries: 2 }).then(() => null, (e) => e);
      expect(error).toBeInstanceOf(FileError);
      expect(error.message).toMatch(/no answer within 0\.3 s, 2 tries/);
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally { await server.close(); }
  }, 30_000);
});

describe('local files: stalls, dead workers and failures', () => {
  /** Makes every block read of the dataset's rasters go through `fault` (called with the read's number, from 1). */
  function injectReads(ds: Dataset, fault: (n: number) => Promise<void> | void): void {
    let n = 0;
    for (const variable of ds.variables) {
      const internals = internalsOf(ds.raster(variable, periods[0]).raster);
      const read = internals.readBlockBytes.bind(internals);
      if ((read as { injected?: boolean }).injected) continue;
      internals.readBlockBytes = Object.assign(async (job: Parameters<typeof read>[0], overview?: number) => { await fault(++n); return read(job, overview); }, { injected: true });
    }
  }
  const summary = (ds: Dataset) => ds.summarize({ by: ['period'] }).then(text);

  it('a block read that stalls 2 s (longer than an idle worker lives) gives the same summary', async () => {
    const expected = await run(sample, 'summarize by period, region and latitude band');
    const ds = await openDataset(sample);
    injectReads(ds, (n) => (n === 5 ? new Promise((r) => setTimeout(r, 2000)) : undefined));
    const got = await VERBS['summarize by period, region and latitude band'](ds);
    await ds.close();
    expect(got).toBe(expected);
  }, 60_000);

  for (const verb of ['summarize by period, region and latitude band', 'trend', 'layers (block means)', 'zoneAreas', 'zonation', 'change', 'layers of a region, every cell']) {
    it(`${verb}: a worker terminated in the middle of the pass changes nothing (its task runs again)`, async () => {
      // the block reads of the pass, counted on a clean run; a worker is terminated at reads 6 and 20, or half way
      // through a pass of fewer reads (once: a task retried after a kill re-reads its blocks, and a second kill
      // soon after could end its one retry)
      const counting = await openDataset(sample);
      let reads = 0;
      injectReads(counting, () => { reads++; });
      const expected = await VERBS[verb](counting);
      await counting.close();
      const at = new Set(reads >= 24 ? [6, 20] : [Math.max(1, Math.floor(reads / 2))]);
      const ds = await openDataset(sample);
      let killed = 0;
      injectReads(ds, async (n) => { if (at.has(n)) { await workerPool().terminateWorker(0); killed++; } });
      const got = await VERBS[verb](ds);
      await ds.close();
      expect(killed).toBe(at.size);
      expect(got).toBe(expected);
    }, 60_000);
  }

  it('a kernel whose worker dies every time rejects the pass with a WorkerError after one retry', async () => {
    const ds = await openDataset(sample);
    const raster = ds.raster('magt', periods[0]).raster;
    const internals = internalsOf(raster);
    const error = await runPass({
      files: [{ internals, bands: [0], name: raster.source }],
      module: new URL('./crashKernel.mjs', import.meta.url).href,
      describe: () => ({}), task: (places) => ({ places }), merge: () => {},
    }).then(() => null, (e) => e);
    await ds.close();
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/magt\.tif: a worker thread ended \(exit code 3\) twice while running the blocks at column \d+, row \d+/);
  }, 30_000);

  it('a damaged tile rejects every pass with a FormatError naming the file and block, and nothing is cached', async () => {
    const { dir, cleanup } = tempDir('permafrost-damaged-');
    const cache = tempDir('permafrost-cache-');
    try {
      for (const f of ['magt.tif', 'alt.tif', 'permafrost.tif']) writeFileSync(join(dir, f), readFileSync(join(sample, f)));
      // the first tile of band 3: its DEFLATE stream overwritten
      const info = JSON.parse(referee('gdalinfo', ['-json', '-mdd', 'all', join(dir, 'magt.tif')]));
      expect(info.bands.length).toBe(8);
      const offset = Number(referee(python, ['-c', `from osgeo import gdal; d=gdal.Open('${join(dir, 'magt.tif')}'); print(d.GetRasterBand(3).GetMetadataItem('BLOCK_OFFSET_0_0','TIFF'))`]).trim());
      const bytes = readFileSync(join(dir, 'magt.tif'));
      bytes.fill(0x55, offset, offset + 64);
      writeFileSync(join(dir, 'magt.tif'), bytes);
      const env = { ...process.env };
      Object.assign(process.env, { PERMAFROST_SUMMARY_CACHE: '1', PERMAFROST_CACHE: cache.dir });
      try {
        for (const verb of ['summarize by period, region and latitude band', 'trend', 'layers (block means)', 'rasterStatistics']) {
          if (verb === 'rasterStatistics') continue; // band 1 only: the damaged tile is in band 3
          const error = await run(dir, verb).then(() => null, (e) => e);
          expect(error, verb).toBeInstanceOf(FormatError);
          expect(error.message).toMatch(/magt\.tif: band 3 block \d+ \(column 0, row 0\) cannot be decoded/);
        }
        expect(existsSync(join(cache.dir, 'summaries')) ? readdirSync(join(cache.dir, 'summaries')) : []).toEqual([]);
      } finally { process.env = env; }
    } finally { cleanup(); cache.cleanup(); }
  }, 60_000);

  it('a pass that fails part way (a read error) caches nothing; the same pass without the fault is cached and read back equal', async () => {
    const cache = tempDir('permafrost-cache-');
    const env = { ...process.env };
    Object.assign(process.env, { PERMAFROST_SUMMARY_CACHE: '1', PERMAFROST_CACHE: cache.dir });
    try {
      const ds = await openDataset(sample);
      injectReads(ds, (n) => { if (n === 9) throw new FileError('cannot read bytes 0–1 (test): EIO', 'magt.tif'); });
      await expect(summary(ds)).rejects.toBeInstanceOf(FileError);
      await ds.close();
      const folder = join(cache.dir, 'summaries');
      expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
      const first = await openDataset(sample);
      const fresh = await summary(first);
      await first.close();
      expect(readdirSync(folder).length).toBeGreaterThan(0);
      const second = await openDataset(sample);
      injectReads(second, () => { throw new Error('a cached summary must not read a block'); });
      expect(await summary(second)).toBe(fresh);
      await second.close();
    } finally { process.env = env; cache.cleanup(); }
  }, 60_000);

  it('errors of the engine are typed (PermafrostError), never bare', () => {
    expect(new WorkerError('x')).toBeInstanceOf(PermafrostError);
  });
});

describe('the same bytes for any number of workers', () => {
  it('summaries, histograms, layers, zones, changes and trends are byte-identical with 1, 2 and 3 workers, on tiles and on batched one-row strips', async () => {
    const strips = join(tmp.dir, 'strips');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(strips, { recursive: true });
    for (const f of ['magt.tif', 'alt.tif', 'permafrost.tif']) {
      referee('gdal_translate', ['-q', '-co', 'COMPRESS=LZW', '-co', 'INTERLEAVE=PIXEL', '-co', 'BLOCKYSIZE=1', join(sample, f), join(strips, f)]);
    }
    const pool = workerPool();
    const before = pool.size;
    const verbs = ['summarize by period, region and latitude band', 'histogram', 'layers (block means)', 'layers of a region, every cell', 'zoneAreas', 'zonation', 'change', 'trend'];
    try {
      for (const folder of [sample, strips]) {
        const results: string[][] = [];
        for (const size of [1, 2, 3]) {
          pool.resize(size);
          const row: string[] = [];
          for (const verb of verbs) row.push(await run(folder, verb));
          results.push(row);
        }
        verbs.forEach((verb, k) => {
          expect(results[1][k], `${verb} with 2 workers`).toBe(results[0][k]);
          expect(results[2][k], `${verb} with 3 workers`).toBe(results[0][k]);
        });
      }
    } finally { pool.resize(before); }
  }, 120_000);
});
