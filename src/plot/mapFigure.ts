import { createRequire } from 'node:module';
import proj4 from 'proj4';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { Figure } from './figure.js';
import type { GridLike } from '../grid/cellArea.js';
import { ARCTIC_POLAR_STEREOGRAPHIC, LONLAT, asTransform, makeTransform, type Transform, type TransformInput } from '../grid/geometry.js';
import { projectRings, type PolygonGeometry } from '../grid/rasterize.js';
import { blockFactor, cellsAcrossOf } from '../grid/blockFactor.js';
import { InputError, invalid } from '../errors.js';
import { withCellHistory } from './cellHistory.js';
import { compareMaps, type CompareOptions } from './compareMaps.js';
import { isGrid, isTable, requireSome, type TableLike } from './inputs.js';
import { baseLayout, BLUES, DIVERGING, figure, label, periodControls, SEQUENTIAL, SLIDER_SPACE, stepFrames, stepLabel, UNITS, withAnnotations, ZONE_COLOURS, type FigureOptions } from './style.js';

/** A grid of values to map: a band read with `raster.read`, a layer, a trend or a change. */
export interface MapGrid extends Omit<GridLike, 'transform'> {
  /** Either spelling: snake_case (`origin_x`, …) or the deprecated camelCase. */
  transform: TransformInput;
  values: ArrayLike<number>;
  noData?: number | null;
  /** The period the grid shows (`ds.layer` sets it): names the step when several grids are mapped. */
  period?: string;
  /** What the values are (`ds.layer` sets it: `magt_c`, `alt_cm`, `permafrost_share`): chooses the colour scale and units. */
  value?: string;
}

/** Permafrost zones as `ds.zonation` gives them: a zone code per cell on the dataset's grid. */
interface ZoneGrid { zone: ArrayLike<number>; grid: GridLike; period?: string }

/** One class of a categorical map. */
export interface MapClass { value: number; label: string; colour: string }

/** The permafrost zones of `ds.zonation` as map classes, on the zone palette (255: no data). */
export const ZONE_CLASSES: MapClass[] = [
  { value: 4, label: 'Continuous', colour: ZONE_COLOURS.continuous }, { value: 3, label: 'Discontinuous', colour: ZONE_COLOURS.discontinuous },
  { value: 2, label: 'Sporadic', colour: ZONE_COLOURS.sporadic }, { value: 1, label: 'Isolated', colour: ZONE_COLOURS.isolated },
  { value: 0, label: 'No permafrost', colour: ZONE_COLOURS.none },
];

/** Options of {@link mapFigure}. */
export interface MapFigureOptions extends FigureOptions, CompareOptions {
  /**
   * What is mapped: the value column of a table, or the variable's name for units and scale
   * (`magt_c`, `alt_cm`, `permafrost_share`). Default: the grid's own `value` (`ds.layer` sets it), the
   * table's value column, else `magt_c`.
   */
  value?: string;
  /** Unit on the colour bar. Default from `value`. */
  units?: string;
  /**
   * `diverging` (centred on `zmid`: signed quantities such as temperatures, changes and trends) or
   * `sequential` (from the data's low end: thicknesses; from 0 for shares and probabilities). Default by `value`.
   */
  colorscale?: 'diverging' | 'sequential';
  zmid?: number;
  zmin?: number;
  zmax?: number;
  /** Use the colour scale of another map (same colours for the same values: product against model, period against period). */
  scale_of?: Figure;
  /** @deprecated use `scale_of` (the same figure; removed in the next release) */
  scaleOf?: Figure;
  /** Draw classes (a legend of named colours) instead of a continuous scale; blocks take their most common class. */
  classes?: MapClass[];
  /** At most this many cells across the longer side (block-averaged). Default 1200, 200 per step for several grids. */
  max_cells_across?: number;
  /** @deprecated use `max_cells_across` (the same number; removed in the next release) */
  max_cells?: number;
  /** Grid spacing of a table's x_m/y_m (m). Default: the smallest spacing found. */
  resolution_m?: number;
  /** Natural Earth coastlines. Default true. */
  coastlines?: boolean;
  /** Parallels at 45, 60 and 75°N and meridians every 30°. Default true. */
  graticule?: boolean;
  /** Names of the steps when several grids are mapped (default: each grid's `period`). */
  labels?: string[];
  /** Draw the line where the value crosses this level (for example 0 for the 0 °C isotherm of MAGT). */
  isoline?: number;
  /** With several grids: a click on a cell shows its values over the periods beside the map (in HTML pages and notebooks). Default true. */
  history?: boolean;
}

type MapInput = MapGrid | TableLike | ZoneGrid;

