// Two maps side by side (mapFigure's `compare` option): the panels, the linked axes and the
// difference. The two maps themselves (their colour scale fit to both) and the coastlines come
// from mapFigure, handed in, so that this file does not import it back.
import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import type { GridLike } from '../grid/cellArea.js';
import { cellsAcrossOf } from '../grid/blockFactor.js';
import { baseLayout, DIVERGING, figure, label, UNITS, withAnnotations, type FigureOptions } from './style.js';

/** Options of mapFigure that set two maps side by side. */
export interface CompareOptions {
  /**
   * Two maps side by side on one colour scale with one key, zoom and pan linked, and a third panel
   * with their difference (second − first): `true` for two grids, or the two periods to take from
   * a list of grids (`ds.layers`), earlier first. Default: one map (a slider for several grids).
   */
  compare?: boolean | [string, string];
  /** With `compare`: the third panel with the difference. Default true. */
  difference?: boolean;
}

type Grid = GridLike & { values: ArrayLike<number>; period?: string };
type Options = FigureOptions & CompareOptions & { value?: string; units?: string; max_cells_across?: number; max_cells?: number; labels?: string[]; coastlines?: boolean; graticule?: boolean };
type Extent = { x0: number; x1: number; y0: number; y1: number };

/**
 * The figure of `mapFigure(grids, { compare })`: two maps on one colour scale, their zoom and pan
 * linked (a box dragged on one zooms the others), and their difference on a diverging scale.
 * `draw` is mapFigure (the pair on one scale), `lines` its coastlines and graticule.
 * @example show(mapFigure(await ds.layers('magt', { max_cells_across: 300 }), { compare: ['1980-1984', '2015-2019'], dataset: ds }))
 */
export function compareMaps(grids: Grid[], options: Options, draw: (pair: Grid[], options: Options) => Figure, lines: (crs: string, extent: Extent, options: Options) => Record<string, unknown>[]): Figure {
  let first: Grid, second: Grid;
  if (Array.isArray(options.compare)) {
    const names = grids.map((g) => g.period);
    const pick = (p: string) => {
      const k = names.indexOf(p);
      if (k < 0) throw new InputError(invalid('period to compare', p, names.filter(Boolean).join(', ')));
      return grids[k];
    };
    [first, second] = [pick(options.compare[0]), pick(options.compare[1])];
  } else {
    if (grids.length !== 2) throw new InputError(invalid('grids to compare', `${grids.length} grid(s)`, 'two grids, or a list of grids with compare: [from, to]'));
    [first, second] = grids;
  }
  if (first.width !== second.width || first.height !== second.height) {
    throw new InputError(invalid('grids to compare', `${first.width} × ${first.height} and ${second.width} × ${second.height}`, 'two grids of one size'));
  }
  const value = options.value ?? 'magt_c';
  const units = options.units ?? UNITS[value] ?? '';
  const max_cells_across = cellsAcrossOf(options) ?? 300;
  // the two maps as mapFigure draws them (its colour scale fit to both), then laid out as panels
  const pair = draw([first, second], { ...options, compare: false, max_cells_across, max_cells: undefined, history: false, coastlines: false, graticule: false } as Options);
  const heat = pair.data[0] as Record<string, unknown> & { x: number[]; y: number[] };
  const z = pair.frames!.map((f) => f.data[0].z as (number | null)[][]);
  const labels = [options.labels?.[0] ?? first.period ?? 'first', options.labels?.[1] ?? second.period ?? 'second'];
  const withDifference = options.difference !== false;
  const panels = withDifference ? 3 : 2;
  // the colour bars stand together right of the last panel (one above the other), never between panels,
  // where a narrow figure has no room for their ticks
  const gap = 0.03;
  const width = (1 - gap * (panels - 1)) / panels;
  const domain = (k: number) => [k * (width + gap), k * (width + gap) + width];
  const axis = (k: number) => (k === 0 ? '' : String(k + 1));
  const extent = { x0: heat.x[0], x1: heat.x[heat.x.length - 1], y0: heat.y[heat.y.length - 1], y1: heat.y[0] };
  const overlay = lines(first.crs, extent, options);
  const data: Record<string, unknown>[] = [];
  const colorbar = (k: number, title: string) => ({ title: { text: title, side: 'right' }, thickness: 12, x: 1.01, xanchor: 'left',
    ...(withDifference ? { len: 0.46, y: k === 1 ? 1 : 0, yanchor: k === 1 ? 'top' : 'bottom' } : { len: 0.75 }) });
  for (let k = 0; k < 2; k++) {
    data.push({ ...heat, z: z[k], name: labels[k], xaxis: `x${axis(k)}`, yaxis: `y${axis(k)}`, showscale: k === 1, colorbar: colorbar(1, units) });
  }
  if (withDifference) {
    const diff = z[0].map((row, r) => row.map((v, c) => (v === null || z[1][r][c] === null ? null : Math.round((z[1][r][c]! - v) * 1000) / 1000)));
    const finite = diff.flat().filter((v): v is number => v !== null).map(Math.abs).sort((p, q) => p - q);
    const spread = finite[Math.floor(0.98 * (finite.length - 1))] || 1;
    data.push({ type: 'heatmap', x: heat.x, y: heat.y, z: diff, name: 'difference', xaxis: 'x3', yaxis: 'y3', hoverongaps: false,
      colorscale: DIVERGING, zmid: 0, zmin: -spread, zmax: spread, colorbar: colorbar(2, `Δ ${units}`.trim()), hovertemplate: `%{z:+.2f} ${units}<extra>difference</extra>` });
  }
  for (let k = 0; k < panels; k++) for (const line of overlay) data.push({ ...line, xaxis: `x${axis(k)}`, yaxis: `y${axis(k)}` });
  const axes: Record<string, unknown> = {};
  for (let k = 0; k < panels; k++) {
    // the first map sets the view; the others match it, so that zoom and pan move all of them
    axes[`xaxis${axis(k)}`] = { visible: false, domain: domain(k), anchor: `y${axis(k)}`, ...(k === 0 ? { range: [extent.x0, extent.x1], constrain: 'domain' } : { matches: 'x' }) };
    axes[`yaxis${axis(k)}`] = { visible: false, anchor: `x${axis(k)}`, ...(k === 0 ? { range: [extent.y0, extent.y1], scaleanchor: 'x', scaleratio: 1, constrain: 'domain' } : { matches: 'y' }) };
  }
  // each panel named at the top of its own area (above the panels the title and the synthetic label need the room)
  const titles = [...labels, ...(withDifference ? ['Difference'] : [])].map((text, k) => ({
    name: `panel-${k + 1}`, text: `<b>${text}</b>`, xref: 'paper', yref: 'paper', x: (domain(k)[0] + domain(k)[1]) / 2, y: 1, xanchor: 'center', yanchor: 'top', showarrow: false,
    font: { size: 10 }, bgcolor: 'rgba(255,255,255,0.85)',
  }));
  const layout = withAnnotations(baseLayout({ height: 520, width: 1200, ...options, title: options.title ?? `${label(value)}: ${labels[0]} and ${labels[1]}` },
    { ...axes, hovermode: 'closest', showlegend: false, dragmode: 'zoom' }, 8), titles);
  return figure(data, layout, 'mapFigure', options);
}
