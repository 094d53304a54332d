// Worker thread: decodes blocks sent by the pool (see workerPool.ts).
import { parentPort } from 'node:worker_threads';
import { decodeBlock, type BlockLayout } from './decode.js';

interface Task { id: number; bytes: Uint8Array; layout: BlockLayout }

parentPort!.on('message', async ({ id, bytes, layout }: Task) => {
  try {
    const out = await decodeBlock(bytes, layout);
    const transferable = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
    parentPort!.postMessage({ id, bytes: transferable }, [transferable.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
