// What a map of all periods carries so that a click on a cell can show that cell's history in the
// page (no kernel round trip): the block grid, where to find each period's values, a latitude
// table for lon/lat, the region of each block, and the chart to draw (Plotly JSON built here; the
// page script in src/display/historyScript.ts fills it in).
import proj4 from 'proj4';
import type { Figure } from './figure.js';
import { regionLabels, REGIONS } from '../dataset/regions.js';
import { parseProj4 } from '../grid/cellArea.js';
import { LONLAT, withTransform } from '../grid/geometry.js';
import type { Transform } from '../grid/geometry.js';
import { label, PALETTE } from './style.js';

/** The data behind a map's click-for-history (in `layout.meta.history`). */
export interface CellHistory {
  periods: string[];
  /** Unit of the values (°C, cm). */
  units: string;
  /** What the values are (`Mean annual ground temperature`). */
  variable: string;
  /** The block grid: centre of block (0, 0) and steps (km), blocks across and down. */
  grid: { x0_km: number; dx_km: number; y0_km: number; dy_km: number; width: number; height: number };
  /** Cells of the dataset's grid per block, across and down, and the cell size (km). */
  factor: number;
  cell_km: number;
  /** Values per period, row and column; absent when they are the z of trace 0 in the figure's frames. */
  values?: (number | null)[][][];
  /** For polar stereographic grids: λ = λ₀ + atan2(x, ∓y) and latitude tabulated against ρ (km). */
  lonlat?: { lon0_deg: number; x0_km: number; y0_km: number; south: boolean; rho_km: number[]; lat_deg: number[] };
  /** Region of each block, row by row: one character, `0` for none, `a` for names[0], `b` for names[1]… */
  regions?: { codes: string; names: string[] };
  /** The chart drawn beside the map: one line trace (x and y filled in the page) and its layout. */
  figure: { data: Record<string, unknown>[]; layout: Record<string, unknown> };
}

/** Latitude table of a polar stereographic CRS (ρ in km from the pole, every 0.25° from the pole to 20°N or S), or undefined for other projections. */
function latitudeTable(crs: string): CellHistory['lonlat'] {
  const p = parseProj4(crs);
  if (p.proj !== 'stere' || Math.abs(Number(p.lat_0)) !== 90) return undefined;
  const south = Number(p.lat_0) < 0;
  const x0 = Number(p.x_0 ?? 0), y0 = Number(p.y_0 ?? 0), lon0 = Number(p.lon_0 ?? 0);
  const forward = proj4(LONLAT, crs);
  const rho_km: number[] = [], lat_deg: number[] = [];
  for (let k = 0; k <= 280; k++) {
    const lat = (south ? -1 : 1) * (90 - k * 0.25);
    const [x, y] = forward.forward([lon0, lat]);
    rho_km.push(Math.round(Math.hypot(x - x0, y - y0) / 10) / 100);
    lat_deg.push(lat);
  }
  return { lon0_deg: lon0, x0_km: x0 / 1000, y0_km: y0 / 1000, south, rho_km, lat_deg };
}

/** The chart of a cell's values over the periods, drawn in the page on a click (y, title and notes filled in there). */
function historyChart(periods: string[], units: string, variable: string, note: string): CellHistory['figure'] {
  return {
    data: [{ type: 'scatter', mode: 'lines+markers', x: periods, y: [], name: variable, line: { color: PALETTE[0], width: 2.5 },
      marker: { size: 8, color: PALETTE[0], line: { color: '#333', width: 1 } }, hovertemplate: `%{x}: %{y:.2f} ${units}<extra></extra>`, cliponaxis: false }],
    layout: {
      height: 380, margin: { l: 56, r: 16, t: 64, b: 136 }, paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff',
      font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', size: 12, color: '#222' },
      title: { text: 'Cell history', x: 0.02, xanchor: 'left', font: { size: 14 } },
      xaxis: { tickangle: -40, gridcolor: '#eee', type: 'category' }, yaxis: { title: { text: units }, gridcolor: '#eee' },
      showlegend: false,
      annotations: [{ name: 'note', text: note, xref: 'paper', yref: 'paper', x: 0, y: 0, xshift: -48, yshift: -84, xanchor: 'left', yanchor: 'top', showarrow: false, align: 'left', font: { size: 10, color: '#555' } }],
    },
  };
}

/** The block grid a map draws (`downsample` of mapFigure): block centres (km) and cells per block, of a grid in `crs` with `transform`. */
export interface BlockGrid {
  x: number[]; y: number[]; factor: number; crs: string; transform: Transform;
  /** Cells of the dataset's grid per cell of the grid drawn (a `ds.layers` grid of block means says so). Default 1. */
  source_factor?: number;
}

/**
 * Adds click-for-history to a map (`layout.meta.history`): the block grid, the values of each
 * period (`values`, or the z of trace 0 in the figure's frames when absent), lon/lat, regions and
 * the chart. `mapFigure` of several grids calls it; `trendMap` with `{ layers }`.
 * @example withCellHistory(fig, blocks, { periods: ds.periods.map((p) => p.label), value: 'magt_c', units: '°C' })
 */
export function withCellHistory(figure: Figure, blocks: BlockGrid, options: { periods: string[]; value: string; units: string; values?: (number | null)[][][] }): Figure {
  const { x, y, factor, transform } = blocks;
  const blockGrid = { width: x.length, height: y.length, crs: blocks.crs,
    transform: withTransform(transform, { pixel_width: transform.pixel_width * factor, pixel_height: transform.pixel_height * factor }) };
  const periods = options.periods;
  const source = blocks.source_factor ?? 1;
  const cell_km = Math.abs(transform.pixelWidth) / source / 1000;
  const variable = label(options.value);
  const note = `${variable}: block means of ${factor * source} × ${factor * source} cells<br>of ${cell_km} km, the values the map draws.<br>Sen's slope: the median of the ${periods.length * (periods.length - 1) / 2} pairwise slopes.`;
  let regions: CellHistory['regions'];
  try {
    const { labels } = regionLabels(blockGrid);
    regions = { codes: Array.from(labels, (l) => (l ? String.fromCharCode(96 + l) : '0')).join(''), names: REGIONS.map((r) => r.name) };
  } catch { /* a grid regions cannot be drawn on (another CRS): no region named */ }
  const history: CellHistory = {
    periods, units: options.units, variable, factor: factor * source, cell_km,
    grid: { x0_km: x[0], dx_km: x.length > 1 ? x[1] - x[0] : 1, y0_km: y[0], dy_km: y.length > 1 ? y[1] - y[0] : -1, width: x.length, height: y.length },
    ...(options.values ? { values: options.values } : {}),
    lonlat: latitudeTable(blocks.crs), regions,
    figure: historyChart(periods, options.units, variable, note),
  };
  const meta = (figure.layout?.meta ?? {}) as Record<string, unknown>;
  figure.layout = { ...figure.layout, meta: { ...meta, history }, clickmode: 'event' };
  return figure;
}
