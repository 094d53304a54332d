// Titles, captions, legends and colour bars stay inside the figure's box, at every size a figure is
// drawn at; the page check that says so does catch a caption drawn below the figure.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPages } from '../../src/notebooks/checkPage.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { trendFigure } from '../../src/plot/trendFigure.js';
import { standaloneHtml } from '../../src/plot/saveFigure.js';
import { label, PALETTE } from '../../src/plot/style.js';
import { fitCaptions } from '../../src/display/captions.js';
import { REGIONS } from '../../src/dataset/regions.js';
import type { Figure } from '../../src/display/show.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const size = 50;
const grid = { width: size, height: size, crs, values: Float32Array.from({ length: size * size }, (_, i) => (i % size) / 5 - 5),
  transform: { originX: -5e6, originY: 5e6, pixelWidth: 1e7 / size, pixelHeight: -1e7 / size, rotationX: 0, rotationY: 0 } };
const caption = 'A long caption that says how the figure was made, which cells count, what the shading means and where the data came from, so that it must wrap.';

async function overflows(figures: Figure[], width: number): Promise<string[]> {
  const pages = figures.map((f, i) => {
    const path = join(tmp.dir, `f${i}-${width}.html`);
    writeFileSync(path, standaloneHtml({ ...f, layout: { ...fitCaptions(f.layout ?? {}, width), width } }));
    return path;
  });
  return (await checkPages(pages)).flatMap((c) => [...c.errors, ...c.overflows]);
}

describe('figure layout', () => {
  it('the page check reports a caption placed below the figure (as maps had it: 658 px in a 640 px figure)', async () => {
    const fig = mapFigure(grid, { title: 'old layout' });
    const old = { ...fig, layout: { ...fig.layout, annotations: [{ text: 'Synthetic sample', xref: 'paper', yref: 'paper', x: 0, y: 0, yshift: -64, yanchor: 'top', showarrow: false }] } };
    const found = await overflows([old], 640);
    expect(found.join('\n')).toMatch(/annotation "Synthetic sample" reaches \d+ px outside/);
  }, 60_000);

  for (const width of [480, 640, 960, 1200]) {
    it(`maps (one and eight periods), histograms and trend curves keep captions, legends, colour bars and sliders inside at ${width} px`, async () => {
      const rows = ['1980-1984', '2015-2019'].flatMap((period, p) => Array.from({ length: 200 }, (_, i) => ({ period, area_km2: 1, magt_c: (i % 20) - 10 + p })));
      const summary = ['1980-1984', '2015-2019'].flatMap((period, p) => REGIONS.map((r, k) => ({ period, mid_year: 1982 + 35 * p, region: r.id, magt_c_mean: k - 5 + p })));
      const figures = [
        mapFigure(grid, { title: 'One period', synthetic: true, caption }),
        mapFigure([{ ...grid, period: '1980-1984' }, { ...grid, period: '2015-2019' }], { title: 'Two periods', synthetic: true, caption, isoline: 0 }),
        histogramFigure(aq.from(rows), { synthetic: true, caption }),
        histogramFigure(aq.from(rows), { mode: 'slider', synthetic: true }),
        trendFigure(summary, { group: 'region', synthetic: true, caption }),
      ];
      expect(await overflows(figures, width)).toEqual([]);
    }, 90_000);
  }
});

describe('figure style', () => {
  it('labels regions, bands, zones and columns in words', () => {
    expect(label('east_siberia')).toBe('East Siberia');
    expect(label('45-50')).toBe('45–50°N');
    expect(label('1980-1984')).toBe('1980-1984');
    expect(label('continuous')).toBe('Continuous');
    expect(label('other')).toBe('Other land');
    expect(label('lat_band')).toBe('Latitude band');
    expect(label('some_new_column')).toBe('Some new column');
    for (const r of REGIONS) expect(label(r.id)).not.toContain('_');
  });

  it('has at least 12 distinct colours, enough for every region and the rest of the land', () => {
    expect(new Set(PALETTE.map((c) => c.toLowerCase())).size).toBe(PALETTE.length);
    expect(PALETTE.length).toBeGreaterThanOrEqual(Math.max(12, REGIONS.length + 1));
    const fig = trendFigure(['1980-1984', '2015-2019'].flatMap((period, p) => [...REGIONS.map((r) => r.id), 'other'].map((region, k) => ({ period, mid_year: 1982 + 35 * p, region, magt_c_mean: k }))), { group: 'region' });
    const colours = fig.data.filter((t: any) => t.mode === 'lines+markers').map((t: any) => t.line.color);
    expect(new Set(colours).size).toBe(REGIONS.length + 1);
  });
});
