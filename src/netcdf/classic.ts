import { FormatError, invalid } from '../errors.js';
import { arrayTypeOf, type NumericDataType, type TypedArray } from '../geotiff/metadata.js';
import { alignedArray } from '../geotiff/alignedArray.js';
import type { ByteSource } from '../geotiff/source.js';
import type { NcAttribute, NcDimension, NcFile, NcVariable } from './types.js';

/** The classic types by nc_type code (CDF-5 adds 7–11). */
const TYPES: Record<number, { type: NcVariable['type']; size: number }> = {
  1: { type: 'int8', size: 1 }, 2: { type: 'char', size: 1 }, 3: { type: 'int16', size: 2 }, 4: { type: 'int32', size: 4 },
  5: { type: 'float32', size: 4 }, 6: { type: 'float64', size: 8 }, 7: { type: 'uint8', size: 1 }, 8: { type: 'uint16', size: 2 },
  9: { type: 'uint32', size: 4 }, 10: { type: 'int64', size: 8 }, 11: { type: 'uint64', size: 8 },
};

interface ClassicVariable extends NcVariable {
  /** Byte offset of the data (of the first record, for record variables). */
  begin: number;
  record: boolean;
  /** Bytes of one value, and of the variable (of one record, for record variables) as the header says. */
  size: number;
  vsize: number;
}

/**
 * Opens a classic NetCDF file (CDF-1, CDF-2 with 64-bit offsets, CDF-5) from a byte source: the
 * header is parsed from the first bytes (read again larger when it is longer), data are read by
 * byte ranges, so a 3 GB file costs only the rows asked for.
 * @example const nc = await openClassic(await openSource('magt.nc'));
 */
export async function openClassic(source: ByteSource): Promise<NcFile> {
  let length = Math.min(source.size, 64 * 1024);
  for (;;) {
    const bytes = await source.read({ offset: 0, length }, 'NetCDF header');
    try {
      return parse(bytes, source);
    } catch (err) {
      if (!(err instanceof ShortHeader) || length >= source.size) {
        if (err instanceof ShortHeader) throw new FormatError('the NetCDF header is cut short: the file is truncated', source.name);
        throw err;
      }
      length = Math.min(source.size, length * 4);
    }
  }
}

class ShortHeader extends Error {}

