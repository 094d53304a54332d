import * as aq from 'arquero';
import { existsSync, readFileSync } from 'node:fs';
import { FileError, InputError, invalid } from '../errors.js';
import { parseDelimited, type TextTable } from './csv.js';

/** Which measurement a table holds. */
export type StationVariable = 'magt' | 'alt';

/** Options of {@link loadStations}. */
export interface LoadStationsOptions {
  /** `magt` (borehole temperatures) or `alt` (thaw depths). Default: from the column names. */
  variable?: StationVariable;
  /** Column names to use instead of recognising them: `{ site_id: 'Site Code', lat: 'N', … }`. */
  mapping?: Partial<Record<'site_id' | 'site_name' | 'lat' | 'lon' | 'year' | 'date' | 'depth_m' | 'value', string>>;
  /** Reject qualified values (`>260`, `<66`, `98*`) instead of keeping them with their qualifier. Default false. */
  excludeQualified?: boolean;
  /** Thaw depths below this are rejected as implausible. Default 5 cm. */
  min_alt_cm?: number;
  /** Thaw depths above this are rejected. Default 2000 cm (borehole-derived values reach 1350). */
  max_alt_cm?: number;
  /** Delimiter; default detected (comma, tab, semicolon, bar). */
  delimiter?: string;
}

/** What loadStations returns. */
export interface LoadedStations {
  /** site_id, site_name, lat, lon, year, [depth_m], magt_c or alt_cm, qualifier, line. */
  stations: ReturnType<typeof aq.from>;
  /** line, site_id, reason, raw: every row or cell that was not kept, and why. */
  rejected: ReturnType<typeof aq.from>;
  variable: StationVariable;
  /** Table-wide doubts (units that look like metres, a wide table melted, …). */
  warnings: string[];
}

const NAMES: Record<string, string[]> = {
  site_id: ['site_id', 'site_code', 'sitecode', 'site', 'code', 'id', 'station_id', 'station_code', 'borehole_id', 'borehole', 'station'],
  site_name: ['site_name', 'sitename', 'name', 'station_name', 'borehole_name', 'location'],
  lat: ['lat', 'latitude', 'lat_deg', 'latitude_deg', 'lat_dd', 'latitude_dd', 'latitude_n', 'y'],
  lon: ['lon', 'long', 'longitude', 'lng', 'lon_deg', 'longitude_deg', 'lon_dd', 'longitude_dd', 'longitude_e', 'x'],
  year: ['year', 'yr'],
  date: ['date', 'datetime', 'date_time', 'time', 'timestamp', 'measurement_date', 'date_of_measurement'],
  depth_m: ['depth_m', 'depth', 'depth_meters', 'sensor_depth'],
  magt: ['magt_c', 'magt', 'temperature', 'temperature_c', 'temp', 'ground_temperature', 'gt', 'mean_annual_ground_temperature'],
  alt: ['alt_cm', 'alt', 'thaw_depth', 'thaw_depth_cm', 'active_layer_thickness', 'active_layer', 'thaw'],
};

const norm = (name: string) => name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
const MISSING = /^(|-|–|—|na|n\/a|nan|null|none|inactive|no data|nd|\?)$/i;

/**
 * Loads a borehole (GTN-P-like) or thaw-depth (CALM-like) table from a CSV/TSV file or text, in
 * long form (a row per site and year) or wide form (a column per year, as CALM's summary table).
 * Recognises the usual column names or takes a mapping; keeps qualified values (`>260`, `<66`,
 * `98*`) with a `qualifier`; rejects, row by row with the line number and the reason, rows without
 * coordinates, coordinates out of range, non-numeric or implausible values, and duplicates.
 * @example const { stations, rejected } = loadStations('calm.csv'); rejected.print()
 */
