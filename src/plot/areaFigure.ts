import type { Figure } from '../display/show.js';
import { baseLayout, CATEGORICAL, figure, type FigureOptions } from './style.js';

/** Options of {@link areaFigure}. */
export interface AreaFigureOptions extends FigureOptions {
  /** One line per value of this column (`region`, `zone`); default bars for the whole area. */
  group?: string;
  /** The area column (km²). Default `permafrost_area_km2`. */
  column?: string;
  /** Axis title. Default 'Permafrost area (million km²)'. */
  axis?: string;
  /** Published ranges to draw behind the bars (million km²). */
  reference?: { label: string; low_mkm2: number; high_mkm2: number }[];
}

/**
 * Permafrost area (million km²) per period from a `ds.summarize()` table, optionally by group,
 * with published ranges as shaded bands.
 * @example show(areaFigure(await ds.summarize(), { reference: [{ label: 'Obu et al. 2019', low_mkm2: 13.9, high_mkm2: 13.9 }] }))
 */
export function areaFigure(summary: { objects(): object[] } | Record<string, unknown>[], options: AreaFigureOptions = {}): Figure {
  const rows = (Array.isArray(summary) ? summary : summary.objects()) as Record<string, any>[];
  const column = options.column ?? 'permafrost_area_km2';
  const valid = rows.filter((r) => Number.isFinite(r[column]));
  const data: Record<string, unknown>[] = [];
  if (options.group) {
    const keys = [...new Set(valid.map((r) => String(r[options.group!])))];
    keys.forEach((key, k) => {
      const g = valid.filter((r) => String(r[options.group!]) === key).sort((a, b) => a.mid_year - b.mid_year);
      data.push({ type: 'scatter', mode: 'lines+markers', name: key, x: g.map((r) => r.period), y: g.map((r) => r[column] / 1e6),
        line: { color: CATEGORICAL[k % CATEGORICAL.length], width: 2.5 }, hovertemplate: '%{x}: %{y:.2f} M km²<extra>' + key + '</extra>' });
    });
  } else {
    const g = [...valid].sort((a, b) => a.mid_year - b.mid_year);
    data.push({ type: 'bar', name: 'permafrost area', x: g.map((r) => r.period), y: g.map((r) => r[column] / 1e6),
      marker: { color: CATEGORICAL[0] }, text: g.map((r) => (r[column] / 1e6).toFixed(2)), textposition: 'outside',
      hovertemplate: '%{x}: %{y:.2f} M km²<extra></extra>' });
  }
  const shapes = (options.reference ?? []).map((ref, k) => ({
    type: 'rect', xref: 'paper', x0: 0, x1: 1, y0: ref.low_mkm2, y1: Math.max(ref.high_mkm2, ref.low_mkm2 + 0.05), layer: 'below',
    fillcolor: ['rgba(230,159,0,0.18)', 'rgba(0,158,115,0.18)', 'rgba(204,121,167,0.18)'][k % 3], line: { width: 0 },
  }));
  // labels alternate right and left so that close ranges do not print over each other
  const labels = (options.reference ?? []).map((ref, k) => ({
    text: ref.label, xref: 'paper', x: k % 2 ? 0.01 : 0.99, xanchor: k % 2 ? 'left' : 'right', y: ref.high_mkm2, yanchor: 'bottom',
    yshift: 2 + 14 * Math.floor(k / 2), showarrow: false, font: { size: 11, color: '#444' }, bgcolor: 'rgba(255,255,255,0.75)',
  }));
  const layout = baseLayout(options, {
    xaxis: { title: { text: 'Period' } },
    yaxis: { title: { text: options.axis ?? 'Permafrost area (million km²)' }, rangemode: 'tozero', gridcolor: '#eee' },
    shapes,
  });
  return figure(data, { ...layout, annotations: [...(layout.annotations as unknown[]), ...labels] });
}
