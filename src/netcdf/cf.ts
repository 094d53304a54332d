import { FormatError, InputError, invalid } from '../errors.js';
import { epsgToProj4, KNOWN_CRS } from '../geotiff/crs.js';
import { crsFromOption } from '../geotiff/transform.js';
import { makeTransform } from '../geotiff/rasterNames.js';
import type { Transform } from '../geotiff/types.js';
import type { NcAttribute, NcDate, NcVariable } from './types.js';

const WGS84 = { a: 6378137, rf: 298.257223563 };

/** A number attribute (its first value), or undefined. */
export function numberAttr(attrs: Record<string, NcAttribute>, key: string): number | undefined {
  const v = attrs[key];
  if (Array.isArray(v) && v.length > 0 && Number.isFinite(v[0])) return v[0];
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A text attribute, or ''. */
export function textAttr(attrs: Record<string, NcAttribute>, key: string): string {
  const v = attrs[key];
  return typeof v === 'string' ? v.trim() : '';
}

/** The EPSG code (or null) of a proj4 string this package knows by code. */
function epsgOf(proj4: string): number | null {
  const norm = (s: string) => s.split(/\s+/).filter((p) => p && p !== '+no_defs').sort().join(' ');
  const want = norm(proj4);
  for (const [code, { proj4: p }] of Object.entries(KNOWN_CRS)) if (norm(p) === want) return Number(code);
  return null;
}

const fmt = (v: number) => String(Number(v.toPrecision(15)));

/** The ellipsoid of a CF grid mapping as proj4 parameters (`+datum=WGS84` for WGS 84's). */
function ellipsoid(m: Record<string, NcAttribute>): string {
  const a = numberAttr(m, 'semi_major_axis'), rf = numberAttr(m, 'inverse_flattening'), b = numberAttr(m, 'semi_minor_axis');
  const r = numberAttr(m, 'earth_radius');
  if (r !== undefined) return `+R=${fmt(r)}`;
  if (a === undefined || (a === WGS84.a && (rf === undefined || Math.abs(rf - WGS84.rf) < 1e-6) && b === undefined)) return '+datum=WGS84';
  if (rf !== undefined) return rf === 0 ? `+R=${fmt(a)}` : `+a=${fmt(a)} +rf=${fmt(rf)}`;
  if (b !== undefined) return `+a=${fmt(a)} +b=${fmt(b)}`;
  return `+R=${fmt(a)}`;
}

/**
 * The CRS of a CF grid mapping variable's attributes as a proj4 string: the EPSG code when its
 * `crs_wkt` or GDAL's `spatial_ref` names one at the top level, else the CF attributes
 * (`polar_stereographic`, `stereographic`, `lambert_azimuthal_equal_area`, `albers_conical_equal_area`,
 * `lambert_conformal_conic`, `transverse_mercator`, `latitude_longitude`). Null when neither says.
 * @example cfCrs({ grid_mapping_name: 'polar_stereographic', straight_vertical_longitude_from_pole: [0], latitude_of_projection_origin: [90], standard_parallel: [71] })
 */
export function cfCrs(m: Record<string, NcAttribute>, where: string): { proj4: string; epsg: number | null } | null {
  const wkt = textAttr(m, 'crs_wkt') || textAttr(m, 'spatial_ref');
  const code = wkt ? topAuthority(wkt) : null;
  if (code !== null && epsgToProj4(code)) return { proj4: epsgToProj4(code)!, epsg: code };
  const name = textAttr(m, 'grid_mapping_name');
  const n = (key: string, fallback?: number) => {
    const v = numberAttr(m, key) ?? fallback;
    if (v === undefined) throw new FormatError(`grid mapping ${name} lacks ${key}`, where);
    return fmt(v);
  };
  const falses = () => `+x_0=${n('false_easting', 0)} +y_0=${n('false_northing', 0)}`;
  let proj: string | null = null;
  if (name === 'latitude_longitude') proj = `+proj=longlat ${ellipsoid(m)}`;
  else if (name === 'polar_stereographic') {
    const lat0 = n('latitude_of_projection_origin');
    const lon0 = numberAttr(m, 'straight_vertical_longitude_from_pole') ?? numberAttr(m, 'longitude_of_projection_origin');
    if (lon0 === undefined) throw new FormatError(`grid mapping ${name} lacks straight_vertical_longitude_from_pole`, where);
    const ts = numberAttr(m, 'standard_parallel');
    const k = ts === undefined ? ` +k=${n('scale_factor_at_projection_origin', 1)}` : ` +lat_ts=${fmt(ts)}`;
    proj = `+proj=stere +lat_0=${lat0}${ts === undefined ? '' : k} +lon_0=${fmt(lon0)}${ts === undefined ? k : ''} ${falses()}`;
  } else if (name === 'stereographic') {
    proj = `+proj=stere +lat_0=${n('latitude_of_projection_origin')} +lon_0=${n('longitude_of_projection_origin')} +k=${n('scale_factor_at_projection_origin', 1)} ${falses()}`;
  } else if (name === 'lambert_azimuthal_equal_area') {
    proj = `+proj=laea +lat_0=${n('latitude_of_projection_origin')} +lon_0=${n('longitude_of_projection_origin')} ${falses()}`;
  } else if (name === 'albers_conical_equal_area' || name === 'lambert_conformal_conic') {
    const sp = m.standard_parallel;
    const [p1, p2] = Array.isArray(sp) ? sp : [];
    if (p1 === undefined) throw new FormatError(`grid mapping ${name} lacks standard_parallel`, where);
    proj = `+proj=${name === 'albers_conical_equal_area' ? 'aea' : 'lcc'} +lat_0=${n('latitude_of_projection_origin')} +lon_0=${n('longitude_of_central_meridian')} ` +
      `+lat_1=${fmt(p1)} +lat_2=${fmt(p2 ?? p1)} ${falses()}`;
  } else if (name === 'transverse_mercator') {
    proj = `+proj=tmerc +lat_0=${n('latitude_of_projection_origin')} +lon_0=${n('longitude_of_central_meridian')} +k=${n('scale_factor_at_central_meridian')} ${falses()}`;
  } else if (name) {
    throw new FormatError(invalid('grid_mapping_name', name, 'polar_stereographic, stereographic, lambert_azimuthal_equal_area, albers_conical_equal_area, lambert_conformal_conic, transverse_mercator or latitude_longitude; or give the crs option (--source-crs on the command line)'), where);
  }
  if (!proj) return null;
  proj = proj.includes('+proj=longlat') ? `${proj} +no_defs` : `${proj} ${ellipsoid(m)} +units=m +no_defs`;
  const epsg = epsgOf(proj);
  return { proj4: epsg !== null ? epsgToProj4(epsg)! : proj, epsg };
}

/** The EPSG code of a WKT's outermost AUTHORITY (WKT1) or ID (WKT2), or null. */
export function topAuthority(wkt: string): number | null {
  // the outermost object's own AUTHORITY/ID is its last child: at nesting depth 1
  let depth = 0, found: number | null = null;
  const re = /\b(AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?|[[\]()]/gi;
  for (let m = re.exec(wkt); m; m = re.exec(wkt)) {
    if (m[0] === '[' || m[0] === '(') depth++;
    else if (m[0] === ']' || m[0] === ')') depth--;
    else if (depth === 1) found = Number(m[2]);
    if (m[1]) depth++; // the AUTHORITY's own bracket was consumed by the match
  }
  return found;
}

/** Whether a coordinate variable holds latitude or longitude (CF units, standard_name or name). */
export function axisKind(v: NcVariable | undefined, dimName: string): 'lat' | 'lon' | 'projected' {
  const units = v ? textAttr(v.attributes, 'units').toLowerCase() : '';
  const standard = v ? textAttr(v.attributes, 'standard_name').toLowerCase() : '';
  if (/^degrees?_?n(orth)?$/.test(units) || standard === 'latitude' || /^lat(itude)?$/i.test(dimName)) return 'lat';
  if (/^degrees?_?e(ast)?$/.test(units) || standard === 'longitude' || /^lon(gitude)?$/i.test(dimName)) return 'lon';
  return 'projected';
}

/**
 * The geotransform (north-up) of cell-centre coordinates along x and y, and whether rows must be
 * flipped (y increasing from south to north, as GDAL writes NetCDF); a typed error when the
 * spacing is not regular. `unit` multiplies the coordinates (1000 for km).
 */
export function transformOf(xs: ArrayLike<number>, ys: ArrayLike<number>, where: string, unit = 1, float32 = false): { transform: Transform; flip: boolean } {
  const dx = step(xs, 'x', where, float32) * unit, dy = step(ys, 'y', where, float32) * unit;
  if (dx < 0) throw new FormatError(`x coordinates decrease from west to east (${xs[0]} … ${xs[xs.length - 1]}): not supported`, where);
  const flip = dy > 0;
  const top = flip ? ys[ys.length - 1] * unit : ys[0] * unit;
  const h = Math.abs(dy);
  return { transform: makeTransform({ origin_x: xs[0] * unit - dx / 2, origin_y: top + h / 2, pixel_width: dx, pixel_height: -h, rotation_x: 0, rotation_y: 0 }), flip };
}

/** The regular step of a coordinate array (the mean step), or a FormatError saying where it is irregular. */
function step(c: ArrayLike<number>, axis: string, where: string, float32: boolean): number {
  const n = c.length;
  if (n < 2) throw new FormatError(`the ${axis} coordinate has ${n} value(s): a grid needs 2 or more to know its cell size`, where);
  const d = (c[n - 1] - c[0]) / (n - 1);
  if (!(d !== 0 && Number.isFinite(d))) throw new FormatError(invalid(`${axis} spacing`, d, 'a finite non-zero step'), where);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(c[i]));
  const tolerance = Math.max(1e-6 * Math.abs(d), (float32 ? 2 ** -22 : 2 ** -50) * largest * 4);
  for (let i = 0; i < n; i++) {
    const off = c[i] - (c[0] + i * d);
    if (Math.abs(off) > tolerance) {
      throw new FormatError(`the ${axis} coordinate is not regularly spaced: value ${i} is ${c[i]}, expected ${c[0] + i * d} for a step of ${d} (a regular grid is needed; regrid it first)`, where);
    }
  }
  return d;
}

/** The CRS given by the `crs` option, parsed as openRaster parses it. */
export function crsOption(text: string, where: string): { proj4: string; epsg: number | null } {
  try {
    return crsFromOption(text);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, where);
    throw err;
  }
}

