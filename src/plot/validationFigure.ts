import type { Figure } from './figure.js';
import { metrics } from '../stats/metrics.js';
import { InputError, invalid } from '../errors.js';
import { isTable, requireSome, type TableLike } from './inputs.js';
import { baseLayout, dataRange, figure, label, PALETTE, type FigureOptions } from './style.js';

/** Most colours of a validation figure; more groups than this, and the smallest share one grey. */
const MAX_GROUPS = 6;
const OTHER = '\u0000other';

/** Options of {@link validationFigure}. */
export interface ValidationFigureOptions extends FigureOptions {
  /** Column names. Defaults: `observed`, `predicted`, colour by `region` (else `period`), hover `site_id`. */
  observed?: string;
  predicted?: string;
  color?: string;
  hover?: string;
  /** Unit of the values. Default '°C'. */
  units?: string;
}

/**
 * Observed against predicted with the 1:1 line, n, bias, RMSE and R² in the caption, points
 * coloured by region or period (the five groups with most points, the rest in grey as one), and the
 * site and group in the hover text.
 * @example show(validationFigure(matches, { units: 'cm' }))
 */
export function validationFigure(matches: TableLike, options: ValidationFigureOptions = {}): Figure {
  if (!isTable(matches)) throw new InputError(invalid('validationFigure input', typeof matches, 'the matches of validate(…), an Arquero table'));
  const names = matches.columnNames();
  const obsName = options.observed ?? 'observed';
  const predName = options.predicted ?? 'predicted';
  const colorName = options.color ?? (names.includes('region') ? 'region' : names.includes('period') ? 'period' : undefined);
  const hoverName = options.hover ?? (names.includes('site_id') ? 'site_id' : undefined);
  const obs = Array.from(matches.array(obsName) as ArrayLike<number>, Number);
  const pred = Array.from(matches.array(predName) as ArrayLike<number>, Number);
  const groups = colorName ? Array.from(matches.array(colorName), String) : obs.map(() => 'stations');
  const hover = hoverName ? Array.from(matches.array(hoverName), String) : obs.map(() => '');
  requireSome(obs.filter((v, i) => Number.isFinite(v) && Number.isFinite(pred[i])).length, `a table of ${obs.length} rows without a pair of values`, 'validationFigure',
    'stations with both an observed and a predicted value');
  const m = metrics(obs, pred);
  const unit = options.units ?? '°C';
  // at most six colours, so that the key fits a small figure: the five groups with most points, the rest as one
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b));
  const kept = ranked.length > MAX_GROUPS ? ranked.slice(0, MAX_GROUPS - 1) : ranked;
  const keys = ranked.length > MAX_GROUPS ? [...kept, OTHER] : kept;
  const keyOf = (g: string) => (kept.includes(g) ? g : OTHER);
  const data: Record<string, unknown>[] = keys.map((key, k) => {
    const idx = groups.map((g, i) => (keyOf(g) === key ? i : -1)).filter((i) => i >= 0);
    const name = key === OTHER ? `Other ${colorName ? label(colorName).toLowerCase() : 'group'}s` : label(key);
    return { type: 'scatter', mode: 'markers', name, x: idx.map((i) => obs[i]), y: idx.map((i) => pred[i]), text: idx.map((i) => `${hover[i]}, ${label(groups[i])}`),
      marker: { color: key === OTHER ? '#9a9a9a' : PALETTE[k % PALETTE.length], size: 7, opacity: 0.8, line: { width: 0.5, color: '#fff' } },
      hovertemplate: `%{text}<br>observed %{x:.2f} ${unit}<br>predicted %{y:.2f} ${unit}<extra></extra>` };
  });
  const all = [...obs, ...pred].filter(Number.isFinite);
  const lo = Math.min(...all), hi = Math.max(...all);
  data.push({ type: 'scatter', mode: 'lines', name: '1:1 line', x: [lo, hi], y: [lo, hi], line: { color: '#444', dash: 'dash', width: 1.5 }, hoverinfo: 'skip' });
  // the metrics in the caption, under the plot: in a corner of the plot they covered points or the key on a small figure
  const text = `n = ${m.n}, bias ${m.bias >= 0 ? '+' : ''}${m.bias.toFixed(2)} ${unit}, RMSE ${m.rmse.toFixed(2)} ${unit}, R² ${m.r2.toFixed(2)}.`;
  const layout = baseLayout({ height: 560, ...options, caption: options.caption ? `${text} ${options.caption}` : text }, {
    // one range from the data on both axes; the equal aspect shrinks the plot area instead of widening an axis
    // the square plot is about 100 px a side on the smallest figure: few ticks, set upright, fit it
    xaxis: { title: { text: `Observed (${unit})` }, gridcolor: '#eee', zeroline: false, range: dataRange(all), constrain: 'domain', nticks: 4, tickangle: 0 },
    yaxis: { title: { text: `Predicted (${unit})` }, gridcolor: '#eee', zeroline: false, range: dataRange(all), scaleanchor: 'x', scaleratio: 1, constrain: 'domain', nticks: 4 },
  });
  return figure(data, layout, 'validationFigure', options);
}
