import { InputError, invalid } from '../errors.js';
import { LONLAT } from '../geotiff/crs.js';
import { makeTransform } from '../geotiff/rasterNames.js';
import type { GridLike } from './cellArea.js';
import { lonLatGrid } from './lonLat.js';

/** Options of {@link lonLatTarget}. */
export interface LonLatTargetOptions {
  /** Cell size in degrees of longitude and latitude (required), such as 0.05. */
  resolution_deg: number;
  /** Southern edge. Default 45. */
  south_deg?: number;
  /** Northern edge. Default 90. */
  north_deg?: number;
  /** Western edge. Default −180. */
  west_deg?: number;
  /** Eastern edge. Default 180. */
  east_deg?: number;
}

/**
 * A longitude/latitude grid on WGS 84 (EPSG:4326), north up, as a regrid target: edges snapped
 * outward to whole cells.
 * @example await ds.regrid(lonLatTarget({ resolution_deg: 0.05, south_deg: 45 }))
 */
export function lonLatTarget(options: LonLatTargetOptions): GridLike {
  const r = options.resolution_deg;
  if (!(r > 0 && r <= 10)) throw new InputError(invalid('resolution_deg', r, 'degrees above 0, at most 10, such as 0.05'));
  const south = options.south_deg ?? 45, north = options.north_deg ?? 90, west = options.west_deg ?? -180, east = options.east_deg ?? 180;
  if (!(south >= -90 && north <= 90 && south < north)) throw new InputError(invalid('latitudes', `${south} to ${north}`, 'south below north, within −90 to 90'));
  if (!(west >= -180 && east <= 180 && west < east)) throw new InputError(invalid('longitudes', `${west} to ${east}`, 'west below east, within −180 to 180'));
  const snap = (v: number, up: boolean) => { const k = v / r; const n = Math.abs(k - Math.round(k)) < 1e-9 ? Math.round(k) : up ? Math.ceil(k) : Math.floor(k); return n * r; };
  const w = snap(west, false), e = Math.min(180, snap(east, true)), s = Math.max(-90, snap(south, false)), n = Math.min(90, snap(north, true));
  return {
    width: Math.round((e - w) / r), height: Math.round((n - s) / r), crs: LONLAT,
    transform: makeTransform({ origin_x: w, origin_y: n, pixel_width: r, pixel_height: -r, rotation_x: 0, rotation_y: 0 }),
  };
}

/** The lowest latitude on a grid's outline (its edges sampled every cell), in degrees: where a lon/lat copy of it must start. */
export function southernmostLatitude(grid: GridLike): number {
  const ll = lonLatGrid(grid);
  const t = grid.transform;
  let min = 90;
  const at = (c: number, r: number) => {
    const lat = ll.toLonLat(t.origin_x + c * t.pixel_width + r * t.rotation_x, t.origin_y + c * t.rotation_y + r * t.pixel_height)[1];
    if (lat < min) min = lat;
  };
  for (let c = 0; c <= grid.width; c++) { at(c, 0); at(c, grid.height); }
  for (let r = 0; r <= grid.height; r++) { at(0, r); at(grid.width, r); }
  return min;
}
