import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { FileError, FormatError, InputError, LimitError, invalid } from '../errors.js';

/** A byte range. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Counts of what a source has fetched, for tests and benchmarks. */
export interface SourceStats {
  requests: number;
  bytes: number;
}

/**
 * Random access to the bytes of a file, URL or buffer. Every read is bounds-checked against the
 * size, so a damaged offset gives a `FormatError` naming the file, never a hang or a huge read.
 */
export interface ByteSource {
  /** The path, URL or `<buffer>`, for messages. */
  readonly name: string;
  readonly size: number;
  readonly stats: SourceStats;
  read(range: ByteRange, what?: string): Promise<Uint8Array>;
  /** The text of a small file beside this one (`<path><suffix>`, at most 16 MiB), or null when there is none. */
  sidecar?(suffix: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Reads larger than this are refused before allocating (a damaged count can ask for anything). */
export const MAX_READ_BYTES = 1 << 30;

function check(source: { name: string; size: number }, range: ByteRange, what: string): void {
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(`${what} has an impossible byte range (offset ${offset}, length ${length})`, source.name);
  }
  if (offset + length > source.size) {
    throw new FormatError(`${what} lies past the end of the file (bytes ${offset}–${offset + length} of ${source.size}): the file is truncated or damaged`, source.name);
  }
  if (length > MAX_READ_BYTES) {
    throw new LimitError(`${what} would read ${length} bytes at once (limit ${MAX_READ_BYTES})`, source.name);
  }
}

/** Small reads that follow an earlier one are served from windows read ahead (sizes in bytes). */
const READ_AHEAD = 512 * 1024, SMALL_READ = 64 * 1024, WINDOWS = 16;
const SIDECAR_LIMIT = 16 * 2 ** 20;

class FileSource implements ByteSource {
  readonly stats: SourceStats = { requests: 0, bytes: 0 };
  /**
   * Windows read ahead, and where recent reads ended: strips of a row or two are read one after the
   * other, and one system call per strip (80,000 for a 1 km band-interleaved cube) costs more than
   * decoding them. Random reads (points, scattered tiles) never trigger a window.
   */
  private windows: { offset: number; bytes: Uint8Array }[] = [];
  private ends: number[] = [];
  constructor(readonly name: string, readonly size: number, private handle: FileHandle) {}

  async read(range: ByteRange, what = 'data'): Promise<Uint8Array> {
    check(this, range, what);
    this.stats.requests++;
    this.stats.bytes += range.length;
    const end = range.offset + range.length;
    const inside = this.windows.find((w) => range.offset >= w.offset && end <= w.offset + w.bytes.length);
    if (inside) return inside.bytes.slice(range.offset - inside.offset, end - inside.offset);
    const follows = range.length < SMALL_READ && this.ends.some((e) => range.offset >= e && range.offset - e < SMALL_READ);
    this.ends.push(end);
    if (this.ends.length > WINDOWS) this.ends.shift();
    const ahead = Math.min(READ_AHEAD, this.size - range.offset);
    if (!follows || ahead <= range.length) return this.readExact(range.offset, range.length, what);
    const bytes = await this.readExact(range.offset, ahead, what);
    this.windows.push({ offset: range.offset, bytes });
    if (this.windows.length > WINDOWS) this.windows.shift();
    return bytes.slice(0, range.length);
  }

  async sidecar(suffix: string): Promise<string | null> {
    const path = this.name + suffix;
    const size = await stat(path).then((s) => s.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)))
      .catch((err: Error) => { throw new FileError(`cannot read it (${err.message})`, path); });
    if (size === null) return null;
    if (size > SIDECAR_LIMIT) throw new LimitError(`${size} bytes, more than a sidecar file holds (${SIDECAR_LIMIT})`, path);
    return readFile(path, 'utf8').catch((err: Error) => { throw new FileError(`cannot read it (${err.message})`, path); });
  }

  private async readExact(offset: number, length: number, what: string): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done)
        .catch((err: Error) => { throw new FileError(`cannot read bytes ${offset}–${offset + length - 1} (${what}): ${err.message}`, this.name); });
      if (bytesRead === 0) throw new FormatError(`${what}: unexpected end of file at byte ${offset + done}`, this.name);
      done += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

class BufferSource implements ByteSource {
  readonly stats: SourceStats = { requests: 0, bytes: 0 };
  readonly size: number;
  constructor(readonly name: string, private bytes: Uint8Array) {
    this.size = bytes.byteLength;
  }

  async read(range: ByteRange, what = 'data'): Promise<Uint8Array> {
    check(this, range, what);
    this.stats.requests++;
    this.stats.bytes += range.length;
    return this.bytes.slice(range.offset, range.offset + range.length);
  }

  async close(): Promise<void> {}
}

/** A failed request worth trying again: a timeout, a dropped connection, a 5xx, 408 or 429 answer, or a short body. */
class Transient extends Error {}

/**
 * A file on a web server, read with range requests. Range reads are idempotent, so a request that
 * times out (`timeout_s`), loses its connection, gets a 5xx (or 408, 429) answer or a short body is
 * tried again after a pause (0.25 s, then 1 s, …) up to `tries` times in all, and then becomes a
 * `FileError` naming the file and the byte range. Nothing partial is ever returned.
 */
