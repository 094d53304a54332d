// Before any test file: (1) every on-disk cache of the library in a fresh temporary folder, so tests
// never read or write the user's ~/.cache/permafrost-lab (summaries, region labels, fingerprints,
// bench) nor a cache an earlier run left; (2) the current sources built into a fresh folder that
// the workers, the WebAssembly, the CLI and the bench's Python anchors are loaded from (PERMAFROST_BUILD_DIR, src/core/built.ts),
// so a kernel edited without `npm run build` is the one the tests run. Both go at the end.
// The test workers are started after this and inherit these variables.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every TypeScript file that `npm run build` compiles (tsconfig.json: src/ less src/explorer). */
function sources(): string[] {
  return (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('explorer'))
    .map((f) => join(root, 'src', f));
}

export default async function setup(): Promise<() => void> {
  const started = performance.now();
  const cache = mkdtempSync(join(tmpdir(), 'permafrost-test-cache-'));
  process.env.PERMAFROST_CACHE = cache;
  process.env.PERMAFROST_BENCH_DIR = join(cache, 'bench');
  // beside src/ and dist/, as dist/ is: the built modules find ../package.json and ../node_modules from there
  const out = mkdtempSync(join(root, '.test-build-'));
  // dist/'s files that are not compiled from src/*.ts first (the explorer page, bundled by npm run build; the EPSG table), then the build over them
  const dist = join(root, 'dist');
  try { cpSync(dist, out, { recursive: true, filter: (f) => relative(dist, f).startsWith('explorer') || !/\.(js|d\.ts|map)$/.test(f) }); } catch { /* no dist/ yet */ }
  await build({ entryPoints: sources(), outdir: out, outbase: join(root, 'src'), format: 'esm', platform: 'node', target: 'node20',
    sourcemap: 'inline', sourcesContent: false, logLevel: 'warning' });
  for (const script of ['wasm.mjs', 'native.mjs', 'assets.mjs']) {
    const run = spawnSync(process.execPath, [join(root, 'environment', script), out], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`environment/${script} ${out} failed:\n${run.stderr}`);
  }
  process.env.PERMAFROST_BUILD_DIR = out;
  console.log(`[test setup] sources built into ${out} in ${Math.round(performance.now() - started)} ms; caches in ${cache}`);
  return () => {
    rmSync(out, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  };
}
