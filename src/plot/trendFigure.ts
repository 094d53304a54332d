import type { Figure } from '../display/show.js';
import { sensSlope } from '../stats/trend.js';
import { axisTitle, baseLayout, dataRange, figure, hexAlpha, label, PALETTE, UNITS, type FigureOptions } from './style.js';

type Rows = { objects(): object[] } | Record<string, unknown>[];

/** Options of {@link trendFigure}. */
export interface TrendFigureOptions extends FigureOptions {
  /** The value column: `magt_c` (default) or `alt_cm`. */
  value?: string;
  /** One curve per value of this column (`region`, `lat_band`). Default: one curve. */
  group?: string;
  /** Only these groups. */
  groups?: string[];
  /** The spread drawn around each curve: `p10-p90` (default up to three curves), `sd` or `none` (default above three). */
  band?: 'p10-p90' | 'sd' | 'none';
  /** Sen's slope per decade in the legend. Default true. */
  slope?: boolean;
}

const rowsOf = (rows: Rows) => (Array.isArray(rows) ? rows : rows.objects()) as Record<string, any>[];

/**
 * Area-weighted mean per period (x = mid-year) from a `ds.summarize()` table, one curve per group,
 * with the spread as a band and Sen's slope per decade in the legend.
 * @example show(trendFigure(await ds.summarize({ by: ['period', 'region'] }), { group: 'region', groups: ['alaska', 'east_siberia'] }))
 */
export function trendFigure(summary: Rows, options: TrendFigureOptions = {}): Figure {
  const value = options.value ?? 'magt_c';
  const rows = rowsOf(summary).filter((r) => Number.isFinite(r[`${value}_mean`]));
  const keys = options.group ? [...new Set(rows.map((r) => String(r[options.group!])))].filter((g) => !options.groups || options.groups.includes(g)) : ['all'];
  // more than three shaded spreads over each other turn to mud: then lines only, unless asked
  const band = options.band ?? (keys.length > 3 ? 'none' : 'p10-p90');
  const data: Record<string, unknown>[] = [];
  keys.forEach((key, k) => {
    const group = rows.filter((r) => !options.group || String(r[options.group]) === key).sort((a, b) => a.mid_year - b.mid_year);
    const x = group.map((r) => r.mid_year);
    const y = group.map((r) => r[`${value}_mean`]);
    const color = PALETTE[k % PALETTE.length];
    if (band !== 'none') {
      const lo = group.map((r) => (band === 'sd' ? r[`${value}_mean`] - r[`${value}_sd`] : r[`${value}_p10`]));
      const hi = group.map((r) => (band === 'sd' ? r[`${value}_mean`] + r[`${value}_sd`] : r[`${value}_p90`]));
      data.push({ type: 'scatter', mode: 'lines', x, y: lo, line: { width: 1, color: hexAlpha(color, 0.6), dash: 'dot' }, hoverinfo: 'skip', showlegend: false, legendgroup: key });
      data.push({ type: 'scatter', mode: 'lines', x, y: hi, line: { width: 1, color: hexAlpha(color, 0.6), dash: 'dot' }, fill: 'tonexty', fillcolor: hexAlpha(color, 0.1),
        hoverinfo: 'skip', showlegend: false, legendgroup: key });
    }
    const slope = sensSlope(x, y) * 10;
    const name = `${options.group ? label(key) : 'Mean'}${options.slope === false || !Number.isFinite(slope) ? '' : ` (${slope >= 0 ? '+' : ''}${slope.toFixed(2)} ${UNITS[value] ?? ''}/decade)`}`;
    data.push({ type: 'scatter', mode: 'lines+markers', name, x, y, line: { color, width: 2.5 }, marker: { size: 7 }, legendgroup: key,
      hovertemplate: `%{x}: %{y:.2f} ${UNITS[value] ?? ''}<extra>${options.group ? label(key) : ''}</extra>` });
  });
  const ys = data.flatMap((t) => (t.y as number[]) ?? []);
  const spread = band === 'sd' ? '±1 sd' : band === 'p10-p90' ? '10th–90th percentile' : '';
  return figure(data, baseLayout({ ...options, caption: options.caption ?? (spread ? `Lines: area-weighted mean per period; shading: ${spread} of the area.` : undefined) }, {
    xaxis: { title: { text: 'Period (mid-year)' }, dtick: 5, gridcolor: '#eee' },
    yaxis: { title: { text: axisTitle(value) }, gridcolor: '#eee', zeroline: true, zerolinecolor: '#999', range: dataRange(ys) },
  }), 'trendFigure', options);
}
