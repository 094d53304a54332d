import proj4 from 'proj4';
import { parseProj4, type GridLike } from './cellArea.js';

/**
 * Where points of one grid fall on another: fractional pixel coordinates (column, row; 0 at the
 * top-left corner) on `to` of points given in fractional pixel coordinates of `from`.
 */
export interface PixelMap {
  /** True when the two grids share a CRS and no rotation: the map is an axis-aligned affine one (exact, no projection). */
  affine: boolean;
  /**
   * Fills `x` and `y` with the pixel coordinates on `to` of the points (`c0 + i × step`, `row`) of
   * `from`, for `count` points; NaN where the point cannot be projected.
   */
  row(row: number, c0: number, step: number, count: number, x: Float64Array, y: Float64Array): void;
  /** Columns of `to` across 360° of longitude when `to` is a global lon/lat grid (for wrapping), else 0. */
  wrap: number;
}

/** True when two proj4 definitions name the same CRS (same parameters, in any order). */
export function sameCrs(a: string, b: string): boolean {
  const pa = parseProj4(a);
  const pb = parseProj4(b);
  const keys = new Set([...Object.keys(pa), ...Object.keys(pb)].filter((k) => k !== 'no_defs' && k !== 'type'));
  const norm = (p: Record<string, string>, k: string) => {
    const v = p[k] ?? (['x_0', 'y_0', 'lon_0', 'lat_0'].includes(k) ? '0' : k === 'units' ? 'm' : k === 'k' || k === 'k_0' ? '1' : undefined);
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? String(Number(v)) : v;
  };
  for (const k of keys) if (norm(pa, k) !== norm(pb, k)) return false;
  return true;
}

/**
 * The map from the pixels of `from` to the pixels of `to`: affine when they share a CRS, else
 * through proj4 (`from` → lon/lat → `to`).
 * @example pixelMap(source.grid, target).row(0, 0, 1, source.grid.width + 1, x, y) // corners of row 0 on the target
 */
export function pixelMap(from: GridLike, to: GridLike): PixelMap {
  const f = from.transform;
  const t = to.transform;
  const p = parseProj4(to.crs);
  const lonLatTo = p.proj === 'longlat' && t.rotation_x === 0 && t.rotation_y === 0;
  const wrap = lonLatTo && Math.abs(to.width * t.pixel_width) >= 359.999 ? Math.round(360 / Math.abs(t.pixel_width)) : 0;
  const noRotation = f.rotation_x === 0 && f.rotation_y === 0 && t.rotation_x === 0 && t.rotation_y === 0;
  if (noRotation && sameCrs(from.crs, to.crs)) {
    return {
      affine: true, wrap,
      row(row, c0, step, count, x, y) {
        const Y = f.origin_y + row * f.pixel_height;
        const ry = (Y - t.origin_y) / t.pixel_height;
        for (let i = 0; i < count; i++) {
          x[i] = (f.origin_x + (c0 + i * step) * f.pixel_width - t.origin_x) / t.pixel_width;
          y[i] = ry;
        }
      },
    };
  }
  const convert = proj4(from.crs, to.crs);
  const det = t.pixel_width * t.pixel_height - t.rotation_x * t.rotation_y;
  return {
    affine: false, wrap,
    row(row, c0, step, count, x, y) {
      for (let i = 0; i < count; i++) {
        const c = c0 + i * step;
        const X = f.origin_x + c * f.pixel_width + row * f.rotation_x;
        const Y = f.origin_y + c * f.rotation_y + row * f.pixel_height;
        let out: number[];
        try { out = convert.forward([X, Y]) as number[]; } catch { out = [NaN, NaN]; }
        const dx = out[0] - t.origin_x;
        const dy = out[1] - t.origin_y;
        if (!Number.isFinite(dx) || !Number.isFinite(dy)) { x[i] = NaN; y[i] = NaN; continue; }
        x[i] = (t.pixel_height * dx - t.rotation_x * dy) / det;
        y[i] = (-t.rotation_y * dx + t.pixel_width * dy) / det;
        if (wrap) x[i] = ((x[i] % wrap) + wrap) % wrap;
      }
    },
  };
}
