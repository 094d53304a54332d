import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError, PermafrostError } from '../errors.js';
import { openRaster, type Raster } from '../geotiff/openRaster.js';
import { openNetcdf } from '../netcdf/openNetcdf.js';
import { isNetcdfSource, NETCDF_FILE, variableOfNetcdf } from './netcdfLayout.js';
import { manifestExample, variableOfName } from './discover.js';
import { openDataset } from './openDataset.js';
import { probeValues } from './coding.js';

/** What `check` found out about one file of a download. */
export interface FileCheck {
  file: string;
  size_bytes: number;
  /** Null when the file could not be opened (see `error`). */
  width: number | null;
  height: number | null;
  bands: number | null;
  data_type: string | null;
  compression: string | null;
  predictor: number | null;
  interleave: string | null;
  tiled: boolean | null;
  block: string | null;
  overviews: number;
  crs_name: string | null;
  crs_proj4: string | null;
  epsg: number | null;
  resolution_m: number | null;
  nodata: number | null;
  scale: number[] | null;
  offset: number[] | null;
  units: string[];
  band_names: string[];
  /** Class names by stored value of the first band that has them (from GDAL's sidecar), else null. */
  class_names: string[] | null;
  /** GDAL's sidecar `<file>.aux.xml` when there is one, and what was taken from it. */
  sidecar: { path: string; gave: string[] } | null;
  /** Which variable the file was taken for, and from what. */
  variable: string | null;
  taken_from: string | null;
  warnings: string[];
  error: string | null;
}

/** The report of `checkFolder`: per file, the dataset as it opens, warnings, and a manifest when needed. */
export interface CheckReport {
  folder: string;
  ok: boolean;
  files: FileCheck[];
  /** Set when the folder opens: what the dataset holds and what was assumed. */
  dataset: { variables: string[]; periods: string[]; layout: string; grid: string; synthetic: boolean; notices: string[] } | null;
  /** Why it does not open, when it does not. */
  error: string | null;
  warnings: string[];
  /** A `dataset.json` to write when the names say too little (null when none is needed). */
  manifest: string | null;
}

/**
 * What a user runs first on a new download: every GeoTIFF of a folder described (size, shape,
 * type, codec, interleave, tiling, overviews, CRS, nodata, scale, units), which variable and
 * periods each was taken for and why, warnings (metres, scaled integers, grids that do not
 * align, unknown files, suspicious values), and whether the folder opens as a dataset. A NetCDF
 * file or folder is described variable by variable; `crs` (proj4 or `EPSG:` code, default none)
 * is the CRS of NetCDF files without a grid mapping.
 * @example const report = await checkFolder('downloads/permafrost'); report.ok
 */
