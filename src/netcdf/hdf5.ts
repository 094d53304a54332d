import fs, { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileError, FormatError } from '../errors.js';
import type { TypedArray } from '../geotiff/metadata.js';
import type { NcAttribute, NcFile, NcVariable } from './types.js';

type H5 = typeof import('h5wasm/node').default;
type Dataset = import('h5wasm/node').Dataset;
let loading: Promise<H5> | undefined;

/** h5wasm's Node build (HDF5 compiled to WebAssembly, files read through Node's file system), loaded on first use. */
async function h5wasm(): Promise<H5> {
  return (loading ??= import('h5wasm/node').then(async (m) => { await m.default.ready; return m.default; }));
}

/**
 * Runs a (synchronous) HDF5 call with its error stack, which HDF5 prints to stderr, captured
 * instead: returns the value and the innermost error line (`truncated file: eof = 9279, …`), or ''.
 */
function quietly<T>(call: () => T): { value: T | undefined; error: unknown; diagnosis: string } {
  const write = fs.writeSync;
  let text = '';
  (fs as { writeSync: unknown }).writeSync = function (fd: number, buffer: unknown, ...rest: unknown[]) {
    if (fd !== 2) return (write as (...a: unknown[]) => number).call(fs, fd, buffer, ...rest);
    const view = buffer as Uint8Array;
    const [offset = 0, length = view.byteLength] = rest as number[];
    text += typeof buffer === 'string' ? buffer : Buffer.from(view.buffer, view.byteOffset + offset, length).toString();
    return typeof buffer === 'string' ? buffer.length : length;
  };
  let value: T | undefined, error: unknown;
  try { value = call(); } catch (err) { error = err; } finally { (fs as { writeSync: unknown }).writeSync = write; }
  const last = text.split('\n').filter((l) => /#\d{3}:/.test(l)).pop() ?? '';
  return { value, error, diagnosis: last.replace(/^.*\):\s*/, '').trim() };
}

/** HDF5 attributes that carry NetCDF4's and the dimension-scale API's bookkeeping, not CF attributes. */
const HIDDEN = new Set(['DIMENSION_LIST', 'REFERENCE_LIST', 'CLASS', 'NAME', '_Netcdf4Dimid', '_Netcdf4Coordinates', '_nc3_strict', '_NCProperties', '_SuperblockVersion', '_IsNetcdf4']);

/** h5wasm's dtype (struct codes `<h`, `<f`, `<d`, or NumPy's `<i2`, `<f4`) → this package's type name. */
const STRUCT: Record<string, NcVariable['type']> = {
  b: 'int8', B: 'uint8', h: 'int16', H: 'uint16', i: 'int32', I: 'uint32', l: 'int32', L: 'uint32', q: 'int64', Q: 'uint64', f: 'float32', d: 'float64',
};
function typeOf(dtype: unknown): NcVariable['type'] {
  if (typeof dtype !== 'string') return 'other';
  const code = dtype.replace(/^[<>|=!]/, '');
  if (STRUCT[code]) return STRUCT[code];
  const m = /^([fiu])(\d)$/.exec(code);
  if (m) {
    const bits = Number(m[2]) * 8;
    if (m[1] === 'f') return bits === 32 ? 'float32' : bits === 64 ? 'float64' : 'other';
    return `${m[1] === 'u' ? 'uint' : 'int'}${bits}` as NcVariable['type'];
  }
  return /^[SU]/.test(code) ? 'string' : 'other';
}

/** An attribute's value as text or numbers. */
function attributeValue(value: unknown): NcAttribute {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? value.join(',') : value.map(Number);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  return String(value);
}

/**
 * Opens a NetCDF4 (HDF5) file with h5wasm. The file is read through Node's file system as HDF5
 * asks for it (never loaded whole); a hyperslab read decodes only the chunks it touches (deflate
 * and shuffle are built into h5wasm's HDF5). Variables are the root group's datasets; their
 * dimensions are the dimension scales attached to them, as netCDF-C writes them.
 * @example const nc = await openHdf5('magt.nc'); nc.variables.map((v) => v.name)
 */
