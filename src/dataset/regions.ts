import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { InputError, invalid } from '../errors.js';
import type { GridLike } from '../grid/cellArea.js';
import { lonLatGrid } from '../grid/lonLat.js';
import { mapArray } from '../grid/mapArray.js';
import { projectRings, rasterizePolygons, type PolygonGeometry } from '../grid/rasterize.js';
import type { Window } from '../geotiff/openRaster.js';
import { closest } from './lookup.js';

/** A named region: Natural Earth countries (world-atlas, 50 m), cut by meridians where needed. */
export interface RegionDefinition {
  id: string;
  name: string;
  /** ISO 3166 numeric codes, as world-atlas names its countries. */
  countries: string[];
  /** Longitude ranges [west, east) that keep the cell (all when absent). */
  lon?: [number, number][];
}

/** The regional breakdown of the product's literature (Obu et al. 2019; Ran et al. 2022): countries, Russia cut at 60°, 90° and 120°E. */
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
  const key = gridKey(grid);
  const hit = cache.get(key);
  if (hit) return hit;
  const result = fromDisk(grid, key) ?? toDisk(grid, key, rasterizeRegions(grid, REGIONS));
  cache.set(key, result);
  return result;
}

/**
 * Where rasterized region labels are kept between processes: `$PERMAFROST_CACHE/regions`, else
 * `~/.cache/permafrost-lab/regions`; never in a data folder. One file per grid (its size,
 * transform and CRS, and the region definitions, hashed).
 */
export function regionCacheFile(grid: GridLike, key = gridKey(grid)): string {
  const base = process.env.PERMAFROST_CACHE ?? join(homedir(), '.cache', 'permafrost-lab');
  const hash = createHash('sha256').update(key).update(JSON.stringify(REGIONS)).update('world-atlas countries-50m v2')
    .update(/\+proj=longlat\b/.test(grid.crs) ? ' rings unwrapped at the antimeridian' : '').digest('hex').slice(0, 20);
  return join(base, 'regions', `labels-${grid.width}x${grid.height}-${hash}.u8`);
}

function fromDisk(grid: GridLike, key: string): RegionLabels | null {
  const file = regionCacheFile(grid, key);
  try {
    if (!existsSync(file) || statSync(file).size !== grid.width * grid.height) return null;
    const labels = new Uint8Array(readFileSync(file));
    const counts = new Array(REGIONS.length + 1).fill(0);
    for (let i = 0; i < labels.length; i++) if (labels[i]) counts[labels[i]]++;
    return { labels, ids: REGIONS.map((r) => r.id), counts };
  } catch {
    return null; // unreadable cache: rasterize again
  }
}

function toDisk(grid: GridLike, key: string, result: RegionLabels): RegionLabels {
  const file = regionCacheFile(grid, key);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, result.labels);
    renameSync(temporary, file);
  } catch {
    // a read-only home: the labels stay cached in this process only
  }
  return result;
}

function gridKey(grid: GridLike): string {
  return JSON.stringify([grid.width, grid.height, grid.transform, grid.crs]);
}

