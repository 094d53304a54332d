import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, listNotebooks, runNotebookFiles, type NotebookReport } from '../../src/notebooks/runNotebooks.js';
import { checkPages } from '../../src/notebooks/checkPage.js';
import { checkFigureLayouts, FIGURE_SIZES } from '../../src/notebooks/checkFigures.js';
import { launchChromium } from '../../src/display/chromium.js';
import { pathToFileURL } from 'node:url';
import { cliScript, dragSliderToEnd, notebookJson, python, referee, root, tempDir } from '../helpers.js';
import { buildPage, renderNotebookOutputs } from '../tools/jupyterlab/render.js';

const notebooks = listNotebooks(join(root, 'notebooks'));

describe('notebooks in git', () => {
  for (const path of notebooks) {
    const nb = JSON.parse(readFileSync(path, 'utf8'));
    const name = path.split('/').pop();
    it(`${name} carries no outputs and no execution counts`, () => {
      const dirty = nb.cells.filter((c: any) => c.cell_type === 'code' && (c.outputs.length > 0 || c.execution_count !== null));
      expect(dirty.map((c: any) => c.source.slice(0, 40))).toEqual([]);
    });
    it(`${name} uses the tslab kernel`, () => {
      expect(nb.metadata.kernelspec?.name).toBe('tslab');
    });
    const source = (c: any) => (Array.isArray(c.source) ? c.source.join('') : c.source) as string;
    it(`${name} follows the chapter structure: overview, prerequisites, imports in one cell, summary, references`, () => {
      const text = nb.cells.map(source).join('\n');
      for (const heading of ['## Overview', '## Prerequisites', '## Summary', '## References']) expect(text, heading).toContain(heading);
      expect(source(nb.cells[0])).toMatch(/^# /);
      const code = nb.cells.filter((c: any) => c.cell_type === 'code');
      expect(source(code[0])).toMatch(/^import /m);
      expect(code.slice(1).filter((c: any) => /^import /m.test(source(c))).map(source)).toEqual([]);
    });
    it(`${name}: every code cell has prose before it and at most 12 lines`, () => {
      nb.cells.forEach((c: any, i: number) => {
        if (c.cell_type !== 'code') return;
        expect(nb.cells[i - 1]?.cell_type, `cell ${i + 1} has no prose before it`).toBe('markdown');
        expect(source(c).split('\n').length, `cell ${i + 1} is too long`).toBeLessThanOrEqual(12);
      });
    });
  }
});

describe('runNotebooks executes every notebook', () => {
  const tmp = tempDir();
  let reports: NotebookReport[] = [];
  beforeAll(async () => {
    reports = await runNotebookFiles(notebooks, { out: tmp.dir, on_message: () => {} });
  }, 600_000);
  afterAll(() => tmp.cleanup());
  for (const path of notebooks) {
    const name = path.split('/').pop()!.replace('.ipynb', '');
    it(`${name} runs without error and every code cell has output`, () => {
      const report = reports.find((r) => r.notebook === name)!;
      expect(report.ok, describeFailure(report)).toBe(true);
      expect(report.cells_run).toBe(report.cells);
      const executed = JSON.parse(readFileSync(join(tmp.dir, `${name}.ipynb`), 'utf8'));
      const counts = executed.cells.filter((c: any) => c.cell_type === 'code').map((c: any) => c.execution_count);
      expect(counts).toEqual(counts.map((_: unknown, i: number) => i + 1)); // In [1], In [2], … as a student sees them
      const silent = executed.cells.filter((c: any) => c.cell_type === 'code' && c.outputs.length === 0);
      expect(silent.map((c: any) => c.source.slice(0, 40))).toEqual([]);
      if (name !== '00-welcome') {
        // the first code cell says whether this is the synthetic sample (it is, in the tests)
        const first = executed.cells.find((c: any) => c.cell_type === 'code');
        expect(JSON.stringify(first.outputs)).toContain('SYNTHETIC SAMPLE');
      }
      expect(report.seconds).toBeLessThan(180); // a bound against a hang, not a benchmark (04-validation took 71 s at load 10)
    });
  }

  it('every page draws all its figures with their traces in headless Chromium, logs no error, and is photographed to out/screenshots', async () => {
    const pages = notebooks.map((p) => join(tmp.dir, p.split('/').pop()!.replace('.ipynb', '.html')));
    const checks = await checkPages(pages, { screenshots: join(root, 'out', 'screenshots') });
    let figures = 0;
    for (const [i, check] of checks.entries()) {
      const executed = JSON.parse(readFileSync(pages[i].replace(/\.html$/, '.ipynb'), 'utf8'));
      const specs = executed.cells.flatMap((c: any) => (c.outputs ?? []).map((o: any) => String(o.data?.['text/html'] ?? '')))
        .filter((h: string) => h.includes('permafrost-figure'))
        .map((h: string) => JSON.parse(/var spec = (\{.*\});\n/.exec(h)![1]).data.length);
      expect(check.errors, check.page).toEqual([]);
      expect(check.overflows, check.page).toEqual([]);
      expect(check.traces, check.page).toEqual(specs);
      figures += specs.length;
    }
    expect(figures).toBeGreaterThan(notebooks.length);
  }, 180_000);

  const figureOutputs = () => notebooks.flatMap((p) => {
    const name = p.split('/').pop()!;
    const executed = JSON.parse(readFileSync(join(tmp.dir, name), 'utf8'));
    return executed.cells.flatMap((c: any) => (c.outputs ?? []).filter((o: any) => o.data && (o.data['application/vnd.plotly.v1+json']
      || String(o.data['text/html'] ?? '').includes('permafrost-figure'))).map((o: any) => ({ name, data: o.data })));
  });

  it('every figure is one output holding Plotly JSON, HTML and a PNG; the shared copy keeps JSON and PNG and is lighter', () => {
    const outputs = figureOutputs();
    expect(outputs.length).toBeGreaterThan(notebooks.length);
    for (const { name, data } of outputs) {
      expect(Object.keys(data).sort(), name).toEqual(['application/vnd.plotly.v1+json', 'image/png', 'text/html', 'text/plain']);
      expect(Buffer.from(data['image/png'], 'base64').subarray(1, 4).toString(), name).toBe('PNG');
      expect(Array.isArray(data['application/vnd.plotly.v1+json'].data), name).toBe(true);
    }
    for (const p of notebooks) {
      const name = p.split('/').pop()!;
      const shared = JSON.parse(readFileSync(join(tmp.dir, 'shared', name), 'utf8'));
      const full = JSON.parse(readFileSync(join(tmp.dir, name), 'utf8'));
      const kinds = (nb: any) => nb.cells.flatMap((c: any) => (c.outputs ?? []).map((o: any) => Object.keys(o.data ?? {}).sort().join(',')));
      expect(kinds(shared).length, name).toBe(kinds(full).length); // nothing dropped but the HTML of figures
      expect(kinds(shared).filter((k: string) => k.includes('plotly') && k.includes('text/html')), name).toEqual([]);
    }
  });

  it('every figure of every executed notebook, its Plotly JSON redrawn at 900 × 460, 480 × 300 and 360 × 240, keeps every part inside and apart', async () => {
    const figures = figureOutputs().map(({ name, data }, i) => ({ name: `${name} figure ${i + 1} "${data['application/vnd.plotly.v1+json'].layout?.title?.text ?? ''}"`,
      figure: data['application/vnd.plotly.v1+json'] }));
    expect(figures.length).toBeGreaterThan(notebooks.length);
    const problems = await checkFigureLayouts(figures, FIGURE_SIZES, { screenshots: join(root, 'out', 'figure-sizes') });
    expect(problems.map((p) => `${p.figure} at ${p.size}: ${p.problem}`)).toEqual([]);
  }, 300_000);

  it('the index page\'s cards show each notebook\'s first figure at 480 × 300 with its synthetic label', async () => {
    const index = readFileSync(join(tmp.dir, 'index.html'), 'utf8');
    const cards = [...index.matchAll(/<img src="([^"]+\.card\.png)"/g)].map((m) => decodeURIComponent(m[1]));
    expect(cards.length).toBeGreaterThanOrEqual(notebooks.length - 1);
    const firsts = notebooks.map((p) => figureOutputs().find((o) => o.name === p.split('/').pop()));
    const synthetic = firsts.filter((o) => o && (o.data['application/vnd.plotly.v1+json'].layout?.annotations ?? []).some((a: any) => a.name === 'synthetic'));
    expect(synthetic.length).toBeGreaterThan(3);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      for (const o of synthetic) {
        const card = join(tmp.dir, `${o!.name.replace('.ipynb', '')}.card.png`);
        const bytes = readFileSync(card);
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], card).toEqual([480, 300]);
        // the card's own drawing holds the red label (#b00020) on its line above the plot
        const layout = o!.data['application/vnd.plotly.v1+json'].layout;
        const label = layout.annotations.find((a: any) => a.name === 'synthetic');
        const bottom = layout.margin.t - label.yshift, top = bottom - 18;
        await page.setContent(`<img src="data:image/png;base64,${bytes.toString('base64')}">`);
        const red = await page.evaluate(async ([y0, y1]: [number, number]) => {
          const img = (globalThis as any).document.querySelector('img');
          await img.decode();
          const canvas = (globalThis as any).document.createElement('canvas');
          canvas.width = img.width; canvas.height = img.height;
          const ctx = canvas.getContext('2d');
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, y0, 300, y1 - y0).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] > 140 && d[i + 1] < 60 && d[i + 2] < 90) n++;
          return n;
        }, [Math.max(0, top), bottom] as [number, number]);
        expect(red, `${card}: pixels of the red synthetic label`).toBeGreaterThan(50);
      }
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('every figure has distinct legend colours and no snake_case label', () => {
    for (const { name, data } of figureOutputs()) {
      const fig = data['application/vnd.plotly.v1+json'];
      const title = fig.layout?.title?.text ?? '';
      const legend = fig.data.filter((t: any) => t.name && (t.showlegend === true || (t.showlegend !== false && t.type !== 'heatmap' && t.type !== 'contour' && fig.layout?.showlegend !== false)));
      const colourOf = (t: any) => [t.line?.color, t.marker?.color].find((c) => typeof c === 'string') ?? JSON.stringify(t.marker?.color ?? t.line?.color);
      const colours = legend.map(colourOf);
      expect(new Set(colours).size, `${name} "${title}": ${legend.map((t: any) => `${t.name}=${colourOf(t)}`).join(', ')}`).toBe(colours.length);
      const texts = [title, ...legend.map((t: any) => t.name), ...(fig.layout?.annotations ?? []).map((a: any) => a.text),
        ...Object.entries(fig.layout ?? {}).filter(([k]) => /^[xy]axis/.test(k)).map(([, a]: any) => a?.title?.text ?? ''),
        ...fig.data.flatMap((t: any) => (Array.isArray(t.x) && typeof t.x[0] === 'string' ? t.x : [])),
        ...(fig.layout?.sliders ?? []).flatMap((s: any) => s.steps.map((st: any) => st.label))];
      expect(texts.filter((t: string) => /[a-z]_[a-z]/i.test(String(t))), `${name} "${title}"`).toEqual([]);
    }
  });

  it('05-classroom\'s period map has 8 steps, and dragging its slider on the offline page redraws the map', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(join(tmp.dir, '05-classroom.html')).href, { waitUntil: 'load' });
      const slider = page.locator('.js-plotly-plot', { has: page.locator('.slider-rail-rect') }).first();
      const r = await dragSliderToEnd(page, slider);
      expect(r.steps).toBe(8);
      expect(r.before.length).toBeGreaterThan(0);
      expect(r.after).not.toBe(r.before);
      expect(r.label).toContain('2015-2019');
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('nbconvert --to markdown of an executed notebook embeds its figures as PNG (and of the shared copy, as PNG files)', () => {
    const name = '03-distributions.ipynb';
    const md = referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'markdown', '--stdout', join(tmp.dir, name)]);
    const figures = figureOutputs().filter((o) => o.name === name).length;
    expect((md.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length).toBe(figures);
    const out = join(tmp.dir, 'md');
    referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'markdown', '--output-dir', out, join(tmp.dir, 'shared', name)]);
    const shared = readFileSync(join(out, name.replace('.ipynb', '.md')), 'utf8');
    expect((shared.match(/!\[png\]\([^)]+\.png\)/g) ?? []).length).toBe(figures);
  }, 60_000);

  it('in JupyterLab\'s own renderers (@jupyterlab/rendermime and jupyterlab-plotly, bundled into a page in Chromium) every figure is drawn from its Plotly JSON, and tables, text, streams and errors render', async () => {
    // errors of each kind, as the registered kernel sends them
    const errorsNotebook = join(tmp.dir, 'errors.ipynb');
    writeFileSync(errorsNotebook, notebookJson(["import { findLatitude } from 'permafrost-lab';\nimport * as aq from 'arquero';\nfindLatitude(aq.table({ lat_band: ['60-65'] }), 40)", "throw new Error('boom')", "const typo: number = 'x';"]));
    referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', '--allow-errors', '--ExecutePreprocessor.kernel_name=tslab', errorsNotebook]);
    const page = await buildPage(join(tmp.dir, 'jupyterlab'));
    const executed = [...notebooks.map((p) => join(tmp.dir, p.split('/').pop()!)), errorsNotebook];
    const { outputs, trusted_mimes, errors } = await renderNotebookOutputs(page, executed);
    expect(errors).toEqual([]);
    expect(outputs.filter((o) => !o.mime)).toEqual([]);
    expect(trusted_mimes).toEqual(outputs.map((o) => o.mime)); // the same choice once the notebook is trusted

    const figures = outputs.filter((o) => o.plotly);
    expect(figures.length).toBe(figureOutputs().length); // every figure goes to Plotly's renderer, none to the HTML or the PNG
    for (const f of figures) {
      // Plotly's renderer first shows the PNG that the output carries, and draws the graph from the JSON when the pointer enters
      expect(f.plotly, `${f.notebook} cell ${f.cell}`).toMatchObject({ first: 'png', error: undefined, traces_drawn: f.plotly!.traces_in_json });
    }
    expect(figures.filter((f) => f.plotly!.sliders === 1 && f.plotly!.frames === 8).length).toBeGreaterThanOrEqual(3);

    const tableCount = executed.flatMap((p) => JSON.parse(readFileSync(p, 'utf8')).cells.flatMap((c: any) => c.outputs ?? []))
      .filter((o: any) => String(o.data?.['text/html'] ?? '').includes('permafrost-table')).length;
    const tables = outputs.filter((o) => o.mime === 'text/html' && o.tables > 0);
    expect(tables.length).toBe(tableCount);
    expect(tables.every((t) => t.rows > 0 && / rows × \d+ columns/.test(t.text))).toBe(true);
    expect(tables.filter((t) => t.text.includes('SYNTHETIC SAMPLE')).length).toBeGreaterThan(3);
    expect(outputs.filter((o) => o.mime === 'text/html' && o.text.startsWith('SYNTHETIC SAMPLE')).length).toBeGreaterThanOrEqual(notebooks.length - 1);

    const errorTexts = outputs.filter((o) => o.output_type === 'error').map((o) => [o.mime, o.text]);
    expect(errorTexts).toHaveLength(3);
    expect(errorTexts.every(([mime]) => mime === 'application/vnd.jupyter.stderr')).toBe(true);
    expect(errorTexts[0][1]).toMatch(/^InputError: invalid latitude: 40 \(expected 45 to 90[^\n]*\)$/);
    expect(errorTexts[1][1]).toMatch(/^Error: boom at /);
    expect(errorTexts[2][1]).toMatch(/^TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'\.$/);

    // without Plotly's extension: an untrusted notebook shows the PNG inside the HTML form (its scripts do not
    // run), a trusted one runs them and draws the figure; the shared copy (no HTML) shows the PNG
    const welcome = [join(tmp.dir, '00-welcome.ipynb'), join(tmp.dir, 'shared', '00-welcome.ipynb')];
    const untrusted = (await renderNotebookOutputs(page, welcome, { plotly: false })).outputs.filter((o) => o.html_figure || o.mime === 'image/png');
    const trusted = await renderNotebookOutputs(page, welcome.slice(0, 1), { plotly: false, trusted: true });
    expect(trusted.errors).toEqual([]);
    const welcomeFigures = figureOutputs().filter((o) => o.name === '00-welcome.ipynb').length;
    expect(untrusted.map((o) => o.html_figure ?? o.mime)).toEqual([...Array(welcomeFigures).fill({ drawn: false, png: true }), ...Array(welcomeFigures).fill('image/png')]);
    expect(trusted.outputs.filter((o) => o.html_figure).map((o) => o.html_figure)).toEqual(Array(welcomeFigures).fill({ drawn: true, png: false }));
  }, 400_000);
});

