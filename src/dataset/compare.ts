import * as aq from 'arquero';
import { basename } from 'node:path';
import { InputError, invalid } from '../errors.js';
import type { Raster } from '../geotiff/openRaster.js';
import { cellArea, type GridLike } from '../grid/cellArea.js';
import { lonLatGrid } from '../grid/lonLat.js';
import { regridBytes, regridValues, type RegridMethod } from '../grid/regrid.js';
import { markSynthetic } from '../provenance/tableOrigin.js';
import { slotRows, type DatasetGrid } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { checkMemory } from './memory.js';
import { regionLabels } from './regions.js';
import { ZONES } from './zonation.js';

type Table = ReturnType<typeof aq.table>;

/** What comparing needs of a dataset (the public `Dataset` has all of it). */
export interface ComparedDataset {
  source: string;
  synthetic: boolean;
  variables: Variable[];
  periods: { label: string }[];
  grid: DatasetGrid;
  raster(variable: Variable, period: string): { raster: Raster; band: number };
  zonation?(period: string): Promise<{ zone: Uint8Array; grid: GridLike }>;
}

/** Options of {@link compareDatasets}. */
export interface CompareOptions {
  /** The variable both products have. Default `magt`. */
  variable?: Variable;
  /**
   * Which periods to put against each other: labels both have (`['2015-2019']`), or pairs
   * `{ a, b }` when they differ (`[{ a: '2000-2004', b: '2000-2016' }]`). Default: every label both have.
   */
  periods?: (string | { a: string; b: string })[];
  /** Whose grid the comparison is made on. Default: the coarser one (the finer is averaged onto it). */
  onto?: 'a' | 'b';
  /** How the other product is resampled. Default `average` (area-weighted). */
  method?: RegridMethod;
  /** Names of the two products in the table and figures. Default: their file or folder names. */
  labels?: { a: string; b: string };
  /** Latitude band width in degrees. Default 5. */
  band_deg?: number;
}

/** One pair of periods compared on the common grid. */
export interface ComparedPair {
  period_a: string;
  period_b: string;
  /** Product a's and product b's values on the common grid (NaN where none). */
  a: Float32Array;
  b: Float32Array;
  /** b − a per cell, NaN where either has no value. */
  difference: Float32Array;
}

/** What {@link compareDatasets} returns. */
export interface Comparison {
  variable: Variable;
  labels: { a: string; b: string };
  /** The common grid (the coarser product's, or `onto`'s). */
  grid: DatasetGrid;
  onto: 'a' | 'b';
  method: RegridMethod;
  synthetic: boolean;
  /**
   * One row per period pair and group: `by` (`all`, `region`, `zone`, `lat_band`), `group`,
   * `period_a`, `period_b`, `cells`, `area_both_km2` (where both have a value), each product's
   * area-weighted mean (`mean_a_c`, `mean_b_c` for MAGT; `_cm` for ALT), the mean difference b − a
   * (`mean_diff_c`), the area-weighted RMSE of b − a (`rmse_c`) and the area-weighted Pearson
   * correlation (`pearson_r`).
   */
  table: Table;
  pairs: ComparedPair[];
}

const STATS = 8; // w, Σw·a, Σw·b, Σw·a², Σw·b², Σw·a·b, cells, (spare)

/**
 * Puts two products against each other: the finer is resampled onto the coarser's grid (area-weighted
 * `average` by default), then both are summarized where both have a value, by region, permafrost
 * zone (of the product that has a permafrost layer) and latitude band, with the difference per cell
 * for a map (`comparisonMap`) and the values for a density scatter (`comparisonScatter`).
 * @example const cmp = await compareDatasets(sample, ttop, { variable: 'magt', periods: ['2000-2004'] }); cmp.table
 */
