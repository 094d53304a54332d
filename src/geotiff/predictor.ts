// Undoing the TIFF predictors after decompression (decode.ts): 2, horizontal differencing, and 3,
// floating point byte planes. The forward predictors, for writing, are in encode.ts.
/** What the predictors need of a block's layout (decode.ts's BlockLayout has it). */
export interface PredictorLayout { width: number; rows: number; samples: number; bytesPerSample: number }

/**
 * Predictor 2: each sample is stored as the difference from the one `samples` before it in the row.
 * One loop per sample size, each over one array type (a loop that sees several types is several
 * times slower in V8); 32-bit sums wrap as integers, as libtiff's do.
 */
export function undoHorizontalDifferencing(bytes: Uint8Array, layout: PredictorLayout, onlyRows?: ReadonlySet<number>): void {
  const { width, rows, samples } = layout;
  const rowLength = width * samples;
  const { buffer, byteOffset } = bytes;
  const size = layout.bytesPerSample;
  const view = size === 1 ? bytes : size === 2 ? new Uint16Array(buffer, byteOffset, bytes.byteLength / 2)
    : size === 4 ? new Int32Array(buffer, byteOffset, bytes.byteLength / 4) : size === 8 ? new BigUint64Array(buffer, byteOffset, bytes.byteLength / 8) : null;
  if (view === null) throw new Error(`predictor 2 with ${size}-byte samples`);
  for (let r = 0; r < rows; r++) {
    if (onlyRows && !onlyRows.has(r)) continue;
    if (size === 4) addRow32(view as Int32Array, r * rowLength, rowLength, samples);
    else if (size === 2) addRow16(view as Uint16Array, r * rowLength, rowLength, samples);
    else if (size === 1) addRow8(view as Uint8Array, r * rowLength, rowLength, samples);
    else addRow64(view as BigUint64Array, r * rowLength, rowLength, samples);
  }
}

function addRow8(v: Uint8Array, start: number, length: number, step: number): void {
  for (let i = start + step, end = start + length; i < end; i++) v[i] = (v[i] + v[i - step]) & 0xff;
}

function addRow16(v: Uint16Array, start: number, length: number, step: number): void {
  for (let i = start + step, end = start + length; i < end; i++) v[i] = (v[i] + v[i - step]) & 0xffff;
}

function addRow32(v: Int32Array, start: number, length: number, step: number): void {
  if (step === 1) {
    // one sample per pixel: the running sum stays in a register (no store-to-load wait per sample)
    let acc = v[start];
    for (let i = start + 1, end = start + length; i < end; i++) v[i] = acc = (acc + v[i]) | 0;
    return;
  }
  for (let i = start + step, end = start + length; i < end; i++) v[i] = (v[i] + v[i - step]) | 0;
}

function addRow64(v: BigUint64Array, start: number, length: number, step: number): void {
  for (let i = start + step, end = start + length; i < end; i++) v[i] = BigInt.asUintN(64, v[i] + v[i - step]);
}

/**
 * Predictor 3 (floating point): each row holds the bytes of its samples split into planes, most
 * significant first, then byte-differenced. The layout does not depend on the file's byte order.
 * For 32-bit samples in rows of whole words (nearly always), four bytes are handled at a time:
 * the running byte sums within a word by lane-wise adds, and the planes put back together a word
 * from each (about half the time of a byte at a time).
 */
export function undoFloatPredictor(bytes: Uint8Array, layout: PredictorLayout, onlyRows?: ReadonlySet<number>): Uint8Array {
  const { width, rows, samples, bytesPerSample: size } = layout;
  const count = width * samples;
  const rowBytes = count * size;
  if (size === 4 && count % 4 === 0 && bytes.byteOffset % 4 === 0) return undoFloatPredictor32(bytes, count, rows, samples, onlyRows);
  const out = new Uint8Array(bytes.byteLength);
  for (let r = 0; r < rows; r++) {
    if (onlyRows && !onlyRows.has(r)) continue;
    const base = r * rowBytes;
    const end = base + rowBytes;
    for (let i = base + samples; i < end; i++) bytes[i] = (bytes[i] + bytes[i - samples]) & 0xff;
    for (let k = 0; k < count; k++) {
      for (let b = 0; b < size; b++) out[base + k * size + (size - 1 - b)] = bytes[base + b * count + k];
    }
  }
  return out;
}

/** Adds the four bytes of two words lane by lane, each modulo 256. */
function addLanes(a: number, b: number): number {
  return ((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080);
}

let planeRow = new Int32Array(0);

function undoFloatPredictor32(bytes: Uint8Array, count: number, rows: number, samples: number, onlyRows?: ReadonlySet<number>): Uint8Array {
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const q = count >> 2; // words per byte plane of a row
  if (planeRow.length < count) planeRow = new Int32Array(count);
  const row = planeRow; // one row's byte planes, copied out so that the samples can go back in place
  for (let r = 0; r < rows; r++) {
    if (onlyRows && !onlyRows.has(r)) continue;
    const base = r * count, end = base + count;
    if (samples === 1) {
      // running sum of the row's bytes: within each word (little-endian lanes), then the carry from the words before
      let carry = 0;
      for (let i = base; i < end; i++) {
        let x = words[i];
        x = addLanes(x, x << 8);
        x = addLanes(x, x << 16);
        x = addLanes(x, carry);
        row[i - base] = x;
        carry = Math.imul(x >>> 24, 0x01010101);
      }
    } else if (samples % 4 === 0) {
      const step = samples >> 2;
      for (let i = base; i < base + step; i++) row[i - base] = words[i];
      for (let i = base + step; i < end; i++) row[i - base] = addLanes(words[i], row[i - base - step]);
    } else {
      const b0 = base * 4;
      for (let i = b0 + samples; i < b0 + count * 4; i++) bytes[i] = (bytes[i] + bytes[i - samples]) & 0xff;
      row.set(words.subarray(base, end));
    }
    // plane b holds byte 3 − b of every sample: a word of each plane gives four samples
    for (let j = 0; j < q; j++) {
      const a = row[j], b = row[q + j], c = row[2 * q + j], d = row[3 * q + j];
      const o = base + 4 * j;
      words[o] = ((a & 0xff) << 24) | ((b & 0xff) << 16) | ((c & 0xff) << 8) | (d & 0xff);
      words[o + 1] = ((a & 0xff00) << 16) | ((b & 0xff00) << 8) | (c & 0xff00) | ((d >>> 8) & 0xff);
      words[o + 2] = ((a & 0xff0000) << 8) | (b & 0xff0000) | ((c >>> 8) & 0xff00) | ((d >>> 16) & 0xff);
      words[o + 3] = (a & 0xff000000) | ((b >>> 8) & 0xff0000) | ((c >>> 16) & 0xff00) | (d >>> 24);
    }
  }
  return bytes;
}
