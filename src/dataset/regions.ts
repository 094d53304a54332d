import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { InputError, invalid } from '../errors.js';
import type { GridLike } from '../grid/cellArea.js';
import { lonLatGrid } from '../grid/lonLat.js';
import { projectRings, rasterizePolygons, type PolygonGeometry } from '../grid/rasterize.js';

/** A named region: Natural Earth countries (world-atlas, 50 m), cut by meridians where needed. */
export interface RegionDefinition {
  id: string;
  name: string;
  /** ISO 3166 numeric codes, as world-atlas names its countries. */
  countries: string[];
  /** Longitude ranges [west, east) that keep the cell (all when absent). */
  lon?: [number, number][];
}

/** The regional breakdown of DOMAIN.md. */
export const REGIONS: RegionDefinition[] = [
  { id: 'alaska', name: 'Alaska', countries: ['840'], lon: [[-180, -129]] },
  { id: 'canada', name: 'Canada', countries: ['124'] },
  { id: 'greenland', name: 'Greenland', countries: ['304'] },
  { id: 'fennoscandia', name: 'Fennoscandia', countries: ['578', '752', '246'] },
  { id: 'european_russia', name: 'European Russia', countries: ['643'], lon: [[19, 60]] },
  { id: 'west_siberia', name: 'West Siberia', countries: ['643'], lon: [[60, 90]] },
  { id: 'central_siberia', name: 'Central Siberia', countries: ['643'], lon: [[90, 120]] },
  { id: 'east_siberia', name: 'East Siberia', countries: ['643'], lon: [[120, 180.0001], [-180, -160]] },
  { id: 'mongolia', name: 'Mongolia', countries: ['496'] },
  { id: 'china', name: 'China', countries: ['156'] },
  { id: 'kazakhstan', name: 'Kazakhstan', countries: ['398'] },
];

/** Region labels of every cell: 0 none, i + 1 for REGIONS[i]. */
export interface RegionLabels {
  labels: Uint8Array;
  ids: string[];
  /** Cells of each region (index = label). */
  counts: number[];
}

const cache = new Map<string, RegionLabels>();

/**
 * The named regions rasterized on a grid (cell centres), once per grid and cached.
 * @example const { labels, ids } = regionLabels(ds.grid); ids[labels[i] - 1] // 'alaska'
 */
export function regionLabels(grid: GridLike): RegionLabels {
  const key = JSON.stringify([grid.width, grid.height, grid.transform, grid.crs]);
  const hit = cache.get(key);
  if (hit) return hit;
  const require = createRequire(import.meta.url);
  const topo = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const codes = [...new Set(REGIONS.flatMap((r) => r.countries))];
  const rasters = new Map(codes.map((code) => {
    const g = topo.objects.countries.geometries.find((c) => c.id === code);
    if (!g) throw new Error(`world-atlas has no country ${code}`);
    const geometry = (feature(topo, g) as unknown as { geometry: PolygonGeometry }).geometry;
    return [code, rasterizePolygons(projectRings([geometry], grid.crs, { southOf_deg: 0 }), grid)] as const;
  }));
  const labels = new Uint8Array(grid.width * grid.height);
  const counts = new Array(REGIONS.length + 1).fill(0);
  const lonlat = lonLatGrid(grid);
  const lon = new Float64Array(grid.width);
  const lat = new Float64Array(grid.width);
  const rows = new Map<string, Uint8Array>();
  for (let row = 0; row < grid.height; row++) {
    for (const [code, raster] of rasters) rows.set(code, raster.rows(row, 1));
    lonlat.row(row, 0, grid.width, lon, lat);
    const base = row * grid.width;
    REGIONS.forEach((region, r) => {
      for (const code of region.countries) {
        const inside = rows.get(code)!;
        for (let c = 0; c < grid.width; c++) {
          if (!inside[c] || labels[base + c]) continue;
          if (region.lon && !region.lon.some(([w, e]) => lon[c] >= w && lon[c] < e)) continue;
          labels[base + c] = r + 1;
          counts[r + 1]++;
        }
      }
    });
  }
  const result = { labels, ids: REGIONS.map((r) => r.id), counts };
  cache.set(key, result);
  return result;
}

/** A GeoJSON polygon, multipolygon or feature in lon/lat. */
export type GeoJsonArea = PolygonGeometry | { type: 'Feature'; geometry: PolygonGeometry } | { type: 'FeatureCollection'; features: { geometry: PolygonGeometry }[] };

/**
 * A region as a mask of the grid: a named region's id, or a GeoJSON polygon in lon/lat.
 * @example regionMask(grid, 'alaska')
 */
export function regionMask(grid: GridLike, region: string | GeoJsonArea): Uint8Array {
  if (typeof region === 'string') {
    const index = REGIONS.findIndex((r) => r.id === region.toLowerCase().replace(/[\s-]+/g, '_'));
    if (index < 0) throw new InputError(invalid('region', region, REGIONS.map((r) => r.id).join(', ') + ', or a GeoJSON polygon'));
    const { labels } = regionLabels(grid);
    return Uint8Array.from(labels, (l) => (l === index + 1 ? 1 : 0));
  }
  const geometries: PolygonGeometry[] = region.type === 'Feature' ? [region.geometry]
    : region.type === 'FeatureCollection' ? region.features.map((f) => f.geometry) : [region];
  for (const g of geometries) {
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) throw new InputError(invalid('region geometry', g?.type, 'Polygon or MultiPolygon in lon/lat'));
  }
  return rasterizePolygons(projectRings(geometries, grid.crs, { southOf_deg: -80 }), grid).rows(0, grid.height);
}