/**
 * A polar map as a Plotly heatmap in projected coordinates (km), downsampled by block averaging to
 * at most `max_cells_across` across, with equal aspect, Natural Earth coastlines and a graticule projected
 * with proj4, and a colour scale chosen by what is mapped: diverging around 0 for signed quantities
 * (MAGT, changes, trends), sequential from 0 for shares (`ds.layer('permafrost')`: the permafrost
 * share of each cell), sequential for thicknesses (ALT), the zone palette for `ds.zonation` zones;
 * its unit on the colour bar. Takes grids (`ds.layer`), Arquero tables with `x_m`, `y_m` and a value
 * (`ds.table`), or a zonation; input with no cell to draw is an `InputError`. Given several grids
 * (for example the eight periods' layers) it draws one map with a slider and a play button, on one
 * colour scale fixed across steps; with `compare`, two of them side by side (one colour scale, zoom
 * linked) and their difference; a click on a cell of a map of all periods shows its history.
 * @example show(mapFigure(await ds.layer('magt', '2015-2019', { max_cells_across: 500 }), { dataset: ds }))
 * @example show(mapFigure(await ds.table('magt', '2015-2019', { region: 'alaska' }), { value: 'magt_c', dataset: ds }))
 * @example show(mapFigure(await ds.layers('magt', { max_cells_across: 300 }), { compare: ['1980-1984', '2015-2019'], dataset: ds }))
 */
export function mapFigure(input: MapInput | MapInput[], options: MapFigureOptions & { crs?: string } = {}): Figure {
  const many = Array.isArray(input);
  const inputs = many ? input : [input];
  if (inputs.length === 0) throw new InputError(invalid('grids to map', 'an empty list', 'one grid or a list of grids'));
  const grids = inputs.map((g, i) => gridOf(g, options, many ? i : -1));
  if (options.compare) return compareMaps(grids, options, mapFigure, overlays);
  const zones = inputs.every((g) => isZoneGrid(g));
  const value = options.value ?? grids[0].value ?? 'magt_c';
  const classes = options.classes ?? (zones ? ZONE_CLASSES : undefined);
  const share = !classes && kindOf(value) === 'share';
  const max_cells_across = cellsAcrossOf(options) ?? (many ? 200 : 1200);
  const cells = grids.map((g) => downsample(g, max_cells_across, classes ? 'majority' : 'mean'));
  // shares (0–1) are drawn as percent of the area
  if (share && grids.every((g) => maxOf(g) <= 1)) for (const c of cells) for (const row of c.z) for (let i = 0; i < row.length; i++) if (row[i] !== null) row[i] = row[i]! * 100;
  const { x, y } = cells[0];
  const units = options.units ?? (share ? '% of the area' : UNITS[value] ?? '');
  const scale = classes ? {} : colourScale(cells.map((c) => c.z), value, options);
  // values to a thousandth of the colour range: nothing visible is lost, and the figure's JSON stays small
  if (!classes) {
    const span = Math.abs(Number(scale.zmax) - Number(scale.zmin)) || 1;
    const k = 10 ** Math.min(6, Math.max(0, Math.ceil(-Math.log10(span / 1000))));
    for (const c of cells) for (const row of c.z) for (let i = 0; i < row.length; i++) if (row[i] !== null) row[i] = Math.round(row[i]! * k) / k;
  }
  const level = options.isoline;
  const legend = !!classes || level !== undefined;
  const heatmap = (z: (number | null)[][]): Record<string, unknown> => classes ? classHeatmap(x, y, z, classes) : {
    type: 'heatmap', x, y, z, hoverongaps: false, name: label(value),
    // beside a legend, the colour bar takes the lower part of the plot's height, the legend the top
    colorbar: { title: { text: units, side: 'right', font: { size: 12 } }, thickness: 14, tickfont: { size: 11 }, x: 1.02, xanchor: 'left',
      ...(legend ? { y: 0, yanchor: 'bottom', len: 0.62 } : { y: 0.5, yanchor: 'middle', len: 0.8 }) },
    hovertemplate: `%{z:.${share ? 0 : 2}f} ${units}<extra></extra>`, ...scale,
  };
  const extent = { x0: x[0], x1: x[x.length - 1], y0: y[y.length - 1], y1: y[0] };
  const keys = classes ? classes.map((c) => ({ type: 'scatter', x: [null], y: [null], mode: 'markers', name: c.label,
    marker: { symbol: 'square', size: 13, color: c.colour, line: { color: '#555', width: 0.5 } }, hoverinfo: 'skip', showlegend: true })) : [];
  // the line is traced on blocks twice as large (a quarter of the numbers, no visible difference)
  const coarse = level === undefined ? [] : grids.map((g) => downsample(g, Math.max(2, Math.ceil(max_cells_across / 2))));
  const isoline = (k: number) => ({ type: 'contour', x: coarse[k].x, y: coarse[k].y, z: coarse[k].z, name: `${level} ${units} line`.replace(/\s+/g, ' '), showlegend: true,
    contours: { start: level, end: level, size: 1, coloring: 'none', showlabels: false }, line: { color: '#111', width: 1.8 }, showscale: false, hoverinfo: 'skip' });
  const lines = level === undefined ? [] : [isoline(0)];
  const data = [heatmap(cells[0].z), ...lines, ...overlays(grids[0].crs, extent, options), ...keys];
  const names = grids.map((g, i) => options.labels?.[i] ?? g.period ?? `${i + 1}`);
  const layout = mapLayout({ ...options, ...(many ? { slider: true } : {}) }, extent, legend);
  if (!many) return figure(data, layout, 'mapFigure', options);
  // the step's name in the plot's top left corner, beyond the 45th parallel: land rarely reaches it
  const prefix = options.labels ? '' : 'Period: ';
  const withStep = withAnnotations({ ...layout, ...periodControls(names, { below_px: 4 }) }, [stepLabel(names[0], 'top left', prefix)]);
  const fig = figure(data, withStep, 'mapFigure', options);
  fig.frames = stepFrames(withStep, cells.map((c, i) => ({ name: names[i], data: level === undefined ? [{ z: c.z }] : [{ z: c.z }, { z: coarse[i].z }],
    traces: level === undefined ? [0] : [0, 1] })), 'top left', prefix);
  if (classes || options.history === false) return fig;
  return withCellHistory(fig, { ...cells[0], crs: grids[0].crs, transform: asTransform(grids[0].transform), source_factor: (grids[0] as { factor?: number }).factor }, { periods: names, value, units });
}

