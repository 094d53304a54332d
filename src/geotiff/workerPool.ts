import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeBlock, type BlockLayout } from './decode.js';
import { encodeTile, type TileEncoding } from './encode.js';
import { arrayTypeOf, type DataType } from './metadata.js';

interface Pending { resolve: (result: any) => void; reject: (err: Error) => void }
interface Slot { worker: Worker; busy: number }

/**
 * Worker threads, one per core, started on first use, each answering `{ id, result }` or
 * `{ id, error }` to the messages it is sent. Idle workers are unref'ed so that they never keep a
 * script or kernel process alive. The file layer's decode pool and the block engine's kernel pool
 * are both made of this.
 */
export class WorkerPool {
  private slots: Slot[] = [];
  private pending = new Map<number, Pending & { slot: Slot }>();
  private nextId = 1;
  /** True when the worker file is missing (running from sources without a build): callers fall back. */
  failed = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(readonly size: number, private candidates: URL[]) {}

  /** Sends a message to the least busy worker; resolves with its `result`. */
  send<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    const slot = this.slotFor();
    if (!slot) return Promise.reject(new Error('the worker threads are not available (run npm run build)'));
    return this.post(slot, message, transfer);
  }

  /** Sends a message to every worker started so far; one result per worker. */
  broadcast<T>(message: Record<string, unknown>): Promise<T[]> {
    return Promise.all(this.slots.map((slot) => this.post<T>(slot, message, [])));
  }

  private post<T>(slot: Slot, message: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<T> {
    const id = this.nextId++;
    if (this.idle) { clearTimeout(this.idle); this.idle = undefined; }
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private slotFor(): Slot | undefined {
    if (this.failed) return undefined;
    if (this.slots.length < this.size) {
      const url = this.candidates.find((u) => existsSync(fileURLToPath(u)));
      if (!url) { this.failed = true; return undefined; }
      const worker = new Worker(url);
      const slot: Slot = { worker, busy: 0 };
      worker.unref();
      worker.on('message', (m: { id: number; result?: unknown; error?: string }) => this.settle(m));
      worker.on('error', (err) => this.crash(slot, err));
      this.slots.push(slot);
      if (this.slots.length === 1 || this.slots.every((s) => s.busy > 0)) return slot;
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private settle(m: { id: number; result?: unknown; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--p.slot.busy === 0) p.slot.worker.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
    // Idle workers end after a while: an unref'ed worker can still hold a message port that keeps
    // a script from exiting (seen with Node 20); they start again on the next task.
    if (this.pending.size === 0 && !this.idle) {
      this.idle = setTimeout(() => { this.idle = undefined; if (this.pending.size === 0) void this.close(); }, 1000);
      this.idle.unref();
    }
  }

  private crash(slot: Slot, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.slot === slot) { this.pending.delete(id); p.reject(err); }
    }
    this.slots = this.slots.filter((s) => s !== slot);
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** Pool size: available cores, or `PERMAFROST_THREADS`. */
export function poolSize(): number {
  const fromEnv = Number(process.env.PERMAFROST_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** The compiled worker beside this module, or the one in dist/ when running from TypeScript sources (tests). */
export function workerCandidates(fromDist: string, moduleUrl: string, name: string): URL[] {
  return [new URL(`./${name}`, moduleUrl), new URL(`../../dist/${fromDist}/${name}`, moduleUrl)];
}

/** Decoding on worker threads (whole blocks, or the samples at some indexes), on this thread when workers are missing. */
class DecodePool extends WorkerPool {
  decode(bytes: Uint8Array, layout: BlockLayout): Promise<Uint8Array> {
    if (this.failed) return decodeBlock(bytes, layout);
    const owned = own(bytes);
    return this.send<Uint8Array>({ bytes: owned, layout }, [owned.buffer as ArrayBuffer])
      .catch((err) => (this.failed ? decodeBlock(bytes, layout) : Promise.reject(err)));
  }

  private encoding = 0;
  private encodeWaiting: (() => void)[] = [];

  /**
   * Encodes a tile for writing (predictor, DEFLATE) in a worker. The tile is cut (`cut`) only
   * when fewer than three tiles per worker are in flight, for every writer of the process
   * together: memory stays bounded however many files are written at once.
   */
  async encode(cut: () => Uint8Array, encoding: TileEncoding): Promise<Uint8Array> {
    while (this.encoding >= 3 * this.size) await new Promise<void>((resolve) => this.encodeWaiting.push(resolve));
    this.encoding++;
    try {
      const tile = cut();
      if (this.failed) return encodeTile(tile, encoding);
      const owned = own(tile);
      return await this.send<Uint8Array>({ bytes: owned, encoding }, [owned.buffer as ArrayBuffer]);
    } finally {
      this.encoding--;
      this.encodeWaiting.shift()?.();
    }
  }

  /** Decodes a block in a worker and returns only the samples at `picks` (indexes into the block). */
  pick(bytes: Uint8Array, layout: BlockLayout, picks: Uint32Array, dataType: DataType): Promise<Float64Array> {
    if (!this.failed) {
      const owned = own(bytes);
      return this.send({ bytes: owned, layout, picks, dataType }, [owned.buffer as ArrayBuffer]);
    }
    return decodeBlock(bytes, layout).then((out) => {
      const Type = arrayTypeOf(dataType);
      const aligned = out.byteOffset % layout.bytesPerSample === 0 ? out : new Uint8Array(out);
      const values = new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
      return Float64Array.from(picks, (i) => values[i]);
    });
  }
}

/** Bytes that own their whole buffer, so they can be transferred (a Node Buffer may be a view of a shared pool). */
export function own(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

let shared: DecodePool | undefined;

/** The process-wide decode pool (size: available cores, or `PERMAFROST_THREADS`). */
export function decodePool(): DecodePool {
  shared ??= new DecodePool(poolSize(), workerCandidates('geotiff', import.meta.url, 'decodeWorker.js'));
  return shared;
}

export type { DecodePool };
