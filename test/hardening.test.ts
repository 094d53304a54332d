import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../src/dataset/openDataset.js';
import { exportTable } from '../src/dataset/exportTable.js';
import { datasetBanner } from '../src/display/show.js';
import { FormatError, InputError, LimitError } from '../src/errors.js';
import { GDAL_SEED_VARIANTS, runFuzz, seedFiles } from '../src/fuzz/fuzz.js';
import { zstdContentSize } from '../src/geotiff/decode.js';
import { epsgToProj4 } from '../src/geotiff/crs.js';
import { openRaster } from '../src/geotiff/openRaster.js';
import { blockAccessOf } from '../src/geotiff/blockAccess.js';
import { writeGeoTIFF } from '../src/geotiff/writeGeoTIFF.js';
import { runNotebookFiles } from '../src/notebooks/runNotebooks.js';
import { saveFigure } from '../src/display/saveFigure.js';
import { generateSyntheticProduct } from '../src/sample/generateSample.js';
import { notebookJson, referee, root, tempDir } from './helpers.js';

const tmp = tempDir('permafrost-hardening-');
afterAll(() => tmp.cleanup());
const grid = { width: 300, height: 200, bands: 1, dataType: 'float32' as const, crs: epsgToProj4(3995)!, noData: -9999,
  transform: { originX: 0, originY: 0, pixelWidth: 1000, pixelHeight: -1000, rotationX: 0, rotationY: 0 } };
let file: string;
beforeAll(async () => {
  file = join(tmp.dir, 'small.tif');
  await writeGeoTIFF(file, { ...grid, values: [new Float32Array(300 * 200).fill(1)] });
});

describe('limits refuse before allocating, with a message naming the option', () => {
  it('images larger than maxDimension', async () => {
    await expect(openRaster(file, { maxDimension: 100 })).rejects.toThrow(LimitError);
    await expect(openRaster(file, { maxDimension: 100 })).rejects.toThrow(/300 × 200 pixels, more than the maximum of 100 per side \(option maxDimension\)/);
  });

  it('tiles whose declared size exceeds maxBlockBytes', async () => {
    await expect(openRaster(file, { maxBlockBytes: 1000 })).rejects.toThrow(/blocks of 256 × 256 pixels \(262144 bytes\), more than the maximum of 1000 bytes \(option maxBlockBytes\)/);
  });

  it('reads larger than maxReadBytes', async () => {
    const r = await openRaster(file, { maxReadBytes: 1000 });
    await expect(r.read()).rejects.toThrow(/needs 240000 bytes, more than the maximum of 1000 \(option maxReadBytes\); read smaller windows/);
    await r.close();
  });

  it('a width patched to 2³¹ − 1 is refused by the default limit', async () => {
    const bytes = readFileSync(file);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = view.getUint32(4, true);
    for (let k = 0; k < view.getUint16(first, true); k++) {
      const at = first + 2 + 12 * k;
      if (view.getUint16(at, true) === 256) view.setUint32(at + 8, 0x7fffffff, true);
    }
    const wide = join(tmp.dir, 'wide.tif');
    writeFileSync(wide, bytes);
    await expect(openRaster(wide)).rejects.toThrow(LimitError);
  });
});

describe('exports never write into the data folder unless told to', () => {
  it('writeGeoTIFF, exportTable and saveFigure refuse a dataset\'s own folder', async () => {
    const data = join(tmp.dir, 'data');
    await generateSyntheticProduct({ out: data, resolution_m: 100_000, parts: ['magt'] });
    const ds = await openDataset(data);
    await expect(writeGeoTIFF(join(data, 'trend.tif'), { ...grid, values: [new Float32Array(300 * 200)] })).rejects.toThrow(/refusing to write into the data folder/);
    await expect(exportTable(aq.table({ a: [1] }), join(data, 'x.csv'))).rejects.toThrow(InputError);
    await expect(saveFigure({ data: [] }, join(data, 'fig.html'))).rejects.toThrow(/into_data_folder/);
    expect(await exportTable(aq.table({ a: [1] }), join(data, 'allowed.csv'), { into_data_folder: true })).toMatch(/allowed\.csv$/);
    expect(await exportTable(aq.table({ a: [1] }), join(tmp.dir, 'elsewhere', 'x.csv'))).toMatch(/elsewhere/);
    await ds.close();
  });
});

