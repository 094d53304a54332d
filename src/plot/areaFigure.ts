import type { Figure } from './figure.js';
import { requireSome, rowsOf, type Rows } from './inputs.js';
import { AXIS_SPACE, baseLayout, figure, hexAlpha, label, PALETTE, periodControls, SLIDER_SPACE, stepFrames, stepLabel, withAnnotations, ZONE_COLOURS, type FigureOptions } from './style.js';

/** A published range (or value, when low and high are equal) to draw behind the bars. */
export interface AreaReference { label: string; low_mkm2: number; high_mkm2: number; reference?: string }

/** Options of {@link areaFigure}. */
export interface AreaFigureOptions extends FigureOptions {
  /** One line per value of this column (`region`, `zone`); default bars for the whole area. */
  group?: string;
  /** The area column (km²). Default `permafrost_area_km2`. */
  column?: string;
  /** Axis title. Default 'Permafrost area (million km²)'. */
  axis?: string;
  /** Published ranges to draw behind the bars (million km²), named in the legend, their publications in the caption. */
  reference?: AreaReference[];
  /** With `group`: `lines` over the periods (default), or `slider`: one bar per group, one period at a time. */
  mode?: 'lines' | 'slider';
}

/**
 * Permafrost area (million km²) per period from a `ds.summarize()` or zonation table, optionally
 * by group (lines, or bars stepping through the periods with a slider), with published ranges as
 * shaded bands (a single value as a dashed line) named in the legend and cited in the caption. The
 * bars' numbers sit at their foot, clear of the reference lines.
 * @example show(areaFigure(await ds.summarize(), { reference: [...PUBLISHED.permafrost_area_mkm2], dataset: ds }))
 */