export async function checkFolder(folder: string, options: { crs?: string } = {}): Promise<CheckReport> {
  const path = resolve(folder);
  if (!existsSync(path)) throw new InputError(`folder not found: ${path}`);
  const dir = statSync(path).isDirectory() ? path : resolve(path, '..');
  // a NetCDF file or folder: each gridded variable of each file is described as a GeoTIFF is
  const netcdf = isNetcdfSource(path);
  const names = readdirSync(dir).filter((n) => (netcdf ? (dir === path ? NETCDF_FILE.test(n) : n === basename(path)) : /\.tiff?$/i.test(n))).sort();
  const files: FileCheck[] = [];
  const rasters: Raster[] = [];
  const opened: { file: string; name: string; open: () => Promise<Raster>; variable?: string | null }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (!netcdf) { opened.push({ file, name, open: () => openRaster(file) }); continue; }
    try {
      const nc = await openNetcdf(file, { crs: options.crs });
      if (nc.gridded.length === 0) { opened.push({ file, name, open: () => nc.raster('') }); continue; }
      for (const v of nc.gridded) {
        opened.push({ file: `${file}:${v}`, name: `${name}:${v}`, open: () => nc.raster(v), variable: variableOfNetcdf(nc.variables.find((x) => x.name === v)!) });
      }
    } catch (err) {
      opened.push({ file, name, open: () => Promise.reject(err) });
    }
  }
  for (const { file, name, open, variable: ncVariable } of opened) {
    const entry = emptyCheck(file, statSync(file.replace(/(\.[A-Za-z0-9]+):[^/]*$/, '$1')).size);
    try {
      const r = await open();
      rasters.push(r);
      Object.assign(entry, {
        width: r.width, height: r.height, bands: r.bands, data_type: r.dataType, compression: r.layout.compression, predictor: r.layout.predictor,
        interleave: r.layout.interleave, tiled: r.layout.tiled, block: `${r.layout.blockWidth} × ${r.layout.blockHeight}`, overviews: r.overviews.length,
        crs_name: crsName(r), crs_proj4: r.crs || null, epsg: r.epsg, resolution_m: Math.abs(r.transform.pixelWidth), nodata: r.noData,
        scale: r.scale, offset: r.offset, units: r.bandUnits, band_names: r.bandNames,
        class_names: r.classNames.find((c) => c !== null) ?? null, sidecar: r.sidecar,
      });
      const variable = ncVariable !== undefined ? ncVariable : variableOfName(name);
      entry.variable = variable;
      if (!variable) {
        entry.warnings.push(ncVariable !== undefined ? 'its standard_name, name and long_name name no variable (MAGT, ALT, permafrost): left out (openDataset\'s variables option can name it)'
          : 'the name names no variable (MAGT, ALT, permafrost): the folder needs a dataset.json manifest, or a rename');
      }
      if (r.scale?.some((s) => s !== 1) || r.offset?.some((o) => o !== 0)) {
        entry.warnings.push(`scaled ${r.dataType} values (scale ${r.scale?.[0] ?? 1}, offset ${r.offset?.[0] ?? 0}): every read unscales them`);
      }
      if (r.bandUnits.some((u) => /^(m|metres?|meters?)$/i.test(u.trim()))) entry.warnings.push('units are metres: ALT is converted to cm');
      if (!r.crs) entry.warnings.push('no CRS: areas and coordinates cannot be computed');
      if (r.noData === null) entry.warnings.push('no nodata value: every cell counts as data');
      entry.warnings.push(...r.notices);
      entry.warnings.push(...decodingNotes(r));
    } catch (err) {
      entry.error = (err as Error).message;
    }
    files.push(entry);
  }
  // grids that do not align
  const first = rasters[0];
  for (const r of rasters.slice(1)) {
    const same = r.width === first.width && r.height === first.height && r.transform.originX === first.transform.originX &&
      r.transform.originY === first.transform.originY && r.transform.pixelWidth === first.transform.pixelWidth;
    if (!same) files.find((f) => f.file === r.source)?.warnings.push(`its grid (${r.width} × ${r.height} at ${Math.abs(r.transform.pixelWidth)} m) does not align with ${basename(first.source)}'s`);
  }
  await Promise.all([...new Set(rasters)].map((r) => r.close()));

  const report: CheckReport = { folder: path, ok: false, files, dataset: null, error: null, warnings: [], manifest: null };
  if (names.length === 0) report.warnings.push(netcdf ? 'no NetCDF files in the folder' : 'no GeoTIFF files in the folder');
  try {
    const ds = await openDataset(path, { crs: options.crs });
    try {
      report.ok = true;
      report.dataset = {
        variables: ds.variables, periods: ds.periods.map((p) => p.label), layout: ds.layout, synthetic: ds.synthetic, notices: ds.notices,
        grid: `${ds.grid.width} × ${ds.grid.height} cells of ${ds.grid.resolution_m} m`,
      };
      for (const f of files) {
        const how = ds.sources[f.file];
        if (how) {
          f.variable = how.split(' ')[0];
          f.taken_from = how;
        } else if (!f.error && !netcdf) {
          f.warnings.push('not used by the dataset');
        }
      }
      report.warnings.push(...(await suspiciousRanges(ds)));
    } finally {
      await ds.close();
    }
  } catch (err) {
    report.error = err instanceof PermafrostError ? err.message : String(err);
    const named = files.filter((f) => !f.error);
    if (named.length && !netcdf) {
      report.manifest = `{ "variables": {\n${named.map((f) => `    "${f.variable ?? 'magt|alt|permafrost'}": ${f.bands === 1
        ? `{ "files": { "1980-1984": "${basename(f.file)}", "…": "…" } }`
        : manifestExample(basename(f.file), f.bands ?? 8).replace(/^\{ "variables": \{ "magt": /, '').replace(/ \} \}$/, '')}`).join(',\n')}\n} }`;
    }
  }
  return report;
}

/**
 * Value ranges that cannot be the product's (MAGT outside −40…+30 °C, ALT outside 0…2000 cm), in
 * values sampled from the first and last period of each file (25 windows each: a quick look; the
 * full ranges are in `permafrost-lab summary`).
 */
async function suspiciousRanges(ds: Awaited<ReturnType<typeof openDataset>>): Promise<string[]> {
  const out: string[] = [];
  const limits = { magt: [-40, 30, '°C'], alt: [0, 2000, 'cm'] } as const;
  for (const variable of ['magt', 'alt'] as const) {
    if (!ds.variables.includes(variable)) continue;
    for (const period of [ds.periods[0].label, ds.periods[ds.periods.length - 1].label]) {
      const { raster, band } = ds.raster(variable, period);
      const values = await probeValues(raster, band, 100_000);
      let lo = Infinity, hi = -Infinity;
      for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const [min, max, unit] = limits[variable];
      if (values.length && (lo < min || hi > max)) {
        out.push(`${variable.toUpperCase()} ${period}: sampled values range ${Number(lo.toPrecision(4))} to ${Number(hi.toPrecision(4))} ${unit}, outside ${min}…${max} ${unit} (a scale, unit or nodata problem?)`);
      }
    }
  }
  return out;
}

