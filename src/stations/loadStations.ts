import * as aq from 'arquero';
import { existsSync, readFileSync } from 'node:fs';
import { PRODUCT_LATITUDES } from '../dataset/periods.js';
import { FileError, InputError, invalid } from '../errors.js';
import { columnRoles, MISSING, NAMES, type MappedRole } from './columns.js';
import { parseDelimited } from './csv.js';
import { decodeText, type DecodedText, type TextEncoding } from './decodeText.js';
import { findHeader } from './headerBands.js';
import { parseCoordinate } from './parseCoordinate.js';
import { cleanCell, parseValue } from './parseValue.js';
import { recoverYearHeaders } from './yearHeaders.js';

export { parseValue } from './parseValue.js';
export { recoverYearHeaders } from './yearHeaders.js';

/** Which measurement a table holds. */
export type StationVariable = 'magt' | 'alt';

/** Options of {@link loadStations} and {@link parseStations}. */
export interface LoadStationsOptions {
  /** `magt` (borehole temperatures) or `alt` (thaw depths). Default: from the column names. */
  variable?: StationVariable;
  /**
   * Column names to use instead of recognising them: `{ site_id: 'Site Code', lat: 'N', … }`.
   * `depth_m` names a depth column in metres, `depth_cm` one in centimetres.
   */
  mapping?: Partial<Record<MappedRole, string>>;
  /** Reject qualified values (`>260`, `<66`, `98*`) instead of keeping them with their qualifier. Default false. */
  exclude_qualified?: boolean;
  /** Thaw depths below this are rejected as implausible. Default 5 cm. */
  min_alt_cm?: number;
  /** Thaw depths above this are rejected. Default 2000 cm (borehole-derived values reach 1350). */
  max_alt_cm?: number;
  /** Delimiter; default detected (comma, tab, semicolon, bar). */
  delimiter?: string;
}

/** What loadStations and parseStations return. */
export interface LoadedStations {
  /** site_id, site_name, lat, lon, year, [depth_m], magt_c or alt_cm, qualifier, line. */
  stations: ReturnType<typeof aq.from>;
  /** line, site_id, reason, raw: every row or cell that was not kept, and why. */
  rejected: ReturnType<typeof aq.from>;
  variable: StationVariable;
  /** How the bytes were read: `UTF-8`, `UTF-8 with BOM`, `UTF-16LE`, `UTF-16BE`, `Windows-1252` or `Latin-1` (`UTF-8` for text passed in). */
  encoding: TextEncoding;
  /**
   * Table-wide doubts and what was assumed: the encoding when not UTF-8, header rows merged or
   * skipped, units judged from values, sites outside the product, a wide table melted, …
   */
  warnings: string[];
  /**
   * Every value cell read is accounted for: `kept + rejected + empty = cells_read` (a rejected
   * row counts all its value cells as rejected; `empty` are blank or "-" cells of a wide table).
   */
  cells: { cells_read: number; kept: number; rejected: number; empty: number };
}

/**
 * Reads a borehole (GTN-P-like) or thaw-depth (CALM-like) table from a CSV/TSV file (for its text or
 * bytes, `parseStations`), in long form (a row per site and year, and depth) or wide form (a column per year, as
 * CALM's summary table), as people publish them: any delimiter, UTF-8 (with or without BOM),
 * UTF-16 or single-byte text (named in the warnings), a title above the header and a header of
 * two or three rows (merged into column names), coordinates in any notation (`parseCoordinate`),
 * decimal commas. Recognises the usual column names or takes a mapping; an id or code column
 * (`Site Code`, `cci_ID`) names the sites, else their name; a depth without a unit is read as
 * centimetres when its values can only be (above 50), with a warning. Keeps qualified values
 * (`>260`, `<66`, `98*`) with a `qualifier`; rejects, with the line and the reason (the cell
 * quoted), rows without readable coordinates, values out of range, non-numbers and duplicates
 * (same id, year or date, and depth). Sites south of 45°N stay in the table, named in a warning.
 * Passing the table's text or bytes here instead of a path still works for one release, with a
 * notice: that is `parseStations`.
 * @example const { stations, rejected, warnings } = loadStations('calm.csv'); rejected.print()
 */
