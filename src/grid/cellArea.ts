import proj4 from 'proj4';
import { InputError, invalid } from '../errors.js';
import { parseProj4 } from '../geotiff/crs.js';
import { asTransform, type Transform, type TransformInput } from './geometry.js';

export { parseProj4 };

/** What computing cell areas needs from a raster or grid. */
export interface GridLike {
  width: number;
  height: number;
  transform: Transform;
  /** proj4 definition. */
  crs: string;
}

/** A grid as the public functions that take one accept it: the transform in either spelling (snake_case, or the deprecated camelCase). */
export type GridInput = Omit<GridLike, 'transform'> & { transform: TransformInput };

/**
 * The grid with its transform in both spellings (see asTransform).
 * @example asGrid({ width: 2, height: 2, crs, transform: { originX: 0, originY: 0, pixelWidth: 1, pixelHeight: -1, rotationX: 0, rotationY: 0 } }).transform.pixel_width // 1
 */
export function asGrid(input: GridInput): GridLike {
  return { width: input.width, height: input.height, crs: input.crs, transform: asTransform(input.transform) };
}

/** Cell areas of a grid, in km². */
export interface CellArea {
  /** How the areas are computed: `polar-stereographic` (exact point scale), `lon-lat` (exact ellipsoidal areas of lon/lat cells) or `corners` (numerical). */
  method: 'polar-stereographic' | 'lon-lat' | 'corners';
  /** True area of the cell at column `col`, row `row`, km². */
  at(col: number, row: number): number;
  /** Fills `out` (default a new array) with the areas of `width` cells of row `row` from column `col`. */
  row(row: number, col?: number, width?: number, out?: Float64Array): Float64Array;
}

interface Ellipsoid { a: number; e: number }

const ELLPS: Record<string, [number, number]> = {
  WGS84: [6378137, 298.257223563], GRS80: [6378137, 298.257222101], clrk66: [6378206.4, 294.978698213898],
  intl: [6378388, 297], krass: [6378245, 298.3], bessel: [6377397.155, 299.1528128], WGS72: [6378135, 298.26],
};

function ellipsoidOf(p: Record<string, string>): Ellipsoid | null {
  let a: number | undefined;
  let rf: number | undefined;
  if (p.R) return { a: Number(p.R), e: 0 };
  if (p.datum === 'WGS84' || p.datum === 'NAD83') [a, rf] = p.datum === 'WGS84' ? ELLPS.WGS84 : ELLPS.GRS80;
  if (p.ellps && ELLPS[p.ellps]) [a, rf] = ELLPS[p.ellps];
  if (p.a) a = Number(p.a);
  if (p.rf) rf = Number(p.rf);
  if (p.b && a !== undefined) rf = a / (a - Number(p.b));
  if (a === undefined) return null;
  if (rf === undefined || !Number.isFinite(rf) || rf === 0) return { a, e: 0 };
  const f = 1 / rf;
  return { a, e: Math.sqrt(2 * f - f * f) };
}

/**
 * Point scale factor k of polar stereographic at latitude `lat_deg` (Snyder 1987, Map Projections: k = (m_c/m)(t/t_c)
 * for variant B with standard parallel `latTs_deg`; k = 2 k0 t / (m √((1+e)^(1+e)(1−e)^(1−e)))
 * for variant A or a standard parallel at the pole).
 * @example polarStereographicScale(45, { latTs_deg: 71 }) // 1.1396… (a 1 km cell covers 0.770 km²)
 */
export function polarStereographicScale(lat_deg: number, options: { latTs_deg?: number; k0?: number; a?: number; e?: number } = {}): number {
  const e = options.e ?? 0.0818191908426215;
  const south = (options.latTs_deg ?? 90) < 0;
  const phi = ((south ? -lat_deg : lat_deg) * Math.PI) / 180;
  const m = (p: number) => Math.cos(p) / Math.sqrt(1 - e * e * Math.sin(p) ** 2);
  const t = (p: number) => Math.tan(Math.PI / 4 - p / 2) / ((1 - e * Math.sin(p)) / (1 + e * Math.sin(p))) ** (e / 2);
  const latTs = options.latTs_deg === undefined ? 90 : Math.abs(options.latTs_deg);
  if (latTs === 90) {
    const k0 = options.k0 ?? 1;
    if (Math.abs(phi - Math.PI / 2) < 1e-12) return k0;
    return (2 * k0 * t(phi)) / (m(phi) * Math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e)));
  }
  const c = (latTs * Math.PI) / 180;
  if (Math.abs(phi - Math.PI / 2) < 1e-12) {
    // at the pole: limit of (m_c/m)(t/t_c) = m_c √((1+e)^(1+e)(1−e)^(1−e)) / (2 t_c)
    return (m(c) * Math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e))) / (2 * t(c));
  }
  return (m(c) / m(phi)) * (t(phi) / t(c));
}