/**
 * How the samples are decoded where that could differ from GDAL: JPEG by libjpeg-turbo (GDAL's
 * own decoder, so equal to the bit) except 4-component JPEG (CMYK), which the JavaScript decoder
 * reads within 2 levels; colour models converted as GDAL converts them.
 */
function decodingNotes(r: Raster): string[] {
  const notes: string[] = [];
  if (r.layout.compression === 'JPEG') {
    notes.push(r.layout.photometric === 'cmyk'
      ? 'CMYK JPEG: decoded by the JavaScript JPEG decoder (libjpeg-turbo here takes 1 or 3 components): values may differ from GDAL\'s by up to 2 levels'
      : 'JPEG: decoded by libjpeg-turbo (accurate integer IDCT, as GDAL): values equal GDAL\'s');
  }
  const converted: Record<string, string> = { ycbcr: 'YCbCr read as RGB', cmyk: 'CMYK read as RGBA', cielab: 'CIELab read as RGBA' };
  if (converted[r.layout.photometric] && r.dataType === 'uint8') notes.push(`${converted[r.layout.photometric]}, as GDAL converts it (read({ raw: true }) gives the stored samples)`);
  return notes;
}

function crsName(r: Raster): string | null {
  if (!r.crs) return null;
  if (r.epsg) return `EPSG:${r.epsg}`;
  const lat0 = /\+lat_0=(-?[\d.]+)/.exec(r.crs)?.[1];
  const ts = /\+lat_ts=(-?[\d.]+)/.exec(r.crs)?.[1];
  if (/\+proj=stere/.test(r.crs) && lat0 === '90') return `polar stereographic north (true scale at ${ts ?? '90'}°N)`;
  return /\+proj=(\w+)/.exec(r.crs)?.[1] ?? null;
}

function emptyCheck(file: string, size: number): FileCheck {
  return {
    file, size_bytes: size, width: null, height: null, bands: null, data_type: null, compression: null, predictor: null, interleave: null, tiled: null,
    block: null, overviews: 0, crs_name: null, crs_proj4: null, epsg: null, resolution_m: null, nodata: null, scale: null, offset: null, units: [], class_names: null, sidecar: null,
    band_names: [], variable: null, taken_from: null, warnings: [], error: null,
  };
}

/** The report as text for a terminal. */
export function checkText(report: CheckReport): string {
  const lines: string[] = [`permafrost-lab check ${report.folder}`, ''];
  for (const f of report.files) {
    lines.push(`${basename(f.file)}  (${(f.size_bytes / 2 ** 20).toFixed(1)} MB)`);
    if (f.error) { lines.push(`  cannot be read: ${f.error}`, ''); continue; }
    lines.push(`  ${f.width} × ${f.height}, ${f.bands} band(s) of ${f.data_type}; ${f.compression}${f.predictor && f.predictor > 1 ? ` + predictor ${f.predictor}` : ''}, ` +
      `${f.interleave} interleave, ${f.tiled ? 'tiles' : 'strips'} of ${f.block}, ${f.overviews} overview(s)`);
    lines.push(`  CRS: ${f.crs_name ?? 'none'}${f.crs_proj4 ? ` (${f.crs_proj4})` : ''}; ${f.resolution_m} m cells; nodata ${f.nodata ?? 'none'}`);
    if (f.scale || f.offset) lines.push(`  scale ${JSON.stringify(f.scale)}, offset ${JSON.stringify(f.offset)}`);
    if (f.units.some(Boolean)) lines.push(`  units: ${[...new Set(f.units)].join(', ')}`);
    if (f.class_names) lines.push(`  classes: ${f.class_names.map((c, v) => (c ? `${v} ${c}` : '')).filter(Boolean).join(', ')}`);
    if (f.sidecar) lines.push(`  sidecar ${basename(f.sidecar.path)}: ${f.sidecar.gave.length ? `gave ${f.sidecar.gave.join(', ')}` : 'nothing used (statistics or settings only)'}`);
    lines.push(`  bands: ${f.band_names.length > 10 ? `${f.band_names.slice(0, 10).join(', ')}, …` : f.band_names.join(', ')}`);
    lines.push(`  taken for: ${f.taken_from ?? (f.variable ? `${f.variable} (by its name)` : "nothing")}`);
    for (const w of f.warnings) lines.push(`  warning: ${w}`);
    lines.push('');
  }
  if (report.dataset) {
    const d = report.dataset;
    lines.push(`Opens as a dataset${d.synthetic ? ' (the SYNTHETIC SAMPLE made by permafrost-lab, not the real product)' : ''}: ${d.variables.join(', ')}; ${d.periods.length} periods (${d.periods[0]} … ${d.periods.at(-1)}); ${d.grid}; found from ${d.layout}`);
    for (const n of d.notices) lines.push(`  notice: ${n}`);
  } else {
    lines.push(`Does not open as a dataset: ${report.error}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  if (report.manifest) lines.push('', 'Write this as dataset.json in the folder (fill in the variables and periods):', report.manifest);
  return lines.join('\n') + '\n';
}