export function loadStations(path: string, options?: LoadStationsOptions): LoadedStations;
/** @deprecated pass a table's bytes to `parseStations` (removed in the next release) */
export function loadStations(bytes: Uint8Array, options?: LoadStationsOptions): LoadedStations;
export function loadStations(path: string | Uint8Array, options: LoadStationsOptions = {}): LoadedStations {
  if (typeof path !== 'string' || path.includes('\n')) {
    if (!warnedText) {
      warnedText = true;
      console.warn('loadStations(text or bytes) is deprecated (removed in the next release): use parseStations(text or bytes), and loadStations(path) for a file');
    }
    return parseStations(path, options);
  }
  if (!existsSync(path)) throw new FileError('file not found', path);
  return readStations(decodeText(readFileSync(path)), path, options);
}

let warnedText = false;

/**
 * Parses a borehole or thaw-depth table from its text or its bytes (the encoding judged as for a
 * file), exactly as `loadStations` reads a file: see it for the forms, names and checks. Errors
 * name `<text>` or `<bytes>` with the line. Options as `loadStations`'s, none required.
 * @example const { stations } = parseStations('site,lat,lon,year,alt_cm\nU1,71.3,-156.6,2010,38\n')
 */
export function parseStations(source: string | Uint8Array, options: LoadStationsOptions = {}): LoadedStations {
  if (typeof source === 'string') {
    if (!source.includes('\n') && source.trim() !== '' && existsSync(source)) {
      throw new InputError(invalid('station table text', source, 'the text of a table; this names a file: read it with loadStations(path)'));
    }
    return readStations({ text: source.replace(/^\uFEFF/, ''), encoding: 'UTF-8', note: null }, '<text>', options);
  }
  if (!(source instanceof Uint8Array)) throw new InputError(invalid('station table', typeof source, 'its text (a string) or its bytes (a Uint8Array)'));
  return readStations(decodeText(source), '<bytes>', options);
}