export function loadStations(source: string, options: LoadStationsOptions = {}): LoadedStations {
  const isText = source.includes('\n');
  const where = isText ? '<text>' : source;
  if (!isText && !existsSync(source)) throw new FileError('file not found', source);
  const text = isText ? source : readFileSync(source, 'utf8');
  const warnings0: string[] = [];
  const table = headerFirst(parseDelimited(text, options.delimiter), options.mapping);
  if (table.header.length === 0) throw new InputError('the table is empty', where);
  if (table.skipped) warnings0.push(`the header is on line ${table.skipped + 1}: ${table.skipped} line(s) of title or notes above it were skipped`);
  const columns = table.header.map(norm);
  const find = (role: keyof typeof NAMES | 'value'): number => {
    const mapped = options.mapping?.[role as keyof NonNullable<LoadStationsOptions['mapping']>];
    if (mapped !== undefined) {
      const i = table.header.findIndex((h) => h === mapped || norm(h) === norm(mapped));
      if (i < 0) throw new InputError(invalid(`mapping for ${role}`, mapped, `one of the columns: ${table.header.join(', ')}`), where);
      return i;
    }
    if (role === 'value') return -1;
    for (const name of NAMES[role]) { const i = columns.indexOf(name); if (i >= 0) return i; }
    return -1;
  };
  const lat = find('lat');
  const lon = find('lon');
  if (lat < 0 || lon < 0) {
    throw new InputError(`no ${lat < 0 ? 'latitude' : 'longitude'} column (looked for ${NAMES[lat < 0 ? 'lat' : 'lon'].join(', ')}; the table has ${table.header.join(', ')}); ` +
      'pass { mapping: { lat: …, lon: … } }', where);
  }
  let site = find('site_id');
  const siteName = find('site_name');
  if (site < 0) site = siteName;
  const yearCols = table.header.map((h, i) => (/^\s*(19|20)\d{2}\s*$/.test(h) ? i : -1)).filter((i) => i >= 0);
  const wide = yearCols.length >= 2 && find('year') < 0;
  let variable = options.variable;
  let valueCol = options.mapping?.value !== undefined ? find('value') : -1;
  if (valueCol < 0 && !wide) {
    const magt = NAMES.magt.map((n) => columns.indexOf(n)).find((i) => i >= 0) ?? -1;
    const alt = NAMES.alt.map((n) => columns.indexOf(n)).find((i) => i >= 0) ?? -1;
    variable ??= alt >= 0 && magt < 0 ? 'alt' : magt >= 0 ? 'magt' : undefined;
    valueCol = variable === 'alt' ? alt : magt;
    if (valueCol < 0) throw new InputError(`no value column (looked for ${[...NAMES.magt, ...NAMES.alt].join(', ')}; the table has ${table.header.join(', ')}); pass { mapping: { value: … } }`, where);
  }
  variable ??= wide ? 'alt' : 'magt';
  const warnings: string[] = [...warnings0];
  if (wide) warnings.push(`wide table: ${yearCols.length} year columns (${table.header[yearCols[0]]}–${table.header[yearCols[yearCols.length - 1]]}) read as one row per site and year`);
  const yearCol = find('year');
  const dateCol = find('date');
  const depthCol = find('depth_m');
  if (!wide && yearCol < 0 && dateCol < 0) throw new InputError(`no year or date column (the table has ${table.header.join(', ')})`, where);

  const kept: Record<string, unknown>[] = [];
  const rejected: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  const minAlt = options.min_alt_cm ?? 5;
  const maxAlt = options.max_alt_cm ?? 2000;
  const reject = (line: number, id: string, reason: string, raw: string) => rejected.push({ line, site_id: id, reason, raw });

  table.rows.forEach((fields, r) => {
    const line = table.lines[r];
    const raw = fields.join(table.delimiter);
    const id = (site >= 0 ? fields[site] : '')?.trim() || `line ${line}`;
    const name = (siteName >= 0 ? fields[siteName] : id)?.trim() ?? id;
    const la = number(fields[lat]);
    const lo = number(fields[lon]);
    if (la === null || lo === null) { reject(line, id, `no ${la === null ? 'latitude' : 'longitude'} (${JSON.stringify((la === null ? fields[lat] : fields[lon]) ?? '')})`, raw); return; }
    if (la < -90 || la > 90) { reject(line, id, `latitude out of range: ${la}`, raw); return; }
    if (lo < -180 || lo > 360) { reject(line, id, `longitude out of range: ${lo}`, raw); return; }
    const lonNorm = lo > 180 ? lo - 360 : lo;
    const cells: { year: number | null; text: string; column: string }[] = wide
      ? yearCols.map((c) => ({ year: Number(table.header[c]), text: fields[c] ?? '', column: table.header[c] }))
      : [{ year: yearCol >= 0 ? yearOf(fields[yearCol]) : yearOf(fields[dateCol]), text: fields[valueCol] ?? '', column: table.header[valueCol] }];
    for (const cell of cells) {
      const where = wide ? `${cell.column}: ` : '';
      if (cell.year === null) { reject(line, id, `no year (${JSON.stringify(fields[yearCol >= 0 ? yearCol : dateCol] ?? '')})`, raw); continue; }
      const trimmed = cell.text.trim();
      if (MISSING.test(trimmed)) {
        if (!wide) reject(line, id, `no value (${JSON.stringify(trimmed)})`, raw);
        else if (trimmed && trimmed !== '-') reject(line, id, `${where}no value (${JSON.stringify(trimmed)})`, raw);
        continue;
      }
      const q = /^([<>≤≥~]?)\s*(-?\d+(?:[.,]\d+)?)\s*(\*?)$/.exec(trimmed);
      if (!q) { reject(line, id, `${where}not a number: ${JSON.stringify(trimmed)}`, raw); continue; }
      const value = Number(q[2].replace(',', '.'));
      const qualifier = (q[1] || '') + (q[3] || '');
      if (qualifier && options.excludeQualified) { reject(line, id, `${where}qualified value ${JSON.stringify(trimmed)} excluded`, raw); continue; }
      if (variable === 'alt' && (value < minAlt || value > maxAlt)) { reject(line, id, `${where}implausible thaw depth ${value} cm (expected ${minAlt}–${maxAlt} cm)`, raw); continue; }
      if (variable === 'magt' && (value < -40 || value > 40)) { reject(line, id, `${where}implausible ground temperature ${value} °C (expected −40 to 40 °C)`, raw); continue; }
      const depth = depthCol >= 0 ? number(fields[depthCol]) : null;
      // a date column may hold several readings a year (aggregatePeriods averages them): duplicates share the date
      const when = !wide && yearCol < 0 ? (fields[dateCol] ?? '').trim() : String(cell.year);
      const key = `${id}|${when}|${depth ?? ''}`;
      if (seen.has(key)) { reject(line, id, `duplicate of line ${seen.get(key)} (same site, ${!wide && yearCol < 0 ? 'date' : 'year'}${depthCol >= 0 ? ', depth' : ''})`, raw); continue; }
      seen.set(key, line);
      kept.push({ site_id: id, site_name: name, lat: la, lon: lonNorm, year: cell.year, ...(depthCol >= 0 ? { depth_m: depth } : {}),
        [variable === 'alt' ? 'alt_cm' : 'magt_c']: value, qualifier, line });
    }
  });
  if (variable === 'alt' && kept.length >= 10) {
    const values = kept.map((k) => k.alt_cm as number).sort((a, b) => a - b);
    if (values[Math.floor(values.length / 2)] < 5) warnings.push('thaw depths look like metres (median below 5): give them in cm');
  }
  return {
    stations: aq.from(kept),
    rejected: aq.from(rejected.length ? rejected : [], ['line', 'site_id', 'reason', 'raw'] as never),
    variable,
    warnings,
  };
}