const CALENDARS = ['standard', 'gregorian', 'proleptic_gregorian', 'noleap', '365_day', 'all_leap', '366_day', '360_day', 'julian'];

/**
 * Decodes CF time values (`units: "days since 1900-01-01"`, also hours, minutes, seconds,
 * months of 30 days are refused) in a calendar: standard/gregorian (proleptic after 1582 as
 * here), noleap/365_day, all_leap/366_day, 360_day, julian.
 * @example decodeTimes([36890], 'days since 1900-01-01', 'standard')[0].year // 2001
 */
export function decodeTimes(values: ArrayLike<number>, units: string, calendar: string, where: string): NcDate[] {
  const m = /^\s*(days?|hours?|minutes?|seconds?|d|h|hr|min|s)\s+since\s+(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?/i.exec(units);
  if (!m) throw new FormatError(invalid('time units', units, '"days since 1900-01-01" or hours, minutes, seconds since a date'), where);
  const cal = (calendar || 'standard').toLowerCase();
  if (!CALENDARS.includes(cal)) throw new FormatError(invalid('calendar', calendar, CALENDARS.join(', ')), where);
  const unit = m[1].toLowerCase();
  const perDay = /^d/.test(unit) ? 1 : /^h/.test(unit) ? 24 : /^m/.test(unit) ? 1440 : 86400;
  const [y0, mo0, d0] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const dayFraction = ((Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0)) * 60 + Number(m[7] ?? 0)) / 86400;
  const cl = calendarOf(cal);
  const epoch = cl.toDays(y0, mo0, d0) + dayFraction;
  return Array.from(values, (v) => {
    const days = epoch + v / perDay;
    const whole = Math.floor(days + 1e-9);
    const { year, month, day } = cl.fromDays(whole);
    const start = cl.toDays(year, 1, 1);
    const length = cl.toDays(year + 1, 1, 1) - start;
    return { year, month, day, decimal_year: year + (days - start) / length };
  });
}

