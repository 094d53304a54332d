import * as aq from 'arquero';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import { checkOutputPath, type OutputPathOptions } from '../guard.js';
import { csvProvenance, provenanceOf, type DatasetLike } from '../provenance/provenance.js';

/** The part of an Arquero table that writing CSV needs. */
type CsvTable = { toCSV(options?: { format?: Record<string, (v: unknown) => unknown> }): string; columnNames?(): string[] };

/**
 * CSV text of a table, ending in exactly one newline. Numbers are written to the precision of the
 * data (7 significant digits: float32 values and statistics of them), not the 16 digits of a
 * double; whole numbers and the projected coordinates `x_m`, `y_m` are written exactly. Binary
 * exports (Arrow, GeoTIFF) keep full precision.
 */
export function csvText(table: CsvTable): string {
  const round = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(7)) : v);
  const columns = table.columnNames?.() ?? [];
  const format = Object.fromEntries(columns.filter((c) => c !== 'x_m' && c !== 'y_m').map((c) => [c, round]));
  return table.toCSV({ format }).replace(/\n*$/, '\n');
}

/**
 * Writes an Arquero table as `.csv` or `.arrow` (Arrow IPC), creating the folder, through a
 * temporary file renamed at the end. Returns the full path. A CSV starts with two `#` comment
 * lines saying where it came from (library, date, whether synthetic, the dataset's fingerprint
 * when `dataset` is given): read it with `aq.loadCSV(path, { comment: '#' })` or
 * `pandas.read_csv(path, comment='#')`, or `permafrost-lab provenance <file>`.
 * @example await exportTable(await ds.table('alt', '2015-2019', { region: 'alaska' }), 'out/exports/alaska.csv', { dataset: ds })
 */
export async function exportTable(table: CsvTable, path: string, options: OutputPathOptions & { format?: 'csv' | 'arrow'; dataset?: DatasetLike } = {}): Promise<string> {
  const target = resolve(path);
  checkOutputPath(target, options);
  const type = options.format ? `.${options.format}` : extname(target).toLowerCase();
  if (type !== '.csv' && type !== '.arrow') throw new InputError(invalid('file type', type || path, '.csv or .arrow'));
  mkdirSync(dirname(target), { recursive: true });
  const bytes = type === '.csv'
    ? csvProvenance(await provenanceOf({ builder: 'exportTable', options: { format: 'csv' }, dataset: options.dataset })) + csvText(table)
    : aq.toArrowIPC(table as never);
  writeFileSync(`${target}.${process.pid}.tmp`, bytes);
  renameSync(`${target}.${process.pid}.tmp`, target);
  return target;
}
