import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * The EPSG registry as this package ships it: dist/geotiff/epsg.json.gz, made at build time from
 * PROJ's database through GDAL (environment/epsg_table.py), so a code means here what it means to
 * GDAL. Codes map to `[name, proj4]`, or `[name, null, why]` where PROJ writes no proj4 for it.
 */
export interface EpsgTable {
  source: string;
  crs: Record<string, [string, string | null, string?]>;
  /** Conversion code (ProjectionGeoKey) → a projected CRS that uses it. */
  conversions: Record<string, number>;
  /** Datum code → a geographic CRS on it. */
  datums: Record<string, number>;
  /** Ellipsoid code → [semi-major axis in metres, inverse flattening (0 for a sphere)]. */
  ellipsoids: Record<string, [number, number]>;
  /** Prime meridian code → longitude in degrees. */
  primeMeridians: Record<string, number>;
  /** Unit code → [kind, metres or radians per unit]. */
  units: Record<string, [string, number]>;
  /** ESRI's name of an EPSG CRS → its code. */
  esriNames: Record<string, number>;
}

let table: EpsgTable | null | undefined;

/** The EPSG table (loaded once, on first use), or null when the build could not make it. */
export function epsgTable(): EpsgTable | null {
  if (table !== undefined) return table;
  table = null;
  for (const url of [new URL('./epsg.json.gz', import.meta.url), new URL('../../dist/geotiff/epsg.json.gz', import.meta.url)]) {
    const path = fileURLToPath(url);
    if (existsSync(path)) {
      table = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as EpsgTable;
      break;
    }
  }
  return table;
}