export async function compareDatasets(a: ComparedDataset, b: ComparedDataset, options: CompareOptions = {}): Promise<Comparison> {
  const variable = options.variable ?? 'magt';
  if (!VARIABLES[variable]) throw new InputError(invalid('variable', variable, Object.keys(VARIABLES).join(', ')));
  for (const [name, ds] of [['a', a], ['b', b]] as const) {
    if (!ds.variables.includes(variable)) throw new InputError(invalid(`variable of product ${name}`, variable, `one it has: ${ds.variables.join(', ')}`), ds.source);
  }
  const pairs = periodPairs(a, b, options.periods);
  const onto = options.onto ?? (meanCellArea(a.grid) >= meanCellArea(b.grid) ? 'a' : 'b');
  const [base, other] = onto === 'a' ? [a, b] : [b, a];
  const grid = base.grid;
  const method = options.method ?? 'average';
  const n = grid.width * grid.height;
  checkMemory(regridBytes(grid, method) + n * 16 * pairs.length, `comparing on ${grid.width} × ${grid.height} cells`, 'compare fewer periods at a time');
  const labels = options.labels ?? { a: nameOf(a.source), b: nameOf(b.source) };
  const bandDeg = options.band_deg ?? 5;

  // the groups of each cell of the common grid
  const regions = regionLabels(grid);
  const area = cellArea(grid);
  const ll = lonLatGrid(grid);
  const lat = new Float64Array(grid.width);
  const areas = new Float64Array(n);
  const bands = new Int16Array(n);
  for (let r = 0; r < grid.height; r++) {
    area.row(r, 0, grid.width, areas.subarray(r * grid.width, (r + 1) * grid.width));
    ll.latRow(r, 0, grid.width, lat);
    for (let c = 0; c < grid.width; c++) bands[r * grid.width + c] = Math.floor(lat[c] / bandDeg);
  }

  const rows: Record<string, unknown>[] = [];
  const results: ComparedPair[] = [];
  const unit = VARIABLES[variable].column.replace(/^[a-z]+/, ''); // _c, _cm, ''
  for (const pair of pairs) {
    const [pBase, pOther] = onto === 'a' ? [pair.a, pair.b] : [pair.b, pair.a];
    const baseSlot = base.raster(variable, pBase);
    const baseValues = await slotRows(baseSlot, 0, grid.height);
    const otherSlot = other.raster(variable, pOther);
    const otherValues = await regridValues({ grid: other.grid, rows: (y0, h) => slotRows(otherSlot, y0, h) }, grid, { method });
    const [va, vb] = onto === 'a' ? [baseValues, otherValues] : [otherValues, baseValues];
    const zones = await zonesOn(grid, pair, a, b);
    const difference = new Float32Array(n);
    const groups = new Map<string, Float64Array>();
    const acc = (key: string, w: number, x: number, y: number) => {
      let s = groups.get(key);
      if (!s) { s = new Float64Array(STATS); groups.set(key, s); }
      s[0] += w; s[1] += w * x; s[2] += w * y; s[3] += w * x * x; s[4] += w * y * y; s[5] += w * x * y; s[6]++;
    };
    for (let i = 0; i < n; i++) {
      const x = va[i], y = vb[i];
      if (x !== x || y !== y) { difference[i] = NaN; continue; }
      difference[i] = y - x;
      const w = areas[i];
      if (!(w > 0)) continue;
      acc('all\u0000all', w, x, y);
      const region = regions.labels[i];
      if (region) acc(`region\u0000${regions.ids[region - 1]}`, w, x, y);
      if (zones) { const z = zones[i]; if (z === z && z >= 0 && z < ZONES.length) acc(`zone\u0000${ZONES[z]}`, w, x, y); }
      acc(`lat_band\u0000${bands[i] * bandDeg}-${(bands[i] + 1) * bandDeg}N`, w, x, y);
    }
    const order = (k: string) => ['all', 'region', 'zone', 'lat_band'].indexOf(k.split('\u0000')[0]);
    for (const [key, s] of [...groups].sort((p, q) => order(p[0]) - order(q[0]) || p[0].localeCompare(q[0], 'en', { numeric: true }))) {
      const [by, group] = key.split('\u0000');
      const W = s[0];
      const ma = s[1] / W, mb = s[2] / W;
      const va2 = s[3] / W - ma * ma, vb2 = s[4] / W - mb * mb, cov = s[5] / W - ma * mb;
      rows.push({
        by, group, period_a: pair.a, period_b: pair.b, cells: s[6], area_both_km2: W,
        [`mean_a${unit}`]: ma, [`mean_b${unit}`]: mb, [`mean_diff${unit}`]: mb - ma,
        [`rmse${unit}`]: Math.sqrt(Math.max(0, (s[3] - 2 * s[5] + s[4]) / W)),
        pearson_r: va2 > 0 && vb2 > 0 ? cov / Math.sqrt(va2 * vb2) : NaN,
      });
    }
    results.push({ period_a: pair.a, period_b: pair.b, a: va, b: vb, difference });
  }
  const synthetic = a.synthetic || b.synthetic;
  return {
    variable, labels, onto, method, synthetic, pairs: results, grid,
    table: markSynthetic(aq.from(rows), synthetic),
  };
}

function periodPairs(a: ComparedDataset, b: ComparedDataset, periods: CompareOptions['periods']): { a: string; b: string }[] {
  const la = a.periods.map((p) => p.label), lb = b.periods.map((p) => p.label);
  if (periods === undefined) {
    const both = la.filter((l) => lb.includes(l));
    if (both.length === 0) throw new InputError(invalid('periods', 'none given', `pairs { a, b }: the products share no period (a: ${la.join(', ')}; b: ${lb.join(', ')})`));
    return both.map((l) => ({ a: l, b: l }));
  }
  if (!Array.isArray(periods) || periods.length === 0) throw new InputError(invalid('periods', JSON.stringify(periods), "labels both have, or pairs such as [{ a: '2000-2004', b: '2000-2016' }]"));
  return periods.map((p) => {
    const pair = typeof p === 'string' ? { a: p, b: p } : p;
    if (!pair || !la.includes(pair.a)) throw new InputError(invalid('period of product a', pair?.a, la.join(', ')));
    if (!lb.includes(pair.b)) throw new InputError(invalid('period of product b', pair.b, lb.join(', ')));
    return pair;
  });
}

/** Zones of the product with a permafrost layer (a first), put on the common grid (the zone under each cell's centre); null when neither has one. */
async function zonesOn(grid: GridLike, pair: { a: string; b: string }, a: ComparedDataset, b: ComparedDataset): Promise<Float32Array | null> {
  const which = a.variables.includes('permafrost') && a.zonation ? { ds: a, period: pair.a } : b.variables.includes('permafrost') && b.zonation ? { ds: b, period: pair.b } : null;
  if (!which) return null;
  const z = await which.ds.zonation!(which.period);
  const rows = async (y0: number, h: number) => {
    const out = new Float32Array(z.grid.width * h);
    for (let i = 0; i < out.length; i++) { const v = z.zone[y0 * z.grid.width + i]; out[i] = v === 255 ? NaN : v; }
    return out;
  };
  // zones are made in windows of ~50 km: the zone under each cell's centre is close enough, and cheap
  return regridValues({ grid: z.grid, rows }, grid, { method: 'nearest' });
}

function meanCellArea(grid: GridLike): number {
  const area = cellArea(grid);
  return area.at(Math.floor(grid.width / 2), Math.floor(grid.height / 2));
}

function nameOf(source: string): string {
  return basename(source.replace(/[\\/]+$/, '')) || source;
}