export async function openHdf5(path: string): Promise<NcFile> {
  const name = path;
  const full = resolve(path);
  if (!existsSync(full)) throw new FileError('file not found', name);
  const lib = await h5wasm();
  const opened = quietly(() => new lib.File(full, 'r'));
  const file = opened.value;
  if (!file || opened.error || !file.file_id || file.file_id < 0n) {
    const why = opened.diagnosis || (opened.error instanceof Error ? opened.error.message : 'HDF5 refused it');
    throw new FormatError(`cannot open the NetCDF4/HDF5 file: ${why} (truncated or damaged?)`, name);
  }
  try {
    const attrsOf = (o: { attrs: Record<string, { value: unknown }> }): Record<string, NcAttribute> => {
      const out: Record<string, NcAttribute> = {};
      for (const [k, a] of Object.entries(o.attrs)) {
        if (HIDDEN.has(k)) continue;
        try { out[k] = attributeValue(a.value); } catch { /* an attribute of a type h5wasm cannot read: left out */ }
      }
      return out;
    };
    const datasets = new Map<string, Dataset>();
    const variables: NcVariable[] = [];
    // the structure is walked with HDF5's error stack captured: a damaged object header is a FormatError saying what HDF5 found
    const walk = quietly(() => {
      for (const key of file.keys()) {
        const entity = file.get(key);
        if (!(entity instanceof lib.Dataset)) continue;
        const scaleName = String(entity.attrs.NAME?.value ?? '');
        // a dimension without a coordinate variable: netCDF-C writes a placeholder dataset
        if (scaleName.startsWith('This is a netCDF dimension but not a netCDF variable')) continue;
        const shape = entity.shape ?? [];
        const dims = shape.map((size, i) => {
          let dimName = `phony_dim_${i}`;
          if (entity.attrs.CLASS?.value === 'DIMENSION_SCALE' && shape.length === 1) dimName = key;
          else {
            try {
              const scales = entity.get_attached_scales(i);
              if (scales.length > 0) dimName = scales[0].replace(/^.*\//, '');
            } catch { /* no dimension scales attached */ }
          }
          return { name: dimName, size };
        });
        const filters = (() => { try { return entity.filters.map((f) => f.name); } catch { return []; } })();
        variables.push({
          name: key, dims, type: typeOf(entity.dtype), attributes: attrsOf(entity as never), chunks: entity.metadata.chunks ?? null,
          compression: filters.length ? filters.join('+') : 'none',
        });
        datasets.set(key, entity);
      }
    });
    if (walk.error || walk.diagnosis) {
      const why = walk.diagnosis || (walk.error instanceof Error ? walk.error.message : String(walk.error));
      throw new FormatError(`the NetCDF4/HDF5 structure is damaged: ${why}`, name);
    }
    const global = quietly(() => attrsOf(file as never)).value ?? {};
    return {
      source: name, format: 'netcdf4', attributes: global, variables,
      async readSlab(variable, start, count) {
        const ds = datasets.get(variable.name)!;
        const read = quietly(() => ds.slice(start.map((s, i) => [s, s + count[i]] as [number, number])));
        const data = read.value;
        if (read.error || !data) {
          const why = read.diagnosis || (read.error instanceof Error ? read.error.message : 'HDF5 read nothing');
          throw new FormatError(`variable ${variable.name} at [${start.join(', ')}] + [${count.join(', ')}] cannot be read: ${why}`, name);
        }
        if (!ArrayBuffer.isView(data)) throw new FormatError(`variable ${variable.name} did not read as numbers`, name);
        if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
        const values = data as unknown as TypedArray;
        if (!ds.metadata.littleEndian && values.BYTES_PER_ELEMENT > 1) {
          const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
          const size = values.BYTES_PER_ELEMENT;
          for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
        }
        return values;
      },
      async close() { file.close(); },
    };
  } catch (err) {
    file.close();
    if (err instanceof FormatError) throw err;
    throw new FormatError(`cannot read the NetCDF4/HDF5 structure: ${err instanceof Error ? err.message : String(err)}`, name);
  }
}
