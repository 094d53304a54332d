import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compiledCandidates } from '../core/built.js';

/**
 * TIFF LZW, decoded by the WebAssembly module built from lzw.wat (2.5–3× the speed of the same
 * algorithm in JavaScript on GDAL-written strips). One instance per thread holds the input and output of
 * blocks up to REUSED_LIMIT bytes; a larger block gets an instance of its own, freed with it (a module's
 * memory cannot shrink).
 */
const REUSED_LIMIT = 64 * 1024 * 1024;
const TABLES = 32_768; // start and length of each of the 4096 codes, as i32

// @types/node 20 leaves WebAssembly to lib.dom, which this package does not load: what is used of it
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
};
type WasmModule = { readonly wasmModule: unique symbol };

interface LzwExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  bad: { readonly value: number };
  decode(input: number, inputLength: number, output: number, expected: number): number;
  sum16(at: number, count: number, rows: number): void;
  sum32(at: number, count: number, rows: number): void;
}

/** Predictor 2 undone in the module, for one sample per pixel in little-endian order (decode.ts decides). */
export interface Differencing { count: number; rows: number; size: 2 | 4 }

let compiled: WasmModule | undefined;
let reused: LzwExports | undefined;

/** The module beside this file in dist/, or, running from the TypeScript sources (tests), the tests' build or dist/'s. */
function lzwModule(): WasmModule {
  if (compiled) return compiled;
  const candidates = compiledCandidates('geotiff', import.meta.url, 'lzw.wasm');
  const url = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!url) throw new Error('the LZW decoder dist/geotiff/lzw.wasm is missing: run npm run build');
  return (compiled = new WebAssembly.Module(readFileSync(url)));
}

function instantiate(): LzwExports {
  const exports = new WebAssembly.Instance(lzwModule(), {}).exports as unknown as LzwExports;
  new Int32Array(exports.memory.buffer, TABLES / 2, 256).fill(1); // the literals' lengths
  return exports;
}

/**
 * Decodes one block into a new buffer of exactly `expected` bytes (the block's decoded size: a damaged
 * stream cannot write past it), undoing `differencing` there when given (rows of `count` samples).
 * @throws Error with a short reason for a damaged stream or one that ends early.
 */
export function decodeLzw(input: Uint8Array, expected: number, differencing?: Differencing): Uint8Array {
  const inputAt = TABLES;
  const outputAt = (inputAt + input.length + 4 + 7) & ~7;
  const needed = outputAt + expected + 8;
  const lzw = needed <= REUSED_LIMIT ? (reused ??= instantiate()) : instantiate();
  const have = lzw.memory.buffer.byteLength;
  if (have < needed) lzw.memory.grow(Math.ceil((needed - have) / 65_536));
  const memory = new Uint8Array(lzw.memory.buffer);
  memory.set(input, inputAt);
  memory.fill(0, inputAt + input.length, inputAt + input.length + 4);
  const written = lzw.decode(inputAt, input.length, outputAt, expected);
  if (written === -1) throw new Error(`LZW data is damaged (code ${lzw.bad.value} after a clear code)`);
  if (written === -2) throw new Error(`LZW data is damaged (code ${lzw.bad.value} before it was defined)`);
  if (written < expected) throw new Error(`decompressed to ${written} bytes, expected ${expected}`);
  if (differencing) {
    const { count, rows, size } = differencing;
    if (count * rows * size > expected) throw new Error(`${rows} rows of ${count} samples do not fit in ${expected} bytes`);
    if (size === 4) lzw.sum32(outputAt, count, rows); else lzw.sum16(outputAt, count, rows);
  }
  return memory.slice(outputAt, outputAt + expected);
}