class HttpSource implements ByteSource {
  readonly stats: SourceStats = { requests: 0, bytes: 0 };
  constructor(readonly name: string, readonly size: number, private headers: Record<string, string>, private signal: AbortSignal | undefined,
    private timeoutMs: number, private tries: number) {}

  async read(range: ByteRange, what = 'data'): Promise<Uint8Array> {
    check(this, range, what);
    if (range.length === 0) return new Uint8Array(0);
    const end = range.offset + range.length - 1;
    const span = `bytes ${range.offset}–${end} (${what})`;
    for (let attempt = 1; ; attempt++) {
      try {
        const bytes = await this.once(range, end, span);
        this.stats.requests++;
        this.stats.bytes += bytes.byteLength;
        return bytes;
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        if (attempt >= this.tries) throw new FileError(`${span}: ${err.message}, ${this.tries} tries`, this.name);
        await pause(250 * 4 ** (attempt - 1), this.signal);
      }
    }
  }

  /** One request for the range: its bytes, a `Transient` failure to try again, or a final `FileError`. */
  private async once(range: ByteRange, end: number, span: string): Promise<Uint8Array> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    const failed = (err: unknown): Error => {
      if (this.signal?.aborted) return new InputError(`reading ${span} aborted`, this.name);
      if (timeout.aborted) return new Transient(`no answer within ${this.timeoutMs / 1000} s`);
      return new Transient(`the request failed (${(err as Error).message}${(err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : ''})`);
    };
    let response: Response;
    try {
      response = await fetch(this.name, { headers: { ...this.headers, Range: `bytes=${range.offset}-${end}` }, signal });
    } catch (err) {
      throw failed(err);
    }
    if (response.status !== 206) {
      await response.body?.cancel().catch(() => {});
      if (response.status >= 500 || response.status === 408 || response.status === 429) throw new Transient(`the server answered ${response.status}`);
      throw new FileError(`${span}: the server does not serve byte ranges (status ${response.status})`, this.name);
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      throw failed(err);
    }
    if (bytes.byteLength !== range.length) throw new Transient(`asked for ${range.length} bytes, the server sent ${bytes.byteLength}`);
    return bytes;
  }

  async close(): Promise<void> {}
}

/** Waits `ms`, or until `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** Options for {@link openSource}. */
export interface SourceOptions {
  /** Extra HTTP headers (authorization, for example) for URLs. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Seconds a request to a URL may take before it is tried again. Default 120. */
  timeout_s?: number;
  /** Tries of each request to a URL (timeouts, dropped connections, 5xx answers are tried again). Default 3. */
  tries?: number;
}

/**
 * Opens a path, an `http(s)://` URL (read with range requests) or bytes in memory.
 * @example const source = await openSource('data/sample/magt.tif');
 */
export async function openSource(input: string | URL | Uint8Array | ArrayBuffer, options: SourceOptions = {}): Promise<ByteSource> {
  if (input instanceof Uint8Array) return new BufferSource('<buffer>', input);
  if (input instanceof ArrayBuffer) return new BufferSource('<buffer>', new Uint8Array(input));
  const text = String(input);
  if (/^https?:\/\//i.test(text)) return openHttp(text, options);
  const path = text.startsWith('file://') ? new URL(text).pathname : text;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new FileError(why, path);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new FileError('is a folder, not a file', path);
  }
  return new FileSource(path, stat.size, handle);
}

async function openHttp(url: string, options: SourceOptions): Promise<ByteSource> {
  const timeout_s = options.timeout_s ?? 120, tries = options.tries ?? 3;
  if (!(timeout_s > 0)) throw new InputError(invalid('timeout_s', options.timeout_s, 'seconds > 0'), url);
  if (!(Number.isInteger(tries) && tries >= 1)) throw new InputError(invalid('tries', options.tries, 'a whole number ≥ 1'), url);
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    const timeout = AbortSignal.timeout(timeout_s * 1000);
    try {
      response = await fetch(url, { method: 'HEAD', headers: options.headers, signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
      if (response.status >= 500 && attempt < tries) { response = undefined; await pause(250 * 4 ** (attempt - 1), options.signal); }
    } catch (err) {
      if (options.signal?.aborted) throw new InputError('opening aborted', url);
      const why = timeout.aborted ? `no answer within ${timeout_s} s` : (err as Error).message;
      if (attempt >= tries) throw new FileError(`cannot reach the server: ${why}, ${tries} tries`, url);
      await pause(250 * 4 ** (attempt - 1), options.signal);
    }
  }
  if (!response.ok) throw new FileError(`the server answered ${response.status} ${response.statusText}`, url);
  const size = Number(response.headers.get('content-length'));
  if (!Number.isSafeInteger(size) || size <= 0) throw new FileError('the server does not say how large the file is (no Content-Length)', url);
  return new HttpSource(url, size, options.headers ?? {}, options.signal, timeout_s * 1000, tries);
}

/** Wraps an exception from a reader library as a `FormatError` naming the file, unless it is ours already. */
export function asFormatError(err: unknown, name: string, context: string): Error {
  if (err instanceof FileError || err instanceof FormatError || err instanceof LimitError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FormatError(`${context}: ${message}`, name);
}
