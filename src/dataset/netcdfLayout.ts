import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import type { Raster } from '../geotiff/types.js';
import { openNetcdf } from '../netcdf/openNetcdf.js';
import { textAttr } from '../netcdf/cf.js';
import type { NetcdfFile, NetcdfRaster } from '../netcdf/types.js';
import { variableOfName, VARIABLES, type Layout, type Slot, type Variable } from './discover.js';
import { fiveYearPeriod, periodMeansRaster, type YearLayer } from './periodMeans.js';
import { parsePeriod, type Period } from './periods.js';

/** Names of NetCDF files. */
export const NETCDF_FILE = /\.(nc|nc4|cdf|netcdf)$/i;

/** Options of a NetCDF dataset (see `openDataset`). */
export interface NetcdfLayoutOptions {
  /** CRS for files without a grid mapping (proj4 or `EPSG:` code). */
  crs?: string;
  /**
   * How time steps become periods: `5-year` averages annual layers into the product's 5-year
   * periods (the default when the steps are annual), `annual` keeps each year as a period
   * (`2001-2001`), `as-is` takes each step as the period that holds its year. Default: `5-year`
   * for annual steps, else `as-is`.
   */
  periods?: '5-year' | 'annual' | 'as-is';
  /**
   * Which NetCDF variable holds a product variable, when names do not say or several do (ESA CCI's
   * `T1m`, `T2m`, … are all ground temperatures): `{ magt: 'T2m' }`. Default: recognised by name.
   */
  variables?: Partial<Record<Variable, string>>;
}

