import type { Figure } from './figure.js';
import { lonLatGrid } from '../grid/lonLat.js';
import { EPSG_3995 as CRS_3995 } from '../core/crs.js';
import { mapLayout, overlays } from './mapFigure.js';
import { DIVERGING, figure, type FigureOptions } from './style.js';
import { InputError, invalid } from '../errors.js';
import { isTable, requireSome, type TableLike } from './inputs.js';

/**
 * Residuals (predicted − observed) of a validation (`validate(…).matches`) as points on the polar
 * map, coloured on a diverging scale centred on 0, with coastlines and graticule.
 * @example show(residualMap(matches, { units: '°C', synthetic: ds.synthetic }))
 */
export function residualMap(matches: TableLike, options: FigureOptions & { units?: string; crs?: string } = {}): Figure {
  if (!isTable(matches)) throw new InputError(invalid('residualMap input', typeof matches, 'the matches of validate(…), an Arquero table'));
  const crs = options.crs ?? CRS_3995;
  const grid = lonLatGrid({ width: 1, height: 1, crs, transform: { originX: 0, originY: 0, pixelWidth: 1, pixelHeight: -1, rotationX: 0, rotationY: 0 } });
  const lon = matches.array('lon') as ArrayLike<number>, lat = matches.array('lat') as ArrayLike<number>;
  const obs = matches.array('observed') as ArrayLike<number>, pred = matches.array('predicted') as ArrayLike<number>;
  const site = matches.columnNames().includes('site_id') ? Array.from(matches.array('site_id'), String) : [];
  const x: number[] = [], y: number[] = [], r: number[] = [], text: string[] = [];
  for (let i = 0; i < lon.length; i++) {
    const d = pred[i] - obs[i];
    if (!Number.isFinite(d)) continue;
    const [px, py] = grid.fromLonLat(lon[i], lat[i]);
    x.push(px / 1000); y.push(py / 1000); r.push(d); text.push(site[i] ?? '');
  }
  requireSome(r.length, `a table of ${matches.numRows()} rows without a residual`, 'residualMap', 'stations with both an observed and a predicted value');
  const spread = Math.max(...r.map(Math.abs), 1e-9);
  const unit = options.units ?? '°C';
  const extent = { x0: -5200, x1: 5200, y0: -5200, y1: 5200 };
  const points = { type: 'scatter', mode: 'markers', x, y, text, name: 'residual',
    marker: { color: r, colorscale: DIVERGING, cmin: -spread, cmax: spread, size: 8, line: { width: 0.5, color: '#333' },
      colorbar: { title: { text: unit, side: 'right', font: { size: 12 } }, thickness: 14, len: 0.8, tickfont: { size: 11 } } },
    hovertemplate: `%{text}: %{marker.color:+.2f} ${unit}<extra></extra>` };
  return figure([...overlays(crs, extent, {}), points], mapLayout({ height: 640, title: 'Residuals at the stations',
    caption: `Colour: predicted − observed (${unit}) at each station.`, ...options }, extent), 'residualMap', options);
}
