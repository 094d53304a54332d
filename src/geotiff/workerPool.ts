import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WorkerError } from '../errors.js';
import { compiledCandidates } from '../core/built.js';
import { decodeBlock, type BlockLayout } from './decode.js';
import { encodeTile, type TileEncoding } from './encode.js';
import { alignedArray } from './alignedArray.js';
import { arrayTypeOf, type DataType, type SampleArray } from './metadata.js';

/** What a worker answers: a result, or the message of what it threw (and where, when a kernel says). */
interface Reply { id: number; result?: unknown; error?: string; at?: { place: number; blob: number } }
interface Pending { resolve: (result: any) => void; reject: (err: Error) => void; slot: Slot }
interface Slot { worker: Worker; busy: number; ended: boolean }

/**
 * The process's worker threads, one per core (or `PERMAFROST_THREADS`), started on first use: the
 * one pool that decodes blocks for reads and point values, encodes tiles for writing and runs the
 * block engine's kernels (src/engine). Every task is pure (src/geotiff/decodeWorker.ts keeps nothing
 * between tasks), so a worker may be retired when idle, or die, without changing any result: a
 * task whose worker died is rejected with a `WorkerError`, and the caller runs it again.
 */
export class WorkerPool {
  private slots: Slot[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** True when the worker file is missing (running from sources without a build): callers fall back. */
  failed = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(public size: number, private candidates: URL[]) {}

  /** Sends a message to the least busy worker; resolves with its `result`, rejects with its error or a `WorkerError`. */
  send<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    const slot = this.slotFor();
    if (!slot) return Promise.reject(new Error('the worker threads are not available (run npm run build)'));
    const id = this.nextId++;
    if (this.idle) { clearTimeout(this.idle); this.idle = undefined; }
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Sets the number of workers (tests run a pass with 1, 2 and 3); workers beyond it end once idle. */
  resize(size: number): void {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`invalid worker count: ${size} (expected a whole number ≥ 1)`);
    this.size = size;
    const extra = this.slots.slice(size).filter((s) => s.busy === 0);
    for (const slot of extra) this.end(slot);
  }

  /** Workers running now. */
  get running(): number {
    return this.slots.length;
  }

  /**
   * Ends worker `index` at once, whatever it is doing, as a crash or the system would: for fault
   * tests. Its tasks are rejected with a `WorkerError`.
   */
  async terminateWorker(index = 0): Promise<void> {
    const slot = this.slots[index];
    if (slot) await slot.worker.terminate();
  }

  private slotFor(): Slot | undefined {
    if (this.failed) return undefined;
    if (this.slots.length < this.size) {
      const url = this.candidates.find((u) => existsSync(fileURLToPath(u)));
      if (!url) { this.failed = true; return undefined; }
      const worker = new Worker(url, { execArgv: workerExecArgv() });
      const slot: Slot = { worker, busy: 0, ended: false };
      worker.unref();
      worker.on('message', (m: Reply) => this.settle(m));
      worker.on('error', (err) => this.lost(slot, `a worker thread failed: ${err.message}`));
      worker.on('exit', (code) => this.lost(slot, `a worker thread ended (exit code ${code})`));
      this.slots.push(slot);
      if (this.slots.length === 1 || this.slots.every((s) => s.busy > 0)) return slot;
    }
    return this.slots.slice(0, this.size).reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--p.slot.busy === 0) {
      p.slot.worker.unref();
      if (this.slots.indexOf(p.slot) >= this.size) this.end(p.slot);
    }
    if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), m.at ? { at: m.at } : {}));
    else p.resolve(m.result);
    // Idle workers end after a while: an unref'ed worker can still hold a message port that keeps
    // a script from exiting (seen with Node 20); they start again on the next task. Workers keep
    // nothing between tasks, so ending one loses nothing.
    if (this.pending.size === 0 && !this.idle) {
      this.idle = setTimeout(() => { this.idle = undefined; if (this.pending.size === 0) void this.close(); }, 1000);
      this.idle.unref();
    }
  }

  /** A worker that died or ended: its tasks are rejected with a `WorkerError`, and it is replaced on the next task. */
  private lost(slot: Slot, why: string): void {
    this.slots = this.slots.filter((s) => s !== slot);
    if (slot.ended) return;
    slot.ended = true;
    for (const [id, p] of this.pending) {
      if (p.slot === slot) { this.pending.delete(id); p.reject(new WorkerError(why)); }
    }
  }

  private end(slot: Slot): void {
    slot.ended = true;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
  }

  async close(): Promise<void> {
    const slots = this.slots.filter((s) => s.busy === 0);
    for (const slot of slots) slot.ended = true;
    this.slots = this.slots.filter((s) => !slots.includes(s));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /**
   * Runs a pure task on bytes read by `read`; when its worker dies, reads them again and runs it
   * once more (the first bytes went to the dead worker), then lets a `WorkerError` naming `what` through.
   */
  async again<T>(read: () => Promise<Uint8Array>, run: (bytes: Uint8Array) => Promise<T>, what: string, where: string): Promise<T> {
    const bytes = await read();
    try {
      return await run(bytes);
    } catch (err) {
      if (!(err instanceof WorkerError)) throw err;
      return run(await read()).catch((again) => {
        throw again instanceof WorkerError ? new WorkerError(`${again.message} twice while ${what}`, where) : again;
      });
    }
  }

  /** Decodes a block on a worker (on this thread when the workers are missing). */
  decode(bytes: Uint8Array, layout: BlockLayout): Promise<Uint8Array> {
    if (this.failed) return decodeBlock(bytes, layout);
    const owned = own(bytes);
    return this.send<Uint8Array>({ type: 'decode', bytes: owned, layout }, [owned.buffer as ArrayBuffer])
      .catch((err) => (this.failed ? decodeBlock(bytes, layout) : Promise.reject(err)));
  }

  private encoding = 0;
  private encodeWaiting: (() => void)[] = [];

  /**
   * Encodes a tile for writing (predictor, DEFLATE) in a worker. The tile is cut (`cut`) only
   * when fewer than three tiles per worker are in flight, for every writer of the process
   * together: memory stays bounded however many files are written at once. A tile whose worker
   * died is cut again and encoded on this thread.
   */
  async encode(cut: () => Uint8Array, encoding: TileEncoding): Promise<Uint8Array> {
    while (this.encoding >= 3 * this.size) await new Promise<void>((resolve) => this.encodeWaiting.push(resolve));
    this.encoding++;
    try {
      const tile = cut();
      if (this.failed) return encodeTile(tile, encoding);
      const owned = own(tile);
      return await this.send<Uint8Array>({ type: 'encode', bytes: owned, encoding }, [owned.buffer as ArrayBuffer])
        .catch((err) => (err instanceof WorkerError ? encodeTile(cut(), encoding) : Promise.reject(err)));
    } finally {
      this.encoding--;
      this.encodeWaiting.shift()?.();
    }
  }

  /** Decodes a block in a worker and returns only the samples at `picks` (indexes into the block). */
  pick(bytes: Uint8Array, layout: BlockLayout, picks: Uint32Array, dataType: DataType): Promise<Float64Array> {
    if (!this.failed) {
      const owned = own(bytes);
      return this.send({ type: 'pick', bytes: owned, layout, picks, dataType }, [owned.buffer as ArrayBuffer]);
    }
    return decodeBlock(bytes, layout).then((out) => {
      const values = samplesOf(out, layout, dataType);
      return Float64Array.from(picks, (i) => values[i]);
    });
  }
}