/** Labels 1…n for the given regions (in order), 0 elsewhere. */
function rasterizeRegions(grid: GridLike, regions: RegionDefinition[]): RegionLabels {
  const require = createRequire(import.meta.url);
  const topo = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const codes = [...new Set(regions.flatMap((r) => r.countries))];
  const rasters = new Map(codes.map((code) => {
    const g = topo.objects.countries.geometries.find((c) => c.id === code);
    if (!g) throw new Error(`world-atlas has no country ${code}`);
    const geometry = (feature(topo, g) as unknown as { geometry: PolygonGeometry }).geometry;
    return [code, rasterizePolygons(projectRings([geometry], grid.crs, { southOf_deg: 0 }), grid)] as const;
  }));
  const labels = new Uint8Array(grid.width * grid.height);
  const counts = new Array(regions.length + 1).fill(0);
  const lonlat = lonLatGrid(grid);
  const lon = new Float64Array(grid.width);
  const lat = new Float64Array(grid.width);
  // Each country's regions, in order, as flat [west, east, label] ranges (a region without one
  // takes the whole country: −∞ to ∞); a country of one such region needs no longitude.
  const byCountry = codes.map((code) => {
    const ranges: number[] = [];
    regions.forEach((r, i) => {
      if (!r.countries.includes(code)) return;
      for (const [w, e] of r.lon ?? [[-Infinity, Infinity]]) ranges.push(w, e, i + 1);
    });
    return { raster: rasters.get(code)!, ranges, whole: ranges.length === 3 && ranges[0] === -Infinity ? ranges[2] : 0 };
  });
  // One row at a time: each country's runs of cells, in order (a cell keeps the first country's
  // region); longitudes only for the runs of a country cut by meridians.
  for (let row = 0; row < grid.height; row++) {
    const base = row * grid.width;
    for (const { raster, ranges, whole } of byCountry) {
      const runs = raster.spans(row);
      for (let i = 0; i < runs.length; i += 2) {
        if (!whole) lonlat.row(row, runs[i], runs[i + 1] - runs[i], lon, lat);
        for (let c = runs[i]; c < runs[i + 1]; c++) {
          if (labels[base + c]) continue;
          let label = whole;
          if (!label) {
            const x = lon[c - runs[i]];
            for (let k = 0; k < ranges.length; k += 3) if (ranges[k] === -Infinity || (x >= ranges[k] && x < ranges[k + 1])) { label = ranges[k + 2]; break; }
          }
          if (label) { labels[base + c] = label; counts[label]++; }
        }
      }
    }
  }
  return { labels, ids: regions.map((r) => r.id), counts };
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
    if (index < 0) {
      const ids = REGIONS.map((r) => r.id);
      throw new InputError(invalid('region', region, `one of ${ids.join(', ')}, or a GeoJSON polygon; closest: ${closest(region, ids, 2).join(', ')}`));
    }
    const key = gridKey(grid);
    // the labels of every region, from this process or the disk cache, are cheaper than rasterizing one region
    const cached = cache.get(key) ?? fromDisk(grid, key);
    if (cached) { cache.set(key, cached); return mapArray(cached.labels, Uint8Array, (l) => (l === index + 1 ? 1 : 0)); }
    return rasterizeRegions(grid, [REGIONS[index]]).labels; // just this region's countries
  }
  const geometries: PolygonGeometry[] = region.type === 'Feature' ? [region.geometry]
    : region.type === 'FeatureCollection' ? region.features.map((f) => f.geometry) : [region];
  for (const g of geometries) {
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) throw new InputError(invalid('region geometry', g?.type, 'Polygon or MultiPolygon in lon/lat'));
  }
  return rasterizePolygons(projectRings(geometries, grid.crs, { southOf_deg: -80 }), grid).rows(0, grid.height);
}

/**
 * The smallest window of the grid holding every cell of a region's mask; a region with no cell on
 * the grid is an `InputError` naming the regions that have cells there.
 * @example regionWindow(ds.grid, 'alaska') // { x, y, width, height, mask }
 */
export function regionWindow(grid: GridLike, region: string | GeoJsonArea): Window & { mask: Uint8Array } {
  const mask = regionMask(grid, region);
  const { width, height } = grid;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let r = 0; r < height; r++) {
    const base = r * width;
    for (let c = 0; c < width; c++) {
      if (!mask[base + c]) continue;
      if (c < x0) x0 = c;
      if (c > x1) x1 = c;
      if (r < y0) y0 = r;
      if (r > y1) y1 = r;
    }
  }
  if (x1 < 0) {
    const { counts, ids } = regionLabels(grid);
    const here = ids.filter((_, i) => counts[i + 1] > 0);
    const what = typeof region === 'string' ? region : `a ${region.type} in lon/lat`;
    throw new InputError(invalid('region', what, `a region with cells on this ${width} × ${height} grid (it has none); regions with cells here: ${here.join(', ') || 'none'}`));
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, mask };
}
