// Titles, captions, legends and colour bars stay inside the figure's box, at every size a figure is
// drawn at; the page check that says so does catch a caption drawn below the figure.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPages } from '../../src/notebooks/checkPage.js';
import { checkFigureLayouts, FIGURE_SIZES } from '../../src/notebooks/checkFigures.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { differenceMap } from '../../src/plot/differenceMap.js';
import { errorFigure } from '../../src/plot/errorFigure.js';
import { residualMap } from '../../src/plot/residualMap.js';
import { scatterFigure } from '../../src/plot/scatterFigure.js';
import { trendMap } from '../../src/plot/trendMap.js';
import { validationFigure } from '../../src/plot/validationFigure.js';
import { PUBLISHED } from '../../src/published.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { trendFigure } from '../../src/plot/trendFigure.js';
import { standaloneHtml } from '../../src/display/saveFigure.js';
import { label, PALETTE } from '../../src/plot/style.js';
import { fitCaptions } from '../../src/plot/captions.js';
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

describe('every builder\'s figure, as its JSON is, at 900 × 460, 480 × 300 and 360 × 240', () => {
  it('keeps title, axis titles, tick labels, legends, captions, the synthetic label, colour bars and sliders inside and apart', async () => {
    const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
    const regions = ['alaska', 'canada', 'fennoscandia', 'west_siberia', 'east_siberia'];
    const summary = periods.flatMap((period, p) => regions.map((region, k) => ({ period, mid_year: 1982 + 5 * p, region, magt_c_mean: k - 3 + 0.1 * p,
      magt_c_p10: k - 6, magt_c_p90: k + 1, permafrost_area_km2: (15 - 0.4 * p) * 1e6 })));
    const cells = aq.from(Array.from({ length: 3000 }, (_, i) => ({ magt_c: (i % 100) / 8 - 6, alt_cm: 40 + (i % 37) * 3, region: regions[i % 5], period: periods[i % 8], area_km2: 1 })));
    const layers = periods.map((period, p) => ({ ...grid, period, values: grid.values.map((v) => v + 0.5 * p) }));
    const classes = { ...grid, values: grid.values.map((v) => 1 + (Math.abs(Math.round(v)) % 4)) };
    const change = { variable: 'permafrost', from: '1980-1984', to: '2015-2019', grid: { ...grid, resolution_m: 2e5, epsg: 3995 }, difference: grid.values,
      classes: Uint8Array.from(classes.values), summary: { mean_change: 0, valid_area_km2: 1, lost_km2: 1, gained_km2: 0 } } as any;
    const trend = { variable: 'magt', slope_per_decade: grid.values.map((v) => v / 10), p_value: new Float32Array(size * size), significant: Uint8Array.from(grid.values, (v) => (v > 0 ? 1 : 0)),
      alpha: 0.05, fdr: true, grid: { ...grid, resolution_m: 2e5, epsg: 3995 } } as any;
    const matches = aq.from(Array.from({ length: 60 }, (_, i) => ({ site_id: `AK-B${i}`, region: ['alaska', 'canada', 'east_siberia'][i % 3], lon: -150 + i * 5, lat: 60 + (i % 20),
      observed: (i % 13) - 6, predicted: (i % 13) - 6 + ((i % 5) - 2) * 0.4 })));
    const metrics = ['alaska', 'canada', 'central_siberia', 'china', 'east_siberia', 'european_russia', 'fennoscandia', 'greenland', 'mongolia', 'west_siberia']
      .map((group, k) => ({ by: 'region', group, n: 10 + k, rmse: 1 + k / 10, bias: k / 20 - 0.2 }));
    const zones = periods.flatMap((period, p) => ['isolated', 'sporadic', 'discontinuous', 'continuous'].map((zone, z) => ({ period, mid_year: 1982 + 5 * p, zone, region_area_km2: (2 + 4 * z - 0.3 * p) * 1e6 })));
    const common = { synthetic: true };
    const figures = {
      'trendFigure, five regions': trendFigure(summary, { group: 'region', title: 'Mean annual ground temperature by region', ...common }),
      'trendFigure, three bands': trendFigure(summary, { group: 'region', groups: regions.slice(0, 3), title: 'Mean annual ground temperature by region', ...common }),
      'areaFigure with published ranges': areaFigure(summary.filter((r) => r.region === 'alaska'), { title: 'Permafrost area north of 45°N', reference: [...PUBLISHED.permafrost_area_mkm2], ...common }),
      'areaFigure, zones on a slider': areaFigure(zones, { group: 'zone', mode: 'slider', column: 'region_area_km2', title: 'Permafrost zones', ...common }),
      'histogramFigure, slider': histogramFigure(cells, { mode: 'slider', title: 'Mean annual ground temperature', ...common }),
      'histogramFigure, overlay': histogramFigure(cells, { value: 'alt_cm', title: 'Active layer thickness', ...common }),
      'scatterFigure': scatterFigure(cells, { x: 'magt_c', y: 'alt_cm', color: 'region', title: 'Active layer thickness against ground temperature, 2015–2019', ...common }),
      'mapFigure': mapFigure(grid, { title: 'Mean annual ground temperature, 2015–2019', caption, ...common }),
      'mapFigure, eight periods with the 0 °C line': mapFigure(layers, { title: 'Mean annual ground temperature, period by period', isoline: 0, ...common }),
      'differenceMap of classes': differenceMap(change, common),
      'trendMap': trendMap(trend, common),
      'validationFigure': validationFigure(matches, { title: 'MAGT: stations against the map', ...common }),
      'residualMap': residualMap(matches, common),
      'errorFigure by region': errorFigure(metrics, { by: 'region', ...common }),
    };
    const problems = await checkFigureLayouts(Object.entries(figures).map(([name, figure]) => ({ name, figure })));
    expect(problems.map((p) => `${p.figure} at ${p.size}: ${p.problem}`)).toEqual([]);
  }, 180_000);
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
