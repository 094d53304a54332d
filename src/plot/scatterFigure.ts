import type { Figure } from '../display/show.js';
import { axisTitle, baseLayout, figure, label, PALETTE, type FigureOptions } from './style.js';

type TableLike = { columnNames(): string[]; array(name: string): ArrayLike<unknown>; numRows(): number };

/**
 * One column against another (for example ALT against MAGT), at most `maxPoints` (5,000) points taken
 * evenly from the table so that large grids stay light, coloured by a category column if given.
 * @example show(scatterFigure(joined, { x: 'magt_c', y: 'alt_cm' }))
 */
export function scatterFigure(table: TableLike, options: FigureOptions & { x: string; y: string; color?: string; maxPoints?: number }): Figure {
  const n = table.numRows();
  const step = Math.max(1, Math.ceil(n / (options.maxPoints ?? 5_000)));
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
