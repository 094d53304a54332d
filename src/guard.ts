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

/**
 * Throws unless `path` may be written: exports never go into a protected data folder unless the
 * caller says so with `{ intoDataFolder: true }`.
 */
export function checkOutputPath(path: string, options: { intoDataFolder?: boolean } = {}): void {
  if (options.intoDataFolder) return;
  const folder = real(dirname(resolve(path)));
  for (const p of protectedFolders) {
    if (folder === p || folder.startsWith(p + sep)) {
      throw new InputError(`refusing to write into the data folder ${p}: write elsewhere (out/ for example) or pass { intoDataFolder: true }`, resolve(path));
    }
  }
}