interface Calendar { toDays(y: number, m: number, d: number): number; fromDays(n: number): { year: number; month: number; day: number } }

const MONTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function calendarOf(cal: string): Calendar {
  if (cal === '360_day') {
    return { toDays: (y, m, d) => y * 360 + (m - 1) * 30 + (d - 1), fromDays: (n) => ({ year: Math.floor(n / 360), month: Math.floor((n % 360 + 360) % 360 / 30) + 1, day: ((n % 30) + 30) % 30 + 1 }) };
  }
  if (['noleap', '365_day', 'all_leap', '366_day'].includes(cal)) {
    const leap = cal === 'all_leap' || cal === '366_day';
    const months = MONTHS.map((d, i) => (i === 1 && leap ? 29 : d));
    const len = leap ? 366 : 365;
    const before = months.map((_, i) => months.slice(0, i).reduce((a, b) => a + b, 0));
    return {
      toDays: (y, m, d) => y * len + before[m - 1] + (d - 1),
      fromDays: (n) => {
        const year = Math.floor(n / len);
        let r = n - year * len, month = 0;
        while (month < 11 && r >= before[month + 1]) month++;
        r -= before[month];
        return { year, month: month + 1, day: r + 1 };
      },
    };
  }
  const julian = cal === 'julian';
  // days from a fixed origin, proleptic Gregorian (or Julian): civil-from-days arithmetic
  const toDays = (y: number, m: number, d: number) => {
    let days = 0;
    const yy = m <= 2 ? y - 1 : y;
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    if (julian) {
      days = yy * 365 + Math.floor(yy / 4) + doy;
    } else {
      days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    }
    return days;
  };
  return {
    toDays,
    fromDays: (n) => {
      // search the year, then the month: simple and exact for both calendars
      let year = Math.floor(n / 365.2425);
      while (toDays(year + 1, 1, 1) <= n) year++;
      while (toDays(year, 1, 1) > n) year--;
      let month = 1;
      while (month < 12 && toDays(year, month + 1, 1) <= n) month++;
      return { year, month, day: n - toDays(year, month, 1) + 1 };
    },
  };
}