/** The table read from decoded text; `where` names the source in errors. */
function readStations(decoded: DecodedText, where: string, options: LoadStationsOptions): LoadedStations {
  const warnings: string[] = [];
  if (decoded.note) warnings.push(decoded.note);
  const mangled = decoded.text.match(/[\u0080-\u009f]/g);
  if (mangled) {
    warnings.push(`the text holds ${mangled.length} control character(s) U+0080–U+009F (${[...new Set(mangled)].map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join(', ')}): ` +
      'Windows-1252 text was once read as Latin-1; in coordinates U+0092 and U+0094 are read as ’ and ”');
  }
  const named = (header: string[]) => {
    const roles = columnRoles(header, options.mapping, where);
    return roles.lat >= 0 && roles.lon >= 0;
  };
  const table = findHeader(parseDelimited(decoded.text, options.delimiter), (h) => { try { return named(h); } catch { return false; } });
  if (table.header.length === 0) throw new InputError('the table is empty', where);
  if (table.skipped) warnings.push(`the header is on line ${table.skipped + 1}: ${table.skipped} line(s) of title or notes above it were skipped`);
  if (table.bands > 1) {
    const names = table.header.map((h, i) => {
      const parts = table.band_names[i].split(' / ');
      return h && (parts.length > 1 && parts[parts.length - 1] === h ? `${h} (under ${JSON.stringify(parts.slice(0, -1).join(' / '))})` : h);
    }).filter(Boolean);
    warnings.push(`a header of ${table.bands} rows (lines ${table.header_line}–${table.header_line + table.bands - 1}) merged into column names: ` +
      (names.length > 12 ? [...names.slice(0, 10), '…', names[names.length - 1]] : names).join(', '));
  }
  const roles = columnRoles(table.header, options.mapping, where);
  const { lat, lon } = roles;
  if (lat < 0 || lon < 0) {
    throw new InputError(`no ${lat < 0 ? 'latitude' : 'longitude'} column (looked for ${NAMES[lat < 0 ? 'lat' : 'lon'].join(', ')}; the table has ${table.header.join(', ')}); ` +
      'pass { mapping: { lat: …, lon: … } }', where);
  }
  const siteCode = roles.site_id;
  const siteName = roles.site_name;
  const recovered = recoverYearHeaders(table.header, where);
  const yearOfColumn = recovered.years;
  const yearCols = [...yearOfColumn.keys()].sort((a, b) => a - b);
  const yearCol = roles.year;
  const dateCol = roles.date;
  const wide = yearCols.length >= 2 && yearCol < 0;
  if (wide && recovered.note) warnings.push(recovered.note);
  let variable = options.variable;
  let valueCol = roles.value;
  let altUnit: 'cm' | 'm' | 'unknown' = 'unknown';
  if (valueCol < 0 && !wide) {
    variable ??= roles.alt.column >= 0 && roles.magt < 0 ? 'alt' : roles.magt >= 0 ? 'magt' : undefined;
    valueCol = variable === 'alt' ? roles.alt.column : roles.magt;
    if (variable === 'alt') altUnit = roles.alt.unit;
    if (valueCol < 0) {
      throw new InputError(`no value column (looked for ${[...NAMES.magt, ...NAMES.alt_cm, ...NAMES.alt_m, ...NAMES.alt].join(', ')}; the table has ${table.header.join(', ')}); ` +
        'pass { mapping: { value: … } }', where);
    }
  }
  variable ??= wide ? 'alt' : 'magt';
  if (wide) warnings.push(`wide table: ${yearCols.length} year columns (${yearOfColumn.get(yearCols[0])}–${yearOfColumn.get(yearCols[yearCols.length - 1])}) read as one row per site and year`);
  if (!wide && yearCol < 0 && dateCol < 0) throw new InputError(`no year or date column (the table has ${table.header.join(', ')})`, where);
  const depth = judgeDepth(table.rows, table.header, roles.depth);
  if (depth.note) warnings.push(depth.note);
  const altScale = judgeAlt(table.rows, table.header, valueCol, variable === 'alt' && !wide ? altUnit : 'cm', warnings);

  const kept: Record<string, unknown>[] = [];
  const rejected: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  const minAlt = options.min_alt_cm ?? 5;
  const maxAlt = options.max_alt_cm ?? 2000;
  const reject = (line: number, id: string, reason: string, raw: string) => rejected.push({ line, site_id: id, reason, raw });
  const cellCount = { cells_read: 0, kept: 0, rejected: 0, empty: 0 };
  const conversions = new Map<string, string[]>(); // what number parsing had to undo (thousands separators, Excel dates), for a warning
  const namedByName: number[] = [];
  const coordinates = { lat: cached((t?: string) => coordinate(t, 'lat')), lon: cached((t?: string) => coordinate(t, 'lon')) }; // a site repeats its coordinates on every row

  table.rows.forEach((fields, r) => {
    const line = table.lines[r];
    const raw = fields.join(table.delimiter);
    const name = siteName >= 0 ? cleanCell(fields[siteName]) : '';
    let id = siteCode >= 0 ? cleanCell(fields[siteCode]) : name;
    if (!id && siteCode >= 0 && name) { id = name; namedByName.push(line); } // never a line number where a code column exists
    id ||= siteCode >= 0 ? '' : `line ${line}`;
    const rowCells = wide ? yearCols.length : 1;
    cellCount.cells_read += rowCells;
    const rejectRow = (reason: string) => { reject(line, id, reason, raw); cellCount.rejected += rowCells; };
    const la = coordinates.lat(fields[lat]);
    const lo = coordinates.lon(fields[lon]);
    if (typeof la === 'string') { rejectRow(la); return; }
    if (typeof lo === 'string') { rejectRow(lo); return; }
    if (la < -90 || la > 90) { rejectRow(`latitude out of range: ${la}`); return; }
    if (lo < -180 || lo > 360 || (lo > 180 && !/^\+?\d+([.,]\d*)?$/.test(cleanCell(fields[lon])))) { rejectRow(`longitude out of range: ${lo}`); return; }
    if (!id) { rejectRow(`no site id (the ${JSON.stringify(table.header[siteCode])} and ${siteName >= 0 ? JSON.stringify(table.header[siteName]) : 'name'} cells are empty)`); return; }
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
      const value = variable === 'alt' ? parsed.value * altScale : parsed.value;
      const qualifier = parsed.qualifier;
      if (qualifier && options.exclude_qualified) { rejectCell(`${where}qualified value ${JSON.stringify(trimmed)} excluded`); continue; }
      if (variable === 'alt' && (value < minAlt || value > maxAlt)) { rejectCell(`${where}implausible thaw depth ${value} cm (expected ${minAlt}–${maxAlt} cm)`); continue; }
      if (variable === 'magt' && (value < -40 || value > 40)) { rejectCell(`${where}implausible ground temperature ${value} °C (expected −40 to 40 °C)`); continue; }
      const depthM = depth.column >= 0 ? scaled(number(fields[depth.column]), depth.scale) : null;
      // a date column may hold several readings a year (aggregatePeriods averages them): duplicates share the date
      const when = !wide && yearCol < 0 ? (fields[dateCol] ?? '').trim() : String(cell.year);
      const key = `${id}|${when}|${depthM ?? ''}`;
      if (seen.has(key)) { rejectCell(`duplicate of line ${seen.get(key)} (same site, ${!wide && yearCol < 0 ? 'date' : 'year'}${depth.column >= 0 ? ', depth' : ''})`); continue; }
      seen.set(key, line);
      cellCount.kept++;
      kept.push({ site_id: id, site_name: name || id, lat: la, lon: lonNorm, year: cell.year, ...(depth.column >= 0 ? { depth_m: depthM } : {}),
        [variable === 'alt' ? 'alt_cm' : 'magt_c']: value, qualifier, line });
    }
  });
  for (const [note, cells] of conversions) {
    warnings.push(`${note} in ${cells.length} cell(s): ${cells.slice(0, 5).join('; ')}${cells.length > 5 ? '; …' : ''}`);
  }
  if (namedByName.length) warnings.push(`the ${JSON.stringify(table.header[siteCode])} cell is empty on ${namedByName.length} row(s) (line ${namedByName.slice(0, 5).join(', ')}${namedByName.length > 5 ? ', …' : ''}): the site name was taken as their id`);
  if (variable === 'alt' && kept.length >= 10 && altUnit === 'unknown') {
    const values = kept.map((k) => k.alt_cm as number).sort((a, b) => a - b);
    if (values[Math.floor(values.length / 2)] < 5) warnings.push('thaw depths look like metres (median below 5): give them in cm');
  }
  warnings.push(...siteWarnings(kept, siteCode >= 0 ? table.header[siteCode] : null));
  return {
    stations: aq.from(kept),
    rejected: aq.from(rejected.length ? rejected : [], ['line', 'site_id', 'reason', 'raw'] as never),
    variable,
    encoding: decoded.encoding,
    warnings,
    cells: cellCount,
  };
}

