import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import { sensSlope } from '../stats/trend.js';
import { requireSome, rowsOf, type Rows } from './inputs.js';
import { axisTitle, baseLayout, dataRange, figure, hexAlpha, label, PALETTE, RIGHT_LEGEND, UNITS, type FigureOptions } from './style.js';

/** Options of {@link trendFigure}. */
export interface TrendFigureOptions extends FigureOptions {
  /** The value column: `magt_c` (default) or `alt_cm`. */
  value?: string;
  /** One curve per value of this column (`region`, `lat_band`). Default: one curve. */
  group?: string;
  /** Only these groups. */
  groups?: string[];
  /**
   * The spread drawn around every curve, or around none: `p10-p90` (the 10th–90th percentile of the
   * area; default for up to three curves), `sd` (±1 standard deviation) or `none` (default above three).
   */
  band?: 'p10-p90' | 'sd' | 'none';
  /** Sen's slope per decade in the legend. Default true. */
  slope?: boolean;
}

/** Hatching of the bands, one per group, so that overlapping bands stay told apart. */
const PATTERNS = ['/', '\\', '|', '-', 'x', '+', '.'];

/**
 * Area-weighted mean per period (x = mid-year) from a `ds.summarize()` table, one curve per group,
 * with Sen's slope per decade in the legend. The spread (10th–90th percentile or ±1 sd) is drawn
 * around every curve or around none, each band in its group's colour and hatching and named in the
 * legend; by default for up to three curves (more bands hide each other).
 * @example show(trendFigure(await ds.summarize({ by: ['period', 'region'] }), { group: 'region', groups: ['alaska', 'east_siberia'] }))
 */
export function trendFigure(summary: Rows, options: TrendFigureOptions = {}): Figure {
  const value = options.value ?? 'magt_c';
  const all = rowsOf(summary);
  const rows = all.filter((r) => Number.isFinite(r[`${value}_mean`]));
  requireSome(rows.length, all.length ? `rows without ${value}_mean` : 'a table of 0 rows', 'trendFigure', 'a table from ds.summarize(), with the value asked for');
  const found = options.group ? [...new Set(rows.map((r) => String(r[options.group!])))] : ['all'];
  const keys = options.groups && options.group ? found.filter((g) => options.groups!.includes(g)) : found;
  const missing = (options.groups ?? []).filter((g) => !found.includes(g));
  if (options.group && missing.length) throw new InputError(invalid(`groups`, missing.join(', '), `values of ${options.group} in the table: ${found.join(', ')}`));
  const band = options.band ?? (keys.length > 3 ? 'none' : 'p10-p90');
  const spread = band === 'sd' ? '±1 sd' : band === 'p10-p90' ? '10th–90th percentile' : '';
  const unit = UNITS[value] ?? '';
  const data: Record<string, unknown>[] = [];
  keys.forEach((key, k) => {
    const group = rows.filter((r) => !options.group || String(r[options.group]) === key).sort((a, b) => a.mid_year - b.mid_year);
    const x = group.map((r) => r.mid_year);
    const y = group.map((r) => r[`${value}_mean`]);
    const color = PALETTE[k % PALETTE.length];
    const name = options.group ? label(key) : 'Mean';
    const slope = sensSlope(x, y) * 10;
    const shown = options.slope !== false && Number.isFinite(slope);
    const curve: Record<string, unknown> = { type: 'scatter', mode: 'lines+markers', name: `${name}${shown ? ` ${slope >= 0 ? '+' : ''}${slope.toFixed(2)}` : ''}`,
      x, y, line: { color, width: 2.5 }, marker: { size: 7 }, legendgroup: key,
      hovertemplate: `%{x}: %{y:.2f} ${unit}<extra>${options.group ? label(key) : ''}</extra>` };
    if (band === 'none') { data.push(curve); return; }
    // the band in two halves, filled from its lower edge up to the curve and from the curve up to its
    // upper edge: the curve's own legend entry then shows its band's colour and hatching
    const lo = group.map((r) => (band === 'sd' ? r[`${value}_mean`] - r[`${value}_sd`] : r[`${value}_p10`]));
    const hi = group.map((r) => (band === 'sd' ? r[`${value}_mean`] + r[`${value}_sd`] : r[`${value}_p90`]));
    const edge = { width: 1, color: hexAlpha(color, 0.7), dash: 'dot' };
    const fill = { fill: 'tonexty', fillcolor: hexAlpha(color, 0.1), fillpattern: { shape: PATTERNS[k % PATTERNS.length], fgcolor: hexAlpha(color, 0.55), size: 7, solidity: 0.15 } };
    data.push({ type: 'scatter', mode: 'lines', x, y: lo, line: edge, showlegend: false, legendgroup: key, hovertemplate: `%{x}: ${spread} from %{y:.2f} ${unit}<extra>${name}</extra>` });
    data.push({ ...curve, ...fill });
    data.push({ type: 'scatter', mode: 'lines', x, y: hi, line: edge, ...fill, showlegend: false, legendgroup: key, hovertemplate: `%{x}: ${spread} to %{y:.2f} ${unit}<extra>${name}</extra>` });
  });
  const ys = data.flatMap((t) => (t.y as number[]) ?? []);
  const caption = options.caption ?? (spread ? `Shading: ${spread === '±1 sd' ? '±1 standard deviation' : `${spread} of the area`}.` : 'Means by area, per period.');
  const slopes = options.slope !== false;
  return figure(data, baseLayout({ ...options, caption }, {
    xaxis: { title: { text: 'Period (mid-year)' }, gridcolor: '#eee', tickformat: 'd', range: dataRange(rows.map((r) => r.mid_year), 0.06) },
    yaxis: { title: { text: axisTitle(value) }, gridcolor: '#eee', zeroline: true, zerolinecolor: '#999', range: dataRange(ys) },
    showlegend: true,
    legend: { ...RIGHT_LEGEND,
      ...(slopes ? { title: { text: `Trend, ${unit}/decade`, font: { size: 11 } } } : {}) },
  }), 'trendFigure', options);
}
