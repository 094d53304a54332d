// The test run's environment (test/globalSetup.ts): workers, WebAssembly and the CLI come from a
// build of the current sources, and every cache of the library lives in a temporary folder.
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledCandidates } from '../../src/core/built.js';
import { KERNEL_MODULE } from '../../src/stats/kernels.js';
import { builtModule } from '../../src/geotiff/workerPool.js';
import { fingerprintCacheFile } from '../../src/provenance/fingerprint.js';
import { regionCacheFile } from '../../src/dataset/regions.js';
import { built, cliScript, root } from '../helpers.js';

const build = process.env.PERMAFROST_BUILD_DIR!;

describe('compiledCandidates(fromDist, moduleUrl, name)', () => {
  it('from a .ts module: $PERMAFROST_BUILD_DIR first, then beside the module, then dist/', () => {
    const from = pathToFileURL(join(root, 'src', 'geotiff', 'lzw.ts')).href;
    expect(compiledCandidates('geotiff', from, 'lzw.wasm').map((u) => fileURLToPath(u)))
      .toEqual([join(build, 'geotiff', 'lzw.wasm'), join(root, 'src', 'geotiff', 'lzw.wasm'), join(root, 'dist', 'geotiff', 'lzw.wasm')]);
  });

  it('from a built .js module: beside it, never $PERMAFROST_BUILD_DIR (an installed copy ignores the variable)', () => {
    const from = pathToFileURL(join(root, 'dist', 'stats', 'kernels.js')).href;
    expect(compiledCandidates('stats', from, 'kernels.js')[0].href).toBe(pathToFileURL(join(root, 'dist', 'stats', 'kernels.js')).href);
    expect(compiledCandidates('stats', from, 'kernels.js').map(String).some((u) => u.includes(build))).toBe(false);
  });
});

describe('the test run loads workers, WebAssembly and the CLI from the current sources', () => {
  it('the build is a fresh folder beside src/, with the kernels, the LZW WebAssembly and the CLI', () => {
    expect(build.startsWith(join(root, '.test-build-'))).toBe(true);
    expect(built).toBe(build);
    for (const f of ['stats/kernels.js', 'geotiff/lzw.wasm', 'geotiff/decodeWorker.js', 'cli/main.js']) expect(existsSync(join(build, f)), f).toBe(true);
    expect(cliScript).toBe(join(build, 'cli', 'main.js'));
  });

  it('the engine\'s kernel module and the decoding workers resolve to the build, not dist/', () => {
    expect(KERNEL_MODULE).toBe(pathToFileURL(join(build, 'stats', 'kernels.js')).href);
    expect(fileURLToPath(builtModule('geotiff', pathToFileURL(join(root, 'src/geotiff/workerPool.ts')).href, 'decodeWorker.js')!)).toBe(join(build, 'geotiff', 'decodeWorker.js'));
  });
});

describe('every cache of the library is in a temporary folder during tests', () => {
  it('PERMAFROST_CACHE and PERMAFROST_BENCH_DIR point into a fresh folder under the system\'s temporary folder', () => {
    const cache = process.env.PERMAFROST_CACHE!;
    expect(cache.startsWith(join(tmpdir(), 'permafrost-test-cache-'))).toBe(true);
    expect(process.env.PERMAFROST_BENCH_DIR).toBe(join(cache, 'bench'));
  });

  it('file fingerprints and region labels are kept there, never under ~/.cache', () => {
    const cache = process.env.PERMAFROST_CACHE!;
    const grid = { width: 10, height: 10, transform: { originX: 0, originY: 0, pixelWidth: 1, pixelHeight: -1 }, crs: '+proj=stere +lat_0=90' } as any;
    for (const file of [fingerprintCacheFile(), regionCacheFile(grid)]) {
      expect(file.startsWith(cache + sep)).toBe(true);
      expect(file.startsWith(join(homedir(), '.cache'))).toBe(false);
    }
  });
});
