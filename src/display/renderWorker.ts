// The thread behind renderFigureSync: renders figures with the async renderer and hands each result
// back through a message port, then wakes the waiting thread (Atomics.notify on the job's signal).
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { renderFigure, warmUp, type RenderOptions } from './render.js';

const port = (workerData as { port: MessagePort }).port;

parentPort!.on('message', async (job: { warm?: boolean; id: number; signal: Int32Array; figure: { data: unknown[] }; options: RenderOptions }) => {
  if (job.warm) { await warmUp().catch(() => undefined); return; }
  try {
    const result = await renderFigure(job.figure, job.options);
    port.postMessage({ id: job.id, ok: true, bytes: typeof result === 'string' ? result : new Uint8Array(result) });
  } catch (err) {
    port.postMessage({ id: job.id, ok: false, message: (err as Error).message });
  }
  Atomics.store(job.signal, 0, 1);
  Atomics.notify(job.signal, 0);
});
