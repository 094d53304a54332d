// JupyterLab's output rendering without JupyterLab (which cannot be installed here): page.ts,
// bundled with esbuild, in headless Chromium. renderNotebookOutputs feeds it the outputs of
// executed notebooks and returns what JupyterLab would pick and draw for each.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../../../src/display/chromium.js';
import type { Rendered } from './page.js';

/** What one output of a notebook became in JupyterLab's renderers. */
export type RenderedOutput = Rendered & { notebook: string; cell: number };

/**
 * An output as Jupyter's server hands it to JupyterLab: nbformat keeps text as a list of lines in
 * the file and joins them when it reads the notebook (`rejoin_lines`); JupyterLab never sees the lists.
 */
function rejoin(output: any): any {
  const join = (v: unknown) => (Array.isArray(v) ? v.join('') : v);
  if (output.data) {
    return { ...output, data: Object.fromEntries(Object.entries(output.data).map(([k, v]) => [k, k === 'application/json' ? v : join(v)])) };
  }
  return 'text' in output ? { ...output, text: join(output.text) } : output;
}

/** Bundles page.ts (rendermime, its renderers, jupyterlab-plotly and its plotly.js) into `dir`; returns the page's path. */
export async function buildPage(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('page.ts', import.meta.url))],
    outfile: join(dir, 'page.js'),
    bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', minify: true, logLevel: 'error',
    loader: { '.svg': 'text', '.png': 'dataurl', '.gif': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
  });
  const page = join(dir, 'page.html');
  writeFileSync(page, '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css"></head>' +
    '<body><div id="outputs"></div><script src="page.js"></script></body></html>');
  return page;
}

/**
 * Renders every output of the notebooks as JupyterLab does, with one page in headless Chromium;
 * and says which MIME type JupyterLab with Plotly's extension would pick for each output once the
 * notebook is trusted.
 *
 * Options: `trusted` (default false: a notebook executed elsewhere and opened in JupyterLab is not),
 * `plotly` (default true: with Plotly's extension, jupyterlab-plotly).
 */
export async function renderNotebookOutputs(page: string, notebooks: string[], options: { trusted?: boolean; plotly?: boolean } = {}):
  Promise<{ outputs: RenderedOutput[]; trusted_mimes: (string | undefined)[]; errors: string[] }> {
  const browser = await launchChromium();
  const errors: string[] = [];
  try {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    await tab.waitForFunction(() => (globalThis as any).rendermimeReady === true, undefined, { timeout: 30_000 });
    const outputs: RenderedOutput[] = [];
    const trusted: (string | undefined)[] = [];
    for (const path of notebooks) {
      const nb = JSON.parse(readFileSync(path, 'utf8'));
      const flat = nb.cells.flatMap((c: any, i: number) => (c.cell_type === 'code' ? c.outputs.map((o: any) => ({ cell: i + 1, output: o })) : []));
      const values = flat.map((f: any) => rejoin(f.output));
      const rendered = await tab.evaluate(([outs, trusted, plotly]) => (globalThis as any).renderOutputs(outs, trusted, plotly),
        [values, options.trusted ?? false, options.plotly ?? true] as const);
      rendered.forEach((r: any, k: number) => outputs.push({ notebook: path.split('/').pop()!, cell: flat[k].cell, ...r }));
      trusted.push(...await tab.evaluate((outs) => (globalThis as any).pickMimes(outs, true), values));
    }
    return { outputs, trusted_mimes: trusted, errors };
  } finally {
    await browser.close();
  }
}
