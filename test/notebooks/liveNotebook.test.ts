import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/display/chromium.js';
import { root } from '../helpers.js';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
});

describe('figures in a live classic Jupyter Notebook (RequireJS on the page)', () => {
  it('00-welcome: running all cells draws every figure and the page logs no error', async () => {
    const port = await freePort();
    const server = spawn('jupyter', ['notebook', '--no-browser', '--allow-root', '--ip', '127.0.0.1', '--port', String(port),
      '--NotebookApp.token=', '--NotebookApp.password=', '--NotebookApp.open_browser=False'], { cwd: join(root, 'notebooks'), stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('jupyter notebook did not start')), 30_000);
        server.stderr!.on('data', (d) => { if (/is running at|Serving notebooks/.test(String(d))) { clearTimeout(timer); resolve(); } });
        server.on('exit', (code) => reject(new Error(`jupyter notebook exited with ${code}`)));
      });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`http://127.0.0.1:${port}/notebooks/00-welcome.ipynb`, { waitUntil: 'load' });
        await page.waitForFunction(() => (globalThis as any).Jupyter?.notebook?.kernel?.is_connected?.(), undefined, { timeout: 60_000 });
        await page.evaluate(() => (globalThis as any).Jupyter.notebook.execute_all_cells());
        await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.permafrost-figure.js-plotly-plot').length >= 2, undefined, { timeout: 90_000 });
        const traces = await page.evaluate(() => Array.from((globalThis as any).document.querySelectorAll('.js-plotly-plot'), (gd: any) => gd._fullData?.length ?? 0));
        expect(traces.every((n: number) => n > 0)).toBe(true);
        expect(errors).toEqual([]);
        await page.evaluate(() => (globalThis as any).Jupyter.notebook.kernel.kill());
      } finally {
        await browser.close();
      }
    } finally {
      server.kill('SIGTERM');
    }
  }, 180_000);
});
