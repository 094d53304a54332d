// Worker thread: computes rows of the synthetic sample's fields into shared memory (fieldsPool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { allocateFields, maskFields, SampleModel } from './model.js';
import type { Window } from '../geotiff/openRaster.js';

const { resolution_m, seed } = workerData as { resolution_m: number; seed: number };
const model = new SampleModel(resolution_m, seed);

parentPort!.on('message', ({ id, window, which, buffers, r0, r1 }: { id: number; window: Window; which: 'all' | 'magt'; buffers: SharedArrayBuffer[]; r0: number; r1: number }) => {
  try {
    let k = 0;
    // the same allocation order as the main thread's: each array is the shared buffer it made
    const out = allocateFields(window, which, (n) => new Float32Array(buffers[k++], 0, n), (n) => new Uint8Array(buffers[k++], 0, n));
    model.fillRows(out, which, r0, r1);
    maskFields(out, r0, r1);
    parentPort!.postMessage({ id });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