/**
 * Published tables often carry a title or notes above the header: when the first row names no
 * latitude and longitude, the first of the next 20 rows that does becomes the header.
 */
function headerFirst(table: TextTable, mapping?: LoadStationsOptions['mapping']): TextTable & { skipped: number } {
  const has = (row: string[]) => {
    const names = row.map(norm);
    const lat = mapping?.lat ? row.some((h) => h.trim() === mapping.lat || norm(h) === norm(mapping.lat!)) : NAMES.lat.some((n) => names.includes(n));
    const lon = mapping?.lon ? row.some((h) => h.trim() === mapping.lon || norm(h) === norm(mapping.lon!)) : NAMES.lon.some((n) => names.includes(n));
    return lat && lon;
  };
  if (has(table.header)) return { ...table, skipped: 0 };
  const k = table.rows.slice(0, 20).findIndex(has);
  if (k < 0) return { ...table, skipped: 0 };
  return { header: table.rows[k].map((h) => h.trim()), rows: table.rows.slice(k + 1), lines: table.lines.slice(k + 1), delimiter: table.delimiter, skipped: table.lines[k] - 1 };
}

function number(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim().replace(/^\+/, '');
  if (t === '' || MISSING.test(t)) return null;
  const v = Number(t.replace(',', '.'));
  return Number.isFinite(v) ? v : null;
}

function yearOf(text: string | undefined): number | null {
  const m = /(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}
