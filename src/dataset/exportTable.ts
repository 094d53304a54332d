import * as aq from 'arquero';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import { checkOutputPath } from '../guard.js';

/** CSV text of a table, ending in exactly one newline. */
export function csvText(table: { toCSV(): string }): string {
  return table.toCSV().replace(/\n*$/, '\n');
}

/**
 * Writes an Arquero table as `.csv` or `.arrow` (Arrow IPC), creating the folder, through a
 * temporary file renamed at the end. Returns the full path.
 * @example await exportTable(await ds.table('alt', '2015-2019', { region: 'alaska' }), 'out/exports/alaska.csv')
 */
export function exportTable(table: { toCSV(): string }, path: string, options: { intoDataFolder?: boolean; format?: 'csv' | 'arrow' } = {}): string {
  const target = resolve(path);
  checkOutputPath(target, options);
  const type = options.format ? `.${options.format}` : extname(target).toLowerCase();
  if (type !== '.csv' && type !== '.arrow') throw new InputError(invalid('file type', type || path, '.csv or .arrow'));
  mkdirSync(dirname(target), { recursive: true });
  const bytes = type === '.csv' ? csvText(table) : aq.toArrowIPC(table as never);
  writeFileSync(`${target}.${process.pid}.tmp`, bytes);
  renameSync(`${target}.${process.pid}.tmp`, target);
  return target;
}
