import { InputError } from '../errors.js';
import { cleanCell } from './parseValue.js';

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
