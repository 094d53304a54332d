import { FormatError, InputError, WorkerError } from '../errors.js';
import type { BlockJob, RasterInternals } from '../geotiff/openRaster.js';
import { own, workerPool } from '../geotiff/workerPool.js';

/**
 * One file of a pass: its block-level access, the bands to read (in the order kernels see them),
 * its name for messages, and optionally a pixel window: only the places that overlap it are read.
 */
export interface PassFile { internals: RasterInternals; bands: number[]; name: string; window?: { x: number; y: number; width: number; height: number } }

/**
 * One place: the same block position in the bands a pass reads from one file. Its stored blocks
 * are read once (the bands of a pixel-interleaved file share one) and decoded once on a worker.
 */
export interface Place {
  /** Index of the place's file in the pass's `files`. */
  file: number;
  /** Per band of the file (in `bands` order): its block, or null when the block was never written (all no data). */
  jobs: (BlockJob | null)[];
  /** Per band: which of the place's blobs holds it, −1 when not written. */
  blobOf: number[];
  /** The distinct stored blocks of the place, in blob order. */
  blocks: BlockJob[];
  /** Position and size of the place (its first stored block). */
  first: BlockJob;
}

/** A pass over every place of some files: what its kernel needs of each place, the task for a batch of them, and how results merge. */
export interface Pass<R, D> {
  files: PassFile[];
  /** URL of the kernel module the workers load (it exports `runTask`). */
  module: string;
  /** What the kernel needs to know of a place, besides its bytes. */
  describe: (place: Place) => D;
  /** The task for some consecutive places of one file, given each one's description with its bytes (`blobs`). */
  task: (places: (D & { blobs: Uint8Array[] })[]) => Record<string, unknown>;
  /** Receives each task's result with its places, strictly in place order: the same merges in the same order, whatever the workers. */
  merge: (result: R, places: Place[]) => void;
  /** Places per worker waiting on or in the workers (bounds memory). Default {@link PLACES_PER_WORKER}. */
  places_per_worker?: number;
  signal?: AbortSignal;
  /** Called with the fraction of places merged. */
  on_progress?: (fraction: number) => void;
}

/** What a pass did: places planned and merged (equal, or the pass threw), tasks, and tasks run again after their worker died. */
export interface PassCount { planned: number; merged: number; tasks: number; retried: number }

/**
 * Places (a block position, with all its bands) waiting on or in each worker during a pass: enough that
 * a worker never waits on the reading thread. Measured at 1 km on 2 cores, band-interleaved LZW in
 * 128-pixel tiles: 3 per worker 4.33-4.75 s, 6 per worker 4.13-4.19 s, 8 no better.
 */
export const PLACES_PER_WORKER = 6;

/** Places of small blocks (strips of a row or two) go to a worker together: a message per block costs more than its decoding. */
const SMALL_BLOCK_CELLS = 16_384, PLACES_PER_BATCH = 32;

/** The places of one file's bands, in block order; places with no stored block are left out (all no data). */
export function placesOf(file: PassFile, index: number): Place[] {
  const byPosition = new Map<string, (BlockJob | null)[]>();
  const w = file.window;
  for (const job of file.internals.blocks(file.bands)) {
    if (w && (job.col >= w.x + w.width || job.col + job.cols <= w.x || job.row >= w.y + w.height || job.row + job.rows <= w.y)) continue;
    const key = `${job.col},${job.row}`;
    const list = byPosition.get(key) ?? byPosition.set(key, file.bands.map(() => null)).get(key)!;
    // every slot of this band (a band asked for twice, as a period compared with itself, fills both)
    file.bands.forEach((band, i) => { if (band === job.band) list[i] = job.sparse ? null : job; });
  }
  const places: Place[] = [];
  for (const jobs of byPosition.values()) {
    const blocks: BlockJob[] = [];
    const blobOf = jobs.map((job) => {
      if (!job) return -1;
      let k = blocks.findIndex((b) => b.index === job.index);
      if (k < 0) k = blocks.push(job) - 1;
      return k;
    });
    if (blocks.length > 0) places.push({ file: index, jobs, blobOf, blocks, first: blocks[0] });
  }
  return places;
}

/**
 * The block engine's one pass driver. Plans every place of the files, groups them into tasks (a
 * place each, or 32 consecutive places of small blocks: a plan that depends on the files alone),
 * reads each task's blocks in plan order, runs the tasks on the worker pool, and merges their
 * results strictly in plan order: the same numbers to the last bit for any number of workers and
 * any timing. A task whose worker died is read and run again once; any other failure (a block that
 * does not decode, a read that fails after its retries) rejects the pass with a typed error naming
 * the file and block. The pass resolves only when every planned place was merged.
 * @example const count = await runPass({ files, module: KERNEL_MODULE, describe, task, merge });
 */
