// A writer of classic NetCDF (the 64-bit offset format, CDF-2): dimensions, attributes and
// fixed-size variables, big-endian, as the NetCDF Classic Format Specification lays them out.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, invalid } from '../errors.js';
import { checkOutputPath, type OutputPathOptions } from '../guard.js';

/** The classic types written: byte, short, int, float, double (and char for text attributes). */
export type NetCDFType = 'byte' | 'short' | 'int' | 'float' | 'double';

/** An attribute value: text, or numbers of a type (default `double`; `float` for a float variable's `_FillValue`). */
export type NetCDFAttribute = string | number | { type: NetCDFType; values: number[] };

/** One variable: its dimensions by name (none for a scalar), attributes and values in row-major order. */
export interface NetCDFVariable {
  name: string;
  type: NetCDFType;
  dimensions: string[];
  attributes?: Record<string, NetCDFAttribute>;
  values?: ArrayLike<number>;
}

/** A classic NetCDF file's contents. */
export interface NetCDFContents {
  dimensions: { name: string; size: number }[];
  attributes?: Record<string, NetCDFAttribute>;
  variables: NetCDFVariable[];
}

const CODE: Record<NetCDFType | 'char', number> = { byte: 1, char: 2, short: 3, int: 4, float: 5, double: 6 };
const SIZE: Record<NetCDFType | 'char', number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };

class Out {
  private chunks: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): void { this.chunks.push(b); this.length += b.length; }
  int(v: number): void { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v); this.bytes(b); }
  int64(v: number): void { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(v)); this.bytes(b); }
  pad(): void { const n = (4 - (this.length % 4)) % 4; if (n) this.bytes(new Uint8Array(n)); }
  name(s: string): void { const b = new TextEncoder().encode(s); this.int(b.length); this.bytes(b); this.pad(); }
  values(type: NetCDFType | 'char', values: ArrayLike<number>): void {
    const size = SIZE[type];
    const b = new Uint8Array(values.length * size);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      switch (type) {
        case 'byte': case 'char': view.setInt8(i, type === 'char' ? v : v > 127 ? v - 256 : v); break;
        case 'short': view.setInt16(i * 2, v); break;
        case 'int': view.setInt32(i * 4, v); break;
        case 'float': view.setFloat32(i * 4, v); break;
        case 'double': view.setFloat64(i * 8, v); break;
      }
    }
    this.bytes(b);
  }
  concat(): Uint8Array { const out = new Uint8Array(this.length); let at = 0; for (const c of this.chunks) { out.set(c, at); at += c.length; } return out; }
}

function attributes(out: Out, attrs: Record<string, NetCDFAttribute> | undefined): void {
  const entries = Object.entries(attrs ?? {});
  if (entries.length === 0) { out.int(0); out.int(0); return; }
  out.int(0x0c); out.int(entries.length);
  for (const [name, value] of entries) {
    out.name(name);
    if (typeof value === 'string') {
      const b = new TextEncoder().encode(value);
      out.int(CODE.char); out.int(b.length); out.bytes(b);
    } else {
      const { type, values } = typeof value === 'number' ? { type: 'double' as const, values: [value] } : value;
      out.int(CODE[type]); out.int(values.length); out.values(type, values);
    }
    out.pad();
  }
}

/**
 * Writes a classic NetCDF file (64-bit offset format) that GDAL, netCDF4-python and every NetCDF
 * library read: through a temporary file renamed at the end.
 * @example writeNetCDF3('out/x.nc', { dimensions: [{ name: 'x', size: 3 }], variables: [{ name: 'v', type: 'float', dimensions: ['x'], values: [1, 2, 3] }] })
 */
export function writeNetCDF3(path: string, contents: NetCDFContents, options: OutputPathOptions & { overwrite?: boolean } = {}): string {
  const target = resolve(path);
  checkOutputPath(target, options);
  if (!options.overwrite && existsSync(target)) throw new InputError(`${target} exists; pass { overwrite: true } to replace it`);
  const dims = new Map(contents.dimensions.map((d, i) => [d.name, { ...d, index: i }]));
  for (const d of contents.dimensions) if (!(Number.isInteger(d.size) && d.size > 0)) throw new InputError(invalid(`size of dimension ${d.name}`, d.size, 'a whole number above 0'));
  const sizes = contents.variables.map((v) => {
    let n = 1;
    for (const d of v.dimensions) {
      const dim = dims.get(d);
      if (!dim) throw new InputError(invalid(`dimension of variable ${v.name}`, d, [...dims.keys()].join(', ')));
      n *= dim.size;
    }
    if (v.values && v.values.length !== n) throw new InputError(invalid(`number of values of ${v.name}`, v.values.length, `${n} (the product of its dimensions)`));
    return n;
  });
  const header = (begins: number[]): Out => {
    const out = new Out();
    out.bytes(new Uint8Array([0x43, 0x44, 0x46, 2]));
    out.int(0); // no record variables
    out.int(0x0a); out.int(contents.dimensions.length);
    for (const d of contents.dimensions) { out.name(d.name); out.int(d.size); }
    attributes(out, contents.attributes);
    out.int(0x0b); out.int(contents.variables.length);
    contents.variables.forEach((v, i) => {
      out.name(v.name);
      out.int(v.dimensions.length);
      for (const d of v.dimensions) out.int(dims.get(d)!.index);
      attributes(out, v.attributes);
      out.int(CODE[v.type]);
      out.int(Math.min(2 ** 31 - 1, Math.ceil((sizes[i] * SIZE[v.type]) / 4) * 4));
      out.int64(begins[i] ?? 0);
    });
    return out;
  };
  const headerLength = header([]).length;
  const begins: number[] = [];
  let at = headerLength;
  contents.variables.forEach((v, i) => { begins.push(at); at += Math.ceil((sizes[i] * SIZE[v.type]) / 4) * 4; });
  const out = header(begins);
  contents.variables.forEach((v, i) => {
    out.values(v.type, v.values ?? new Float64Array(sizes[i]).fill(fillOf(v)));
    out.pad();
  });
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, out.concat());
    renameSync(temporary, target);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
  return target;
}

function fillOf(v: NetCDFVariable): number {
  const f = v.attributes?._FillValue;
  if (typeof f === 'number') return f;
  if (f && typeof f === 'object') return f.values[0];
  return 0;
}
