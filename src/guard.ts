import { realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

const protectedFolders = new Set<string>();

function real(path: string): string {
  try { return realpathSync(path); } catch { return resolve(path); }
}

/** Marks a data folder (a dataset's own files) as not to be written into. `openDataset` calls it. */
export function protectFolder(folder: string): void {
  if (!/^https?:\/\//i.test(folder)) protectedFolders.add(real(folder));
}

/** The option of every writer (GeoTIFF, NetCDF, tables, figures) about a dataset's own folder. */
export interface OutputPathOptions {
  /** Allow writing into a dataset's own folder (refused by default). */
  into_data_folder?: boolean;
  /** @deprecated use `into_data_folder` (the same flag; removed in the next release) */
  intoDataFolder?: boolean;
}

/**
 * Throws unless `path` may be written: exports never go into a protected data folder unless the
 * caller says so with `{ into_data_folder: true }`.
 * @example checkOutputPath('out/magt.csv', { into_data_folder: false })
 */
export function checkOutputPath(path: string, options: OutputPathOptions = {}): void {
  if (options.into_data_folder ?? options.intoDataFolder) return;
  const folder = real(dirname(resolve(path)));
  for (const p of protectedFolders) {
    if (folder === p || folder.startsWith(p + sep)) {
      throw new InputError(`refusing to write into the data folder ${p}: write elsewhere (out/ for example) or pass { into_data_folder: true }`, resolve(path));
    }
  }
}