/** What a mapped value is, for its colour scale: signed (diverging around 0), a share or probability (sequential from 0), or a magnitude (sequential). */
function kindOf(value: string): 'signed' | 'share' | 'magnitude' {
  if (/^permafrost(_share|_fraction|_probability)?$|_share$|probability/.test(value)) return 'share';
  if (/^alt_cm$|area_km2$|_count$/.test(value)) return 'magnitude';
  return 'signed';
}

function maxOf(grid: MapGrid): number {
  let hi = -Infinity;
  for (let i = 0; i < grid.values.length; i++) { const v = grid.values[i]; if (v === v && v !== grid.noData && v > hi) hi = v; }
  return hi;
}

function isZoneGrid(value: unknown): value is ZoneGrid {
  const v = value as ZoneGrid;
  return !!v && ArrayBuffer.isView(v.zone) && !!v.grid && Number.isInteger(v.grid.width);
}

/** One input as a grid to map, told apart by what it is (a grid's `values` is an array; a table has methods); one with no value is refused. */
function gridOf(input: MapInput, options: MapFigureOptions & { crs?: string }, index: number): MapGrid & { transform: Transform } {
  const which = index >= 0 ? `grid ${index + 1}: ` : '';
  let grid: MapGrid;
  if (isZoneGrid(input)) grid = { ...input.grid, values: input.zone, noData: 255, period: input.period, value: 'zone' };
  else if (isTable(input)) {
    requireSome(input.numRows(), `${which}a table of 0 rows`, 'mapFigure', 'was the table filtered to nothing, or its region or box outside the data?');
    grid = gridFromTable(input, options);
  } else if (isGrid(input)) grid = { ...input as MapGrid, transform: asTransform((input as MapGrid).transform, 'mapFigure') };
  else throw new InputError(invalid('map input', typeof input === 'object' && input ? `an object with ${Object.keys(input).slice(0, 6).join(', ')}` : String(input),
    'a grid ({ values, width, height, transform, crs }, as ds.layer gives), an Arquero table with x_m, y_m and a value (ds.table), or ds.zonation(…)'));
  let withValue = 0;
  for (let i = 0; i < grid.values.length && !withValue; i++) { const v = grid.values[i]; if (v === v && v !== grid.noData) withValue++; }
  requireSome(withValue, `${which}a ${grid.width} × ${grid.height} grid without any value`, 'mapFigure', 'no cell has data there');
  return grid as MapGrid & { transform: Transform };
}

