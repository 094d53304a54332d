// Summary passes kept on disk between processes: the per-period partials (moments, permafrost
// areas, histograms per group) of one variable, keyed by the files they came from, so that a
// second notebook or script summarizing the same files does not decode them again.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GroupPartial } from '../stats/kernels.js';
import { internalsOf, type Context } from './context.js';
import type { Variable } from './discover.js';

const FIELDS = ['w', 'mean', 'm2', 'min', 'max', 'cells', 'pf', 'pfCells'] as const;

/** How many summary files are kept (the least recently written go first). */
const KEEP = 64;

let codeHash: string | undefined;

/** A hash of the code that makes the partials: a changed kernel never reads an old file. */
function codeVersion(): string {
  if (codeHash) return codeHash;
  const hash = createHash('sha256');
  // the kernels, the pass, and every step of decoding (LZW and the predictors live beside decode.js)
  const files = ['../stats/kernels.js', './groupPass.js', '../engine/pass.js', '../geotiff/decode.js', '../geotiff/predictor.js', '../geotiff/lzw.js', '../geotiff/lzw.wasm',
    '../geotiff/jpeg.js', '../geotiff/colour.js', '../geotiff/samples.js', '../geotiff/codecs.js'];
  for (const url of files.map((f) => new URL(f, import.meta.url))) {
    try { hash.update(readFileSync(fileURLToPath(url))); } catch { hash.update(url.href); }
  }
  return (codeHash = hash.digest('hex').slice(0, 16));
}

/**
 * The cache file of a pass, or null when its files cannot be identified (a URL, a file gone):
 * every period's file (path, size, modification time), band, value transform and no data, and
 * what the pass computed (grouping, bins, permafrost coding).
 */
export function summaryCacheFile(ctx: Context, variable: Variable, what: unknown): string | null {
  if (process.env.PERMAFROST_SUMMARY_CACHE === '0') return null;
  const files: unknown[] = [];
  for (const p of ctx.periods) {
    const { raster, band } = ctx.slotOf(variable, p.label);
    if (/^[a-z]+:\/\//i.test(raster.source)) return null;
    let stat;
    try { stat = statSync(raster.source); } catch { return null; }
    files.push([p.label, raster.source, stat.size, stat.mtimeMs, band, raster.dataType, raster.noData, internalsOf(raster).valueTransform(band)]);
  }
  const key = createHash('sha256').update(JSON.stringify({ code: codeVersion(), variable, files, what })).digest('hex').slice(0, 24);
  const base = process.env.PERMAFROST_CACHE ?? join(homedir(), '.cache', 'permafrost-lab');
  return join(base, 'summaries', `${variable}-${key}.bin.gz`);
}

/** The partials kept in `file`, or null (missing or unreadable: the pass is made again). */
export function loadPartials(file: string | null): Map<string, GroupPartial> | null {
  if (!file) return null;
  try {
    const bytes = gunzipSync(readFileSync(file));
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as { keys: string[]; groups: number; bins: number };
    const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset + 4 + headerLength + pad(headerLength), bytes.byteOffset + bytes.byteLength));
    const { groups, bins } = header;
    const per = FIELDS.length * groups + groups * bins;
    if (values.length !== header.keys.length * per) return null;
    const out = new Map<string, GroupPartial>();
    header.keys.forEach((key, k) => {
      let at = k * per;
      const take = (n: number) => values.slice(at, (at += n));
      const part = Object.fromEntries(FIELDS.map((f) => [f, take(groups)])) as unknown as GroupPartial;
      part.hist = take(groups * bins);
      out.set(key, part);
    });
    return out;
  } catch {
    return null;
  }
}

/** Keeps the partials of a pass in `file` (written to a temporary name, then renamed); a read-only home is no error. */
export function savePartials(file: string | null, parts: Map<string, GroupPartial>): void {
  if (!file || parts.size === 0) return;
  try {
    const first = parts.values().next().value as GroupPartial;
    const groups = first.w.length, bins = first.hist.length / groups;
    const keys = [...parts.keys()];
    const header = Buffer.from(JSON.stringify({ keys, groups, bins }), 'utf8');
    const arrays = keys.flatMap((key) => { const p = parts.get(key)!; return [...FIELDS.map((f) => p[f]), p.hist]; });
    const body = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, gzipSync(Buffer.concat([length, header, Buffer.alloc(pad(header.length)), body]), { level: 1 }));
    renameSync(temporary, file);
    prune(dirname(file));
  } catch {
    // no room or no permission: the pass stays cached in this process only
  }
}

/** Bytes after the header so that the values start on an 8-byte boundary. */
function pad(headerLength: number): number {
  return (8 - ((4 + headerLength) % 8)) % 8;
}

function prune(folder: string): void {
  const files = readdirSync(folder).filter((n) => n.endsWith('.bin.gz')).map((n) => ({ n, t: statSync(join(folder, n)).mtimeMs }));
  files.sort((a, b) => b.t - a.t).slice(KEEP).forEach((f) => rmSync(join(folder, f.n), { force: true }));
}
