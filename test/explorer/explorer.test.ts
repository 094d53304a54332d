// The explorer page (dist/explorer/, built by `npm run build`) as a user opens it: from file://, in
// headless Chromium with no flag that loosens file:// rules, the sample's files given through its
// file input. What it computed in the browser is checked against the same library in Node.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { launchChromium } from '../../src/display/chromium.js';
import { explorerPage, serveExplorer } from '../../src/cli/explorerCommand.js';
import { main } from '../../src/cli/main.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { root } from '../helpers.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;
interface TableData { columns: string[]; rows: Record<string, unknown>[] }

const folder = join(root, 'dist', 'explorer');
const sampleFiles = () => readdirSync(sampleFolder()).map((n) => join(sampleFolder(), n)).filter((f) => statSync(f).isFile());

let browser: Browser;
let ds: Dataset;
let page: Page;
const errors: string[] = [];
/** The Web Workers the page started, by script URL. */
const workers: string[] = [];

/** Opens the page from file:// and gives it the sample's files through its file input; resolves when it says it is ready. */
async function openWithSample(): Promise<Page> {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  tab.on('pageerror', (e) => errors.push(e.message));
  tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  tab.on('worker', (w) => workers.push(w.url()));
  await tab.goto(pathToFileURL(explorerPage()).href, { waitUntil: 'load' });
  await tab.waitForFunction(() => (globalThis as any).permafrostExplorer?.status === 'idle', undefined, { timeout: 30_000 });
  await tab.locator('#files').setInputFiles(sampleFiles());
  await tab.waitForFunction(() => ['ready', 'error'].includes((globalThis as any).permafrostExplorer.status), undefined, { timeout: 180_000 });
  return tab;
}

