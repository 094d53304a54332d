import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a compiled file of this package (a worker's module, WebAssembly, the DEFLATE addon) may be,
 * in order: beside `moduleUrl` (the module runs from dist/); when it runs from the TypeScript
 * sources (tests), `$PERMAFROST_BUILD_DIR` (the tests' build of the current sources, test/globalSetup.ts)
 * and then dist/.
 * @example compiledCandidates('geotiff', import.meta.url, 'lzw.wasm')
 */
export function compiledCandidates(fromDist: string, moduleUrl: string, name: string): URL[] {
  const build = process.env.PERMAFROST_BUILD_DIR;
  const sources = moduleUrl.endsWith('.ts') && build ? [pathToFileURL(join(build, fromDist, name))] : [];
  return [...sources, new URL(`./${name}`, moduleUrl), new URL(`../../dist/${fromDist}/${name}`, moduleUrl)];
}
