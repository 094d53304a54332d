import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { downsample, mapFigure } from '../../src/plot/mapFigure.js';
import { closeFigureBrowser, saveFigure } from '../../src/display/saveFigure.js';
import { chromiumPath } from '../../src/display/chromium.js';
import { SYNTHETIC_CAPTION } from '../../src/plot/style.js';
import { trendFigure } from '../../src/plot/trendFigure.js';
import { validationFigure } from '../../src/plot/validationFigure.js';
import { metrics } from '../../src/stats/metrics.js';
import { python, referee, tempDir } from '../helpers.js';

const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
const summary = periods.flatMap((period, p) => ['alaska', 'canada'].map((region, r) => ({
  period, mid_year: 1982 + 5 * p, region, magt_c_mean: -2 + r + 0.05 * p * (r + 1), magt_c_sd: 2, magt_c_p10: -5, magt_c_p90: 1,
  permafrost_area_km2: (14 - 0.3 * p) * 1e6,
})));
const grid = (values: Float32Array, size: number) => ({ values, width: size, height: size, crs: '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  transform: { originX: -5e6, originY: 5e6, pixelWidth: 1e7 / size, pixelHeight: -1e7 / size, rotationX: 0, rotationY: 0 } });

describe('trendFigure(summary)', () => {
  it('draws one curve and one spread band per group, each band in its curve\'s legend entry, with Sen\'s slope per decade and units', () => {
    const fig = trendFigure(summary, { group: 'region', synthetic: true });
    const curves = fig.data.filter((t: any) => t.mode === 'lines+markers') as any[];
    expect(curves.map((c) => c.name)).toEqual(['Alaska +0.10', 'Canada +0.20']);
    expect((fig.layout as any).legend.title.text).toBe('Trend, °C/decade');
    // each band is filled in two halves (p10 up to the mean, the mean up to p90), the curve's own fill in the legend
    for (const c of curves) expect(c.fill).toBe('tonexty');
    expect(fig.data.filter((t: any) => t.fill === 'tonexty')).toHaveLength(4);
    expect(new Set(curves.map((c) => c.fillpattern.shape)).size).toBe(2);
    expect(fig.data.filter((t: any) => t.showlegend !== false).map((t: any) => t.name)).toEqual(['Alaska +0.10', 'Canada +0.20']);
    expect(curves[0].x).toEqual([1982, 1987, 1992, 1997, 2002, 2007, 2012, 2017]);
    expect((fig.layout as any).meta.y_title).toBe('Mean annual ground temperature (°C)');
    expect((fig.layout as any).annotations.find((a: any) => a.name === 'y title').text).toBe('Mean annual ground temperature (°C)');
    expect((fig.layout as any).annotations.map((a: any) => a.text)).toContain(SYNTHETIC_CAPTION);
    expect((trendFigure(summary, { group: 'region' }).layout as any).annotations.map((a: any) => a.text)).not.toContain(SYNTHETIC_CAPTION);
  });
});

describe('areaFigure(summary)', () => {
  it('shows the permafrost area in million km² with published ranges behind', () => {
    const fig = areaFigure(summary.filter((r) => r.region === 'alaska'), { reference: [{ label: 'range', low_mkm2: 11, high_mkm2: 14 }] });
    expect((fig.data[0] as any).y[0]).toBeCloseTo(14, 10);
    expect((fig.layout as any).shapes[0]).toMatchObject({ y0: 11, y1: 14 });
  });
});

describe('histogramFigure(tables)', () => {
  it('gives area-weighted shares that sum to 100 % per period and marks the median shift', () => {
    const n = 2000;
    const t = aq.table({
      period: Array.from({ length: n }, (_, i) => (i < n / 2 ? '1980-1984' : '2015-2019')),
      magt_c: Float32Array.from({ length: n }, (_, i) => (i % 100) / 10 - 5 + (i < n / 2 ? 0 : 1)),
      area_km2: Float64Array.from({ length: n }, () => 1),
    });
    const fig = histogramFigure(t, { bins: 40 });
    for (const trace of fig.data as any[]) expect(trace.y.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(97);
    expect((fig.layout as any).meta.caption).toMatch(/Median shift 1980-1984 → 2015-2019: \+1\.00 °C/);
  });
});

describe('mapFigure(grid)', () => {
  it('downsamples to at most max_cells_across cells across by block means, keeps equal aspect and centres MAGT on 0 °C', () => {
    const size = 2500;
    const values = new Float32Array(size * size).map((_, i) => ((i % size) < size / 2 ? -3 : 5));
    const fig = mapFigure({ ...grid(values, size), noData: null }, { value: 'magt_c', max_cells_across: 1200 });
    const heat = fig.data[0] as any;
    expect(heat.z[0].length).toBeLessThanOrEqual(1200);
    expect(heat.z.length).toBe(Math.ceil(size / Math.ceil(size / 1200)));
    expect(heat.zmid).toBe(0);
    expect(heat.zmin).toBe(-heat.zmax);
    expect(heat.colorbar.title.text).toBe('°C');
    expect((fig.layout as any).yaxis.scaleanchor).toBe('x');
    expect(fig.data.map((t: any) => t.name)).toEqual(['Mean annual ground temperature', 'coastline', 'graticule']);
  });

  it('uses a sequential scale for ALT and skips nodata in block means', () => {
    const values = new Float32Array([10, -9999, 30, 50]);
    const { z } = downsample({ ...grid(values, 2), noData: -9999 }, 1);
    expect(z).toEqual([[30]]);
    const fig = mapFigure({ ...grid(new Float32Array(100).fill(80), 10), noData: null }, { value: 'alt_cm' });
    expect((fig.data[0] as any).zmid).toBeUndefined();
    expect((fig.data[0] as any).colorbar.title.text).toBe('cm');
  });
});

describe('metrics(observed, predicted) and validationFigure', () => {
  it('equal scikit-learn\'s mean_absolute_error, mean_squared_error (root) and r2_score to 1e-12', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const obs = Array.from({ length: 500 }, () => random() * 20 - 10);
    const pred = obs.map((o) => o + (random() - 0.4) * 3);
    const sk = JSON.parse(referee(python, ['-c', `
import json, sys
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
d = json.load(sys.stdin)
print(json.dumps({"mae": mean_absolute_error(d["o"], d["p"]), "rmse": mean_squared_error(d["o"], d["p"]) ** 0.5, "r2": r2_score(d["o"], d["p"])}))`], JSON.stringify({ o: obs, p: pred })));
    const m = metrics(obs, pred);
    expect(Math.abs(m.mae - sk.mae)).toBeLessThan(1e-12);
    expect(Math.abs(m.rmse - sk.rmse)).toBeLessThan(1e-12);
    expect(Math.abs(m.r2 - sk.r2)).toBeLessThan(1e-12);
  });

  it('plots observed against predicted with the 1:1 line and n, bias, RMSE and R²', () => {
    const t = aq.table({ site_id: ['a', 'b', 'c', 'd'], region: ['alaska', 'alaska', 'canada', 'canada'], observed: [-2, -1, 0, 1], predicted: [-1.5, -1, 0.5, 1.5] });
    const fig = validationFigure(t);
    expect(fig.data.map((d: any) => d.name)).toEqual(['Alaska', 'Canada', '1:1 line']);
    const note = (fig.layout as any).annotations.at(-1).text;
    expect(note).toContain('n = 4');
    expect(note).toContain('bias +0.38 °C');
  });
});

describe('saveFigure(figure, path)', () => {
  const tmp = tempDir('permafrost-figures-');
  afterAll(async () => { await closeFigureBrowser(); tmp.cleanup(); });
  const fig = trendFigure(summary, { group: 'region', title: 'Ground temperature <by> region', synthetic: true });

  it('writes a PNG of the asked size and an SVG with the title text, through headless Chromium', async () => {
    const png = await saveFigure(fig, join(tmp.dir, 'trend.png'), { width: 800, height: 500, scale: 2 });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1600, 1000]);
    expect(bytes.length).toBeGreaterThan(20_000);
    const svg = readFileSync(await saveFigure(fig, join(tmp.dir, 'trend.svg')), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/Ground temperature (&lt;|&#60;)by(&gt;|&#62;) region/); // the title text, escaped
    expect(svg).toContain('Alaska +0.10');
  }, 60_000);

  it('writes a standalone offline HTML page, and names what to install when there is no browser', async () => {
    const html = readFileSync(await saveFigure(fig, join(tmp.dir, 'trend.html')), 'utf8');
    expect(html).toContain('window.Plotly = Plotly');
    expect(html).not.toMatch(/<script src=/);
    expect(() => chromiumPath(['/nonexistent/chromium'])).toThrow(FileError);
    expect(() => chromiumPath(['/nonexistent/chromium'])).toThrow(/apt-get install chromium/);
    await expect(saveFigure(fig, join(tmp.dir, 'trend.jpg'))).rejects.toThrow(/invalid file type: ".jpg" \(expected .html, .svg, .png, .gif or .mp4\)/);
  });
});

describe('trendMap(trend)', () => {
  it('greys a block only where most of its cells have no significant trend', async () => {
    const { trendMap } = await import('../../src/plot/trendMap.js');
    const size = 4;
    const g = grid(new Float32Array(size * size), size);
    // 2 × 2 blocks: top-left all significant, top-right 1 of 4 not, bottom-left 3 of 4 not, bottom-right none
    const notSig = new Set([3, 8, 9, 12, 10, 11, 14, 15]);
    const slope = Float32Array.from({ length: 16 }, () => 0.3);
    const significant = Uint8Array.from({ length: 16 }, (_, i) => (notSig.has(i) ? 0 : 1));
    const fig = trendMap({ variable: 'magt', slope_per_decade: slope, p_value: new Float32Array(16), significant, alpha: 0.05, fdr: false,
      grid: { ...g, resolution_m: 1, epsg: null } as any, area_km2: { valid: 0, increasing: 0, decreasing: 0 } } as any, { max_cells_across: 2 });
    const grey = (fig.data[1] as any).z as (number | null)[][];
    expect(grey).toEqual([[null, null], [1, 1]]);
  });
});

describe('figures refuse what they cannot draw', () => {
  it('an empty list of grids or changes, and a period the table does not hold, are typed errors naming the input', async () => {
    const { differenceMap } = await import('../../src/plot/differenceMap.js');
    const { InputError } = await import('../../src/errors.js');
    expect(() => mapFigure([])).toThrow(InputError);
    expect(() => differenceMap([])).toThrow(/an empty list/);
    const t = aq.from([{ period: '1980-1984', area_km2: 1, magt_c: 1 }]);
    expect(() => histogramFigure(t, { periods: ['1900-1904'] })).toThrow(/1900-1904.*1980-1984/);
    expect(() => histogramFigure(aq.from([{ magt_c: 1 }]))).toThrow(InputError);
  });
});

describe('figure builders tell tables from grids and refuse input with nothing to draw', () => {
  it('an Arquero table (which has a values() method) is mapped as a table: mapFigure(await ds.table(…, { region })) draws every cell at its place', async () => {
    const { openDataset } = await import('../../src/dataset/openDataset.js');
    const ds = await openDataset();
    try {
      const table = await ds.table('magt', '2015-2019', { region: 'alaska' });
      expect(typeof (table as any).values).toBe('function'); // what `'values' in g` took for a grid
      const fig = mapFigure(table, { value: 'magt_c', dataset: ds });
      const heat = fig.data[0] as any;
      const xs = table.array('x_m') as Float64Array, ys = table.array('y_m') as Float64Array, vs = table.array('magt_c') as Float32Array;
      const drawn = heat.z.flat().filter((v: number | null) => v !== null).length;
      expect(drawn).toBe(table.numRows());
      expect((fig.layout as any).xaxis.range.every(Number.isFinite)).toBe(true);
      // each row's value at its own x_m, y_m in the heatmap (km), to the rounding the figure keeps
      const col = new Map(heat.x.map((x: number, i: number) => [Math.round(x), i]));
      const row = new Map(heat.y.map((y: number, i: number) => [Math.round(y), i]));
      for (let i = 0; i < table.numRows(); i += 97) {
        const z = heat.z[row.get(Math.round(ys[i] / 1000)) as number][col.get(Math.round(xs[i] / 1000)) as number];
        expect(Math.abs(z - vs[i]), `row ${i}`).toBeLessThan(0.01);
      }
    } finally {
      await ds.close();
    }
  }, 60_000);

  it('a table of 0 rows, a grid without a value, an object that is neither, and empty rows are InputErrors naming the builder', async () => {
    const { InputError } = await import('../../src/errors.js');
    const { scatterFigure } = await import('../../src/plot/scatterFigure.js');
    const empty = aq.table({ x_m: [1], y_m: [2], magt_c: [3] }).filter((d: any) => d.magt_c > 100);
    expect(() => mapFigure(empty, { value: 'magt_c' })).toThrow(InputError);
    expect(() => mapFigure(empty, { value: 'magt_c' })).toThrow(/invalid mapFigure input: "a table of 0 rows with nothing to draw"/);
    expect(() => mapFigure({ ...grid(new Float32Array(4).fill(NaN), 2) })).toThrow(/grid without any value/);
    expect(() => mapFigure({ width: 2, height: 2 } as any)).toThrow(/invalid map input: "an object with width, height"/);
    expect(() => trendFigure([])).toThrow(/invalid trendFigure input/);
    expect(() => areaFigure(aq.table({ period: [], permafrost_area_km2: [] }))).toThrow(/invalid areaFigure input/);
    expect(() => histogramFigure(aq.table({ period: [], area_km2: [], magt_c: [] }))).toThrow(/invalid histogramFigure input/);
    expect(() => scatterFigure(empty, { x: 'x_m', y: 'magt_c' })).toThrow(/invalid scatterFigure input/);
    expect(() => validationFigure(aq.table({ observed: [NaN], predicted: [1] }))).toThrow(/invalid validationFigure input/);
    expect(() => trendFigure(summary, { group: 'region', groups: ['alaska', 'siberia'] })).toThrow(/invalid groups: "siberia" \(expected values of region in the table: alaska, canada\)/);
  });
});

describe('colour scales follow what is mapped', () => {
  const g = (values: number[]) => ({ ...grid(Float32Array.from(values), 2), noData: null });
  it('signed values diverge around 0; shares run from 0 (as % of the area) with no neutral middle; thicknesses are sequential; zones take the zone palette', async () => {
    const { BLUES, DIVERGING, SEQUENTIAL, ZONE_COLOURS } = await import('../../src/plot/style.js');
    const magt = mapFigure(g([-3, -1, 2, 5]), { value: 'magt_c' }).data[0] as any;
    expect([magt.colorscale, magt.zmid, magt.zmin + magt.zmax]).toEqual([DIVERGING, 0, 0]);
    const share = mapFigure({ ...g([0, 0.25, 1, 1]), value: 'permafrost_share' } as any).data[0] as any;
    expect([share.colorscale, share.zmin, share.zmax, share.zmid]).toEqual([BLUES, 0, 100, undefined]);
    expect(share.z.flat()).toEqual([0, 25, 100, 100]);
    expect(share.colorbar.title.text).toBe('% of the area');
    const presence = mapFigure(aq.table({ x_m: [0, 1e4], y_m: [0, 0], permafrost: Uint8Array.from([0, 1]) })).data[0] as any;
    expect([presence.colorscale, presence.zmin]).toEqual([BLUES, 0]);
    const alt = mapFigure(g([30, 60, 90, 120]), { value: 'alt_cm' }).data[0] as any;
    expect(alt.colorscale).toEqual(SEQUENTIAL);
    const zones = mapFigure({ zone: Uint8Array.from([4, 3, 0, 255]), grid: grid(new Float32Array(4), 2), period: '1980-1984' } as any);
    expect(zones.data.filter((t: any) => t.showlegend).map((t: any) => [t.name, t.marker.color]))
      .toEqual([['Continuous', ZONE_COLOURS.continuous], ['Discontinuous', ZONE_COLOURS.discontinuous], ['Sporadic', ZONE_COLOURS.sporadic], ['Isolated', ZONE_COLOURS.isolated], ['No permafrost', ZONE_COLOURS.none]]);
  });

  it('ds.layers(\'permafrost\') gives the permafrost share of each block (area-weighted, as the zones count it) and maps on the share scale', async () => {
    const { openDataset } = await import('../../src/dataset/openDataset.js');
    const { BLUES } = await import('../../src/plot/style.js');
    const ds = await openDataset();
    try {
      const [full] = await ds.layers('permafrost', { periods: ['1980-1984'] });
      const [coarse] = await ds.layers('permafrost', { periods: ['1980-1984'], max_cells_across: 103 });
      expect([full.value, coarse.value]).toEqual(['permafrost_share', 'permafrost_share']);
      const finite = Array.from(coarse.values).filter((v) => v === v);
      expect(Math.min(...finite)).toBe(0);
      expect(Math.max(...finite)).toBe(1);
      expect(finite.some((v) => v > 0 && v < 1)).toBe(true); // blocks at the permafrost's edge
      // blocks of 10 × 10 at the permafrost's edge: each share from the full-resolution 0/1 cells, weighted by true cell area (cellArea)
      const { cellArea } = await import('../../src/grid/cellArea.js');
      const area = cellArea(ds.grid);
      const rowArea = new Float64Array(ds.grid.width);
      const edges = Array.from(coarse.values.keys()).filter((i) => coarse.values[i] > 0 && coarse.values[i] < 1).slice(0, 20);
      expect(edges.length).toBe(20);
      for (const i of edges) {
        const R = Math.floor(i / coarse.width), C = i % coarse.width;
        let pf = 0, land = 0;
        for (let r = 10 * R; r < 10 * R + 10; r++) {
          area.row(r, 0, ds.grid.width, rowArea);
          for (let c = 10 * C; c < 10 * C + 10; c++) { const v = full.values[r * ds.grid.width + c]; if (v === v) { land += rowArea[c]; pf += rowArea[c] * v; } }
        }
        expect(coarse.values[i]).toBeCloseTo(pf / land, 5);
      }
      const heat = mapFigure([coarse]).data[0] as any;
      expect([heat.colorscale, heat.zmin, heat.zmax]).toEqual([BLUES, 0, 100]);
    } finally {
      await ds.close();
    }
  }, 60_000);
});