/**
 * A decoded block as samples of its data type (copied only when the bytes are not aligned to a
 * sample); int64 and uint64 samples as numbers (exact up to 2^53).
 */
export function samplesOf(decoded: Uint8Array, layout: BlockLayout, dataType: DataType): ArrayLike<number> {
  const values = typedSamplesOf(decoded, layout, dataType);
  return values instanceof BigInt64Array || values instanceof BigUint64Array ? Float64Array.from(values, Number) : values;
}

/** A decoded block as the typed array of its data type (BigInt64Array and BigUint64Array for int64 and uint64; complex as pairs). */
export function typedSamplesOf(decoded: Uint8Array, layout: BlockLayout, dataType: DataType): SampleArray {
  return alignedArray<SampleArray>(decoded, arrayTypeOf(dataType));
}

/** Pool size: available cores, or `PERMAFROST_THREADS`. */
export function poolSize(): number {
  const fromEnv = Number(process.env.PERMAFROST_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** The compiled module beside this one, or, running from TypeScript sources (tests), the tests' build or dist/'s: {@link compiledCandidates}. */
export function workerCandidates(fromDist: string, moduleUrl: string, name: string): URL[] {
  return compiledCandidates(fromDist, moduleUrl, name);
}

/**
 * The Node options to start a worker thread with: undefined (the worker inherits this process's, as
 * by default) unless they hold options that only a main script takes (`--input-type`, `-e`/`--eval`,
 * `-p`/`--print`), which make a worker fail to start when a script runs as
 * `node --input-type=module -e "…"`. Then the others, less the V8 and per-process options that an
 * explicit list may not hold (`--expose-gc`, `--max-old-space-size`, …: Node refuses them there).
 */
export function workerExecArgv(argv: string[] = process.execArgv): string[] | undefined {
  const mainOnly = (a: string) => /^--(input-type|eval|print)(=|$)/.test(a) || a === '-e' || a === '-p';
  if (!argv.some(mainOnly)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (mainOnly(a)) { if (!a.includes('=')) i++; continue; }
    if (/^--(expose[-_]gc|max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|stack[-_]size|jitless|title|v8-options)(=|$)/.test(a)) continue;
    out.push(a);
  }
  return out;
}

/** The first of {@link workerCandidates} that exists, or undefined before a build. */
export function builtModule(fromDist: string, moduleUrl: string, name: string): URL | undefined {
  return workerCandidates(fromDist, moduleUrl, name).find((u) => existsSync(fileURLToPath(u)));
}

/** Bytes that own their whole buffer, so they can be transferred (a Node Buffer may be a view of a shared pool). */
export function own(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

let shared: WorkerPool | undefined;

/** The process-wide worker pool (size: available cores, or `PERMAFROST_THREADS`). */
export function workerPool(): WorkerPool {
  shared ??= new WorkerPool(poolSize(), workerCandidates('geotiff', import.meta.url, 'decodeWorker.js'));
  return shared;
}
