import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import { isTable, requireSome, type TableLike } from './inputs.js';
import { weightedMedian, weightedQuantiles } from '../stats/weightedQuantile.js';
import { AXIS_SPACE, axisTitle, baseLayout, figure, hexAlpha, PALETTE, periodControls, SLIDER_SPACE, stepFrames, stepLabel, UNITS, withAnnotations, type FigureOptions } from './style.js';

/** Options of {@link histogramFigure}. */
export interface HistogramFigureOptions extends FigureOptions {
  /** The value column. Default: `magt_c`, else `alt_cm`. */
  value?: string;
  /** Periods to draw, or `'all'`. Default: the first and the last (all of them with `mode: 'slider'`). */
  periods?: string[] | 'all';
  /** Number of bins. Default 60. */
  bins?: number;
  /**
   * `overlay` (default: outlines with light fills, overlaps stay readable), `facets` (one panel per
   * period) or `slider` (one period at a time, a slider and a play button, the first period as a grey outline).
   */
  mode?: 'overlay' | 'facets' | 'slider';
}

interface Distribution { period: string; percent: number[]; median: number }

/**
 * Area-weighted distributions of a value, one per period, as percent of the area per bin; the
 * area-weighted median of each is marked. Takes `ds.histogram(variable)` (fine bins streamed over
 * the whole grid: any size) or a table of cells (`ds.tables()`): columns `period`, `area_km2` and the value.
 * @example show(histogramFigure(await ds.histogram('magt'), { mode: 'slider', dataset: ds }))
 */
