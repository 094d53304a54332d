// Worker thread of the file layer: decodes blocks sent by the pool (workerPool.ts), whole or only
// the samples at some indexes (point reads). Pure decoding: no statistics here (see src/engine).
import { parentPort } from 'node:worker_threads';
import { arrayTypeOf, type DataType } from './metadata.js';
import { decodeBlock, type BlockLayout } from './decode.js';
import { encodeTile, type TileEncoding } from './encode.js';
import { own } from './workerPool.js';

interface Task {
  id: number; bytes: Uint8Array; layout: BlockLayout;
  /** Sample indexes to return instead of the block (point reads). */
  picks?: Uint32Array; dataType?: DataType;
  /** Encode `bytes` (a tile's samples) for writing instead. */
  encoding?: TileEncoding;
}

parentPort!.on('message', async ({ id, bytes, layout, picks, dataType, encoding }: Task) => {
  try {
    if (encoding) {
      const out = own(encodeTile(bytes, encoding));
      parentPort!.postMessage({ id, result: out }, [out.buffer as ArrayBuffer]);
      return;
    }
    if (picks && dataType) {
      const perRow = layout.width * layout.samples;
      const rows = new Set(Array.from(picks, (i) => Math.floor(i / perRow)));
      const out = await decodeBlock(bytes, layout, rows);
      const Type = arrayTypeOf(dataType);
      const aligned = out.byteOffset % layout.bytesPerSample === 0 ? out : new Uint8Array(out);
      const values = new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
      parentPort!.postMessage({ id, result: Float64Array.from(picks, (i) => values[i]) });
      return;
    }
    const out = await decodeBlock(bytes, layout);
    const transferable = own(out);
    parentPort!.postMessage({ id, result: transferable }, [transferable.buffer as ArrayBuffer]);
  } catch (err) {
    // some decoders throw strings: the message must never be lost
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
