import proj4 from 'proj4';
import { LONLAT } from '../geotiff/crs.js';
import { asGrid, parseProj4, type GridInput } from './cellArea.js';

/** Longitudes and latitudes of cell centres, row by row. */
export interface LonLatGrid {
  /** Fills `lon` and `lat` (degrees) for `width` cells of `row` starting at `col`. */
  row(row: number, col: number, width: number, lon: Float64Array, lat: Float64Array): void;
  /** Fills `lat` only (degrees): for latitude bands, without the cost of longitudes. */
  latRow(row: number, col: number, width: number, lat: Float64Array): void;
  /** Projected → lon/lat for any point. */
  toLonLat(x: number, y: number): [number, number];
  /** lon/lat → projected. */
  fromLonLat(lon: number, lat: number): [number, number];
}

/**
 * Cell-centre longitudes and latitudes of a grid. Polar stereographic grids use the exact
 * relations λ = λ₀ ± atan2(x, ∓y) and a latitude table in ρ (the distance from the pole): millions
 * of cells a second; other projections go through proj4.
 */
export function lonLatGrid(input: GridInput): LonLatGrid {
  const grid = asGrid(input);
  const forward = proj4(LONLAT, grid.crs);
  const toLonLat = (x: number, y: number) => forward.inverse([x, y]) as [number, number];
  const fromLonLat = (lon: number, lat: number) => forward.forward([lon, lat]) as [number, number];
  const t = grid.transform;
  const p = parseProj4(grid.crs);
  const polar = p.proj === 'stere' && Math.abs(Number(p.lat_0)) === 90 && t.rotation_x === 0 && t.rotation_y === 0;
  if (p.proj === 'longlat' && !p.pm && t.rotation_x === 0 && t.rotation_y === 0) {
    // a lon/lat grid: the coordinates are the longitudes and latitudes
    return {
      toLonLat, fromLonLat,
      row(row, col, width, lon, lat) {
        const y = t.origin_y + (row + 0.5) * t.pixel_height;
        for (let i = 0; i < width; i++) { lon[i] = t.origin_x + (col + i + 0.5) * t.pixel_width; lat[i] = y; }
      },
      latRow(row, _col, width, lat) { lat.fill(t.origin_y + (row + 0.5) * t.pixel_height, 0, width); },
    };
  }
  if (!polar) {
    return {
      toLonLat, fromLonLat,
      row(row, col, width, lon, lat) {
        const y = t.origin_y + (row + 0.5) * t.pixel_height;
        for (let i = 0; i < width; i++) {
          const [a, b] = toLonLat(t.origin_x + (col + i + 0.5) * t.pixel_width, y);
          lon[i] = a;
          lat[i] = b;
        }
      },
      latRow(row, col, width, lat) {
        const y = t.origin_y + (row + 0.5) * t.pixel_height;
        for (let i = 0; i < width; i++) lat[i] = toLonLat(t.origin_x + (col + i + 0.5) * t.pixel_width, y)[1];
      },
    };
  }
  const south = Number(p.lat_0) < 0;
  const lon0 = Number(p.lon_0 ?? 0);
  const x0 = Number(p.x_0 ?? 0);
  const y0 = Number(p.y_0 ?? 0);
  // latitude as a function of ρ: tabulated from PROJ's own forward projection along the meridian
  const corners = [t.origin_x, t.origin_x + grid.width * t.pixel_width].flatMap((x) => [t.origin_y, t.origin_y + grid.height * t.pixel_height].map((y) => Math.hypot(x - x0, y - y0)));
  const maxRho = Math.max(...corners) * 1.001 + 1;
  const n = 1 << 15;
  const step = maxRho / (n - 1);
  const table = new Float64Array(n);
  const rhoOf = (lat: number) => { const [x, y] = fromLonLat(lon0, lat); return Math.hypot(x - x0, y - y0); };
  let lat = south ? -90 : 90;
  const dl = south ? 0.001 : -0.001;
  let r0 = 0;
  for (let i = 0; i < n; i++) {
    const rho = i * step;
    let r1 = rhoOf(lat + dl);
    while (r1 < rho && Math.abs(lat) > 0.01) { lat += dl; r0 = r1; r1 = rhoOf(lat + dl); }
    table[i] = lat + (dl * (rho - r0)) / (r1 - r0 || 1);
  }
  const latitude = (rho: number) => {
    const f = rho / step;
    const i = Math.min(Math.floor(f), n - 2);
    return table[i] + (f - i) * (table[i + 1] - table[i]);
  };
  const deg = 180 / Math.PI;
  return {
    toLonLat, fromLonLat,
    row(row, col, width, lonOut, latOut) {
      const y = t.origin_y + (row + 0.5) * t.pixel_height - y0;
      for (let i = 0; i < width; i++) {
        const x = t.origin_x + (col + i + 0.5) * t.pixel_width - x0;
        latOut[i] = latitude(Math.sqrt(x * x + y * y));
        let l = lon0 + (south ? Math.atan2(x, y) : Math.atan2(x, -y)) * deg;
        if (l > 180) l -= 360;
        else if (l <= -180) l += 360;
        lonOut[i] = l;
      }
    },
    latRow(row, col, width, latOut) {
      const y = t.origin_y + (row + 0.5) * t.pixel_height - y0;
      for (let i = 0; i < width; i++) {
        const x = t.origin_x + (col + i + 0.5) * t.pixel_width - x0;
        latOut[i] = latitude(Math.sqrt(x * x + y * y));
      }
    },
  };
}
