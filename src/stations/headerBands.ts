import type { TextTable } from './csv.js';
import { cleanCell, parseValue } from './parseValue.js';

/** A table whose header was found (and its bands merged) by {@link findHeader}. */
export interface HeaderedTable extends TextTable {
  /** Lines of title or notes above the header. */
  skipped: number;
  /** How many rows the header spans (1 to 3), and the line of its first row. */
  bands: number;
  header_line: number;
  /** Each column's name in every band, top to bottom, for messages (`Location / LAT`). */
  band_names: string[];
}

const YEAR = /^(1[89]|20)\d{2}$/;
// A row of units under the names: `cm`, `(m)`, `[°C]`, `deg`, `decimal degrees`, `yyyy`, …
const UNIT = /^[[(]?\s*(cm|m|mm|km|°c|ºc|degc|deg\.?\s*c|°|º|deg|degrees?|decimal degrees|dd|dms|yyyy|m a\.?s\.?l\.?|%)\s*[\])]?$/i;

/**
 * Finds the header of a published table: the first row (among the first 21) that names a
 * latitude and a longitude (`named`), merged with the one or two rows right above it when they
 * name columns that it leaves empty (CALM's `Site Code;;;Site Name;Location;;Method;SITE AVERAGES…`
 * above `;;;;LAT;LONG;;1990;1991`), and with a row of units right under it (`;;deg;deg;cm`).
 * Each column is named by its lowest name, with its unit appended (`Depth` over `cm` →
 * `Depth (cm)`); a name only an upper row gives (`Site Code` over an empty cell) stays. Rows
 * above the band are title or notes, skipped. Without such a row, the first row is the header.
 */
export function findHeader(table: TextTable, named: (header: string[]) => boolean): HeaderedTable {
  const rows = [table.header, ...table.rows];
  const lines = [table.header_line, ...table.lines];
  const start = rows.slice(0, 21).findIndex((row) => named(mergeBands([row]).header));
  if (start < 0) return { ...table, skipped: 0, bands: 1, band_names: table.header };
  let top = start;
  while (top > 0 && start - top < 2 && lines[top - 1] === lines[top] - 1 && namesEmptyColumns(rows[top - 1], mergeBands(rows.slice(top, start + 1)).header)) top--;
  let end = start + 1;
  if (end < rows.length && isUnitRow(rows[end])) end++;
  return {
    ...mergeBands(rows.slice(top, end)),
    rows: rows.slice(end),
    lines: lines.slice(end),
    delimiter: table.delimiter,
    header_line: lines[top],
    skipped: lines[top] - 1,
    bands: end - top,
  };
}

/** A row of names (two or more, no number but years) above a header, naming some of the columns it leaves empty. */
function namesEmptyColumns(row: string[], below: string[]): boolean {
  const cells = row.map(cleanCell);
  const filled = cells.filter((c) => c !== '');
  return filled.length >= 2 && filled.every((c) => YEAR.test(c) || parseValue(c) === null) && cells.some((c, i) => c !== '' && !below[i]);
}

/** A row of units alone. */
function isUnitRow(row: string[] | undefined): boolean {
  const cells = (row ?? []).map(cleanCell).filter((c) => c !== '');
  return cells.length >= 1 && cells.every((c) => UNIT.test(c));
}

/** Column names from the rows of a header band (see {@link findHeader}). */
function mergeBands(band: string[][]): { header: string[]; band_names: string[] } {
  const width = Math.max(...band.map((r) => r.length));
  const header: string[] = [], bandNames: string[] = [];
  for (let c = 0; c < width; c++) {
    let name = '';
    const parts: string[] = [];
    for (const row of band) {
      const cell = cleanCell(row[c]);
      if (!cell) continue;
      parts.push(cell);
      if (isUnitRow([cell]) && name) name = /^[[(]/.test(cell) ? `${name} ${cell}` : `${name} (${cell})`;
      else name = cell;
    }
    header.push(name);
    bandNames.push(parts.join(' / '));
  }
  return { header, band_names: bandNames };
}