export async function runPass<R, D>(pass: Pass<R, D>): Promise<PassCount> {
  const pool = workerPool();
  const places = pass.files.flatMap((file, i) => placesOf(file, i));
  const tasks: Place[][] = [];
  for (const place of places) {
    const last = tasks[tasks.length - 1];
    const small = place.first.cols * place.first.rows < SMALL_BLOCK_CELLS;
    if (small && last && last.length < PLACES_PER_BATCH && last[0].file === place.file) last.push(place);
    else tasks.push([place]);
  }
  const count: PassCount = { planned: places.length, merged: 0, tasks: tasks.length, retried: 0 };
  const batched = tasks.length > 0 && tasks[0].length > 1;
  // tasks not yet merged: a few per worker (batches of small blocks: two per worker)
  const limit = batched ? 2 * pool.size : Math.max(2, pool.size * (pass.places_per_worker ?? PLACES_PER_WORKER));
  const where = (place: Place) => pass.files[place.file].name;

  const read = async (batch: Place[]): Promise<Uint8Array[][]> => {
    const out: Uint8Array[][] = [];
    for (const place of batch) {
      const { internals } = pass.files[place.file];
      const blobs: Uint8Array[] = [];
      for (const block of place.blocks) blobs.push(own(await internals.readBlockBytes(block)));
      out.push(blobs);
    }
    return out;
  };
  const send = (batch: Place[], bytes: Uint8Array[][]): Promise<R> => {
    const inputs = batch.map((place, k) => ({ ...pass.describe(place), blobs: bytes[k] }));
    return pool.send<R>({ type: 'kernel', module: pass.module, task: pass.task(inputs) }, bytes.flat().map((b) => b.buffer as ArrayBuffer));
  };
  const run = async (batch: Place[], bytes: Uint8Array[][]): Promise<R> => {
    try {
      return await send(batch, bytes);
    } catch (err) {
      if (!(err instanceof WorkerError)) throw blockError(err, batch, pass);
      // tasks are pure: the same task, read again, gives the same result on another worker
      count.retried++;
      try {
        return await send(batch, await read(batch));
      } catch (again) {
        if (again instanceof WorkerError) {
          throw new WorkerError(`${again.message} twice while running the blocks at column ${batch[0].first.col}, row ${batch[0].first.row}`, where(batch[0]));
        }
        throw blockError(again, batch, pass);
      }
    }
  };

  const done = new Map<number, R>();
  let merged = 0; // tasks merged, always a prefix of the plan
  let failure: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const mergeReady = () => {
    while (!failure && done.has(merged)) {
      const result = done.get(merged)!;
      done.delete(merged);
      pass.merge(result, tasks[merged]);
      count.merged += tasks[merged].length;
      merged++;
      pass.on_progress?.(count.merged / Math.max(1, count.planned));
    }
  };
  for (let t = 0; t < tasks.length && !failure; t++) {
    if (pass.signal?.aborted) { failure = { error: new InputError('aborted', where(tasks[t][0])) }; break; }
    // a task that stalls holds back the merges after it, and with them new reads: memory stays bounded
    while (t - merged >= limit && !failure) await new Promise<void>((resolve) => { wake = resolve; });
    if (failure) break;
    let bytes: Uint8Array[][];
    try {
      bytes = await read(tasks[t]);
    } catch (err) {
      failure = { error: err };
      break;
    }
    const index = t;
    const job: Promise<void> = run(tasks[t], bytes)
      .then((result) => { done.set(index, result); mergeReady(); })
      .catch((err) => { failure ??= { error: err }; })
      .finally(() => { running.delete(job); const w = wake; wake = undefined; w?.(); });
    running.add(job);
  }
  while (running.size > 0) await Promise.race(running);
  if (failure) throw failure.error;
  if (count.merged !== count.planned) {
    // never a partial result: a pass merges every place it planned, or fails
    throw new Error(`the pass merged ${count.merged} of ${count.planned} places`);
  }
  return count;
}

/** A kernel's failure as a typed error naming the file and block (a block that does not decode is a `FormatError`). */
function blockError<R, D>(err: unknown, batch: Place[], pass: Pass<R, D>): unknown {
  const at = (err as { at?: { place: number; blob: number } } | null)?.at;
  if (!at || !(err instanceof Error)) return err;
  const place = batch[at.place];
  const block = place.blocks[at.blob];
  return new FormatError(`band ${block.band + 1} block ${block.index} (column ${block.col}, row ${block.row}) cannot be decoded: ${err.message}`, pass.files[place.file].name);
}
