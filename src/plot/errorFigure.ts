import type { Figure } from './figure.js';
import { requireSome, rowsOf, type Rows } from './inputs.js';
import { AXIS_SPACE, baseLayout, figure, label, PALETTE, SMALLEST_WIDTH, type FigureOptions } from './style.js';

/** Pixels per character of an 11 px tick label (a wide sans-serif). */
const TICK_CHAR = 6.6;

/**
 * Errors by group from `validate(…).metrics`: RMSE and bias as bars for each period, region or
 * latitude band, with the number of stations on hover; the unit on the y axis's labels. Group names
 * that would not fit side by side on the smallest figure are set at an angle, with room for them
 * below the plot; the two bars' key is one line at the figure's foot.
 * @example show(errorFigure(metrics, { by: 'region', units: '°C' }))
 */
export function errorFigure(metrics: Rows, options: FigureOptions & { by?: 'period' | 'region' | 'lat_band'; units?: string } = {}): Figure {
  const by = options.by ?? 'period';
  const all = rowsOf(metrics);
  const rows = all.filter((r) => r.by === by && r.n > 0);
  requireSome(rows.length, `metrics without a ${by} group of stations`, 'errorFigure', `the metrics of validate(…), which hold by = '${by}' rows`);
  const unit = options.units ?? '°C';
  const bar = (key: 'rmse' | 'bias', k: number) => ({ type: 'bar', name: key === 'rmse' ? 'RMSE' : 'Bias (predicted − observed)', x: rows.map((r) => label(r.group)),
    y: rows.map((r) => r[key]), customdata: rows.map((r) => r.n), marker: { color: PALETTE[k], line: { color: '#333', width: 0.5 } },
    hovertemplate: `%{x}: %{y:.2f} ${unit} (n = %{customdata})<extra></extra>` });
  const longest = Math.max(0, ...rows.map((r) => label(r.group).length));
  const across = (SMALLEST_WIDTH - 72) / rows.length;
  const angled = longest * TICK_CHAR + 8 > across;
  const depth = angled ? Math.ceil(longest * TICK_CHAR * Math.sin(Math.PI * 40 / 180) + 12) - 16 : 0;
  return figure([bar('rmse', 0), bar('bias', 1)], baseLayout({ title: `Errors by ${label(by).toLowerCase()}`, ...options }, {
    barmode: 'group', xaxis: { title: { text: label(by) }, tickangle: angled ? -40 : 0, tickfont: { size: 11 } },
    yaxis: { gridcolor: '#eee', zeroline: true, zerolinecolor: '#999', ticksuffix: ` ${unit}` },
    legend_rows: 2, legend_across: true,
  }, AXIS_SPACE + Math.max(0, depth)), 'errorFigure', options);
}