/**
 * True cell areas of a grid from its projection. Polar stereographic grids (any standard parallel,
 * variant A or B, either pole) use the exact point scale factor at the cell centre: area =
 * pixel area / k². Other projections fall back to projecting the cell's corners into a
 * cylindrical equal-area projection on the same ellipsoid and measuring the quadrilateral.
 * @example const area = cellArea(raster); area.at(5150, 5150) // ≈ 1.057 km² at the pole of a 1 km EPSG:3995 grid
 */
export function cellArea(input: GridInput): CellArea {
  const grid = asGrid(input);
  const p = parseProj4(grid.crs);
  if (!grid.crs) throw new InputError(invalid('crs', '', 'a CRS: cell areas need to know the projection'));
  const t = grid.transform;
  const earth = ellipsoidOf(p);
  const units = p.units === undefined || p.units === 'm' ? 1 : p.to_meter ? Number(p.to_meter) : NaN;
  if (p.proj === 'stere' && earth && Math.abs(Number(p.lat_0)) === 90 && t.rotation_x === 0 && t.rotation_y === 0 && units === 1) {
    return polarArea(grid, p, earth);
  }
  return cornerArea(grid, p);
}

function polarArea(grid: GridLike, p: Record<string, string>, { a, e }: Ellipsoid): CellArea {
  const t = grid.transform;
  const south = Number(p.lat_0) < 0;
  const latTs = p.lat_ts !== undefined ? Number(p.lat_ts) : south ? -90 : 90;
  const k0 = p.k !== undefined ? Number(p.k) : p.k_0 !== undefined ? Number(p.k_0) : 1;
  const x0 = Number(p.x_0 ?? 0);
  const y0 = Number(p.y_0 ?? 0);
  const pixel_km2 = Math.abs(t.pixel_width * t.pixel_height) / 1e6;
  // ρ (distance from the pole on the map) as a function of latitude, inverted by a table: k
  // depends on ρ alone. Table in ρ², linear interpolation; error below 1e-9 relative.
  const scale = (lat: number) => polarStereographicScale(lat, { latTs_deg: latTs, k0, e });
  const rhoOf = (lat: number): number => {
    const phi = ((south ? -lat : lat) * Math.PI) / 180;
    const tt = Math.tan(Math.PI / 4 - phi / 2) / ((1 - e * Math.sin(phi)) / (1 + e * Math.sin(phi))) ** (e / 2);
    const kk = scale(lat);
    const m = Math.cos(phi) / Math.sqrt(1 - e * e * Math.sin(phi) ** 2);
    return phi >= Math.PI / 2 - 1e-12 ? 0 : a * m * kk * (tt === 0 ? 0 : 1);
  };
  // furthest corner from the pole bounds the table
  const xs = [t.origin_x, t.origin_x + grid.width * t.pixel_width].map((x) => x - x0);
  const ys = [t.origin_y, t.origin_y + grid.height * t.pixel_height].map((y) => y - y0);
  const maxRho2 = Math.max(...xs.map((x) => x * x)) + Math.max(...ys.map((y) => y * y));
  // sample latitudes from the pole outward until ρ passes the furthest corner (or the equator)
  const lats: number[] = [];
  const rho2: number[] = [];
  const inv: number[] = [];
  for (let i = 0; ; i++) {
    const lat = 90 - i * 0.002;
    const r = rhoOf(south ? -lat : lat);
    lats.push(lat);
    rho2.push(r * r);
    inv.push(1 / scale(south ? -lat : lat) ** 2);
    if (r * r > maxRho2 || lat <= -89) break;
  }
  // resample onto a uniform grid in ρ² for O(1) lookups
  const n = 1 << 16;
  const step = rho2[rho2.length - 1] / (n - 1);
  const table = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const r2 = i * step;
    while (j < rho2.length - 2 && rho2[j + 1] < r2) j++;
    const f = (r2 - rho2[j]) / (rho2[j + 1] - rho2[j] || 1);
    table[i] = inv[j] + f * (inv[j + 1] - inv[j]);
  }
  const lookup = (r2: number): number => {
    const f = r2 / step;
    const i = Math.min(Math.floor(f), n - 2);
    const w = f - i;
    return table[i] + w * (table[i + 1] - table[i]);
  };
  const at = (col: number, row: number) => {
    const x = t.origin_x + (col + 0.5) * t.pixel_width - x0;
    const y = t.origin_y + (row + 0.5) * t.pixel_height - y0;
    return pixel_km2 * lookup(x * x + y * y);
  };
  return {
    method: 'polar-stereographic',
    at,
    row(row, col = 0, width = grid.width - col, out = new Float64Array(width)) {
      const y = t.origin_y + (row + 0.5) * t.pixel_height - y0;
      const y2 = y * y;
      for (let i = 0; i < width; i++) {
        const x = t.origin_x + (col + i + 0.5) * t.pixel_width - x0;
        out[i] = pixel_km2 * lookup(x * x + y2);
      }
      return out;
    },
  };
}

