import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import type { Comparison } from '../dataset/compare.js';
import { VARIABLES } from '../dataset/discover.js';
import type { ChangeResult } from '../dataset/change.js';
import { baseLayout, BLUES, figure, type FigureOptions } from './style.js';

function pairOf(cmp: Comparison, period?: string) {
  if (!cmp || !Array.isArray(cmp.pairs) || !cmp.table) throw new InputError(invalid('comparison', typeof cmp, 'the result of compareDatasets(a, b, options)'));
  const pair = period === undefined ? cmp.pairs[0] : cmp.pairs.find((p) => p.period_a === period || p.period_b === period);
  if (!pair) throw new InputError(invalid('period', period, cmp.pairs.map((p) => p.period_a).join(', ')));
  return pair;
}

/** True for the result of `compareDatasets` (or `ds.compare`). */
export function isComparison(value: unknown): value is Comparison {
  return !!value && typeof value === 'object' && Array.isArray((value as Comparison).pairs) && !!(value as Comparison).labels && !!(value as Comparison).table;
}

/**
 * The difference b − a of a comparison shaped as `ds.change` gives it (for differenceMap), and the
 * map's title.
 */
export function comparisonChange(cmp: Comparison, period?: string): { change: ChangeResult; title: string; caption: string } {
  const pair = pairOf(cmp, period);
  const meta = VARIABLES[cmp.variable];
  const when = pair.period_a === pair.period_b ? pair.period_a : `${pair.period_a} vs ${pair.period_b}`;
  return {
    change: { variable: cmp.variable, from: cmp.labels.a, to: cmp.labels.b, difference: pair.difference, grid: cmp.grid,
      summary: { mean_change: NaN, valid_area_km2: NaN, lost_km2: NaN, gained_km2: NaN } },
    title: `${meta.column.split('_')[0].toUpperCase()}: ${cmp.labels.b} − ${cmp.labels.a}`,
    caption: `Periods: ${when}; on the ${cmp.onto === 'a' ? cmp.labels.a : cmp.labels.b} grid (${cmp.method}).`,
  };
}

/**
 * Product b against product a, cell by cell on the common grid, as a density: the area (km² of
 * cells) in each of `bins` × `bins` bins (default 60), with the 1:1 line.
 * @example show(scatterFigure(cmp))
 */
export function comparisonDensity(cmp: Comparison, options: FigureOptions & { period?: string; bins?: number } = {}): Figure {
  const pair = pairOf(cmp, options.period);
  const bins = options.bins ?? 60;
  if (!(Number.isInteger(bins) && bins >= 4 && bins <= 500)) throw new InputError(invalid('bins', bins, 'a whole number from 4 to 500'));
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < pair.a.length; i++) {
    const x = pair.a[i], y = pair.b[i];
    if (x !== x || y !== y) continue;
    lo = Math.min(lo, x, y); hi = Math.max(hi, x, y);
  }
  if (!(hi > lo)) throw new InputError(invalid('comparison', 'no cell where both products have a value', 'products that overlap'));
  const width = (hi - lo) / bins;
  const z: (number | null)[][] = Array.from({ length: bins }, () => new Array(bins).fill(0));
  for (let i = 0; i < pair.a.length; i++) {
    const x = pair.a[i], y = pair.b[i];
    if (x !== x || y !== y) continue;
    const bx = Math.min(bins - 1, Math.floor((x - lo) / width)), by = Math.min(bins - 1, Math.floor((y - lo) / width));
    (z[by][bx] as number) += 1;
  }
  for (const row of z) for (let i = 0; i < row.length; i++) if (row[i] === 0) row[i] = null;
  const centres = Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
  const meta = VARIABLES[cmp.variable];
  const unit = meta.unit ? ` (${meta.unit})` : '';
  const name = meta.column.split('_')[0].toUpperCase();
  const when = pair.period_a === pair.period_b ? pair.period_a : `${pair.period_a} vs ${pair.period_b}`;
  return figure([
    { type: 'heatmap', x: centres, y: centres, z, colorscale: BLUES, colorbar: { title: { text: 'cells' }, thickness: 12 }, hovertemplate: `${cmp.labels.a}: %{x:.2f}<br>${cmp.labels.b}: %{y:.2f}<br>%{z} cells<extra></extra>` },
    { type: 'scatter', mode: 'lines', x: [lo, hi], y: [lo, hi], line: { color: '#D55E00', width: 1.5, dash: 'dash' }, name: '1:1', showlegend: false, hoverinfo: 'skip' },
  ], baseLayout({ title: `${name}: ${cmp.labels.b} against ${cmp.labels.a}`, caption: `Periods: ${when}; cells of the common grid.`, synthetic: cmp.synthetic, ...options }, {
    xaxis: { title: { text: `${cmp.labels.a} ${name}${unit}` }, range: [lo, hi], gridcolor: '#eee' },
    yaxis: { title: { text: `${cmp.labels.b} ${name}${unit}` }, range: [lo, hi], gridcolor: '#eee' },
  }), 'scatterFigure', options);
}