/** The colour range of a map: fixed by the options, copied from another map, or fit to the data (2–98 % of the cells of all steps) by what the value is. */
function colourScale(zs: (number | null)[][][], value: string, options: MapFigureOptions): Record<string, unknown> {
  const other = ((options.scale_of ?? options.scaleOf)?.data ?? []).find((t) => t.type === 'heatmap' && t.colorscale) as Record<string, unknown> | undefined;
  if (other) return { colorscale: other.colorscale, zmin: other.zmin, zmax: other.zmax, ...(other.zmid !== undefined ? { zmid: other.zmid } : {}) };
  const kind = kindOf(value);
  const finite: number[] = [];
  for (const z of zs) for (const row of z) for (const v of row) if (v !== null) finite.push(v);
  finite.sort((a, b) => a - b);
  const q = (f: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.floor(f * finite.length)))] ?? 0;
  if (options.colorscale === 'diverging' || (!options.colorscale && kind === 'signed')) {
    const zmid = options.zmid ?? 0;
    const spread = Math.max(Math.abs(q(0.02) - zmid), Math.abs(q(0.98) - zmid)) || 1;
    return { colorscale: DIVERGING, zmid, zmin: options.zmin ?? zmid - spread, zmax: options.zmax ?? zmid + spread };
  }
  // shares and probabilities from 0 (percent of the area: 0–100), with no neutral middle
  if (kind === 'share') return { colorscale: BLUES, zmin: options.zmin ?? 0, zmax: options.zmax ?? Math.max(100, finite[finite.length - 1] ?? 0) };
  return { colorscale: SEQUENTIAL, zmin: options.zmin ?? q(0.01), zmax: options.zmax ?? q(0.99) };
}

/** A heatmap of classes: a stepped colour scale, no colour bar (the legend names the classes). */
function classHeatmap(x: number[], y: number[], z: (number | null)[][], classes: MapClass[]): Record<string, unknown> {
  const index = new Map(classes.map((c, k) => [c.value, k]));
  const n = classes.length;
  const colorscale = classes.flatMap((c, k) => [[k / n, c.colour], [(k + 1) / n, c.colour]]);
  return {
    type: 'heatmap', x, y, z: z.map((row) => row.map((v) => (v === null || !index.has(v) ? null : index.get(v)! + 0.5))),
    // no per-cell hover text: it would double the figure's size; the legend names the classes
    colorscale, zmin: 0, zmax: n, showscale: false, hoverongaps: false, hoverinfo: 'skip', name: 'classes',
  };
}

/** The layout of a map: hidden axes, equal aspect, fixed extent, narrow side margins; a legend (classes, lines) at the top right beside the map, captions (and the slider) below it. */
export function mapLayout(options: FigureOptions & { slider?: boolean }, extent: { x0: number; x1: number; y0: number; y1: number }, legend = false): Record<string, unknown> {
  return baseLayout({ height: 640, ...options }, {
    margin: { l: 10, r: 10 },
    xaxis: { visible: false, range: [extent.x0, extent.x1], constrain: 'domain' },
    yaxis: { visible: false, range: [extent.y0, extent.y1], scaleanchor: 'x', scaleratio: 1, constrain: 'domain' },
    hovermode: 'closest', showlegend: legend,
    legend: { x: 1.02, xanchor: 'left', y: 1, yanchor: 'top', bgcolor: 'rgba(255,255,255,0.9)', bordercolor: '#ccc', borderwidth: 1, font: { size: 12 } },
  }, options.slider ? SLIDER_SPACE + 4 : 6);
}

/** Coastlines and graticule as line traces (km), clipped to the extent. */
export function overlays(crs: string, extent: { x0: number; x1: number; y0: number; y1: number }, options: { coastlines?: boolean; graticule?: boolean }): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const inside = (px: number, py: number) => px >= Math.min(extent.x0, extent.x1) && px <= Math.max(extent.x0, extent.x1) && py >= extent.y0 && py <= extent.y1;
  const lines = (rings: [number, number][][]) => {
    const xs: (number | null)[] = [];
    const ys: (number | null)[] = [];
    for (const ring of rings) {
      let open = false;
      for (const [px, py] of ring) {
        const kx = px / 1000, ky = py / 1000;
        if (!Number.isFinite(kx) || !Number.isFinite(ky) || !inside(kx, ky)) { if (open) { xs.push(null); ys.push(null); open = false; } continue; }
        xs.push(Math.round(kx * 10) / 10); ys.push(Math.round(ky * 10) / 10); open = true;
      }
      if (open) { xs.push(null); ys.push(null); }
    }
    return { xs, ys };
  };
  if (options.coastlines !== false) {
    const topo = createRequire(import.meta.url)('world-atlas/land-110m.json') as Topology;
    const land = feature(topo, topo.objects.land) as unknown as { features?: { geometry: PolygonGeometry }[]; geometry?: PolygonGeometry };
    const geometries = land.features ? land.features.map((f) => f.geometry) : [land.geometry!];
    const { xs, ys } = lines(projectRings(geometries, crs, { southOf_deg: 20 }));
    out.push({ type: 'scatter', mode: 'lines', x: xs, y: ys, line: { color: '#444', width: 0.8 }, hoverinfo: 'skip', name: 'coastline', showlegend: false });
  }
  if (options.graticule !== false) {
    const forward = proj4(LONLAT, crs);
    const rings: [number, number][][] = [];
    for (const lat of [45, 60, 75]) rings.push(Array.from({ length: 181 }, (_, i) => forward.forward([-180 + 2 * i, lat]) as [number, number]));
    for (let lon = -180; lon < 180; lon += 30) rings.push(Array.from({ length: 44 }, (_, i) => forward.forward([lon, 45 + i]) as [number, number]));
    const { xs, ys } = lines(rings);
    out.push({ type: 'scatter', mode: 'lines', x: xs, y: ys, line: { color: '#888', width: 0.6, dash: 'dot' }, hoverinfo: 'skip', name: 'graticule', showlegend: false });
  }
  return out;
}

