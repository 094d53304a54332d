// The worker thread of the process's one pool (workerPool.ts): decodes blocks, whole or only the
// samples at some indexes (point reads), encodes tiles for writing, and runs the block engine's
// kernels, loaded from the module each kernel task names (src/stats/kernels.ts). It keeps nothing
// between tasks: every task's answer depends on the task alone.
import { parentPort } from 'node:worker_threads';
import { decodeBlock, type BlockLayout } from './decode.js';
import { encodeTile, type TileEncoding } from './encode.js';
import { loadKernelModule, type KernelModule } from './kernelModule.js';
import type { DataType } from './metadata.js';
import { own, samplesOf } from './workerPool.js';

type Task = { id: number } & (
  | { type: 'decode'; bytes: Uint8Array; layout: BlockLayout }
  /** Sample indexes to return instead of the block (point reads). */
  | { type: 'pick'; bytes: Uint8Array; layout: BlockLayout; picks: Uint32Array; dataType: DataType }
  /** Encode `bytes` (a tile's samples) for writing. */
  | { type: 'encode'; bytes: Uint8Array; encoding: TileEncoding }
  /** Run a kernel: `module` exports `runTask(task)`, which answers `{ result, transfer }`. */
  | { type: 'kernel'; module: string; task: unknown });

const modules = new Map<string, Promise<KernelModule>>();

parentPort!.on('message', async (task: Task) => {
  const { id } = task;
  try {
    if (task.type === 'kernel') {
      let mod = modules.get(task.module);
      if (!mod) { mod = loadKernelModule(task.module); modules.set(task.module, mod); }
      const { result, transfer } = await (await mod).runTask(task.task);
      parentPort!.postMessage({ id, result }, transfer);
      return;
    }
    if (task.type === 'encode') {
      const out = own(encodeTile(task.bytes, task.encoding));
      parentPort!.postMessage({ id, result: out }, [out.buffer as ArrayBuffer]);
      return;
    }
    if (task.type === 'pick') {
      const { bytes, layout, picks, dataType } = task;
      const perRow = layout.width * layout.samples;
      const rows = new Set(Array.from(picks, (i) => Math.floor(i / perRow)));
      const values = samplesOf(await decodeBlock(bytes, layout, rows), layout, dataType);
      parentPort!.postMessage({ id, result: Float64Array.from(picks, (i) => values[i]) });
      return;
    }
    const transferable = own(await decodeBlock(task.bytes, task.layout));
    parentPort!.postMessage({ id, result: transferable }, [transferable.buffer as ArrayBuffer]);
  } catch (err) {
    // some decoders throw strings: the message must never be lost; a kernel says which place and block failed
    const at = (err as { at?: unknown })?.at;
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err), ...(at ? { at } : {}) });
  }
});