/** A coordinate cell as a number, or the reason it was rejected (the cell quoted). */
function coordinate(text: string | undefined, axis: 'lat' | 'lon'): number | string {
  const what = axis === 'lat' ? 'latitude' : 'longitude';
  const t = cleanCell(text);
  if (MISSING.test(t)) return `no ${what} (${JSON.stringify(t)})`;
  const parsed = parseCoordinate(t, axis);
  return parsed.value ?? `unreadable ${what} ${JSON.stringify(t)} (${parsed.error})`;
}

/**
 * The unit of the depth column: what its name says, else judged from its values, as the issue of
 * ESA CCI's tables (depths in cm, 0–2000, under `Depth`) asks: above 50 a sensor depth can only be
 * in centimetres (73 % of GTN-P boreholes are shallower than 25 m).
 */
function judgeDepth(rows: string[][], header: string[], depth: { column: number; unit: 'm' | 'cm' | 'unknown' }) {
  if (depth.column < 0) return { column: -1, scale: 1, note: null };
  if (depth.unit !== 'unknown') return { column: depth.column, scale: depth.unit === 'cm' ? 0.01 : 1, note: null };
  const values = rows.map((r) => number(r[depth.column])).filter((v): v is number => v !== null);
  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const name = JSON.stringify(header[depth.column]);
  if (max > 50) {
    return { column: depth.column, scale: 0.01, note: `the depth column ${name} has no unit and reaches ${max}: read as centimetres (a sensor deeper than 50 m is not plausible here); pass { mapping: { depth_m: ${name} } } if it is in metres` };
  }
  return { column: depth.column, scale: 1, note: values.length ? `the depth column ${name} has no unit: read as metres (values ${Math.min(...values)}–${max}); pass { mapping: { depth_cm: ${name} } } if it is in centimetres` : null };
}

