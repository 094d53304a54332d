import { FormatError, LimitError } from '../errors.js';
import type { ByteSource } from './source.js';

/** The TIFF header: byte order, classic or BigTIFF, first IFD. */
export interface TiffHeader {
  littleEndian: boolean;
  bigTiff: boolean;
  firstIfd: number;
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** At most this many IFDs (images, overviews, masks) in one file. */
export const MAX_IFDS = 4096;

/** Reads and checks the 8- or 16-byte TIFF header. */
export async function readHeader(source: ByteSource): Promise<TiffHeader> {
  if (source.size < 8) throw new FormatError(`not a TIFF file (only ${source.size} bytes)`, source.name);
  const head = await source.read({ offset: 0, length: Math.min(16, source.size) }, 'TIFF header');
  const order = String.fromCharCode(head[0], head[1]);
  if (order !== 'II' && order !== 'MM') throw new FormatError(`not a TIFF file (starts with bytes ${hex(head.subarray(0, 4))})`, source.name);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const littleEndian = order === 'II';
  const magic = view.getUint16(2, littleEndian);
  if (magic === 42) return { littleEndian, bigTiff: false, firstIfd: view.getUint32(4, littleEndian) };
  if (magic === 43) {
    if (head.length < 16) throw new FormatError('BigTIFF header is truncated', source.name);
    if (view.getUint16(4, littleEndian) !== 8) throw new FormatError(`BigTIFF offset size ${view.getUint16(4, littleEndian)} (expected 8)`, source.name);
    return { littleEndian, bigTiff: true, firstIfd: Number(view.getBigUint64(8, littleEndian)) };
  }
  throw new FormatError(`not a TIFF file (version ${magic}, expected 42 or 43)`, source.name);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Walks the IFD chain, refusing loops, offsets past the end, and entries whose arrays could
 * not fit in the file (a damaged count would otherwise allocate before failing). Returns the
 * offset of each IFD.
 */
export async function scanIfds(source: ByteSource, header: TiffHeader): Promise<number[]> {
  const { littleEndian, bigTiff } = header;
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  const offsets: number[] = [];
  const seen = new Set<number>();
  let offset = header.firstIfd;
  while (offset !== 0) {
    const which = `IFD ${offsets.length}`;
    if (seen.has(offset)) throw new FormatError(`${which} points back to an earlier IFD at byte ${offset}: the IFD chain loops`, source.name);
    if (offsets.length >= MAX_IFDS) throw new LimitError(`more than ${MAX_IFDS} IFDs`, source.name);
    if (offset + countSize > source.size) throw new FormatError(`${which} starts at byte ${offset}, past the end of the file (${source.size} bytes)`, source.name);
    seen.add(offset);
    const countBytes = await source.read({ offset, length: countSize }, `${which} entry count`);
    const cv = new DataView(countBytes.buffer);
    const count = bigTiff ? Number(cv.getBigUint64(0, littleEndian)) : cv.getUint16(0, littleEndian);
    const bodyLength = count * entrySize + (bigTiff ? 8 : 4);
    if (count === 0) throw new FormatError(`${which} has no entries`, source.name);
    if (offset + countSize + bodyLength > source.size) {
      throw new FormatError(`${which} declares ${count} entries, which run past the end of the file: the file is truncated or damaged`, source.name);
    }
    const body = await source.read({ offset: offset + countSize, length: bodyLength }, `${which} entries`);
    const view = new DataView(body.buffer);
    for (let i = 0; i < count; i++) {
      const at = i * entrySize;
      const tag = view.getUint16(at, littleEndian);
      const type = view.getUint16(at + 2, littleEndian);
      const n = bigTiff ? Number(view.getBigUint64(at + 4, littleEndian)) : view.getUint32(at + 4, littleEndian);
      const size = TYPE_SIZES[type];
      if (size === undefined) throw new FormatError(`${which} tag ${tag} has unknown field type ${type}`, source.name);
      const bytes = n * size;
      if (bytes > inline) {
        const at2 = at + (bigTiff ? 12 : 8);
        const valueOffset = bigTiff ? Number(view.getBigUint64(at2, littleEndian)) : view.getUint32(at2, littleEndian);
        if (!Number.isSafeInteger(bytes) || valueOffset + bytes > source.size) {
          throw new FormatError(`${which} tag ${tag} claims ${n} values at byte ${valueOffset}, past the end of the file: the file is truncated or damaged`, source.name);
        }
      }
    }
    offsets.push(offset);
    offset = bigTiff ? Number(view.getBigUint64(count * entrySize, littleEndian)) : view.getUint32(count * entrySize, littleEndian);
  }
  if (offsets.length === 0) throw new FormatError('the file has no image (first IFD offset is 0)', source.name);
  return offsets;
}

/**
 * The numbers of one tag of the IFD at `ifdOffset` (SHORT, LONG, RATIONAL, SRATIONAL, FLOAT,
 * DOUBLE, LONG8), or undefined when the IFD lacks it. Read here because geotiff.js reads arrays
 * of RATIONALs (ReferenceBlackWhite, YCbCrCoefficients, WhitePoint) with the wrong stride.
 */
export async function readTagNumbers(source: ByteSource, header: TiffHeader, ifdOffset: number, tag: number): Promise<number[] | undefined> {
  const { littleEndian: le, bigTiff } = header;
  const countSize = bigTiff ? 8 : 2, entrySize = bigTiff ? 20 : 12, inline = bigTiff ? 8 : 4;
  const head = new DataView((await source.read({ offset: ifdOffset, length: countSize }, 'IFD entry count')).slice().buffer);
  const count = bigTiff ? Number(head.getBigUint64(0, le)) : head.getUint16(0, le);
  const body = new DataView((await source.read({ offset: ifdOffset + countSize, length: count * entrySize }, 'IFD entries')).slice().buffer);
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    if (body.getUint16(at, le) !== tag) continue;
    const type = body.getUint16(at + 2, le);
    const n = bigTiff ? Number(body.getBigUint64(at + 4, le)) : body.getUint32(at + 4, le);
    const size = TYPE_SIZES[type] ?? 1;
    const valueAt = at + (bigTiff ? 12 : 8);
    const bytes = n * size <= inline
      ? new DataView(body.buffer, valueAt, n * size)
      : new DataView((await source.read({ offset: bigTiff ? Number(body.getBigUint64(valueAt, le)) : body.getUint32(valueAt, le), length: n * size }, `tag ${tag}`)).slice().buffer);
    const read: Record<number, (k: number) => number> = {
      1: (k) => bytes.getUint8(k), 3: (k) => bytes.getUint16(k * 2, le), 4: (k) => bytes.getUint32(k * 4, le), 8: (k) => bytes.getInt16(k * 2, le),
      9: (k) => bytes.getInt32(k * 4, le), 11: (k) => bytes.getFloat32(k * 4, le), 12: (k) => bytes.getFloat64(k * 8, le),
      16: (k) => Number(bytes.getBigUint64(k * 8, le)),
      5: (k) => bytes.getUint32(k * 8, le) / bytes.getUint32(k * 8 + 4, le), 10: (k) => bytes.getInt32(k * 8, le) / bytes.getInt32(k * 8 + 4, le),
    };
    if (!read[type]) return undefined;
    return Array.from({ length: n }, (_, k) => read[type](k));
  }
  return undefined;
}
