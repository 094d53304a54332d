/// <reference path="../virtual.d.ts" />
// node:fs and node:fs/promises as the explorer page sees them (environment/explorer.mjs puts this
// module in their place): the files the user picked, read by Blob slices and never whole, and the
// files the build embedded (the LZW module, the EPSG table, the worker's script). Nothing can be
// written: the library's caches (region labels, summaries) catch that and keep their results in memory.
import { EMBEDDED } from 'explorer:embedded';
import { Bytes } from './bytes.js';
import { fileURLToPath } from './url.js';

/** The folder the picked files appear in. */
export const PICKED = '/picked';

/** Small files (manifests, GDAL sidecars) are read when picked, so that synchronous reads work. */
const SMALL_BYTES = 16 * 2 ** 20;

interface Entry { blob: Blob | null; bytes: Uint8Array | null; size: number; mtimeMs: number }
const entries = new Map<string, Entry>();

/**
 * Puts the picked files in `/picked` (replacing those picked before) and returns the folder.
 * @example const folder = await pickFiles([...input.files]); await openDataset(folder)
 */
export async function pickFiles(files: File[]): Promise<string> {
  for (const key of [...entries.keys()]) if (key.startsWith(`${PICKED}/`)) entries.delete(key);
  for (const file of files) {
    const small = file.size <= SMALL_BYTES && !/\.tiff?$/i.test(file.name);
    entries.set(`${PICKED}/${file.name}`, { blob: file, bytes: small ? new Uint8Array(await file.arrayBuffer()) : null, size: file.size, mtimeMs: file.lastModified });
  }
  return PICKED;
}

/** A path, or a file: URL (as Node's fs takes them). */
type PathLike = string | URL;
const pathOf = (path: PathLike): string => (typeof path === 'string' ? path : fileURLToPath(path));

function entry(path: string): Entry | undefined {
  const found = entries.get(path);
  if (found) return found;
  const embedded = EMBEDDED[path];
  if (embedded === undefined) return undefined;
  const bytes = embedded.text !== undefined ? new TextEncoder().encode(embedded.text) : Uint8Array.from(atob(embedded.base64!), (c) => c.charCodeAt(0));
  const made = { blob: null, bytes, size: bytes.length, mtimeMs: 0 };
  entries.set(path, made);
  return made;
}

const isFolder = (path: string) => path === '/' || [...entries.keys(), ...Object.keys(EMBEDDED)].some((k) => k.startsWith(`${path.replace(/\/$/, '')}/`));

function fail(code: string, what: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${what}, '${path}'`), { code, path });
}

interface Stats { size: number; mtimeMs: number; isFile(): boolean; isDirectory(): boolean }

export function statSync(where: PathLike): Stats {
  const path = pathOf(where);
  const e = entry(path);
  if (e) return { size: e.size, mtimeMs: e.mtimeMs, isFile: () => true, isDirectory: () => false };
  if (isFolder(path)) return { size: 0, mtimeMs: 0, isFile: () => false, isDirectory: () => true };
  throw fail('ENOENT', 'no such file or directory', path);
}

export function existsSync(where: PathLike): boolean {
  const path = pathOf(where);
  return !!entry(path) || isFolder(path);
}

export function readdirSync(where: PathLike): string[] {
  const path = pathOf(where);
  if (!isFolder(path)) throw fail('ENOENT', 'no such file or directory', path);
  const prefix = `${path.replace(/\/$/, '')}/`;
  return [...new Set([...entries.keys(), ...Object.keys(EMBEDDED)].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]))].sort();
}

export function readFileSync(where: PathLike, encoding?: string | { encoding?: string }): Uint8Array | string {
  const path = pathOf(where);
  const e = entry(path);
  if (!e) throw fail(isFolder(path) ? 'EISDIR' : 'ENOENT', isFolder(path) ? 'illegal operation on a directory' : 'no such file or directory', path);
  if (!e.bytes) throw fail('EFBIG', `${e.size} bytes, more than the explorer reads at once (it reads large files by parts)`, path);
  return (typeof encoding === 'string' ? encoding : encoding?.encoding) ? new TextDecoder().decode(e.bytes) : Bytes.view(e.bytes);
}

export function realpathSync(where: PathLike): string {
  const path = pathOf(where);
  return path;
}

const readOnly = (path: unknown): never => { throw fail('EROFS', 'the explorer writes no files', String(path)); };
export const mkdirSync = readOnly, mkdtempSync = readOnly, writeFileSync = readOnly, renameSync = readOnly, rmSync = readOnly, createReadStream = readOnly;

/** An open file: reads are Blob slices. */
class BlobHandle {
  constructor(private readonly e: Entry) {}
  async read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    const end = Math.min(this.e.size, position + length);
    const bytes = this.e.bytes ? this.e.bytes.subarray(position, end) : new Uint8Array(await this.e.blob!.slice(position, end).arrayBuffer());
    buffer.set(bytes, offset);
    return { bytesRead: bytes.length, buffer };
  }
  async stat(): Promise<Stats> { return { size: this.e.size, mtimeMs: this.e.mtimeMs, isFile: () => true, isDirectory: () => false }; }
  async close(): Promise<void> {}
}

export type FileHandle = BlobHandle;

export async function open(where: PathLike): Promise<BlobHandle> {
  const path = pathOf(where);
  const e = entry(path);
  if (!e) throw fail(isFolder(path) ? 'EISDIR' : 'ENOENT', isFolder(path) ? 'illegal operation on a directory' : 'no such file or directory', path);
  return new BlobHandle(e);
}

export async function stat(where: PathLike): Promise<Stats> { return statSync(where); }

export async function readFile(where: PathLike, encoding?: string): Promise<Uint8Array | string> {
  const path = pathOf(where);
  const e = entry(path);
  if (e && !e.bytes && e.blob) {
    const bytes = new Uint8Array(await e.blob.arrayBuffer());
    return encoding ? new TextDecoder().decode(bytes) : bytes;
  }
  return readFileSync(path, encoding);
}

export const rename = async (path: string) => readOnly(path), rm = async (path: string) => readOnly(path);

export const promises = { open, stat, readFile, rename, rm };

export default { statSync, existsSync, readdirSync, readFileSync, realpathSync, mkdirSync, mkdtempSync, writeFileSync, renameSync, rmSync, createReadStream, promises };
