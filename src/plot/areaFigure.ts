import type { Figure } from '../display/show.js';
import { baseLayout, figure, hexAlpha, label, PALETTE, periodControls, SLIDER_SPACE, ZONE_COLOURS, type FigureOptions } from './style.js';

/** Options of {@link areaFigure}. */
export interface AreaFigureOptions extends FigureOptions {
  /** One line per value of this column (`region`, `zone`); default bars for the whole area. */
  group?: string;
  /** The area column (km²). Default `permafrost_area_km2`. */
  column?: string;
  /** Axis title. Default 'Permafrost area (million km²)'. */
  axis?: string;
  /** Published ranges to draw behind the bars (million km²), named in the legend. */
  reference?: { label: string; low_mkm2: number; high_mkm2: number }[];
  /** With `group`: `lines` over the periods (default), or `slider`: one bar per group, one period at a time. */
  mode?: 'lines' | 'slider';
}

/**
 * Permafrost area (million km²) per period from a `ds.summarize()` or zonation table, optionally
 * by group (lines, or bars stepping through the periods with a slider), with published ranges as
 * shaded bands named in the legend.
 * @example show(areaFigure(await ds.summarize(), { reference: [{ label: 'Obu et al. 2019', low_mkm2: 13.9, high_mkm2: 13.9 }], dataset: ds }))
 */
export function areaFigure(summary: { objects(): object[] } | Record<string, unknown>[], options: AreaFigureOptions = {}): Figure {
  const rows = (Array.isArray(summary) ? summary : summary.objects()) as Record<string, any>[];
  const column = options.column ?? 'permafrost_area_km2';
  const valid = rows.filter((r) => Number.isFinite(r[column]));
  const periods = [...new Set([...valid].sort((a, b) => a.mid_year - b.mid_year).map((r) => String(r.period)))];
  const group = options.group;
  const keys = group ? [...new Set(valid.map((r) => String(r[group])))] : [];
  const colourOf = (key: string, k: number) => (group === 'zone' && ZONE_COLOURS[key]) || PALETTE[k % PALETTE.length];
  const axis = options.axis ?? 'Permafrost area (million km²)';
  const referenceColours = ['rgba(230,159,0,0.22)', 'rgba(0,158,115,0.22)', 'rgba(204,121,167,0.22)'];
  // a range as a shaded band, a single value as a dashed line
  const isLine = (ref: { low_mkm2: number; high_mkm2: number }) => ref.high_mkm2 - ref.low_mkm2 < 0.1;
  const lineColours = ['#b07000', '#007a5a', '#a0527e'];
  const shapes = (options.reference ?? []).map((ref, k) => (isLine(ref)
    ? { type: 'line', xref: 'paper', x0: 0, x1: 1, y0: ref.low_mkm2, y1: ref.low_mkm2, layer: 'above', line: { color: lineColours[k % 3], width: 2.5, dash: 'dash' } }
    : { type: 'rect', xref: 'paper', x0: 0, x1: 1, y0: ref.low_mkm2, y1: ref.high_mkm2, layer: 'below', fillcolor: referenceColours[k % 3], line: { width: 0 } }));
  // the published ranges are named in the legend, not written over the bars
  const keysOfReferences = (options.reference ?? []).map((ref, k) => (isLine(ref)
    ? { type: 'scatter', mode: 'lines', x: [null], y: [null], name: ref.label, line: { color: lineColours[k % 3], width: 2.5, dash: 'dash' }, hoverinfo: 'skip' }
    : { type: 'scatter', mode: 'markers', x: [null], y: [null], name: ref.label, marker: { symbol: 'square', size: 14, color: referenceColours[k % 3].replace('0.22', '0.6') }, hoverinfo: 'skip' }));
  const maxOf = Math.max(...valid.map((r) => r[column] / 1e6), ...(options.reference ?? []).map((r) => r.high_mkm2), 0);
  const yaxis = { title: { text: axis }, range: [0, maxOf * 1.12 || 1], gridcolor: '#eee' };

  if (group && options.mode === 'slider') {
    const bars = (period: string) => {
      const at = new Map(valid.filter((r) => String(r.period) === period).map((r) => [String(r[group]), r[column] / 1e6]));
      const y = keys.map((key) => Math.round((at.get(key) ?? 0) * 1000) / 1000);
      return { type: 'bar', name: period, x: keys.map(label), y, marker: { color: keys.map(colourOf), line: { color: '#333', width: 1 } },
        text: y.map((v) => v.toFixed(2)), textposition: 'outside', cliponaxis: false, hovertemplate: `%{x}: %{y:.2f} M km²<extra>${period}</extra>` };
    };
    const layout = baseLayout(options, { xaxis: { title: { text: label(group) } }, yaxis, shapes, showlegend: keysOfReferences.length > 0, ...periodControls(periods, { below_px: 56 }) }, SLIDER_SPACE + 56);
    const fig = figure([bars(periods[0]), ...keysOfReferences], layout, 'areaFigure', options);
    fig.frames = periods.map((period) => ({ name: period, data: [bars(period)], traces: [0] }));
    return fig;
  }
  const data: Record<string, unknown>[] = [];
  if (group) {
    keys.forEach((key, k) => {
      const g = valid.filter((r) => String(r[group]) === key).sort((a, b) => a.mid_year - b.mid_year);
      const colour = colourOf(key, k);
      data.push({ type: 'scatter', mode: 'lines+markers', name: label(key), x: g.map((r) => r.period), y: g.map((r) => r[column] / 1e6),
        line: { color: colour, width: 2.5 }, marker: { size: 8, color: colour, line: { color: '#333', width: 1 } }, hovertemplate: '%{x}: %{y:.2f} M km²<extra>' + label(key) + '</extra>' });
    });
  } else {
    const g = [...valid].sort((a, b) => a.mid_year - b.mid_year);
    data.push({ type: 'bar', name: 'Permafrost area', x: g.map((r) => r.period), y: g.map((r) => r[column] / 1e6),
      marker: { color: hexAlpha(PALETTE[0], 0.85) }, text: g.map((r) => (r[column] / 1e6).toFixed(2)), textposition: 'inside', insidetextanchor: 'end',
      textfont: { color: '#fff' }, hovertemplate: '%{x}: %{y:.2f} M km²<extra></extra>' });
  }
  const layout = baseLayout(options, {
    xaxis: { title: { text: 'Period' } }, yaxis, shapes,
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0.85)' },
  });
  // the legend sits between the title and the plot, one entry per line at worst
  layout.margin = { ...(layout.margin as object), t: 52 + 21 * (data.length + keysOfReferences.length) };
  return figure([...data, ...keysOfReferences], layout, 'areaFigure', options);
}
