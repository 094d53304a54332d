import type { Figure } from '../display/show.js';
import { baseLayout, figure, label, PALETTE, type FigureOptions } from './style.js';

/**
 * Errors by group from `validate(…).metrics`: RMSE and bias as bars for each period, region or
 * latitude band, with the number of stations on hover.
 * @example show(errorFigure(metrics, { by: 'region', units: '°C' }))
 */
export function errorFigure(metrics: { objects(): object[] } | Record<string, unknown>[], options: FigureOptions & { by?: 'period' | 'region' | 'lat_band'; units?: string } = {}): Figure {
  const by = options.by ?? 'period';
  const rows = ((Array.isArray(metrics) ? metrics : metrics.objects()) as Record<string, any>[]).filter((r) => r.by === by && r.n > 0);
  const unit = options.units ?? '°C';
  const bar = (key: 'rmse' | 'bias', k: number) => ({ type: 'bar', name: key === 'rmse' ? 'RMSE' : 'Bias (predicted − observed)', x: rows.map((r) => label(r.group)),
    y: rows.map((r) => r[key]), customdata: rows.map((r) => r.n), marker: { color: PALETTE[k], line: { color: '#333', width: 0.5 } },
    hovertemplate: `%{x}: %{y:.2f} ${unit} (n = %{customdata})<extra></extra>` });
  // long group names (regions) are set at an angle: room for them below the plot, above the captions
  const longest = Math.max(0, ...rows.map((r) => label(r.group).length));
  const angled = longest * rows.length > 90;
  return figure([bar('rmse', 0), bar('bias', 1)], baseLayout({ title: `Errors by ${label(by).toLowerCase()}`, ...options }, {
    barmode: 'group', xaxis: { title: { text: label(by), standoff: 8 }, ...(angled ? { tickangle: -35, automargin: false } : {}) },
    yaxis: { title: { text: unit }, gridcolor: '#eee', zeroline: true, zerolinecolor: '#999' },
  }, angled ? 56 + Math.ceil(longest * 6.5 * Math.sin(Math.PI * 35 / 180)) + 10 : 56), 'errorFigure', options);
}