/** Same columns, same rows in the same order, numbers within 1e-9 (relative to their size, at least 1). */
function expectSameTable(fromPage: TableData, fromNode: { columnNames(): string[]; objects(): object[] }): void {
  expect(fromPage.columns).toEqual(fromNode.columnNames());
  const rows = fromNode.objects() as Record<string, unknown>[];
  expect(fromPage.rows.length).toBe(rows.length);
  rows.forEach((row, i) => {
    for (const column of fromPage.columns) {
      const a = fromPage.rows[i][column], b = row[column];
      if (typeof b === 'number') expect(Math.abs((a as number) - b), `row ${i} ${column}: ${a} in the page, ${b} in Node`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
      else expect(a).toEqual(b);
    }
  });
}

beforeAll(async () => {
  explorerPage(); // built, or a clear error
  [browser, ds] = await Promise.all([launchChromium(), openDataset(sampleFolder())]);
  page = await openWithSample();
}, 240_000);
afterAll(async () => { await browser?.close(); await ds?.close(); });

describe('the explorer page, opened from file:// with the sample picked', () => {
  it('weighs under 6 MB with its scripts', () => {
    const sizes = readdirSync(folder).map((n) => statSync(join(folder, n)).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    console.log(`explorer: ${readdirSync(folder).join(', ')}: ${(total / 1e6).toFixed(2)} MB`);
    expect(total).toBeLessThan(6e6);
  });

  it('runs check, opens the dataset and reports no error', async () => {
    const state = await page.evaluate(() => (globalThis as any).permafrostExplorer);
    expect(state.error).toBeNull();
    expect(state.status).toBe('ready');
    expect(state.check.ok).toBe(true);
    expect(state.check.dataset.variables).toEqual(ds.variables);
    expect(state.synthetic).toBe(true);
    expect(await page.locator('#check').textContent()).toContain('Opens as a dataset');
    expect(errors).toEqual([]);
    // the block engine's kernels ran on Web Workers started from the page's own script
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((url) => url.startsWith('blob:'))).toBe(true);
  });

  it('keeps the periods and a summary by period equal to ds.summarize in Node (to 1e-9)', async () => {
    const state = await page.evaluate(() => (globalThis as any).permafrostExplorer);
    expect(state.periods).toEqual(ds.periods.map((p) => p.label));
    expectSameTable(state.summary, await ds.summarize({ by: ['period'] }));
    expect(await page.locator('#summary table tbody tr').count()).toBe(8);
  });

  it('keeps a summary by period and region equal to Node\'s', async () => {
    const state = await page.evaluate(() => (globalThis as any).permafrostExplorer);
    expectSameTable(state.summaryByRegion, await ds.summarize({ by: ['period', 'region'] }));
  });

  it('draws a map whose slider has 8 steps, and a click on a cell shows its 8 values, those of Node\'s map', async () => {
    const map = page.locator('#map.js-plotly-plot');
    await map.locator('.heatmaplayer image, .hm image').first().waitFor();
    expect(await map.evaluate((gd: any) => gd.layout.sliders[0].steps.length)).toBe(8);
    const node = mapFigure(await ds.layers(ds.variables[0], { max_cells_across: 200 }), { dataset: ds });
    const z = (k: number) => (node.frames![k].data[0] as { z: (number | null)[][] }).z;
    // a block with data in every period, away from the edges
    const h = (node.layout!.meta as any).history.grid;
    let cell = { row: -1, col: -1 };
    for (let r = Math.floor(h.height / 3); r < h.height && cell.row < 0; r++) {
      for (let c = Math.floor(h.width / 3); c < h.width; c++) {
        if ([-1, 0, 1].every((d) => [0, 1, 2, 3, 4, 5, 6, 7].every((k) => z(k)[r + d]?.[c + d] !== null && z(k)[r + d]?.[c + d] !== undefined))) { cell = { row: r, col: c }; break; }
      }
    }
    expect(cell.row).toBeGreaterThan(0);
    await map.scrollIntoViewIfNeeded();
    const at = await map.evaluate((gd: any, [r, c]: number[]) => {
      const g = gd.layout.meta.history.grid, box = gd.getBoundingClientRect(), fl = gd._fullLayout;
      return { x: box.left + fl.xaxis._offset + fl.xaxis.l2p(g.x0_km + c * g.dx_km), y: box.top + fl.yaxis._offset + fl.yaxis.l2p(g.y0_km + r * g.dy_km) };
    }, [cell.row, cell.col]);
    await page.mouse.click(at.x, at.y);
    const history = page.locator('#history');
    await history.locator('.scatterlayer .point').first().waitFor({ timeout: 10_000 });
    const values = JSON.parse((await history.getAttribute('data-values'))!);
    expect(values).toHaveLength(8);
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => z(k)[cell.row][cell.col]));
    expect(await history.locator('.scatterlayer .point').count()).toBe(8);
  });

  it('labels its figures as the synthetic sample, and saves one as PNG', async () => {
    const labels = await page.evaluate(() => ['map', 'area'].map((id) => ((globalThis as any).document.getElementById(id).layout.annotations ?? [])
      .filter((a: any) => a.name === 'synthetic').map((a: any) => a.text)));
    expect(labels).toEqual([['Synthetic sample, not the real product'], ['Synthetic sample, not the real product']]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#area-png').click()]);
    expect(download.suggestedFilename()).toBe('permafrost-area.png');
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });
});

describe('permafrost-lab explorer', () => {
  it('prints the page\'s path, and --serve serves it and the sample on 127.0.0.1', async () => {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((text: string) => { out.push(text); return true; }) as typeof process.stdout.write;
    try {
      expect(await main(['explorer'])).toBe(0);
      expect(out.splice(0).join('')).toBe(`${join(folder, 'index.html')}\n`);
      expect(await main(['explorer', '--help'])).toBe(0);
      expect(out.splice(0).join('')).toMatch(/^Usage: permafrost-lab explorer \[options\]\n[\s\S]*--serve[\s\S]*--port <port>/);
    } finally {
      process.stdout.write = write;
    }
    const served = await serveExplorer();
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await (await fetch(served.url)).text()).toContain('permafrost-lab explorer');
      expect(await (await fetch(`${served.url}sample/index.json`)).json()).toContain('magt.tif');
      expect((await fetch(`${served.url}../package.json`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
