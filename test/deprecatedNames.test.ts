// Old names kept for one release (issue 27): each still works and gives what the new name gives.
// Delete this file with the old names in the next release. max_cells is in test/grid/blockFactor.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDataset } from '../src/dataset/openDataset.js';
import { exportTable } from '../src/dataset/exportTable.js';
import { writeGeoTIFF } from '../src/geotiff/writeGeoTIFF.js';
import { mapFigure } from '../src/plot/mapFigure.js';
import { scatterFigure } from '../src/plot/scatterFigure.js';
import { figureHtml } from '../src/display/figure.js';
import { generateSample, generateSyntheticProduct } from '../src/sample/generateSample.js';
import { loadStations, parseStations } from '../src/stations/loadStations.js';
import { InputError } from '../src/errors.js';
import * as tools from '../src/tools.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('permafrost-deprecated-');
afterAll(() => tmp.cleanup());

const TABLE = 'site,lat,lon,year,alt_cm\nU1,71.3,-156.6,2010,38\nU1,71.3,-156.6,2011,41\nU2,68.6,-149.6,2010,45\n';
const transform = { originX: 0, originY: 0, pixelWidth: 1000, pixelHeight: -1000, rotationX: 0, rotationY: 0 };
const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';

describe('loadStations(text or bytes) still parses, with one warning, as parseStations does', () => {
  it('gives parseStations\' table for text and for bytes, and warns once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const now = parseStations(TABLE);
      const old = loadStations(TABLE);
      expect(old.stations.objects()).toEqual(now.stations.objects());
      expect(old.cells).toEqual(now.cells);
      const bytes = new TextEncoder().encode(TABLE);
      expect(loadStations(bytes).stations.objects()).toEqual(parseStations(bytes).stations.objects());
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/loadStations\(text or bytes\) is deprecated .*use parseStations/);
    } finally { warn.mockRestore(); }
  });

  it('loadStations(path) reads the file as parseStations reads its bytes; parseStations given a file name says to use loadStations', () => {
    const path = join(tmp.dir, 'calm.csv');
    writeFileSync(path, TABLE);
    expect(loadStations(path).stations.objects()).toEqual(parseStations(readFileSync(path)).stations.objects());
    expect(() => parseStations(path)).toThrow(InputError);
    expect(() => parseStations(path)).toThrow(/this names a file: read it with loadStations\(path\)/);
  });
});

describe('generateSample and ifStale', () => {
  it('generateSample is generateSyntheticProduct, at the front door and in permafrost-lab/tools, and ifStale skips an up-to-date product like if_stale', async () => {
    expect(generateSample).toBe(generateSyntheticProduct);
    expect((await import('../src/index.js')).generateSample).toBe(generateSyntheticProduct);
    expect(tools.generateSample).toBe(generateSyntheticProduct);
    const out = join(tmp.dir, 'product');
    const first = await generateSyntheticProduct({ out, resolution_m: 100_000, parts: ['stations'] });
    expect(first.skipped).toBe(false);
    expect((await generateSample({ out, resolution_m: 100_000, parts: ['stations'], ifStale: true })).skipped).toBe(true);
    expect((await generateSyntheticProduct({ out, resolution_m: 100_000, parts: ['stations'], if_stale: true })).skipped).toBe(true);
  });
});

describe('writers: intoDataFolder, tileSize and bigTiff', () => {
  const raster = { width: 40, height: 20, bands: 1, dataType: 'float32' as const, transform, crs, noData: null,
    values: [Float32Array.from({ length: 800 }, (_, i) => i / 7)] };

  it('tileSize and bigTiff write the same bytes as tile_size and big_tiff; the result has big_tiff and bigTiff', async () => {
    const a = join(tmp.dir, 'old.tif'), b = join(tmp.dir, 'new.tif');
    const old = await writeGeoTIFF(a, raster, { tileSize: 16, bigTiff: true });
    const now = await writeGeoTIFF(b, raster, { tile_size: 16, big_tiff: true });
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const c = join(tmp.dir, 'default.tif');
    await writeGeoTIFF(c, raster, { big_tiff: true });
    expect(readFileSync(c)).not.toEqual(readFileSync(b)); // 256-pixel tiles: the tile size was read
    expect([old.big_tiff, old.bigTiff, now.big_tiff]).toEqual([true, true, true]);
  });

  it('intoDataFolder lets a writer into a dataset\'s folder as into_data_folder does', async () => {
    const data = join(tmp.dir, 'data');
    await generateSyntheticProduct({ out: data, resolution_m: 100_000, parts: ['magt'] });
    const ds = await openDataset(data);
    try {
      await expect(exportTable(aq.table({ a: [1] }), join(data, 'refused.csv'))).rejects.toThrow(/into_data_folder/);
      expect(await exportTable(aq.table({ a: [1] }), join(data, 'old.csv'), { intoDataFolder: true })).toMatch(/old\.csv$/);
      expect((await writeGeoTIFF(join(data, 'old.tif'), raster, { intoDataFolder: true })).path).toMatch(/old\.tif$/);
    } finally { await ds.close(); }
  });
});

describe('figures: scaleOf, maxPoints and inlinePlotly', () => {
  it('figureHtml({ inlinePlotly }) puts plotly.js in the page as inline_plotly does', () => {
    const figure = { data: [{ type: 'bar', y: [1, 2] }] };
    const strip = (html: string) => html.replace(/permafrost-fig-[0-9a-f]+-\d+/g, 'ID');
    const old = figureHtml(figure, { inlinePlotly: true });
    expect(strip(old)).toBe(strip(figureHtml(figure, { inline_plotly: true })));
    expect(old).toContain('window.Plotly = Plotly');
  });

  it('mapFigure({ scaleOf }) takes the other map\'s scale as scale_of does', () => {
    const grid = (k: number) => ({ values: Float32Array.from({ length: 400 }, (_, i) => k * Math.sin(i)), width: 20, height: 20, transform, crs, noData: null });
    const other = mapFigure(grid(5), { value: 'magt_c' });
    const old = mapFigure(grid(1), { value: 'magt_c', scaleOf: other }).data[0] as Record<string, unknown>;
    const now = mapFigure(grid(1), { value: 'magt_c', scale_of: other }).data[0] as Record<string, unknown>;
    expect([old.zmin, old.zmax]).toEqual([now.zmin, now.zmax]);
    expect(now.zmax).toBe((other.data[0] as Record<string, unknown>).zmax);
  });

  it('scatterFigure({ maxPoints }) thins the points as max_points does', () => {
    const table = aq.table({ x: Array.from({ length: 1000 }, (_, i) => i), y: Array.from({ length: 1000 }, (_, i) => i % 17) });
    const old = scatterFigure(table, { x: 'x', y: 'y', maxPoints: 100 }).data[0] as { x: number[] };
    const now = scatterFigure(table, { x: 'x', y: 'y', max_points: 100 }).data[0] as { x: number[] };
    expect(old.x).toEqual(now.x);
    expect(now.x.length).toBe(100);
  });
});
