import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import type { Raster } from '../geotiff/openRaster.js';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { asGrid, type GridInput, type GridLike } from '../grid/cellArea.js';
import { lonLatTarget, southernmostLatitude } from '../grid/lonLatTarget.js';
import { regridBytes, regridValues, REGRID_METHODS, type RegridMethod } from '../grid/regrid.js';
import { slotRows } from './context.js';
import type { Variable } from './discover.js';
import { checkMemory } from './memory.js';
import type { OnProgress } from '../core/progress.js';

/** Units as written (values are read scaled, ALT in cm). */
const UNITS: Record<Variable, string> = { magt: 'degC', alt: 'cm', permafrost: '' };

/** Options of `ds.regrid`. */
export interface RegridOptions {
  /** `average` (default: area-weighted, each source cell by its share inside the target cell), `nearest`, `bilinear` or `mode`. */
  method?: RegridMethod;
  /** Variables to regrid. Default: all of the dataset's. */
  variables?: Variable[];
  /** Periods to regrid (labels such as `2015-2019`). Default: all. */
  periods?: string[];
  /** Folder to write the regridded GeoTIFFs into (created). Default: a new temporary folder. */
  out?: string;
  /** Called with the fraction of layers done. */
  on_progress?: OnProgress;
}

/** What regridding needs of a dataset (the public `Dataset` has all of it). */
export interface RegridSubject {
  grid: GridLike;
  synthetic: boolean;
  variables: Variable[];
  periods: { label: string }[];
  raster(variable: Variable, period: string): { raster: Raster; band: number };
}

/**
 * A target grid: a dataset (its grid is taken), a grid description `{ width, height, transform, crs }`,
 * or a longitude/latitude grid `{ crs: 'EPSG:4326', resolution_deg }` (from the source's
 * southernmost latitude, or `south_deg`, to the pole).
 */
export type RegridTarget = { grid: GridInput } | GridInput | { crs: 'EPSG:4326'; resolution_deg: number; south_deg?: number };

/** The grid of a regrid target (`from`: the source grid, for a lon/lat target's southern edge). */
export function targetGrid(target: RegridTarget, from: GridLike): GridLike {
  if (target && 'resolution_deg' in target) {
    if (String(target.crs).toUpperCase() !== 'EPSG:4326') throw new InputError(invalid('regrid target crs', target.crs, "'EPSG:4326' with resolution_deg"));
    const r = target.resolution_deg;
    return lonLatTarget({ resolution_deg: r, south_deg: target.south_deg ?? Math.max(-90, Math.floor(southernmostLatitude(from) / r) * r) });
  }
  const grid = target && 'grid' in target ? target.grid : target as GridInput;
  if (!grid || !(grid.width > 0) || !(grid.height > 0) || !grid.transform || typeof grid.crs !== 'string' || !grid.crs) {
    throw new InputError(invalid('regrid target', JSON.stringify(grid)?.slice(0, 80), "a dataset, a grid { width, height, transform, crs }, or { crs: 'EPSG:4326', resolution_deg }"));
  }
  return asGrid(grid);
}

/**
 * Writes every variable and period (or those asked for) of a dataset resampled onto a target grid
 * as GeoTIFFs `<variable>_<period>.tif` in a folder, one layer at a time (each streamed over the
 * source in strips), and returns the folder, which `openDataset` opens as a dataset on the
 * target's grid. Memory is estimated before anything is allocated.
 * @example const folder = await regridToFolder(ds, other, { method: 'average' })
 */
export async function regridToFolder(ds: RegridSubject, target: RegridTarget, options: RegridOptions = {}): Promise<string> {
  const grid = targetGrid(target, ds.grid);
  const method = options.method ?? 'average';
  if (!REGRID_METHODS.includes(method)) throw new InputError(invalid('method', method, REGRID_METHODS.join(', ')));
  const variables = options.variables ?? ds.variables;
  for (const v of variables) if (!ds.variables.includes(v)) throw new InputError(invalid('variable', v, ds.variables.join(', ')));
  const periods = options.periods ?? ds.periods.map((p) => p.label);
  checkMemory(regridBytes(grid, method) + 4 * ds.grid.width * 256 * 3, `regridding onto ${grid.width} × ${grid.height} cells (${method})`, 'choose a coarser target grid or a smaller extent');
  const out = options.out ? resolve(options.out) : mkdtempSync(join(tmpdir(), 'permafrost-regrid-'));
  mkdirSync(out, { recursive: true });
  const jobs = variables.flatMap((variable) => periods.map((period) => ({ variable, period })));
  let done = 0;
  for (const { variable, period } of jobs) {
    const slot = ds.raster(variable, period);
    const values = await regridValues({ grid: ds.grid, rows: (y0, height) => slotRows(slot, y0, height) }, grid, { method });
    const label = period;
    await writeGeoTIFF(join(out, `${variable}_${label}.tif`), {
      width: grid.width, height: grid.height, bands: 1, dataType: 'float32', transform: grid.transform, crs: grid.crs,
      noData: -9999, bandNames: [label], bandUnits: [UNITS[variable]],
      metadata: {
        ...(ds.synthetic ? { SYNTHETIC: slot.raster.metadata.SYNTHETIC ?? 'regridded from a synthetic dataset; not the real product' } : {}),
        REGRID: `${method} from ${slot.raster.source} band ${slot.band + 1}`,
      },
      values: [values.map((v) => (v === v ? v : -9999))],
    }, { overwrite: true, into_data_folder: true });
    options.on_progress?.(++done / jobs.length, `${variable} ${period}`);
  }
  return out;
}
