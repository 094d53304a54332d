import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * One file of a dataset: its name, size and the SHA-256 of its bytes; a remote file (a URL) or one
 * that cannot be read is recorded by name, with size and hash null and a note saying why.
 */
export interface FileFingerprint { name: string; size_bytes: number | null; sha256: string | null; note?: string }

/** What a dataset was, file by file, and one short id for all of it. */
export interface DatasetFingerprint {
  /** The first 16 hex digits of the SHA-256 of the sorted file list (name, size, hash). */
  id: string;
  files: FileFingerprint[];
}

/** Where file hashes are kept between processes: `$PERMAFROST_CACHE/fingerprints.json`, else under ~/.cache/permafrost-lab. */
export function fingerprintCacheFile(): string {
  return join(process.env.PERMAFROST_CACHE ?? join(homedir(), '.cache', 'permafrost-lab'), 'fingerprints.json');
}

type CacheEntry = { size: number; mtime_ms: number; sha256: string };
let memory: Record<string, CacheEntry> | undefined;

function loadCache(): Record<string, CacheEntry> {
  if (memory) return memory;
  try {
    memory = JSON.parse(readFileSync(fingerprintCacheFile(), 'utf8')) as Record<string, CacheEntry>;
  } catch {
    memory = {};
  }
  return memory;
}

function saveCache(cache: Record<string, CacheEntry>): void {
  const file = fingerprintCacheFile();
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(cache));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch { /* a read-only home: hashes are computed again next time */ }
}

function hashFile(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 22 }).on('data', (chunk) => hash.update(chunk)).on('error', fail).on('end', () => done(hash.digest('hex')));
  });
}

/**
 * The fingerprint of a set of files: each file's name, size and SHA-256, hashed once and cached
 * by path, size and modification time (a changed file is hashed again).
 * @example const { id } = await fingerprintFiles(ds.files)
 */
export async function fingerprintFiles(files: string[]): Promise<DatasetFingerprint> {
  const cache = loadCache();
  let changed = false;
  const out: FileFingerprint[] = [];
  for (const file of [...files].map((f) => (/^https?:\/\//i.test(f) ? f : resolve(f))).sort()) {
    if (/^https?:\/\//i.test(file)) { out.push({ name: file, size_bytes: null, sha256: null, note: 'remote: not hashed' }); continue; }
    let stat;
    try {
      stat = statSync(file);
    } catch (err) {
      out.push({ name: basename(file), size_bytes: null, sha256: null, note: `not readable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    let entry = cache[file];
    if (!entry || entry.size !== stat.size || entry.mtime_ms !== stat.mtimeMs) {
      try {
        entry = { size: stat.size, mtime_ms: stat.mtimeMs, sha256: await hashFile(file) };
      } catch (err) {
        out.push({ name: basename(file), size_bytes: stat.size, sha256: null, note: `not readable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      cache[file] = entry;
      changed = true;
    }
    out.push({ name: basename(file), size_bytes: stat.size, sha256: entry.sha256 });
  }
  if (changed) saveCache(cache);
  const id = createHash('sha256').update(out.map((f) => `${f.name}\t${f.size_bytes}\t${f.sha256}`).join('\n')).digest('hex').slice(0, 16);
  return { id, files: out };
}

/** How a folder's files compare with a recorded fingerprint. */
export interface FingerprintMatch {
  matches: boolean;
  /** One line per file that differs, is missing, or was not in the record. */
  differences: string[];
}

/** Compares a recorded fingerprint with the files found now (matched by name). */
export function compareFingerprints(recorded: DatasetFingerprint, found: DatasetFingerprint): FingerprintMatch {
  const differences: string[] = [];
  const now = new Map(found.files.map((f) => [f.name, f]));
  for (const f of recorded.files) {
    const g = now.get(f.name);
    if (!g) differences.push(`${f.name}: missing`);
    else if (g.size_bytes !== f.size_bytes) differences.push(`${f.name}: ${g.size_bytes} bytes, recorded ${f.size_bytes}`);
    else if (f.sha256 === null || g.sha256 === null) differences.push(`${f.name}: cannot be compared (${f.note ?? g.note ?? 'no hash'})`);
    else if (g.sha256 !== f.sha256) differences.push(`${f.name}: same size, different content (sha256 ${g.sha256.slice(0, 12)}…, recorded ${f.sha256.slice(0, 12)}…)`);
    now.delete(f.name);
  }
  for (const name of now.keys()) differences.push(`${name}: not in the record`);
  return { matches: differences.length === 0, differences };
}
