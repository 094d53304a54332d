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
  /** Table-wide doubts (units that look like metres, a wide table melted, year headers recovered, …). */
  warnings: string[];
  /**
   * Every value cell read is accounted for: `kept + rejected + empty = cells_read` (a rejected
   * row counts all its value cells as rejected; `empty` are blank or "-" cells of a wide table).
   */
  cells: { cells_read: number; kept: number; rejected: number; empty: number };
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
  const recovered = recoverYearHeaders(table.header, where);
  const yearOfColumn = recovered.years;
  const yearCols = [...yearOfColumn.keys()].sort((a, b) => a - b);
  const wide = yearCols.length >= 2 && find('year') < 0;
  if (wide && recovered.note) warnings0.push(recovered.note);
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
  if (wide) warnings.push(`wide table: ${yearCols.length} year columns (${yearOfColumn.get(yearCols[0])}–${yearOfColumn.get(yearCols[yearCols.length - 1])}) read as one row per site and year`);
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
  const cellCount = { cells_read: 0, kept: 0, rejected: 0, empty: 0 };
  const conversions = new Map<string, string[]>(); // what number parsing had to undo (thousands separators, Excel dates), for a warning

  table.rows.forEach((fields, r) => {
    const line = table.lines[r];
    const raw = fields.join(table.delimiter);
    const id = (site >= 0 ? fields[site] : '')?.trim() || `line ${line}`;
    const name = (siteName >= 0 ? fields[siteName] : id)?.trim() ?? id;
    const la = number(fields[lat]);
    const lo = number(fields[lon]);
    const rowCells = wide ? yearCols.length : 1;
    cellCount.cells_read += rowCells;
    const rejectRow = (reason: string) => { reject(line, id, reason, raw); cellCount.rejected += rowCells; };
    if (la === null || lo === null) { rejectRow(`no ${la === null ? 'latitude' : 'longitude'} (${JSON.stringify((la === null ? fields[lat] : fields[lon]) ?? '')})`); return; }
    if (la < -90 || la > 90) { rejectRow(`latitude out of range: ${la}`); return; }
    if (lo < -180 || lo > 360) { rejectRow(`longitude out of range: ${lo}`); return; }
    const lonNorm = lo > 180 ? lo - 360 : lo;
    const cells: { year: number | null; text: string; column: string }[] = wide
      ? yearCols.map((c) => ({ year: yearOfColumn.get(c)!, text: fields[c] ?? '', column: String(yearOfColumn.get(c)) }))
      : [{ year: yearCol >= 0 ? yearOf(fields[yearCol]) : yearOf(fields[dateCol]), text: fields[valueCol] ?? '', column: table.header[valueCol] }];
    for (const cell of cells) {
      const where = wide ? `${cell.column}: ` : '';
      const rejectCell = (reason: string) => { reject(line, id, reason, raw); cellCount.rejected++; };
      if (cell.year === null) { rejectCell(`no year (${JSON.stringify(fields[yearCol >= 0 ? yearCol : dateCol] ?? '')})`); continue; }
      const trimmed = cleanCell(cell.text);
      if (MISSING.test(trimmed)) {
        if (!wide) rejectCell(`no value (${JSON.stringify(trimmed)})`);
        else if (trimmed && !/^[-–—]$/.test(trimmed)) rejectCell(`${where}no value (${JSON.stringify(trimmed)})`);
        else cellCount.empty++;
        continue;
      }
      const parsed = parseValue(trimmed, table.delimiter);
      if (!parsed) { rejectCell(`${where}not a number: ${JSON.stringify(trimmed)}`); continue; }
      if (parsed.note) (conversions.get(parsed.note) ?? conversions.set(parsed.note, []).get(parsed.note)!).push(`line ${line} ${where || 'value: '}${JSON.stringify(trimmed)} → ${parsed.value}`);
      const { value } = parsed;
      const qualifier = parsed.qualifier;
      if (qualifier && options.excludeQualified) { rejectCell(`${where}qualified value ${JSON.stringify(trimmed)} excluded`); continue; }
      if (variable === 'alt' && (value < minAlt || value > maxAlt)) { rejectCell(`${where}implausible thaw depth ${value} cm (expected ${minAlt}–${maxAlt} cm)`); continue; }
      if (variable === 'magt' && (value < -40 || value > 40)) { rejectCell(`${where}implausible ground temperature ${value} °C (expected −40 to 40 °C)`); continue; }
      const depth = depthCol >= 0 ? number(fields[depthCol]) : null;
      // a date column may hold several readings a year (aggregatePeriods averages them): duplicates share the date
      const when = !wide && yearCol < 0 ? (fields[dateCol] ?? '').trim() : String(cell.year);
      const key = `${id}|${when}|${depth ?? ''}`;
      if (seen.has(key)) { rejectCell(`duplicate of line ${seen.get(key)} (same site, ${!wide && yearCol < 0 ? 'date' : 'year'}${depthCol >= 0 ? ', depth' : ''})`); continue; }
      seen.set(key, line);
      cellCount.kept++;
      kept.push({ site_id: id, site_name: name, lat: la, lon: lonNorm, year: cell.year, ...(depthCol >= 0 ? { depth_m: depth } : {}),
        [variable === 'alt' ? 'alt_cm' : 'magt_c']: value, qualifier, line });
    }
  });
  for (const [note, cells] of conversions) {
    warnings.push(`${note} in ${cells.length} cell(s): ${cells.slice(0, 5).join('; ')}${cells.length > 5 ? '; …' : ''}`);
  }
  if (variable === 'alt' && kept.length >= 10) {
    const values = kept.map((k) => k.alt_cm as number).sort((a, b) => a - b);
    if (values[Math.floor(values.length / 2)] < 5) warnings.push('thaw depths look like metres (median below 5): give them in cm');
  }
  return {
    stations: aq.from(kept),
    rejected: aq.from(rejected.length ? rejected : [], ['line', 'site_id', 'reason', 'raw'] as never),
    variable,
    warnings,
    cells: cellCount,
  };
}