function parse(bytes: Uint8Array, source: ByteSource): NcFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = source.name;
  let at = 0;
  const need = (n: number) => { if (at + n > bytes.length) throw new ShortHeader(); };
  const u32 = () => { need(4); const v = view.getUint32(at); at += 4; return v; };
  const u64 = () => { need(8); const v = Number(view.getBigUint64(at)); at += 8; return v; };
  if (bytes.length < 4 || bytes[0] !== 0x43 || bytes[1] !== 0x44 || bytes[2] !== 0x46) throw new FormatError('not a NetCDF file (no CDF or HDF5 signature)', name);
  const version = bytes[3];
  if (![1, 2, 5].includes(version)) throw new FormatError(invalid('NetCDF classic version', version, '1, 2 or 5'), name);
  at = 4;
  const count = version === 5 ? u64 : u32;
  const offset = version === 1 ? u32 : u64;
  const numrecs = count();
  const text = () => {
    const n = count();
    need(n);
    const s = new TextDecoder().decode(bytes.subarray(at, at + n));
    at += n + ((4 - (n % 4)) % 4);
    return s;
  };
  const list = (tag: number, what: string) => {
    const t = u32();
    const n = count();
    if (t === 0 && n === 0) return 0;
    if (t !== tag) throw new FormatError(invalid(`${what} list tag`, t, `${tag} or 0 (absent)`), name);
    if (n > 1e6) throw new FormatError(invalid(`${what} count`, n, 'fewer than a million'), name);
    return n;
  };
  const values = (type: number, n: number): NcAttribute => {
    const t = TYPES[type];
    if (!t) throw new FormatError(invalid('nc_type', type, '1 to 11'), name);
    need(n * t.size);
    let v: NcAttribute;
    if (t.type === 'char') v = new TextDecoder().decode(bytes.subarray(at, at + n)).replace(/\0+$/, '');
    else v = Array.from(swapToNative(bytes.slice(at, at + n * t.size), t.type as NumericDataType | 'int64' | 'uint64'), Number);
    at += n * t.size;
    at += (4 - (at % 4)) % 4;
    return v;
  };
  const attributes = () => {
    const out: Record<string, NcAttribute> = {};
    const n = list(0x0c, 'attribute');
    for (let i = 0; i < n; i++) {
      const key = text();
      const type = u32();
      out[key] = values(type, count());
    }
    return out;
  };

  const dims: NcDimension[] = [];
  const nd = list(0x0a, 'dimension');
  for (let i = 0; i < nd; i++) dims.push({ name: text(), size: count() });
  const recordDim = dims.findIndex((d) => d.size === 0);
  const global = attributes();
  const variables: ClassicVariable[] = [];
  const nv = list(0x0b, 'variable');
  for (let i = 0; i < nv; i++) {
    const vname = text();
    const rank = count();
    const ids = Array.from({ length: rank }, () => count());
    for (const id of ids) if (!(id < dims.length)) throw new FormatError(invalid(`dimension id of variable ${vname}`, id, `0 to ${dims.length - 1}`), name);
    const attrs = attributes();
    const typeCode = u32();
    const t = TYPES[typeCode];
    if (!t) throw new FormatError(invalid(`type of variable ${vname}`, typeCode, '1 to 11'), name);
    const vsize = count();
    const begin = offset();
    const record = rank > 0 && ids[0] === recordDim;
    variables.push({
      name: vname, dims: ids.map((id) => ({ name: dims[id].name, size: id === recordDim ? numrecs : dims[id].size })), type: t.type,
      attributes: attrs, chunks: null, compression: 'none', begin, record, size: t.size, vsize,
    });
  }
  const records = variables.filter((v) => v.record);
  // one record variable: records are not padded; else each record holds every record variable's vsize
  const recsize = records.length === 1 ? records[0].dims.slice(1).reduce((p, d) => p * d.size, records[0].size)
    : records.reduce((s, v) => s + v.vsize, 0);
  for (const v of variables) {
    const end = v.begin + (v.record ? 0 : v.dims.reduce((p, d) => p * d.size, v.size));
    if (end > source.size || (v.record && numrecs > 0 && v.begin + (numrecs - 1) * recsize > source.size)) {
      throw new FormatError(`variable ${v.name} lies past the end of the file (byte ${end} of ${source.size}): the file is truncated`, name);
    }
  }

  return {
    source: name, format: version === 1 ? 'netcdf3-classic' : version === 2 ? 'netcdf3-64bit-offset' : 'netcdf3-64bit-data',
    attributes: global, variables,
    async readSlab(variable, start, count) {
      const v = variable as ClassicVariable;
      if (v.type === 'char' || v.type === 'string' || v.type === 'other') throw new FormatError(`variable ${v.name} holds ${v.type}, not numbers`, name);
      const total = count.reduce((p, c) => p * c, 1);
      const out = new Uint8Array(total * v.size);
      const rank = v.dims.length;
      // contiguous runs: the last dimension, and those before it while the ones after are read whole
      // (never the record dimension: records interleave every record variable)
      const first = v.record ? 1 : 0;
      let k = rank, run = 1;
      if (rank - 1 >= first) {
        k = rank - 1;
        run = count[k];
        while (k > first && count[k] === v.dims[k].size && start[k] === 0) { run *= count[k - 1]; k--; }
      }
      const inner = v.dims.slice(v.record ? 1 : 0);
      const strides = inner.map((_, i) => inner.slice(i + 1).reduce((p, d) => p * d.size, 1));
      const outer = count.slice(0, Math.max(k, 0));
      const positions = outer.reduce((p, c) => p * c, 1);
      const index = new Array(rank).fill(0);
      for (let p = 0; p < positions; p++) {
        let rem = p;
        for (let d = outer.length - 1; d >= 0; d--) { index[d] = start[d] + (rem % outer[d]); rem = Math.floor(rem / outer[d]); }
        for (let d = outer.length; d < rank; d++) index[d] = start[d];
        let element = 0;
        for (let d = first; d < rank; d++) element += index[d] * strides[d - first];
        const byte = v.begin + (v.record ? index[0] * recsize : 0) + element * v.size;
        const chunk = await source.read({ offset: byte, length: run * v.size }, `variable ${v.name}`);
        out.set(chunk, p * run * v.size);
      }
      const native = swapToNative(out, v.type as NumericDataType);
      return native instanceof BigInt64Array || native instanceof BigUint64Array ? Float64Array.from(native, Number) : native;
    },
    close: () => source.close(),
  };
}

/** Big-endian stored values as a typed array in this machine's (little-endian) order. */
function swapToNative(bytes: Uint8Array, type: NumericDataType | 'int64' | 'uint64'): TypedArray | BigInt64Array | BigUint64Array {
  const Type = arrayTypeOf(type);
  const size = Type.BYTES_PER_ELEMENT;
  if (size > 1) {
    for (let i = 0; i + size <= bytes.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) { const t = bytes[a]; bytes[a] = bytes[b]; bytes[b] = t; }
    }
  }
  return alignedArray<TypedArray | BigInt64Array | BigUint64Array>(bytes, Type);
}
