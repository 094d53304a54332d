// The modules environment/explorer.mjs makes for each bundle.

/** Files embedded at their package paths (`/permafrost-lab/dist/geotiff/lzw.wasm`…): text, or base64 bytes. */
declare module 'explorer:embedded' {
  export const EMBEDDED: Record<string, { text?: string; base64?: string }>;
}

/** What `createRequire(…)(id)` gives, by id. */
declare module 'explorer:required' {
  export const REQUIRED: Record<string, unknown>;
}

/** The part of pako (bundled with geotiff.js) that the zlib adapter uses. */
declare module 'pako' {
  interface Stream { err: number; msg: string; ended: boolean; result: Uint8Array; onData(chunk: Uint8Array): void; push(data: Uint8Array, flush: boolean | number): boolean }
  export class Inflate implements Stream { constructor(options?: { chunkSize?: number; raw?: boolean }); err: number; msg: string; ended: boolean; result: Uint8Array; onData(chunk: Uint8Array): void; push(data: Uint8Array, flush: boolean | number): boolean }
  export class Deflate implements Stream { constructor(options?: { level?: number }); err: number; msg: string; ended: boolean; result: Uint8Array; onData(chunk: Uint8Array): void; push(data: Uint8Array, flush: boolean | number): boolean }
  export function gzip(data: Uint8Array, options?: { level?: number }): Uint8Array;
  export function ungzip(data: Uint8Array): Uint8Array;
}
