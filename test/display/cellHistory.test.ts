// A click on a cell of a map of all periods shows that cell's history beside the map, in a saved
// page and in a notebook's HTML output: clicked in headless Chromium, the values checked against
// rasterio's block means of the GeoTIFF, Sen's slope against SciPy, lon/lat against GDAL's OSR (PROJ).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import type { Layer } from '../../src/dataset/layer.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { trendMap } from '../../src/plot/trendMap.js';
import { standaloneHtml } from '../../src/display/saveFigure.js';
import { figureHtml, type Figure } from '../../src/display/show.js';
import { launchChromium } from '../../src/display/chromium.js';
import { python, referee } from '../helpers.js';

let ds: Dataset;
let layers: Layer[];
let browser: Awaited<ReturnType<typeof launchChromium>>;
const magt = join(sampleFolder(), 'magt.tif');

beforeAll(async () => {
  ds = await openDataset(sampleFolder());
  layers = await ds.layers('magt', { max_cells_across: 200 });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => { await browser?.close(); await ds?.close(); });

/** Opens a page, clicks the centre of block (row, col) of its `k`-th map, and returns what the history box shows. */
async function clickBlock(html: string, row: number, col: number, k = 0): Promise<{ row: number; col: number; values: (number | null)[]; title: string; points: number; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const map = page.locator('div:has(> .permafrost-history) > .permafrost-figure').nth(k);
    await map.locator('.heatmaplayer image, .hm image').first().waitFor();
    await map.scrollIntoViewIfNeeded();
    const at = await map.evaluate((gd: any, [r, c]: number[]) => {
      const h = gd.layout.meta.history;
      const box = gd.getBoundingClientRect();
      const fl = gd._fullLayout;
      return { x: box.left + fl.xaxis._offset + fl.xaxis.l2p(h.grid.x0_km + c * h.grid.dx_km), y: box.top + fl.yaxis._offset + fl.yaxis.l2p(h.grid.y0_km + r * h.grid.dy_km) };
    }, [row, col]);
    await page.mouse.click(at.x, at.y);
    const history = page.locator('.permafrost-history').nth(k);
    await history.locator('.scatterlayer .point').first().waitFor({ timeout: 10_000 });
    return {
      row: Number(await history.getAttribute('data-row')), col: Number(await history.getAttribute('data-col')),
      values: JSON.parse((await history.getAttribute('data-values'))!),
      title: (await history.locator('.gtitle').textContent()) ?? '',
      points: await history.locator('.scatterlayer .point').count(),
      errors,
    };
  } finally {
    await page.close();
  }
}

/** rasterio's masked means of the 6 × 6-cell block (row, col) in each of the 8 bands, SciPy's Theil–Sen slope per decade and OSR's lon/lat of the block centre. */
function referees(row: number, col: number, factor: number): { means: number[]; slope_per_decade: number; lon: number; lat: number } {
  return JSON.parse(referee(python, ['-c', `
import json, sys, numpy as np, rasterio
from rasterio.windows import Window
from scipy.stats import theilslopes
from osgeo import osr
r, c, f = ${row}, ${col}, ${factor}
with rasterio.open(sys.argv[1]) as src:
    w = Window(c * f, r * f, min(f, src.width - c * f), min(f, src.height - r * f))
    means = [float(src.read(b, window=w, masked=True).astype('float64').mean()) for b in range(1, src.count + 1)]
    x, y = src.xy(r * f + (w.height - 1) / 2, c * f + (w.width - 1) / 2)
    wgs = osr.SpatialReference(); wgs.ImportFromEPSG(4326); wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lon, lat, _ = osr.CoordinateTransformation(src.crs and osr.SpatialReference(wkt=src.crs.to_wkt()), wgs).TransformPoint(x, y)
mid = [1982 + 5 * k for k in range(8)]
print(json.dumps({"means": means, "slope_per_decade": 10 * theilslopes(means, mid)[0], "lon": lon, "lat": lat}))
`, magt]));
}