/** A header that should have been a year: `###` (Excel's column was too narrow), blank, `#VALUE!`, `Column7`, `Unnamed: 7`. */
const UNREADABLE_HEADER = /^(#+|#value!|#ref!|#name\?|column\s*\d+|unnamed:?\s*\d+|)$/i;

/**
 * The year of each year column of a wide table. Headers that are unreadable (`###` where Excel's
 * column was too narrow when the sheet was saved, or blank) but sit in a run of year columns,
 * one year per column, take the year their neighbours imply, with a note naming them; where the
 * run is not one year per column, the load fails naming those columns.
 */
export function recoverYearHeaders(header: string[], where = '<text>'): { years: Map<number, number>; note: string | null } {
  const years = new Map<number, number>();
  header.forEach((h, i) => { const t = cleanCell(h); if (/^(19|20)\d{2}$/.test(t)) years.set(i, Number(t)); });
  if (years.size < 2) return { years, note: null };
  const known = [...years.keys()].sort((a, b) => a - b);
  const first = known[0], last = known[known.length - 1];
  const unreadable: number[] = [];
  for (let i = first + 1; i < last; i++) if (!years.has(i) && UNREADABLE_HEADER.test(cleanCell(header[i]))) unreadable.push(i);
  // a `###` just past either end of the run is a year column too (a blank one there may be an empty spreadsheet column)
  for (let i = last + 1; i < header.length && /^#+$/.test(cleanCell(header[i])); i++) unreadable.push(i);
  for (let i = first - 1; i >= 0 && /^#+$/.test(cleanCell(header[i])); i--) unreadable.push(i);
  if (unreadable.length === 0) return { years, note: null };
  const base = years.get(first)! - first;
  const steady = known.every((i) => years.get(i) === base + i);
  const names = unreadable.sort((a, b) => a - b).map((i) => `column ${i + 1} (${JSON.stringify(header[i])})`);
  if (!steady) {
    throw new InputError(`year columns with unreadable headers: ${names.join(', ')}; their neighbours are not one year per column, so their years cannot be inferred. ` +
      'Widen the columns in the spreadsheet and save it again, or write the years into the header', where);
  }
  for (const i of unreadable) years.set(i, base + i);
  return {
    years,
    note: `year columns with unreadable headers taken from their neighbours: ${unreadable.map((i, k) => `${names[k]} = ${base + i}`).join(', ')}`,
  };
}

/** A cell without Excel's padding: non-breaking and thin spaces, surrounding blanks. */
function cleanCell(text: string | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f\u2007]/g, ' ').trim();
}

/**
 * A measured value as Excel may have saved it: qualifiers (`>260`, `<66`, `98*`), a decimal comma,
 * thousands separators (`1,350`, `1 350`), exponents (`1.5E+02`), and numbers that Excel turned
 * into dates of 1900 (the date's serial number is the value). `note` says what was undone.
 */
export function parseValue(text: string, delimiter = ','): { value: number; qualifier: string; note?: string } | null {
  const q = /^([<>≤≥~]?)\s*(.*?)\s*(\*?)$/.exec(text);
  if (!q) return null;
  const qualifier = (q[1] || '') + (q[3] || '');
  let body = q[2];
  let note: string | undefined;
  if (/^-?\d{1,3}([ ,]\d{3})+(\.\d+)?$/.test(body) && !(delimiter === ';' && /^-?\d{1,3},\d{3}$/.test(body))) {
    body = body.replace(/[ ,]/g, '');
    note = 'thousands separators removed';
  } else if (/^-?\d+,\d+$/.test(body)) {
    body = body.replace(',', '.');
  } else {
    const serial = excelDateSerial(body);
    if (serial !== null) return { value: serial, qualifier, note: 'numbers Excel had turned into dates of 1900 read back as numbers' };
  }
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) return null;
  const value = Number(body);
  return Number.isFinite(value) ? { value, qualifier, note } : null;
}

/** A date of 1900 as Excel shows a number it took for a date (1900-04-07 is serial 98), or null. */
function excelDateSerial(text: string): number | null {
  const iso = /^(1900)-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dmy = /^(\d{1,2})[./](\d{1,2})[./](1900)$/.exec(text);
  // day first, unless only the other order makes a date (4/27/1900)
  const monthFirst = dmy && Number(dmy[1]) <= 12 && Number(dmy[2]) > 12;
  const parts = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : dmy ? [Number(dmy[3]), Number(dmy[monthFirst ? 1 : 2]), Number(dmy[monthFirst ? 2 : 1])] : null;
  if (!parts) return null;
  const [y, m, d] = parts;
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const days = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 31)) / 86_400_000);
  return days >= 60 ? days + 1 : days; // Excel counts a 29 February 1900 that never was
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
