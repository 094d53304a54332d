import type { Figure } from './figure.js';
import { asTransform } from '../grid/geometry.js';
import type { TrendResult } from '../dataset/openDataset.js';
import { VARIABLES } from '../dataset/discover.js';
import { downsample, mapFigure, type MapFigureOptions, type MapGrid } from './mapFigure.js';
import { withCellHistory } from './cellHistory.js';
import { cellsAcrossOf } from '../grid/blockFactor.js';

/** Options of {@link trendMap}. */
export interface TrendMapOptions extends MapFigureOptions {
  /** The periods' grids (`await ds.layers(variable, { max_cells_across: 200 })`): a click on a cell then shows its values over the periods beside the map. */
  layers?: MapGrid[];
}

/**
 * Sen's slope per decade (`ds.trend`) as a map, diverging around 0; cells whose trend is not
 * significant are grey. Given the periods' `layers`, a click on a cell shows its values over the
 * periods beside the map.
 * @example show(trendMap(await ds.trend('magt', { fdr: true }), { layers: await ds.layers('magt', { max_cells_across: 200 }) }))
 */
export function trendMap(trend: TrendResult, options: TrendMapOptions = {}): Figure {
  const n = trend.slope_per_decade.length;
  const significant = new Float32Array(n);
  const notSignificant = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = trend.slope_per_decade[i];
    significant[i] = trend.significant[i] ? s : NaN;
    notSignificant[i] = s === s ? (trend.significant[i] ? 0 : 1) : NaN; // block means: the share not significant
  }
  const unit = `${VARIABLES[trend.variable].unit}/decade`;
  const blocks = Math.max(trend.grid.width, trend.grid.height) > (cellsAcrossOf(options) ?? 1200);
  const fig = mapFigure({ ...trend.grid, values: significant }, {
    title: `Trend in ${VARIABLES[trend.variable].title} (Sen's slope)`, value: 'trend', units: unit, colorscale: 'diverging', zmid: 0,
    caption: `Grey: no significant trend (Mann–Kendall${trend.fdr ? ', false discovery rate' : ''} ${trend.alpha})${blocks ? ' in most cells of the block; colours: the mean trend of its significant cells' : ''}.`, ...options,
  });
  const grey = downsample({ ...trend.grid, values: notSignificant }, cellsAcrossOf(options) ?? 1200);
  const heatmap = fig.data[0] as { x: number[]; y: number[] };
  fig.data.splice(1, 0, { type: 'heatmap', x: heatmap.x, y: heatmap.y, z: grey.z.map((row) => row.map((v) => (v !== null && v >= 0.5 ? 1 : null))),
    colorscale: [[0, '#c8c8c8'], [1, '#c8c8c8']], showscale: false, hoverongaps: false, hovertemplate: 'not significant<extra></extra>', name: 'not significant' });
  fig.data.push({ type: 'scatter', x: [null], y: [null], mode: 'markers', name: 'No significant trend', showlegend: true, hoverinfo: 'skip',
    marker: { symbol: 'square', size: 13, color: '#c8c8c8', line: { color: '#555', width: 0.5 } } });
  // the key of the grey cells at the top right, the colour bar under it
  fig.layout = { ...fig.layout, showlegend: true };
  const bar = fig.data[0] as { colorbar: Record<string, unknown> };
  bar.colorbar = { ...bar.colorbar, y: 0, yanchor: 'bottom', len: 0.62 };
  if (fig.source) fig.source.builder = 'trendMap';
  const layers = options.layers ?? [];
  if (layers.length === 0) return fig;
  const periodBlocks = layers.map((l) => downsample(l, 200));
  const values = periodBlocks.map((b) => b.z.map((row) => row.map((v) => (v === null ? null : Math.round(v * 100) / 100))));
  return withCellHistory(fig, { ...periodBlocks[0], crs: layers[0].crs, transform: asTransform(layers[0].transform), source_factor: (layers[0] as { factor?: number }).factor },
    { periods: layers.map((l, i) => l.period ?? `${i + 1}`), value: VARIABLES[trend.variable].column, units: VARIABLES[trend.variable].unit, values });
}
