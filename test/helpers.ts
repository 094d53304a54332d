import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** The current sources built by test/globalSetup.ts (dist/ outside a vitest run): where workers, WebAssembly and the CLI come from. */
export const built = process.env.PERMAFROST_BUILD_DIR ?? join(root, 'dist');

/** The `permafrost-lab` command of the current sources, for `spawnSync(process.execPath, [cliScript, ...args])`. */
export const cliScript = join(built, 'cli', 'main.js');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'permafrost-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal notebook with the tslab kernelspec, one code cell per source string. */
export function notebookJson(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4, nbformat_minor: 4,
  });
}

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Python, which has GDAL, rasterio, scikit-learn and SciPy after setup. */
export const python = process.env.PERMAFROST_PYTHON ?? '/usr/bin/python3';

/**
 * Fixtures made before a file's tests by a Python script (GDAL) into a fresh temporary folder,
 * removed after them: `fixtures()` is the JSON list the script printed.
 */
export function scriptFixtures<T>(script: string, prefix: string): { fixtures: () => T[]; dir: string } {
  const tmp = tempDir(prefix);
  let list: T[] = [];
  beforeAll(() => { list = JSON.parse(referee(python, [join(root, script), tmp.dir])); }, 120_000);
  afterAll(() => tmp.cleanup());
  return { fixtures: () => list, dir: tmp.dir };
}

/** Runs a referee command (GDAL, PROJ, Python) and returns its stdout; throws with its stderr on failure. */
export function referee(command: string, args: string[], input?: string): string {
  const run = spawnSync(command, args, { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  if (run.error) throw new Error(`${command} is not available (${run.error.message}): run npm run setup`);
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

/** The real third-party files, copied into the repository with their provenance (test/fixtures/README.md). */
export const realdata = join(root, 'test', 'fixtures');

/**
 * Drags the period slider of a drawn Plotly figure (`figure`: a Playwright locator of its
 * `.js-plotly-plot`) to the last step with the mouse, as a user does, and returns what was drawn
 * before and after (the heatmap's image or the bars' paths), the step the figure says it shows (its
 * `step` annotation, which each frame replaces) and the slider's number of steps.
 */
export async function dragSliderToEnd(page: any, figure: any): Promise<{ before: string; after: string; label: string; steps: number }> {
  const rail = figure.locator('.slider-rail-rect');
  await rail.waitFor();
  await rail.scrollIntoViewIfNeeded();
  const drawn = (): Promise<string> => figure.evaluate((gd: any) => Array.from(gd.querySelectorAll('.hm image, .trace.bars path, .heatmaplayer image'),
    (e: any) => e.getAttribute('href') ?? e.getAttribute('d')).join('|'));
  const before = await drawn();
  const railBox = await rail.boundingBox();
  const grip = await figure.locator('.slider-grip-rect').boundingBox();
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(railBox.x + railBox.width - 2, grip.y + grip.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(500);
  const label: string = await figure.evaluate((gd: any) => String((gd.layout.annotations ?? []).find((a: any) => a.name === 'step')?.text ?? ''));
  return { before, after: await drawn(), label, steps: await figure.locator('.slider-label-group').count() };
}
