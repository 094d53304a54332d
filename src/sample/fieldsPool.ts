import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Window } from '../geotiff/openRaster.js';
import { workerExecArgv } from '../geotiff/workerPool.js';
import { allocateFields, maskFields, type SampleModel, type WindowFields } from './model.js';

/**
 * Computes windows of the sample's fields on worker threads (one per core), each filling its own
 * rows of arrays in shared memory. One window at a time: a window's arrays are reused for the
 * next (callers must be done with it). Falls back to the main thread's model when workers cannot start
 * (running from sources).
 */
export class FieldsPool {
  private workers: Worker[] = [];
  private nextId = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private buffers: SharedArrayBuffer[] = [];

  constructor(private model: SampleModel, resolution_m: number, seed: number, size = availableParallelism()) {
    const url = new URL('./fieldsWorker.js', import.meta.url);
    if (!url.pathname.endsWith('.js') || import.meta.url.endsWith('.ts')) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { workerData: { resolution_m, seed }, execArgv: workerExecArgv() });
      worker.on('message', ({ id, error }: { id: number; error?: string }) => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        if (error) p.reject(new Error(error)); else p.resolve();
      });
      worker.on('error', (err) => { for (const p of this.pending.values()) p.reject(err); this.pending.clear(); });
      this.workers.push(worker);
    }
  }

  /** Every field of a window, its rows split between the workers. */
  async fields(window: Window, which: 'all' | 'magt'): Promise<WindowFields> {
    if (this.workers.length === 0) { const out = this.model.fields(window, which); maskFields(out, 0, window.height); return out; }
    // The same shared buffers serve every window (the writers hold one window at a time): a
    // window's arrays are views of their first bytes. Fresh buffers each window left hundreds of
    // MB of garbage that V8 collects late.
    let k = 0;
    const shared = (bytes: number) => {
      if (!this.buffers[k] || this.buffers[k].byteLength < bytes) this.buffers[k] = new SharedArrayBuffer(bytes);
      return this.buffers[k++];
    };
    const out = allocateFields(window, which, (n) => new Float32Array(shared(n * 4), 0, n), (n) => new Uint8Array(shared(n), 0, n));
    out.valid.fill(0);
    const buffers = this.buffers.slice(0, k);
    const parts = Math.min(this.workers.length * 2, window.height);
    await Promise.all(Array.from({ length: parts }, (_, k) => {
      const r0 = Math.floor((k * window.height) / parts), r1 = Math.floor(((k + 1) * window.height) / parts);
      const id = this.nextId++;
      return new Promise<void>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.workers[k % this.workers.length].postMessage({ id, window, which, buffers, r0, r1 });
      });
    }));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
