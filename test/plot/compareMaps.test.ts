// Two periods side by side (mapFigure's compare option): one colour scale and one key for both maps, a difference panel, and
// zoom linked across the panels when a user drags a box in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { standaloneHtml } from '../../src/display/saveFigure.js';
import { launchChromium } from '../../src/display/chromium.js';
import { InputError } from '../../src/errors.js';

const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const size = 40;
// a field that warms by 0.5 °C per period, more in the east (column)
const layers = periods.map((period, p) => ({
  period, width: size, height: size, crs,
  transform: { originX: -5e6, originY: 5e6, pixelWidth: 1e7 / size, pixelHeight: -1e7 / size, rotationX: 0, rotationY: 0 },
  values: Float32Array.from({ length: size * size }, (_, i) => (i % size === 0 ? NaN : -10 + Math.floor(i / size) / 2 + p * (0.5 + (i % size) / 40))),
}));

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => { browser = await launchChromium(); }, 60_000);
afterAll(async () => { await browser?.close(); });

describe('mapFigure(grids, { compare })', () => {
  it('two periods of ds.layers on one colour scale with one key, and their difference (second − first) cell by cell', () => {
    const fig = mapFigure(layers, { compare: ['1980-1984', '2015-2019'], value: 'magt_c', synthetic: true });
    const [a, b, d] = fig.data as { z: (number | null)[][]; zmin: number; zmax: number; colorscale: unknown; showscale: boolean; xaxis: string }[];
    expect([a.xaxis, b.xaxis, d.xaxis]).toEqual(['x', 'x2', 'x3']);
    expect([a.zmin, a.zmax, a.colorscale]).toEqual([b.zmin, b.zmax, b.colorscale]);
    expect([a.showscale, b.showscale]).toEqual([false, true]); // one key for the two maps
    // the scale is fit to both periods: wider than one fit to the first period alone
    const alone = mapFigure([layers[0], layers[0]], { compare: true, value: 'magt_c' }).data[0] as { zmax: number };
    expect(a.zmax).toBeGreaterThan(alone.zmax + 2);
    for (const [r, c] of [[3, 5], [20, 20], [39, 39]]) {
      const expected = layers[7].values[r * size + c] - layers[0].values[r * size + c];
      expect(d.z[r][c]).toBeCloseTo(expected, 2);
    }
    expect(d.z[10][0]).toBeNull(); // no data in either: no difference
    const titles = (fig.layout!.annotations as { name: string; text: string }[]).filter((t) => t.name?.startsWith('panel-')).map((t) => t.text);
    expect(titles).toEqual(['<b>1980-1984</b>', '<b>2015-2019</b>', '<b>Difference</b>']);
  });

  it('takes two grids; a missing period, three grids or grids of two sizes are InputErrors', () => {
    expect(mapFigure([layers[0], layers[1]], { compare: true, difference: false }).data.filter((t) => t.type === 'heatmap')).toHaveLength(2);
    expect(() => mapFigure(layers, { compare: ['1980-1984', '2020-2024'] })).toThrow(InputError);
    expect(() => mapFigure(layers, { compare: ['1980-1984', '2020-2024'] })).toThrow(/invalid period to compare: "2020-2024" \(expected 1980-1984, /);
    expect(() => mapFigure(layers.slice(0, 3), { compare: true })).toThrow(/invalid grids to compare: "3 grid\(s\)"/);
    expect(() => mapFigure([layers[0], { ...layers[1], width: 20, values: new Float32Array(800) }], { compare: true })).toThrow(/invalid grids to compare/);
  });

  it('zoom is linked: a box dragged on the first map zooms the second map and the difference to the same view', async () => {
    const fig = mapFigure(layers, { compare: ['1980-1984', '2015-2019'], value: 'magt_c' });
    const page = await browser.newPage({ viewport: { width: 1300, height: 700 } });
    try {
      await page.setContent(standaloneHtml(fig), { waitUntil: 'load' });
      const gd = page.locator('.js-plotly-plot').first();
      await gd.locator('.heatmaplayer image').first().waitFor();
      const ranges = () => gd.evaluate((g: any) => ['xaxis', 'xaxis2', 'xaxis3', 'yaxis', 'yaxis2', 'yaxis3'].map((a) => g._fullLayout[a].range.map((v: number) => Math.round(v))));
      const before = await ranges();
      const box = await gd.evaluate((g: any) => { const r = g.getBoundingClientRect(); const x = g._fullLayout.xaxis, y = g._fullLayout.yaxis;
        return { x0: r.left + x._offset + x._length * 0.3, y0: r.top + y._offset + y._length * 0.3, x1: r.left + x._offset + x._length * 0.6, y1: r.top + y._offset + y._length * 0.6 }; });
      await page.mouse.move(box.x0, box.y0);
      await page.mouse.down();
      await page.mouse.move(box.x1, box.y1, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      const after = await ranges();
      expect(after[0]).not.toEqual(before[0]); // the first map zoomed in
      expect(after[0][1] - after[0][0]).toBeLessThan((before[0][1] - before[0][0]) * 0.8);
      expect(after[1]).toEqual(after[0]); // and the others show the same x range
      expect(after[2]).toEqual(after[0]);
      expect(after[4]).toEqual(after[3]); // and the same y range
      expect(after[5]).toEqual(after[3]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('keeps both colour bars off the three maps at 900 × 460, 480 × 300 and 360 × 240', async () => {
    const fig = mapFigure(layers, { compare: ['1980-1984', '2015-2019'], value: 'magt_c', synthetic: true });
    for (const [width, height] of [[900, 460], [480, 300], [360, 240]]) {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await page.setContent(standaloneHtml({ ...fig, layout: { ...fig.layout, width, height } }), { waitUntil: 'load' });
        const gd = page.locator('.js-plotly-plot').first();
        await gd.locator('.heatmaplayer image').first().waitFor();
        const boxes = await gd.evaluate((g: any) => {
          const rect = (e: any) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
          const L = g._fullLayout, top = g.getBoundingClientRect();
          const maps = ['', '2', '3'].map((k) => { const x = L['xaxis' + k], y = L['yaxis' + k];
            return { left: top.left + x._offset, right: top.left + x._offset + x._length, top: top.top + y._offset, bottom: top.top + y._offset + y._length }; });
          return { maps, bars: [...g.querySelectorAll('.colorbar')].map(rect) };
        });
        expect(boxes.bars).toHaveLength(2);
        for (const bar of boxes.bars) for (const map of boxes.maps) {
          const overlap = bar.left < map.right && map.left < bar.right && bar.top < map.bottom && map.top < bar.bottom;
          expect(overlap, `a colour bar over a map at ${width} × ${height}`).toBe(false);
        }
      } finally {
        await page.close();
      }
    }
  }, 60_000);
});