/** Whether a dataset source is NetCDF: a `.nc` file, or a folder with `.nc` files and no GeoTIFFs. */
export function isNetcdfSource(path: string): boolean {
  if (/^https?:\/\//i.test(path) || !existsSync(path)) return NETCDF_FILE.test(path);
  if (statSync(path).isFile()) return NETCDF_FILE.test(path);
  const names = readdirSync(path);
  return names.some((n) => NETCDF_FILE.test(n)) && !names.some((n) => /\.tiff?$/i.test(n)) && !names.includes('dataset.json');
}

/** CF standard names this package recognises. */
const STANDARD_NAMES: Record<string, Variable> = {
  soil_temperature: 'magt', permafrost_area_fraction: 'permafrost', permafrost_layer_thickness: 'alt', active_layer_thickness: 'alt',
};

/**
 * Which product variable a NetCDF variable holds: its CF `standard_name`, else its name or
 * `long_name` read as discover.ts reads file names (MAGT, GT, ALT, permafrost, PFR, …); null when none.
 */
export function variableOfNetcdf(v: { name: string; attributes: Record<string, unknown> }): Variable | null {
  const attrs = v.attributes as Record<string, string | number[]>;
  const standard = textAttr(attrs, 'standard_name').toLowerCase();
  if (STANDARD_NAMES[standard]) return STANDARD_NAMES[standard];
  const byName = variableOfName(v.name.replace(/[^A-Za-z0-9]+/g, '_')) ?? (v.name.toLowerCase() === 'pfr' ? 'permafrost' : null);
  if (byName) return byName;
  const long = textAttr(attrs, 'long_name');
  return long ? variableOfName(long.replace(/[^A-Za-z0-9]+/g, '_')) : null;
}

/** One layer found in the files, before periods are made: a raster band and its year or period. */
interface Found { variable: Variable; raster: NetcdfRaster; band: number; year: number | null; period: Period | null; file: string }

/**
 * The layout of a NetCDF file or folder: per product variable, the rasters of its gridded
 * variables, their time steps as years or periods, and (by default for annual steps) rasters of
 * 5-year means. Returns the layout openDataset uses (slots keyed by raster name) and the rasters.
 * @example const { layout, rasters } = await netcdfLayout('esa_cci/', { periods: '5-year' });
 */
export async function netcdfLayout(source: string, options: NetcdfLayoutOptions = {}): Promise<{ layout: Layout; rasters: Map<string, Raster> }> {
  const path = resolve(source);
  if (!existsSync(path)) throw new InputError(`dataset not found: ${path}`);
  if (options.periods !== undefined && !['5-year', 'annual', 'as-is'].includes(options.periods)) {
    throw new InputError(invalid('periods', options.periods, "'5-year', 'annual' or 'as-is'"), path);
  }
  const folder = statSync(path).isFile() ? dirname(path) : path;
  const names = statSync(path).isFile() ? [basename(path)] : readdirSync(path).filter((n) => NETCDF_FILE.test(n)).sort();
  const files: NetcdfFile[] = [];
  const notices: string[] = [];
  const found: Found[] = [];
  const sources = new Map<string, string>();
  try {
    for (const name of names) {
      const file = join(folder, name);
      const nc = await openNetcdf(file, { crs: options.crs });
      files.push(nc);
      const skipped: string[] = [];
      for (const vname of nc.gridded) {
        const info = nc.variables.find((v) => v.name === vname)!;
        const chosen = (Object.entries(options.variables ?? {}) as [Variable, string][]).find(([, n]) => n === vname)?.[0];
        const guessed = variableOfNetcdf(info) ?? (nc.gridded.length === 1 ? variableOfName(name) : null);
        // a variable named in `variables` takes its product variable; others recognised as it are left out
        const variable = chosen ?? (guessed && options.variables?.[guessed] === undefined ? guessed : null);
        if (!variable) { skipped.push(vname); continue; }
        const raster = await nc.raster(vname);
        notices.push(...raster.notices.map((n) => `${name}: ${n}`));
        const fromName = parsePeriod(name);
        const yearOfName = /(?<![0-9])(19[0-9]{2}|20[0-9]{2})(?![0-9])/.exec(name.replace(fromName ? /(?:19|20)[0-9]{2}\s*[-_–]\s*(?:19|20)?[0-9]{2}/ : /$^/, ''));
        for (let band = 0; band < raster.bands; band++) {
          const year = raster.times ? raster.times[band].year : raster.bands === 1 && !fromName && yearOfName ? Number(yearOfName[1]) : null;
          found.push({ variable, raster, band, year, period: year === null ? fromName : null, file: name });
        }
      }
      if (skipped.length) notices.push(`${name}: variable(s) ${skipped.join(', ')} left out (none of ${Object.keys(VARIABLES).join(', ')}, or another chosen by the variables option)`);
    }
    for (const [variable, name] of Object.entries(options.variables ?? {})) {
      if (!Object.hasOwn(VARIABLES, variable)) throw new InputError(invalid('variables key', variable, Object.keys(VARIABLES).join(', ')), path);
      if (!found.some((f) => f.raster.variable === name)) {
        throw new InputError(invalid(`variables.${variable}`, name, `a gridded variable of the files: ${[...new Set(files.flatMap((f) => f.gridded))].join(', ')}`), path);
      }
    }
    for (const variable of Object.keys(VARIABLES) as Variable[]) {
      const names = [...new Set(found.filter((f) => f.variable === variable).map((f) => f.raster.variable))];
      if (names.length > 1) {
        throw new InputError(`several NetCDF variables hold ${variable}: ${names.join(', ')}; choose one with the variables option, e.g. { variables: { ${variable}: '${names[names.length - 1]}' } }`, path);
      }
    }
    if (found.length === 0) {
      const seen = files.map((f) => `${basename(f.source)} (${f.gridded.join(', ') || 'no gridded variables'})`).join('; ');
      throw new InputError(`cannot tell which variable any NetCDF variable holds (expected MAGT, ALT or permafrost in standard_name, long_name or the name; seen: ${seen})`, path);
    }
  } catch (err) {
    await Promise.all(files.map((f) => f.close()));
    throw err;
  }

  const variables = new Map<Variable, Map<string, Slot>>();
  const rasters = new Map<string, Raster>();
  const hows = new Set<string>();
  for (const variable of Object.keys(VARIABLES) as Variable[]) {
    const mine = found.filter((f) => f.variable === variable);
    if (mine.length === 0) continue;
    const slots = new Map<string, Slot>();
    const add = (label: string, key: string, raster: Raster, band: number, how: string) => {
      if (slots.has(label)) throw new InputError(`${variable} ${label} is in two places: ${slots.get(label)!.file} and ${key}`, path);
      rasters.set(key, raster);
      slots.set(label, { file: key, band });
      sources.set(key, how);
    };
    const years = mine.map((f) => f.year);
    const annual = years.every((y) => y !== null) && new Set(years).size === years.length && (mine.length === 1 || consecutiveish(years as number[]));
    const mode = options.periods ?? (annual && mine.length > 1 ? '5-year' : 'as-is');
    if (mode === '5-year' || mode === 'annual') {
      if (!years.every((y) => y !== null)) throw new InputError(`periods '${mode}' needs a year for every ${variable} layer: ${mine.filter((f) => f.year === null).map((f) => `${f.file} band ${f.band + 1}`).join(', ')} has none (no CF time, no year in the file name)`, path);
      if (new Set(years).size !== years.length) throw new InputError(`${variable} has two layers for one year (${years.join(', ')}): periods '${mode}' needs one layer per year`, path);
    }
    if (mode === '5-year') {
      const layers: YearLayer[] = mine.map((f) => ({ raster: f.raster, band: f.band, year: f.year! }));
      const periods = [...new Map(layers.map((l) => fiveYearPeriod(l.year)).map((p) => [p.label, p])).values()].sort((a, b) => a.start - b.start);
      const key = `${names.length === 1 ? names[0] : basename(folder)}:${variable} (5-year means)`;
      const means = periodMeansRaster(layers, periods, key);
      const counts = means.members.map((m, i) => {
        const ys = m.map((l) => l.year);
        return `${periods[i].label} ${ys.length} of 5${ys.length < 5 ? ` (${ys.join(', ')}; missing ${range(periods[i]).filter((y) => !ys.includes(y)).join(', ')})` : ''}`;
      });
      notices.push(`${variable}: ${layers.length} annual layers (${Math.min(...years as number[])}–${Math.max(...years as number[])}) averaged into 5-year periods, each cell the mean of the years with a value there: ${counts.join('; ')}`);
      periods.forEach((p, band) => add(p.label, key, means, band, `${variable} from the NetCDF variables, ${means.members[band].length} annual layer(s) averaged`));
      hows.add('NetCDF annual layers averaged into 5-year periods');
    } else {
      for (const f of mine) {
        const period = mode === 'annual' ? { label: `${f.year}-${f.year}` } : f.period ?? (f.year !== null ? fiveYearPeriod(f.year) : null);
        if (!period) {
          throw new InputError(`cannot tell the period of ${variable} in ${f.file}${f.raster.bands > 1 ? ` band ${f.band + 1}` : ''}: no CF time dimension and no period or year in the file name`, path);
        }
        const key = `${f.file}:${f.raster.variable}`;
        add(period.label, key, f.raster, f.band, `${variable} from NetCDF variable ${f.raster.variable}, period ${period.label} from ${f.raster.times ? 'its time coordinate' : 'the file name'}`);
      }
      hows.add(mode === 'annual' ? 'NetCDF annual layers' : 'NetCDF time steps');
    }
    variables.set(variable, slots);
  }
  const layout: Layout = { folder, variables, how: [...hows].join(' and '), files: names.map((n) => join(folder, n)), notices, sources };
  return { layout, rasters };
}

/** Years with no gap longer than one step of the others (annual series, possibly with missing years). */
function consecutiveish(years: number[]): boolean {
  const sorted = [...years].sort((a, b) => a - b);
  const steps = sorted.slice(1).map((y, i) => y - sorted[i]);
  return steps.filter((s) => s === 1).length >= steps.length / 2;
}

function range(p: Period): number[] {
  return Array.from({ length: p.end - p.start + 1 }, (_, i) => p.start + i);
}