describe('a notebook with a failing cell', () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'broken-example.ipynb');
  writeFileSync(path, notebookJson([
    'const a = 1;\na',
    "throw new Error('deliberate failure in the second cell')",
    'a + 1',
  ]));
  afterAll(() => tmp.cleanup());

  it('is reported with its name, the cell number and the error, and later cells are not run', async () => {
    const [report] = await runNotebookFiles([path], { out: join(tmp.dir, 'out'), on_message: () => {} });
    expect(report.ok).toBe(false);
    expect(report.cells_run).toBe(2);
    expect(report.error?.cell).toBe(2);
    expect(report.error?.message).toContain('deliberate failure in the second cell');
    expect(describeFailure(report)).toMatch(/broken-example\.ipynb cell 2 .*\n.*deliberate failure/);
  }, 120_000);

  it('makes the command line (npm start) exit 1 naming the notebook, cell and error', () => {
    const run = spawnSync(process.execPath, [cliScript, 'run-notebooks', tmp.dir, '--out', join(tmp.dir, 'cli-out')],
      { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/FAILED broken-example\.ipynb cell 2 /);
    expect(run.stderr).toContain('deliberate failure in the second cell');
    const index = readFileSync(join(tmp.dir, 'cli-out', 'index.html'), 'utf8');
    expect(index).toContain('failed: broken-example.ipynb cell 2');
  }, 120_000);
});