describe('text from files is escaped in HTML', () => {
  it('the dataset banner escapes the source path', () => {
    const html = datasetBanner({ synthetic: false, source: '/data/<script>alert(1)</script>', variables: ['magt'], periods: [{ label: '1980-1984' }], grid: { width: 1, height: 1, resolution_m: 1000 } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });
});

describe('errors show as one readable line', () => {
  it('our errors carry a one-line stack, keeping the full trace aside', () => {
    const err = new FormatError('not a TIFF file', 'x.tif');
    expect(err.stack).toBe('FormatError: x.tif: not a TIFF file');
    expect(err.trace).toMatch(/\n\s+at /);
  });

  it('in a notebook cell: the error line, no stack of internals', async () => {
    const dir = join(root, 'test', `.tmp-notebook-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const path = join(dir, 'error-example.ipynb');
      writeFileSync(path, notebookJson(["import { openDataset } from 'permafrost-lab';\nawait openDataset('/nonexistent/product-folder');"]));
      const [report] = await runNotebookFiles([path], { out: join(dir, 'out'), on_message: () => {} });
      expect(report.ok).toBe(false);
      expect(report.error!.message).toContain('InputError: dataset not found: /nonexistent/product-folder');
      expect(report.error!.message).not.toMatch(/\n\s+at .*(dist|src)\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the fuzzer (a seeded run; npm run fuzz runs 5,000 cases)', () => {
  it('ends every case with data or a typed error: no untyped error, crash or hang, on every codec and layout GDAL writes', async () => {
    const report = await runFuzz({ cases: 600, seed: 7, seeds: seedFiles(join(root, 'test', 'fixtures', 'geotiff')) });
    expect(report.problems).toEqual([]);
    expect(report.outcomes.ok).toBeGreaterThan(50);
    expect(report.outcomes.typed).toBeGreaterThan(50);
    for (const v of GDAL_SEED_VARIANTS) expect(report.by_seed[v.label]?.cases ?? 0, `${v.label} seed cases`).toBeGreaterThan(5);
    for (const real of ['real-nt_20201024_f18_nrt_s', 'real-polar_stereographic_variant_b']) expect(report.by_seed[real]?.cases ?? 0).toBeGreaterThan(5);
  }, 180_000);

  it('a damaged ZSTD tile (GDAL writes frames without a content size) is a FormatError at once, not an endless loop', async () => {
    const src = join(tmp.dir, 'zstd-src.tif');
    const zstd = join(tmp.dir, 'zstd.tif');
    await writeGeoTIFF(src, { ...grid, values: [Float32Array.from({ length: 300 * 200 }, (_, i) => Math.sin(i / 50))] });
    referee('gdal_translate', ['-q', '-co', 'COMPRESS=ZSTD', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', src, zstd]);
    const intact = await openRaster(zstd);
    const internals = blockAccessOf(intact);
    const job = internals.blocks([0])[0];
    const bytes = await internals.readBlockBytes(job);
    expect(zstdContentSize(bytes)).toBeNull(); // the case that sent zstddec into its streaming loop
    await intact.close();
    const damaged = readFileSync(zstd);
    const start = damaged.indexOf(Buffer.from(bytes.subarray(0, 16)));
    damaged[start + 6] |= 0x06; // the first block header (after the 6-byte frame header) gets the reserved block type
    const file = join(tmp.dir, 'zstd-damaged.tif');
    writeFileSync(file, damaged);
    const r = await openRaster(file);
    const t0 = performance.now();
    await expect(r.read({ bands: [0], window: { x: 0, y: 0, width: 10, height: 10 } })).rejects.toThrow(/band 1 tile 0 cannot be decoded: ZSTD data is damaged/);
    expect(performance.now() - t0).toBeLessThan(1000);
    await r.close();
  });
});
