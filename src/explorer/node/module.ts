/// <reference path="../virtual.d.ts" />
// node:module as the explorer page sees it (environment/explorer.mjs puts this module in its place):
// `createRequire` answers with the modules the build bundled for `require` (world-atlas's maps in the
// page, xz-decompress in the worker); anything else is not there, as a missing package is in Node
// (the libdeflate addon, for one: DEFLATE then goes through pako).
import { REQUIRED } from 'explorer:required';

export function createRequire(_from: string | URL) {
  const missing = (id: string) => Object.assign(new Error(`Cannot find module '${id}' (the explorer bundles ${Object.keys(REQUIRED).join(', ') || 'none'})`), { code: 'MODULE_NOT_FOUND' });
  const require = (id: string): unknown => {
    if (id in REQUIRED) return REQUIRED[id];
    throw missing(id);
  };
  require.resolve = (id: string): string => { throw missing(id); };
  return require;
}