function cornerArea(grid: GridLike, p: Record<string, string>): CellArea {
  const t = grid.transform;
  const { a, e } = ellipsoidOf(p) ?? { a: 6378137, e: 0.0818191908426215 };
  const earth = e === 0 ? `+R=${a}` : `+a=${a} +rf=${1 / (1 - Math.sqrt(1 - e * e))}`;
  if (p.proj === 'longlat' && t.rotation_x === 0 && t.rotation_y === 0) return lonLatArea(grid, a, e);
  // Corners go to an ellipsoidal Lambert azimuthal equal-area projection centred on the grid,
  // where the cell is measured as a quadrilateral (proj4js has no ellipsoidal cea, and its
  // ellipsoidal laea gives NaN unless x_0 and y_0 are spelled out).
  const lonLat = `+proj=longlat ${earth} +no_defs`;
  const toLonLat = proj4(grid.crs, lonLat);
  const [lon0, lat0] = toLonLat.forward([t.origin_x + (grid.width / 2) * t.pixel_width + (grid.height / 2) * t.rotation_x,
    t.origin_y + (grid.width / 2) * t.rotation_y + (grid.height / 2) * t.pixel_height]);
  const toLaea = proj4(lonLat, `+proj=laea +lat_0=${lat0} +lon_0=${lon0} +x_0=0 +y_0=0 ${earth} +units=m +no_defs`);
  const corner = (col: number, row: number): [number, number] => {
    const xy: [number, number] = [t.origin_x + col * t.pixel_width + row * t.rotation_x, t.origin_y + col * t.rotation_y + row * t.pixel_height];
    return toLaea.forward(toLonLat.forward(xy)) as [number, number];
  };
  const at = (col: number, row: number) => {
    const q = [corner(col, row), corner(col + 1, row), corner(col + 1, row + 1), corner(col, row + 1)];
    if (q.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return NaN;
    let twice = 0;
    for (let i = 0; i < 4; i++) twice += q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1];
    return Math.abs(twice) / 2 / 1e6;
  };
  return { method: 'corners', at, row: rowOf(grid, at) };
}

/** Exact areas of lon/lat cells: a²·Δλ·(q(φ₂) − q(φ₁))/2 with the authalic q of the ellipsoid. */
function lonLatArea(grid: GridLike, a: number, e: number): CellArea {
  const t = grid.transform;
  const rad = Math.PI / 180;
  const q = (lat: number) => {
    const s = Math.sin(Math.max(-90, Math.min(90, lat)) * rad);
    if (e === 0) return 2 * s;
    return (1 - e * e) * (s / (1 - e * e * s * s) - Math.log((1 - e * s) / (1 + e * s)) / (2 * e));
  };
  // every cell of a row has the same area: one value per row, computed once
  const byRow = new Float64Array(grid.height).fill(NaN);
  const at = (_col: number, row: number) => {
    if (row >= 0 && row < grid.height && byRow[row] === byRow[row]) return byRow[row];
    const lat1 = t.origin_y + row * t.pixel_height;
    const lat2 = lat1 + t.pixel_height;
    const area = ((a / 1000) ** 2 * Math.abs(t.pixel_width * rad) * Math.abs(q(lat2) - q(lat1))) / 2;
    if (row >= 0 && row < grid.height) byRow[row] = area;
    return area;
  };
  return {
    method: 'lon-lat', at,
    row(row, col = 0, width = grid.width - col, out = new Float64Array(width)) { return out.fill(at(col, row), 0, width); },
  };
}

function rowOf(grid: GridLike, at: (col: number, row: number) => number): CellArea['row'] {
  return (row, col = 0, width = grid.width - col, out = new Float64Array(width)) => {
    for (let i = 0; i < width; i++) out[i] = at(col + i, row);
    return out;
  };
}
