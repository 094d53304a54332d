// Worker thread: decodes blocks sent by the pool (workerPool.ts), and optionally reduces a
// decoded block to area-weighted moments so that only a few numbers travel back.
import { parentPort } from 'node:worker_threads';
import { cellArea, type CellArea, type GridLike } from '../grid/cellArea.js';
import { arrayTypeOf, type DataType } from './metadata.js';
import { emptyMoments, type Moments } from '../stats/moments.js';
import { decodeBlock, type BlockLayout } from './decode.js';

/** Where a block lies in its image, and what its cells weigh: for `stats` tasks. */
export interface StatsSpec {
  grid: GridLike;
  dataType: DataType;
  noData: number | null;
  /** First column and row of the block in the image, and how many of its columns and rows are inside the image. */
  col: number;
  row: number;
  cols: number;
  rows: number;
}

interface Task {
  id: number; bytes: Uint8Array; layout: BlockLayout; stats?: StatsSpec; more?: Uint8Array[];
  /** Sample indexes to return instead of the block (point reads). */
  picks?: Uint32Array; dataType?: DataType;
}

const areas = new Map<string, CellArea>();

parentPort!.on('message', async ({ id, bytes, layout, stats, more, picks, dataType }: Task) => {
  try {
    if (picks && dataType) {
      const perRow = layout.width * layout.samples;
      const rows = new Set(Array.from(picks, (i) => Math.floor(i / perRow)));
      const out = await decodeBlock(bytes, layout, rows);
      const Type = arrayTypeOf(dataType);
      const aligned = out.byteOffset % layout.bytesPerSample === 0 ? out : out.slice();
      const values = new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
      parentPort!.postMessage({ id, values: Float64Array.from(picks, (i) => values[i]) });
      return;
    }
    if (stats) {
      // one block, or the blocks of several bands at the same place (weights computed once)
      const weights = weightsFor(stats);
      const moments: Moments[] = [];
      for (const blob of [bytes, ...(more ?? [])]) moments.push(reduce(await decodeBlock(blob, layout), layout, stats, weights));
      parentPort!.postMessage({ id, moments: more ? moments : moments[0] });
      return;
    }
    const out = await decodeBlock(bytes, layout);
    const transferable = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
    parentPort!.postMessage({ id, bytes: transferable }, [transferable.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});

let weightBuffer = new Float64Array(0);

/** Cell areas of the block's cells inside the image, row by row (a buffer reused between tasks). */
function weightsFor(s: StatsSpec): Float64Array {
  const key = JSON.stringify(s.grid);
  let area = areas.get(key);
  if (!area) { area = cellArea(s.grid); areas.set(key, area); }
  const { cols, rows } = s;
  if (weightBuffer.length < cols * rows) weightBuffer = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) area.row(s.row + r, s.col, cols, weightBuffer.subarray(r * cols, (r + 1) * cols));
  return weightBuffer;
}

function reduce(decoded: Uint8Array, layout: BlockLayout, s: StatsSpec, weights: Float64Array): Moments {
  const Type = arrayTypeOf(s.dataType);
  const aligned = decoded.byteOffset % layout.bytesPerSample === 0 ? decoded : decoded.slice();
  const values = new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
  const { cols, rows } = s;
  // Only the part of the block inside the image counts. One pass, with sums shifted by the
  // first valid value (close to the block's mean, so the shifted second moment stays accurate).
  const noData = s.noData;
  let w = 0, sum = 0, sumSq = 0, min = Infinity, max = -Infinity, cells = 0, shift = NaN;
  for (let r = 0; r < rows; r++) {
    const base = r * layout.width;
    const wb = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = values[base + c];
      if (v !== v || v === noData) continue;
      if (shift !== shift) shift = v;
      const a = weights[wb + c];
      const d = v - shift;
      w += a;
      sum += a * d;
      sumSq += a * d * d;
      if (v < min) min = v;
      if (v > max) max = v;
      cells++;
    }
  }
  if (cells === 0) return emptyMoments();
  const meanShifted = sum / w;
  const mean = shift + meanShifted;
  const m2 = Math.max(0, sumSq - meanShifted * sum);
  return { area_km2: w, mean, m2, min, max, cells };
}