/** A block with data in all periods and all around it, away from the edges (so that a click at its centre is unambiguous). */
function landBlock(from: { row: number; col: number }, also: (r: number, c: number) => boolean = () => true): { row: number; col: number } {
  const w = layers[0].width;
  const ok = (r: number, c: number) => layers.every((l) => Number.isFinite(l.values[r * w + c])) && also(r, c);
  for (let r = from.row; r < layers[0].height - 2; r++) {
    for (let c = from.col; c < w - 2; c++) {
      if ([-1, 0, 1].every((dr) => [-1, 0, 1].every((dc) => ok(r + dr, c + dc)))) return { row: r, col: c };
    }
  }
  throw new Error('no land block');
}

describe('a cell\'s history on click', () => {
  it('mapFigure of ds.layers in a saved page: a click on a land cell shows 8 points equal to rasterio\'s block means, Sen\'s slope as SciPy\'s, lon/lat as PROJ\'s', async () => {
    const fig = mapFigure(layers, { dataset: ds, title: 'MAGT' });
    const block = landBlock({ row: 60, col: 120 });
    const shown = await clickBlock(standaloneHtml(fig), block.row, block.col);
    expect(shown.errors).toEqual([]);
    expect([shown.row, shown.col]).toEqual([block.row, block.col]);
    expect(shown.points).toBe(8);
    const ref = referees(block.row, block.col, layers[0].factor);
    expect(shown.values).toHaveLength(8);
    // the map's values are block means rounded to a thousandth, then to a hundredth of a degree (a thousandth of its colour range)
    shown.values.forEach((v, k) => expect(Math.abs(v! - ref.means[k]), `period ${k + 1}`).toBeLessThanOrEqual(0.006));
    const slope = /Sen's slope ([+\u2212])(\d+\.\d+) °C per decade/.exec(shown.title)!;
    expect(slope, shown.title).not.toBeNull();
    expect((slope[1] === '+' ? 1 : -1) * Number(slope[2])).toBeCloseTo(ref.slope_per_decade, 1);
    const ll = /(\d+\.\d)°([NS]), (\d+\.\d)°([EW])/.exec(shown.title)!;
    expect(Number(ll[1]) * (ll[2] === 'N' ? 1 : -1)).toBeCloseTo(ref.lat, 1);
    expect(Number(ll[3]) * (ll[4] === 'E' ? 1 : -1)).toBeCloseTo(ref.lon, 1);
  }, 120_000);

  it('the same in a notebook\'s HTML output (plotly.js inlined by an earlier figure, the map in a later output), on a second cell', async () => {
    const first: Figure = { data: [{ type: 'bar', x: ['a'], y: [1] }] };
    const fig = mapFigure(layers, { dataset: ds });
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body>${figureHtml(first, { inline_plotly: true })}${figureHtml(fig)}</body></html>`;
    const block = landBlock({ row: 120, col: 60 });
    const shown = await clickBlock(html, block.row, block.col);
    expect(shown.errors).toEqual([]);
    const ref = referees(block.row, block.col, layers[0].factor);
    shown.values.forEach((v, k) => expect(Math.abs(v! - ref.means[k]), `period ${k + 1}`).toBeLessThanOrEqual(0.006));
  }, 120_000);

  it('trendMap with { layers }: a click shows the periods\' values of the cell under the pointer', async () => {
    const trend = await ds.trend('magt');
    const fig = trendMap(trend, { layers, max_cells_across: 400 });
    // a block whose cells all have a trend (the trend map draws finer blocks than the history's)
    const f = layers[0].factor, W = trend.grid.width;
    const block = landBlock({ row: 80, col: 100 }, (r, c) => Array.from({ length: f * f }, (_, i) => trend.slope_per_decade[(r * f + Math.floor(i / f)) * W + c * f + (i % f)]).every(Number.isFinite));
    const shown = await clickBlock(standaloneHtml(fig), block.row, block.col);
    expect(shown.errors).toEqual([]);
    expect([shown.row, shown.col]).toEqual([block.row, block.col]);
    const ref = referees(block.row, block.col, layers[0].factor);
    shown.values.forEach((v, k) => expect(Math.abs(v! - ref.means[k]), `period ${k + 1}`).toBeLessThanOrEqual(0.006));
  }, 120_000);

  it('figures without history draw as before: no history box, no hint', () => {
    expect(figureHtml(mapFigure(layers[0]))).not.toMatch(/permafrost-history/);
    expect(figureHtml(mapFigure(layers, { history: false }))).not.toMatch(/permafrost-history/);
    expect(figureHtml(mapFigure(layers))).toMatch(/class="permafrost-history"/);
  });
});