export function histogramFigure(table: TableLike, options: HistogramFigureOptions = {}): Figure {
  if (!isTable(table)) throw new InputError(invalid('histogramFigure input', typeof table, 'a table from ds.histogram(variable) or ds.tables(variable)'));
  requireSome(table.numRows(), 'a table of 0 rows', 'histogramFigure', 'a table from ds.histogram(variable) or ds.tables(variable)');
  const names = table.columnNames();
  for (const c of ['period', 'area_km2']) if (!names.includes(c)) throw new InputError(invalid('table', `columns ${names.join(', ')}`, `a table with period, area_km2 and a value (ds.histogram or ds.tables)`));
  const value = options.value ?? (names.includes('magt_c') ? 'magt_c' : 'alt_cm');
  const periodsAll = [...new Set(Array.from(table.array('period') as ArrayLike<string>))].sort();
  const slider = options.mode === 'slider';
  const periods = options.periods === 'all' || (slider && !options.periods) ? periodsAll : (options.periods ?? [periodsAll[0], periodsAll[periodsAll.length - 1]]);
  for (const p of periods) if (!periodsAll.includes(p)) throw new InputError(invalid('period', p, periodsAll.join(', ')));
  const v = table.array(value) as ArrayLike<number>;
  const w = table.array('area_km2') as ArrayLike<number>;
  const p = table.array('period') as ArrayLike<string>;
  // common bins over the area-weighted 0.5–99.5 % range of the drawn periods
  const drawn: number[] = [];
  for (let i = 0; i < v.length; i++) if (periods.includes(p[i]) && Number.isFinite(v[i])) drawn.push(i);
  requireSome(drawn.length, `a table without any ${value} in ${periods.join(', ')}`, 'histogramFigure');
  const [lo, hi] = weightedQuantiles(drawn.map((i) => v[i]), drawn.map((i) => w[i]), [0.005, 0.995]);
  const bins = options.bins ?? 60;
  const width = (hi - lo) / bins || 1;
  const centres = Array.from({ length: bins }, (_, k) => lo + (k + 0.5) * width);
  const dists: Distribution[] = periods.map((period) => {
    const counts = new Float64Array(bins);
    const values: number[] = [], weights: number[] = [];
    let total = 0;
    for (let i = 0; i < v.length; i++) {
      if (p[i] !== period || !Number.isFinite(v[i])) continue;
      total += w[i];
      values.push(v[i]); weights.push(w[i]);
      const b = Math.floor((v[i] - lo) / width);
      if (b >= 0 && b < bins) counts[b] += w[i];
    }
    const median = weightedMedian(values, weights);
    return { period, percent: Array.from(counts, (c) => Math.round((1e4 * c) / total) / 100), median };
  });
  const unit = UNITS[value] ?? '';
  const shift = dists[dists.length - 1].median - dists[0].median;
  const shifted = `${shift >= 0 ? '+' : ''}${shift.toFixed(2)} ${unit}`;
  const caption = options.caption ?? `Dashed: area-weighted medians. Median shift ${periods[0]} → ${periods[periods.length - 1]}: ${shifted}.`;
  const hover = (period: string) => `%{x:.2f} ${unit}: %{y:.2f} % of the area<extra>${period}</extra>`;
  const xaxis = { title: { text: axisTitle(value) }, range: [lo - width, hi + width], gridcolor: '#eee' };
  const ymax = Math.max(...dists.flatMap((d) => d.percent)) * 1.08 || 1;
  const yaxis = { title: { text: 'Share of the area (%)' }, gridcolor: '#eee', range: [0, ymax] };
  const medianLine = (m: number, color: string) => ({ type: 'line', x0: m, x1: m, yref: 'paper', y0: 0, y1: 1, line: { color, width: 2, dash: 'dash' } });
  const outline = (d: Distribution, color: string, fill: number) => ({
    type: 'scatter', mode: 'lines', name: d.period, x: centres, y: d.percent, line: { shape: 'hvh', color, width: 2 },
    fill: 'tozeroy', fillcolor: hexAlpha(color, fill), hovertemplate: hover(d.period),
  });

  if (slider) {
    // the first period stays as a grey outline under the bars of the period on the slider; the
    // caption says which is which, so the legend does not name the first period twice
    const first = dists[0];
    const bars = (d: Distribution) => ({ type: 'bar', name: 'Period on the slider', x: centres, y: d.percent, width, marker: { color: hexAlpha(PALETTE[1], 0.7), line: { color: PALETTE[1], width: 1 } }, hovertemplate: hover(d.period) });
    const data = [{ ...outline(first, '#555', 0), name: `First period (${first.period})`, fill: 'none' }, bars(first)];
    const layout = withAnnotations(baseLayout({ ...options, caption: options.caption ?? `Grey: ${first.period}. Dashed: medians (${shifted}).` }, {
      barmode: 'overlay', bargap: 0, xaxis, yaxis, showlegend: false, shapes: [medianLine(first.median, '#555'), medianLine(first.median, PALETTE[1])],
      ...periodControls(periods, { below_px: AXIS_SPACE }),
    }, AXIS_SPACE + SLIDER_SPACE), [stepLabel(first.period, 'top left')]);
    const fig = figure(data, layout, 'histogramFigure', options);
    fig.frames = stepFrames(layout, dists.map((d) => ({ name: d.period, data: [bars(d)], traces: [1], layout: { shapes: [medianLine(first.median, '#555'), medianLine(d.median, PALETTE[1])] } })));
    return fig;
  }
  if (options.mode === 'facets') {
    const data = dists.map((d, k) => ({ ...outline(d, PALETTE[k % PALETTE.length], 0.35), xaxis: k === 0 ? 'x' : `x${k + 1}`, yaxis: k === 0 ? 'y' : `y${k + 1}` }));
    const axes = Object.fromEntries(periods.flatMap((_, k) => [
      [k === 0 ? 'xaxis' : `xaxis${k + 1}`, { ...xaxis, anchor: k === 0 ? 'y' : `y${k + 1}`, domain: [k / periods.length + 0.02, (k + 1) / periods.length - 0.02] }],
      [k === 0 ? 'yaxis' : `yaxis${k + 1}`, { ...yaxis, title: { text: k === 0 ? 'Share of the area (%)' : '' }, anchor: k === 0 ? 'x' : `x${k + 1}`, automargin: false, tickfont: { size: 12 } }],
    ]));
    return figure(data, baseLayout({ ...options, caption }, axes), 'histogramFigure', options);
  }
  // overlay: outlines with light fills, so that overlapping distributions stay readable
  const colours = dists.map((_, k) => PALETTE[k % PALETTE.length]);
  const data = dists.map((d, k) => outline(d, colours[k], 0.12));
  return figure(data, baseLayout({ ...options, caption }, { xaxis, yaxis, shapes: dists.map((d, k) => medianLine(d.median, colours[k])) }), 'histogramFigure', options);
}