/** The factor to centimetres of a long table's thaw depths: ×100 from metres, and a warning when the unit is judged from values above 30. */
function judgeAlt(rows: string[][], header: string[], column: number, unit: 'cm' | 'm' | 'unknown', warnings: string[]): number {
  if (unit === 'm') { warnings.push(`thaw depths in ${JSON.stringify(header[column])} are in metres: converted to centimetres`); return 100; }
  if (unit === 'cm') return 1;
  const values = rows.map((r) => parseValue(cleanCell(r[column]))?.value).filter((v): v is number => v !== undefined);
  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
  if (max > 30) warnings.push(`the thaw depth column ${JSON.stringify(header[column])} has no unit and reaches ${max}: read as centimetres (a thaw depth above 30 m is not plausible)`);
  return 1;
}

/** Warnings about the sites kept: names shared by several ids, and sites south of the product's 45°N. */
function siteWarnings(kept: Record<string, unknown>[], idColumn: string | null): string[] {
  const sites = new Map<string, Record<string, unknown>>();
  for (const k of kept) if (!sites.has(k.site_id as string)) sites.set(k.site_id as string, k);
  const out: string[] = [];
  const byName = new Map<string, string[]>();
  for (const [id, k] of sites) (byName.get(k.site_name as string) ?? byName.set(k.site_name as string, []).get(k.site_name as string)!).push(id);
  const shared = [...byName].filter(([, ids]) => ids.length > 1);
  if (shared.length && idColumn) {
    out.push(`${shared.length} site name(s) shared by several sites, told apart by ${JSON.stringify(idColumn)}: ` +
      shared.slice(0, 5).map(([name, ids]) => `${JSON.stringify(name)} (${ids.join(', ')})`).join('; ') + (shared.length > 5 ? '; …' : ''));
  }
  const south = [...sites.values()].filter((k) => (k.lat as number) < PRODUCT_LATITUDES.south);
  if (south.length) {
    out.push(`${south.length} site(s) south of ${PRODUCT_LATITUDES.south}°N, outside the product: kept here, left out of matching by validate: ` +
      south.slice(0, 10).map((k) => `${k.site_id} ${JSON.stringify(k.site_name)} at ${+(k.lat as number).toFixed(4)}, ${+(k.lon as number).toFixed(4)} (line ${k.line})`).join('; ') + (south.length > 10 ? '; …' : ''));
  }
  return out;
}

/** A function of a cell remembered for each text. */
function cached<T>(f: (text?: string) => T): (text?: string) => T {
  const memo = new Map<string | undefined, T>();
  return (text) => { if (!memo.has(text)) memo.set(text, f(text)); return memo.get(text)!; };
}

const scaled = (v: number | null, scale: number) => (v === null ? null : scale === 1 ? v : Math.round(v * scale * 1e6) / 1e6);

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
