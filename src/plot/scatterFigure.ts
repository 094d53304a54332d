import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import { isTable, requireSome, type TableLike } from './inputs.js';
import type { Comparison } from '../dataset/compare.js';
import { comparisonDensity, isComparison } from './comparisonFigures.js';
import { axisTitle, baseLayout, figure, label, PALETTE, type FigureOptions } from './style.js';

/** Options of a scatter of two columns. */
interface ColumnsOptions {
  x: string;
  y: string;
  color?: string;
  /** At most this many points, taken evenly through the rows. Default 5000. */
  max_points?: number;
  /** @deprecated use `max_points` (the same number; removed in the next release) */
  maxPoints?: number;
}

/**
 * One column against another (for example ALT against MAGT), at most `max_points` (5,000) points taken
 * evenly from the table so that large grids stay light, coloured by a category column if given.
 * Given a comparison of two products (`ds.compare`), product b against product a cell by cell as a
 * density (cells per bin, `bins` × `bins`, default 60) with the 1:1 line.
 * @example show(scatterFigure(joined, { x: 'magt_c', y: 'alt_cm' }))
 */
export function scatterFigure(table: TableLike | Comparison, options: FigureOptions & (ColumnsOptions | { period?: string; bins?: number }) = {}): Figure {
  if (isComparison(table)) return comparisonDensity(table, options as FigureOptions & { period?: string; bins?: number });
  if (!('x' in options)) throw new InputError(invalid('scatterFigure options', JSON.stringify(options), '{ x, y } column names'));
  if (!isTable(table)) throw new InputError(invalid('scatterFigure input', typeof table, 'an Arquero table'));
  const n = table.numRows();
  requireSome(n, 'a table of 0 rows', 'scatterFigure');
  for (const c of [options.x, options.y, ...(options.color ? [options.color] : [])]) {
    if (!table.columnNames().includes(c)) throw new InputError(invalid('column', c, table.columnNames().join(', ')));
  }
  const step = Math.max(1, Math.ceil(n / (options.max_points ?? options.maxPoints ?? 5_000)));
  const xs = table.array(options.x) as ArrayLike<number>, ys = table.array(options.y) as ArrayLike<number>;
  const cs = options.color ? Array.from(table.array(options.color), String) : null;
  const keys = cs ? [...new Set(cs)].sort() : ['all'];
  const data = keys.map((key, k) => {
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i < n; i += step) if (!cs || cs[i] === key) { x.push(xs[i]); y.push(ys[i]); }
    return { type: 'scatter', mode: 'markers', name: label(key), x, y, marker: { size: 4, opacity: 0.4, color: PALETTE[k % PALETTE.length] } };
  });
  return figure(data, baseLayout({ caption: step > 1 ? `Every ${step}th of ${n.toLocaleString('en-US')} cells shown.` : undefined, ...options }, {
    xaxis: { title: { text: axisTitle(options.x) }, gridcolor: '#eee' }, yaxis: { title: { text: axisTitle(options.y) }, gridcolor: '#eee' },
    showlegend: !!cs,
  }), 'scatterFigure', options);
}
