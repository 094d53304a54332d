import { resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { regridBytes, regridValues, type RegridMethod } from '../grid/regrid.js';
import { writeNetCDF3 } from '../netcdf/writeNetCDF3.js';
import { slotRows } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { checkMemory } from './memory.js';
import { targetGrid, type RegridSubject } from './regrid.js';

/** Options of {@link exportLonLat}. */
export interface ExportLonLatOptions {
  /** Cell size in degrees (required), such as 0.05. */
  resolution_deg: number;
  /** `geotiff` (default) or `netcdf` (classic NetCDF, CF-1.8). */
  format?: 'geotiff' | 'netcdf';
  /** Default `average` (area-weighted) for MAGT and ALT, `mode` for the permafrost layer. */
  method?: RegridMethod;
  /** Southern edge in degrees. Default: the grid's southernmost latitude, snapped down to a cell. */
  south_deg?: number;
  overwrite?: boolean;
  /** Written into the file's metadata (the SYNTHETIC label of a synthetic dataset, provenance). */
  metadata?: Record<string, string>;
}

const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

const UNITS: Record<Variable, string> = { magt: 'degC', alt: 'cm', permafrost: '1' };

/**
 * Writes one variable and period of a dataset resampled onto a longitude/latitude grid (EPSG:4326)
 * as a GeoTIFF or a CF-compliant classic NetCDF file (`lat`, `lon`, a `crs` grid mapping
 * `latitude_longitude` with its WKT), through a temporary file renamed at the end.
 * @example await exportLonLat(ds, 'magt', '2015-2019', 'out/magt.nc', { resolution_deg: 0.05, format: 'netcdf' })
 */
export async function exportLonLat(ds: RegridSubject, variable: Variable, period: string, path: string, options: ExportLonLatOptions): Promise<{ path: string; width: number; height: number }> {
  const format = options.format ?? 'geotiff';
  if (format !== 'geotiff' && format !== 'netcdf') throw new InputError(invalid('format', format, 'geotiff or netcdf'));
  const grid = targetGrid({ crs: 'EPSG:4326', resolution_deg: options.resolution_deg, south_deg: options.south_deg }, ds.grid);
  const method = options.method ?? (variable === 'permafrost' ? 'mode' : 'average');
  checkMemory(regridBytes(grid, method) + grid.width * grid.height * 8, `exporting onto ${grid.width} × ${grid.height} cells of ${options.resolution_deg}°`, 'choose a coarser --resolution-deg');
  const slot = ds.raster(variable, period);
  const values = await regridValues({ grid: ds.grid, rows: (y0, height) => slotRows(slot, y0, height) }, grid, { method });
  const metadata = { ...options.metadata, REGRID: `${method} onto ${options.resolution_deg}° longitude/latitude (EPSG:4326)`, PERIOD: period };
  const target = resolve(path);
  if (format === 'geotiff') {
    await writeGeoTIFF(target, {
      width: grid.width, height: grid.height, bands: 1, dataType: 'float32', transform: grid.transform, crs: grid.crs, epsg: 4326,
      noData: NaN, bandNames: [`${variable} ${period}`], bandUnits: [UNITS[variable] === '1' ? '' : UNITS[variable]], metadata, values: [values],
    }, { overwrite: options.overwrite });
    return { path: target, width: grid.width, height: grid.height };
  }
  const t = grid.transform;
  const lat = Float64Array.from({ length: grid.height }, (_, r) => t.originY + (r + 0.5) * t.pixelHeight);
  const lon = Float64Array.from({ length: grid.width }, (_, c) => t.originX + (c + 0.5) * t.pixelWidth);
  const FILL = -9999;
  writeNetCDF3(target, {
    dimensions: [{ name: 'lat', size: grid.height }, { name: 'lon', size: grid.width }],
    attributes: {
      Conventions: 'CF-1.8', title: `${VARIABLES[variable].title}, ${period}, on a ${options.resolution_deg} degree longitude/latitude grid`,
      source: 'permafrost-lab export', ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v])),
    },
    variables: [
      { name: 'crs', type: 'int', dimensions: [], values: [0], attributes: {
        grid_mapping_name: 'latitude_longitude', longitude_of_prime_meridian: 0, semi_major_axis: 6378137, inverse_flattening: 298.257223563,
        crs_wkt: WGS84_WKT, spatial_ref: WGS84_WKT } },
      { name: 'lat', type: 'double', dimensions: ['lat'], values: lat, attributes: { standard_name: 'latitude', long_name: 'latitude', units: 'degrees_north', axis: 'Y' } },
      { name: 'lon', type: 'double', dimensions: ['lon'], values: lon, attributes: { standard_name: 'longitude', long_name: 'longitude', units: 'degrees_east', axis: 'X' } },
      { name: variable, type: 'float', dimensions: ['lat', 'lon'], values: values.map((v) => (v === v ? v : FILL)),
        attributes: { long_name: `${VARIABLES[variable].title} (${period})`, units: UNITS[variable], _FillValue: { type: 'float', values: [FILL] }, grid_mapping: 'crs', period } },
    ],
  }, { overwrite: options.overwrite });
  return { path: target, width: grid.width, height: grid.height };
}
