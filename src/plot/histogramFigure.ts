import type { Figure } from '../display/show.js';
import { axisTitle, baseLayout, CATEGORICAL, figure, UNITS, type FigureOptions } from './style.js';

type TableLike = { columnNames(): string[]; array(name: string): ArrayLike<unknown>; numRows(): number };

/** Options of {@link histogramFigure}. */
export interface HistogramFigureOptions extends FigureOptions {
  /** The value column. Default: `magt_c`, else `alt_cm`. */
  value?: string;
  /** Periods to draw. Default: the first and the last. */
  periods?: string[];
  /** Number of bins. Default 60. */
  bins?: number;
  /** `overlay` (default) or `facets` (one panel per period). */
  mode?: 'overlay' | 'facets';
}

/**
 * Area-weighted distributions of a value, one per period, as percent of the area per bin; the
 * shift of the area-weighted median between the first and last period drawn is marked. Takes
 * `ds.histogram(variable)` (fine bins streamed over the whole grid: any size) or a table of cells
 * (`ds.tables()`): columns `period`, `area_km2` and the value.
 * @example show(histogramFigure(await ds.histogram('magt'), { periods: ['1980-1984', '2015-2019'] }))
 */
export function histogramFigure(table: TableLike, options: HistogramFigureOptions = {}): Figure {
  const names = table.columnNames();
  const value = options.value ?? (names.includes('magt_c') ? 'magt_c' : 'alt_cm');
  const periodsAll = [...new Set(Array.from(table.array('period') as ArrayLike<string>))].sort();
  const periods = options.periods ?? [periodsAll[0], periodsAll[periodsAll.length - 1]];
  const v = table.array(value) as ArrayLike<number>;
  const w = table.array('area_km2') as ArrayLike<number>;
  const p = table.array('period') as ArrayLike<string>;
  // common bins over the area-weighted 0.5–99.5 % range of the drawn periods
  const drawn: number[] = [];
  let drawnArea = 0;
  for (let i = 0; i < v.length; i++) if (periods.includes(p[i]) && Number.isFinite(v[i])) { drawn.push(i); drawnArea += w[i]; }
  drawn.sort((a, b) => v[a] - v[b]);
  const quantile = (q: number) => { let c = 0; for (const i of drawn) { c += w[i]; if (c >= q * drawnArea) return v[i]; } return v[drawn[drawn.length - 1]]; };
  const lo = drawn.length ? quantile(0.005) : 0;
  const hi = drawn.length ? quantile(0.995) : 1;
  const bins = options.bins ?? 60;
  const width = (hi - lo) / bins || 1;
  const centres = Array.from({ length: bins }, (_, k) => lo + (k + 0.5) * width);
  const medians: number[] = [];
  const facets = options.mode === 'facets';
  const data = periods.map((period, k) => {
    const counts = new Float64Array(bins);
    const pairs: [number, number][] = [];
    let total = 0;
    for (let i = 0; i < v.length; i++) {
      if (p[i] !== period || !Number.isFinite(v[i])) continue;
      total += w[i];
      pairs.push([v[i], w[i]]);
      const b = Math.floor((v[i] - lo) / width);
      if (b >= 0 && b < bins) counts[b] += w[i];
    }
    pairs.sort((a, b) => a[0] - b[0]);
    let cumulative = 0;
    medians.push(pairs.find(([, wt]) => (cumulative += wt) >= total / 2)?.[0] ?? NaN);
    return {
      type: 'bar', name: period, x: centres, y: Array.from(counts, (c) => (100 * c) / total), width,
      marker: { color: CATEGORICAL[k % CATEGORICAL.length], opacity: facets ? 0.9 : 0.55 },
      hovertemplate: `%{x:.2f} ${UNITS[value] ?? ''}: %{y:.2f} % of the area<extra>${period}</extra>`,
      ...(facets ? { xaxis: k === 0 ? 'x' : `x${k + 1}`, yaxis: k === 0 ? 'y' : `y${k + 1}` } : {}),
    };
  });
  const shift = medians[medians.length - 1] - medians[0];
  const unit = UNITS[value] ?? '';
  const shapes = facets ? [] : medians.map((m, k) => ({ type: 'line', x0: m, x1: m, yref: 'paper', y0: 0, y1: 1,
    line: { color: CATEGORICAL[k % CATEGORICAL.length], width: 2, dash: 'dash' } }));
  const layout = baseLayout({ ...options, caption: options.caption ?? `Dashed: area-weighted medians. Median shift ${periods[0]} → ${periods[periods.length - 1]}: ${shift >= 0 ? '+' : ''}${shift.toFixed(2)} ${unit}.` }, {
    barmode: 'overlay', bargap: 0, shapes,
    ...(facets
      ? Object.fromEntries(periods.flatMap((_, k) => [
        [k === 0 ? 'xaxis' : `xaxis${k + 1}`, { title: { text: axisTitle(value) }, anchor: k === 0 ? 'y' : `y${k + 1}`, domain: [k / periods.length + 0.02, (k + 1) / periods.length - 0.02] }],
        [k === 0 ? 'yaxis' : `yaxis${k + 1}`, { title: { text: k === 0 ? 'Share of the area (%)' : '' }, anchor: k === 0 ? 'x' : `x${k + 1}`, gridcolor: '#eee' }],
      ]))
      : { xaxis: { title: { text: axisTitle(value) } }, yaxis: { title: { text: 'Share of the area (%)' }, gridcolor: '#eee' } }),
  });
  return figure(data, layout);
}
