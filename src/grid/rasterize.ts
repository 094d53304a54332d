import proj4 from 'proj4';
import { LONLAT } from '../geotiff/crs.js';
import type { GridInput } from './cellArea.js';
import { asTransform } from './geometry.js';

/** A ring of [x, y] vertices in the grid's CRS. */
export type Ring = [number, number][];

/** Fills rows of a grid from polygons. */
export interface PolygonRaster {
  /** 1 where the cell centre is inside (even-odd over all rings), 0 elsewhere, for `height` rows from `row`. */
  rows(row: number, height: number, out?: Uint8Array): Uint8Array;
  /** The inside of one row as runs of columns: `[from, to)` pairs in order (what `rows` fills with 1). */
  spans(row: number): number[];
}

interface Edge { y0: number; y1: number; x0: number; slope: number }

/**
 * Rasterizes polygons (rings in the grid's CRS) by scanlines through cell centres, even-odd over
 * all rings: holes stay empty, and rings cut at the antimeridian join up again because the
 * shared edge is crossed twice. Streaming: rows are filled on request, in any order.
 * @example const land = rasterizePolygons(rings, grid); const mask = land.rows(0, 256);
 */
export function rasterizePolygons(rings: Ring[], grid: GridInput): PolygonRaster {
  const t = asTransform(grid.transform);
  const edges: Edge[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[(i + 1) % ring.length];
      // to fractional pixel coordinates (column, row)
      const c1 = (ax - t.origin_x) / t.pixel_width, r1 = (ay - t.origin_y) / t.pixel_height;
      const c2 = (bx - t.origin_x) / t.pixel_width, r2 = (by - t.origin_y) / t.pixel_height;
      if (!Number.isFinite(c1 + r1 + c2 + r2) || r1 === r2) continue;
      const [top, bottom] = r1 < r2 ? [[c1, r1], [c2, r2]] : [[c2, r2], [c1, r1]];
      edges.push({ y0: top[1], y1: bottom[1], x0: top[0], slope: (bottom[0] - top[0]) / (bottom[1] - top[1]) });
    }
  }
  edges.sort((a, b) => a.y0 - b.y0);
  // For each edge, the first and last row whose centre it spans; buckets by first row.
  const buckets = new Map<number, Edge[]>();
  for (const e of edges) {
    const first = Math.max(0, Math.ceil(e.y0 - 0.5));
    if (first > grid.height - 1 || e.y1 <= first + 0.5) continue;
    const list = buckets.get(first) ?? [];
    list.push(e);
    buckets.set(first, list);
  }
  const starts = [...buckets.keys()].sort((a, b) => a - b);
  // Active edges span the centre of row `current`; rows are usually asked for in order.
  let active: Edge[] = [];
  let current = -1;
  let startIndex = 0;
  const advanceTo = (row: number): void => {
    if (row < current) { active = []; current = -1; startIndex = 0; }
    while (current < row) {
      current++;
      while (startIndex < starts.length && starts[startIndex] === current) active.push(...buckets.get(starts[startIndex++])!);
      const yc = current + 0.5;
      active = active.filter((e) => e.y1 > yc);
    }
  };

  const xs: number[] = [];
  const spans = (y: number): number[] => {
    const out: number[] = [];
    if (y < 0 || y >= grid.height) return out;
    advanceTo(y);
    const yc = y + 0.5;
    xs.length = 0;
    for (const e of active) if (e.y0 <= yc && e.y1 > yc) xs.push(e.x0 + (yc - e.y0) * e.slope);
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const from = Math.max(0, Math.ceil(xs[i] - 0.5));
      const to = Math.min(grid.width, Math.ceil(xs[i + 1] - 0.5));
      if (to > from) out.push(from, to);
    }
    return out;
  };
  return {
    rows(row, height, out = new Uint8Array(grid.width * height)) {
      out.fill(0);
      for (let r = 0; r < height; r++) {
        const runs = spans(row + r);
        for (let i = 0; i < runs.length; i += 2) out.fill(1, r * grid.width + runs[i], r * grid.width + runs[i + 1]);
      }
      return out;
    },
    spans,
  };

}

/** GeoJSON-like polygons and multipolygons in lon/lat. */
export interface PolygonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}

/**
 * Projects lon/lat polygon rings into a CRS, leaving out rings that lie wholly south of
 * `southOf_deg` (Antarctica's pole-wrapping ring cannot be drawn on a north polar grid).
 */
export function projectRings(geometries: PolygonGeometry[], crs: string, options: { southOf_deg?: number } = {}): Ring[] {
  const forward = proj4(LONLAT, crs);
  const limit = options.southOf_deg ?? -91;
  const lonLat = /\+proj=longlat\b/.test(crs);
  const rings: Ring[] = [];
  for (const g of geometries) {
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
    for (const polygon of polygons) {
      for (const ring of polygon) {
        if (ring.every(([, lat]) => lat < limit)) continue;
        const projected = ring.map(([lon, lat]) => forward.forward([lon, Math.max(lat, -89.9)]) as [number, number]);
        if (lonLat) rings.push(...unwrapped(projected));
        else rings.push(projected);
      }
    }
  }
  return rings;
}

/**
 * A lon/lat ring that crosses the antimeridian (a step of more than 180° between vertices), made
 * continuous (longitudes beyond ±180) and drawn twice, once shifted by 360°, so that each side of
 * the map gets its part; on a lon/lat grid the jump would otherwise cut across the whole map.
 */
function unwrapped(ring: Ring): Ring[] {
  let shift = 0;
  let crosses = false;
  const out: Ring = ring.map(([x, y], i) => {
    if (i > 0) {
      const step = x - ring[i - 1][0];
      if (step > 180) { shift -= 360; crosses = true; } else if (step < -180) { shift += 360; crosses = true; }
    }
    return [x + shift, y];
  });
  if (!crosses) return [ring];
  if (shift !== 0) return [ring]; // wraps around the pole: left as it is (no land ring does north of 45°N)
  const min = Math.min(...out.map(([x]) => x));
  const offset = min < -180 ? 360 : -360;
  return [out, out.map(([x, y]) => [x + offset, y] as [number, number])];
}