/** Block means of a grid, at most `max_cells_across` cells across; null where a block has no data. */
export function downsample(grid: MapGrid, max_cells_across: number, how: 'mean' | 'majority' = 'mean'): { z: (number | null)[][]; x: number[]; y: number[]; factor: number } {
  const factor = blockFactor(grid.width, grid.height, max_cells_across);
  const W = Math.ceil(grid.width / factor), H = Math.ceil(grid.height / factor);
  const t = asTransform(grid.transform);
  const z: (number | null)[][] = [];
  for (let R = 0; R < H; R++) {
    const row: (number | null)[] = [];
    for (let C = 0; C < W; C++) {
      let sum = 0, n = 0;
      const counts = how === 'majority' ? new Map<number, number>() : null;
      for (let r = R * factor; r < Math.min(grid.height, (R + 1) * factor); r++) {
        for (let c = C * factor; c < Math.min(grid.width, (C + 1) * factor); c++) {
          const v = grid.values[r * grid.width + c];
          if (v !== v || v === grid.noData) continue;
          sum += v; n++;
          if (counts) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
      }
      if (counts) row.push(n ? [...counts].reduce((best, e) => (e[1] > best[1] ? e : best))[0] : null);
      else row.push(n ? Math.round((sum / n) * 1000) / 1000 : null);
    }
    z.push(row);
  }
  const x = Array.from({ length: W }, (_, C) => (t.originX + (C * factor + Math.min(factor, grid.width - C * factor) / 2) * t.pixelWidth) / 1000);
  const y = Array.from({ length: H }, (_, R) => (t.originY + (R * factor + Math.min(factor, grid.height - R * factor) / 2) * t.pixelHeight) / 1000);
  return { z, x, y, factor };
}

/** A table of x_m, y_m and a value back onto a regular grid. */
function gridFromTable(table: TableLike, options: MapFigureOptions & { crs?: string }): MapGrid {
  const value = options.value ?? ['magt_c', 'alt_cm', 'permafrost'].find((c) => table.columnNames().includes(c)) ?? '';
  for (const c of ['x_m', 'y_m', value]) if (!table.columnNames().includes(c)) throw new InputError(invalid('table to map', `columns ${table.columnNames().join(', ')}`, `x_m, y_m and ${value || 'a value column (magt_c, alt_cm or permafrost)'}`));
  const xs = table.array('x_m') as ArrayLike<number>;
  const ys = table.array('y_m') as ArrayLike<number>;
  const vs = table.array(value) as ArrayLike<number>;
  const step = options.resolution_m ?? smallestStep(xs);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xs.length; i++) { x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]); }
  const width = Math.round((x1 - x0) / step) + 1, height = Math.round((y1 - y0) / step) + 1;
  const values = new Float32Array(width * height).fill(NaN);
  for (let i = 0; i < xs.length; i++) values[Math.round((y1 - ys[i]) / step) * width + Math.round((xs[i] - x0) / step)] = vs[i];
  return { values, width, height, value, crs: options.crs ?? ARCTIC_POLAR_STEREOGRAPHIC,
    transform: makeTransform({ origin_x: x0 - step / 2, origin_y: y1 + step / 2, pixel_width: step, pixel_height: -step, rotation_x: 0, rotation_y: 0 }) };
}

function smallestStep(xs: ArrayLike<number>): number {
  const sorted = [...new Set(Array.from(xs))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i] - sorted[i - 1]);
  return Number.isFinite(step) && step > 0 ? step : 1000;
}
