import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeBlock, type BlockLayout } from './decode.js';
import type { GroupPartial, GroupSpec, Part, StatsSpec } from './decodeWorker.js';
import { arrayTypeOf, type DataType } from './metadata.js';
import type { Moments } from '../stats/moments.js';

interface Pending { resolve: (result: any) => void; reject: (err: Error) => void }
interface Slot { worker: Worker; busy: number }

/**
 * A pool of decode workers, one per core, started on first use. Idle workers are unref'ed so
 * that they never keep a script or kernel process alive.
 */
class DecodePool {
  private slots: Slot[] = [];
  private pending = new Map<number, Pending & { slot: Slot }>();
  private nextId = 1;
  private failed = false;

  constructor(readonly size: number) {}

  decode(bytes: Uint8Array, layout: BlockLayout): Promise<Uint8Array> {
    const slot = this.failed ? undefined : this.slotFor();
    if (!slot) return decodeBlock(bytes, layout);
    return this.send(slot, bytes, layout);
  }

  /**
   * Decodes the blocks of one place in a worker, each once, and reduces each part (a band of a
   * block) to area-weighted moments there; the cell areas are computed once for all of them.
   */
  reduceMany(blocks: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec): Promise<Moments[]> {
    const slot = this.failed ? undefined : this.slotFor();
    if (!slot) throw new Error('the decode workers are not available (run npm run build)');
    return this.send(slot, blocks[0], layout, stats, blocks.slice(1), { parts });
  }

  /** Decodes the blocks of one place in a worker, each once, and adds each part to that worker's accumulator of its key. */
  accumulate(blocks: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, groups: GroupSpec): Promise<void> {
    const slot = this.failed ? undefined : this.slotFor();
    if (!slot) throw new Error('the decode workers are not available (run npm run build)');
    return this.send(slot, blocks[0], layout, stats, blocks.slice(1), { groups, parts });
  }

  /** Decodes the blocks of one place in a worker and returns each cell's Sen's slope (per year) and exact Mann–Kendall p over the parts. */
  trend(blocks: Uint8Array[], parts: Part[], layout: BlockLayout, stats: StatsSpec, years: number[]): Promise<{ slope: Float32Array; p: Float32Array }> {
    const slot = this.failed ? undefined : this.slotFor();
    if (!slot) throw new Error('the decode workers are not available (run npm run build)');
    return this.send(slot, blocks[0], layout, stats, blocks.slice(1), { parts, trendYears: years });
  }

  /** Collects (and clears) every worker's accumulators of these keys: one partial per worker and key. */
  async collect(keys: string[]): Promise<Record<string, GroupPartial | null>[]> {
    return Promise.all(this.slots.map((slot) => new Promise<Record<string, GroupPartial | null>>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, collect: keys });
    })));
  }

  /** Decodes a block in a worker and returns only the samples at `picks` (indexes into the block). */
  pick(bytes: Uint8Array, layout: BlockLayout, picks: Uint32Array, dataType: DataType): Promise<Float64Array> {
    const slot = this.failed ? undefined : this.slotFor();
    if (!slot) {
      return decodeBlock(bytes, layout).then((out) => {
        const Type = arrayTypeOf(dataType);
        const aligned = out.byteOffset % layout.bytesPerSample === 0 ? out : new Uint8Array(out);
        const values = new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
        return Float64Array.from(picks, (i) => values[i]);
      });
    }
    return this.send(slot, bytes, layout, undefined, undefined, { picks, dataType });
  }

  private send(slot: Slot, bytes: Uint8Array, layout: BlockLayout, stats?: StatsSpec, more?: Uint8Array[],
    extra?: { picks: Uint32Array; dataType: DataType } | { groups?: GroupSpec; parts: Part[]; trendYears?: number[] }): Promise<any> {
    const id = this.nextId++;
    const own = (b: Uint8Array) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      const owned = own(bytes);
      const others = more?.map(own);
      slot.worker.postMessage({ id, bytes: owned, layout, stats, more: others, ...extra },
        [owned.buffer as ArrayBuffer, ...(others ?? []).map((b) => b.buffer as ArrayBuffer)]);
    });
  }

  private slotFor(): Slot | undefined {
    if (this.slots.length < this.size) {
      const url = workerUrl();
      if (!url) { this.failed = true; return undefined; }
      const worker = new Worker(url);
      const slot: Slot = { worker, busy: 0 };
      worker.unref();
      worker.on('message', (m: { id: number; bytes?: Uint8Array; moments?: Moments | Moments[]; values?: Float64Array; partials?: unknown; error?: string }) => this.settle(m));
      worker.on('error', (err) => this.crash(slot, err));
      this.slots.push(slot);
      if (this.slots.length === 1 || this.slots.every((s) => s.busy > 0)) return slot;
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private settle(m: { id: number; bytes?: Uint8Array; moments?: Moments | Moments[]; values?: Float64Array; partials?: unknown; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--p.slot.busy === 0) p.slot.worker.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.partials ?? m.moments ?? m.values ?? m.bytes!);
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

/** The compiled worker; when running from TypeScript sources (tests), the one in dist/. */
function workerUrl(): URL | undefined {
  for (const rel of ['./decodeWorker.js', '../../dist/geotiff/decodeWorker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

let shared: DecodePool | undefined;

/** The process-wide decode pool (size: available cores, or `PERMAFROST_THREADS`). */
export function decodePool(): DecodePool {
  if (!shared) {
    const fromEnv = Number(process.env.PERMAFROST_THREADS);
    shared = new DecodePool(Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism());
  }
  return shared;
}

export type { DecodePool };