export function areaFigure(summary: Rows, options: AreaFigureOptions = {}): Figure {
  const rows = rowsOf(summary);
  const column = options.column ?? 'permafrost_area_km2';
  const valid = rows.filter((r) => Number.isFinite(r[column]));
  requireSome(valid.length, rows.length ? `rows without ${column}` : 'a table of 0 rows', 'areaFigure', `a table from ds.summarize() or ds.zoneAreas() with ${column}`);
  const periods = [...new Set([...valid].sort((a, b) => a.mid_year - b.mid_year).map((r) => String(r.period)))];
  const group = options.group;
  const keys = group ? [...new Set(valid.map((r) => String(r[group])))] : [];
  const colourOf = (key: string, k: number) => (group === 'zone' && ZONE_COLOURS[key]) || PALETTE[k % PALETTE.length];
  const axis = options.axis ?? 'Permafrost area (million km²)';
  const references = options.reference ?? [];
  const referenceColours = ['rgba(230,159,0,0.22)', 'rgba(0,158,115,0.22)', 'rgba(204,121,167,0.22)'];
  // a range as a shaded band, a single value as a dashed line
  const isLine = (ref: AreaReference) => ref.high_mkm2 - ref.low_mkm2 < 0.1;
  const lineColours = ['#b07000', '#007a5a', '#a0527e'];
  const shapes = references.map((ref, k) => (isLine(ref)
    ? { type: 'line', xref: 'paper', x0: 0, x1: 1, y0: ref.low_mkm2, y1: ref.low_mkm2, layer: 'above', line: { color: lineColours[k % 3], width: 2.5, dash: 'dash' } }
    : { type: 'rect', xref: 'paper', x0: 0, x1: 1, y0: ref.low_mkm2, y1: ref.high_mkm2, layer: 'below', fillcolor: referenceColours[k % 3], line: { width: 0 } }));
  // the published ranges are named in the legend, not written over the bars
  const keysOfReferences = references.map((ref, k) => (isLine(ref)
    ? { type: 'scatter', mode: 'lines', x: [null], y: [null], name: ref.label, line: { color: lineColours[k % 3], width: 2.5, dash: 'dash' }, hoverinfo: 'skip' }
    : { type: 'scatter', mode: 'markers', x: [null], y: [null], name: ref.label, marker: { symbol: 'square', size: 14, color: referenceColours[k % 3].replace('0.22', '0.6') }, hoverinfo: 'skip' }));
  // each publication once: "Obu et al. 2019; Ran et al. 2022" and "Obu et al. 2019" make "Obu et al. 2019; Ran et al. 2022"
  const cited = [...new Set(references.flatMap((r) => (r.reference ?? '').replace(/\s*\([^)]*\)/g, '').split(/;\s*/)).filter(Boolean))];
  const caption = options.caption ?? (cited.length ? `Published: ${cited.join('; ')}.` : undefined);
  const maxOf = Math.max(...valid.map((r) => r[column] / 1e6), ...references.map((r) => r.high_mkm2), 0);
  const yaxis = { title: { text: axis }, range: [0, maxOf * 1.12 || 1], gridcolor: '#eee' };

  if (group && options.mode === 'slider') {
    const bars = (period: string) => {
      const at = new Map(valid.filter((r) => String(r.period) === period).map((r) => [String(r[group]), r[column] / 1e6]));
      const y = keys.map((key) => Math.round((at.get(key) ?? 0) * 1000) / 1000);
      return { type: 'bar', name: period, x: keys.map(label), y, marker: { color: keys.map(colourOf), line: { color: '#333', width: 1 } },
        text: y.map((v) => v.toFixed(2)), textposition: 'inside', insidetextanchor: 'end', hovertemplate: `%{x}: %{y:.2f} M km²<extra>${period}</extra>` };
    };
    // the period's name in the top corner over the lower bars
    const heights = keys.map((key) => Math.max(...valid.filter((r) => String(r[group]) === key).map((r) => r[column])));
    const half = Math.ceil(keys.length / 2);
    const at = Math.max(...heights.slice(0, half)) > Math.max(0, ...heights.slice(half)) ? 'top right' : 'top left';
    const layout = withAnnotations(baseLayout({ ...options, caption }, {
      xaxis: { title: { text: label(group) }, tickfont: { size: 10 }, tickangle: 0 }, yaxis, shapes,
      showlegend: keysOfReferences.length > 0, ...periodControls(periods, { below_px: AXIS_SPACE }), legend_rows: keysOfReferences.length || undefined,
    }, AXIS_SPACE + SLIDER_SPACE), [stepLabel(periods[0], at)]);
    const fig = figure([bars(periods[0]), ...keysOfReferences], layout, 'areaFigure', options);
    fig.frames = stepFrames(layout, periods.map((period) => ({ name: period, data: [bars(period)], traces: [0] })), at);
    return fig;
  }
  const data: Record<string, unknown>[] = [];
  if (group) {
    keys.forEach((key, k) => {
      const g = valid.filter((r) => String(r[group]) === key).sort((a, b) => a.mid_year - b.mid_year);
      const colour = colourOf(key, k);
      data.push({ type: 'scatter', mode: 'lines+markers', name: label(key), x: g.map((r) => r.mid_year), y: g.map((r) => r[column] / 1e6), customdata: g.map((r) => r.period),
        line: { color: colour, width: 2.5 }, marker: { size: 8, color: colour, line: { color: '#333', width: 1 } }, hovertemplate: '%{customdata}: %{y:.2f} M km²<extra>' + label(key) + '</extra>' });
    });
  } else {
    const g = [...valid].sort((a, b) => a.mid_year - b.mid_year);
    // the numbers at the foot of the bars: a reference line near the top never crosses them
    data.push({ type: 'bar', name: 'Permafrost area', x: g.map((r) => r.mid_year), y: g.map((r) => r[column] / 1e6), customdata: g.map((r) => r.period), width: 3.6,
      marker: { color: hexAlpha(PALETTE[0], 0.85) }, text: g.map((r) => (r[column] / 1e6).toFixed(2)), textposition: 'inside', insidetextanchor: 'start',
      textfont: { color: '#fff', size: 11 }, hovertemplate: '%{customdata}: %{y:.2f} M km²<extra></extra>' });
  }
  // the bars need no key (the y axis says what they are); the published ranges do, at the figure's foot
  if (!group) (data[0] as Record<string, unknown>).showlegend = false;
  const layout = baseLayout({ ...options, caption }, {
    xaxis: { title: { text: 'Period (mid-year)' }, tickformat: 'd', gridcolor: '#eee' }, yaxis, shapes,
    showlegend: group ? true : keysOfReferences.length > 0, ...(group ? {} : { legend_rows: keysOfReferences.length || undefined }),
  });
  return figure([...data, ...keysOfReferences], layout, 'areaFigure', options);
}
