import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileError, InputError, invalid } from '../errors.js';
import { executorScript } from './executor-script.js';
import { escapeHtml } from '../core/escape.js';
import { compactNotebook, shareNotebook } from './share.js';
import type { Figure } from '../display/show.js';
import { closeFigureBrowser, saveFigure } from '../display/saveFigure.js';
import { launchSharedChromium } from '../display/render.js';

/** What happened to one notebook. */
export interface NotebookReport {
  notebook: string;
  title: string;
  /** Code cells in the notebook. */
  cells: number;
  /** Code cells executed, the failing one included. */
  cells_run: number;
  /** Seconds from the first cell to the last (the kernel's start not counted when it started ahead). */
  seconds: number;
  /** Seconds the runner waited on this notebook: its cells, and its kernel's start where that was not ahead, and its pages. */
  wall_s?: number;
  ok: boolean;
  error: null | {
    /** 1-based position among all cells, as counted from the top of the notebook. */
    cell: number | null;
    /** 1-based position among code cells. */
    code_cell: number | null;
    kind: string;
    source: string;
    message: string;
  };
}

export interface RunNotebooksOptions {
  /** Folder for executed notebooks, HTML pages and `index.html`. Default `out`. */
  out?: string;
  /** Seconds a single cell may run before it counts as failed. Default 600. */
  cell_timeout_s?: number;
  /** Python with nbclient and nbconvert. Default `$PERMAFROST_PYTHON`, else `/usr/bin/python3`, else `python3`. */
  python?: string;
  /** Called with each progress line. Default: written to stderr. */
  on_message?: (line: string) => void;
}

/**
 * Executes every `.ipynb` in a folder (sorted by name) headless with this package's own tslab
 * kernel, writes each executed notebook and an offline HTML page to `out`, a light copy for
 * sharing (figures as Plotly JSON and PNG, no inlined plotly.js) to `out/shared`, and an
 * `index.html` linking them. Resolves with one report per notebook; a failing cell does not throw.
 * @example const reports = await runNotebooks('notebooks', { out: 'out' });
 */
export async function runNotebooks(folder: string, options: RunNotebooksOptions = {}): Promise<NotebookReport[]> {
  const paths = listNotebooks(folder);
  return runNotebookFiles(paths, options);
}

/** Lists the notebooks of a folder, sorted, skipping checkpoints; throws when there are none. */
export function listNotebooks(folder: string): string[] {
  if (!existsSync(folder)) throw new FileError('folder not found', folder);
  const names = readdirSync(folder).filter((n) => n.endsWith('.ipynb')).sort();
  if (names.length === 0) throw new InputError('no .ipynb notebooks in this folder', folder);
  return names.map((n) => join(folder, n));
}

/** Like {@link runNotebooks}, for an explicit list of notebook files. */
export async function runNotebookFiles(paths: string[], options: RunNotebooksOptions = {}): Promise<NotebookReport[]> {
  const out = resolve(options.out ?? 'out');
  const progress = options.on_message ?? ((line: string) => process.stderr.write(line + '\n'));
  const timeout = options.cell_timeout_s ?? 600;
  if (!(timeout > 0)) throw new InputError(invalid('cell_timeout_s', timeout, 'a positive number of seconds'));
  mkdirSync(out, { recursive: true });
  ensureSelfLink();
  const python = options.python ?? findPython();
  const kernelDir = makeKernelSpec();
  const reports: NotebookReport[] = [];
  // one Chromium for the figures' PNGs of every notebook (each kernel would otherwise start its own)
  const shared = await launchSharedChromium().catch(() => null);
  // a browser the caller set is given back at the end
  const browserBefore = process.env.PERMAFROST_BROWSER_WS;
  // the next notebook's kernel starts while a notebook runs (a kernel takes seconds to start): it
  // waits, ready, until the runner tells it to go
  const start = (path: string) => startExecutor(python, path, out, kernelDir, timeout, progress, shared?.endpoint);
  let next = paths.length > 0 ? start(paths[0]) : null;
  try {
    for (const [i, path] of paths.entries()) {
      progress(`[${i + 1}/${paths.length}] ${basename(path)}`);
      const current = next!;
      const t0 = Date.now();
      current.go();
      next = i + 1 < paths.length ? start(paths[i + 1]) : null;
      const report = await current.report;
      const executed = join(out, `${report.notebook}.ipynb`);
      if (existsSync(executed)) {
        compactNotebook(executed);
        mkdirSync(join(out, 'shared'), { recursive: true });
        shareNotebook(executed, join(out, 'shared', `${report.notebook}.ipynb`));
      }
      report.wall_s = (Date.now() - t0) / 1000;
      progress(report.ok
        ? `  ok: ${report.cells_run}/${report.cells} cells in ${report.seconds.toFixed(1)} s`
        : `  FAILED: ${describeFailure(report)}`);
      reports.push(report);
    }
    // the cards' pictures through the same Chromium
    if (shared) process.env.PERMAFROST_BROWSER_WS = shared.endpoint;
    await writeIndex(out, reports);
  } finally {
    next?.kill();
    if (shared && process.env.PERMAFROST_BROWSER_WS === shared.endpoint) {
      if (browserBefore === undefined) delete process.env.PERMAFROST_BROWSER_WS; else process.env.PERMAFROST_BROWSER_WS = browserBefore;
    }
    rmSync(kernelDir, { recursive: true, force: true });
    await shared?.close().catch(() => {});
  }
  writeReportJson(out, reports);
  return reports;
}


/** One line naming the notebook, the cell and the error. */
export function describeFailure(report: NotebookReport): string {
  const e = report.error;
  if (!e) return `${report.notebook}: ok`;
  const where = e.cell === null ? 'kernel' : `cell ${e.cell} (code cell ${e.code_cell}: ${e.source.slice(0, 60)})`;
  return `${report.notebook}.ipynb ${where}: ${e.kind}\n    ${errorSummary(e.message).join('\n    ')}`;
}

/**
 * The lines of a kernel's error text worth showing: the `SomeError: message` line first (tslab
 * prints it below a source excerpt), then the excerpt, without Node's internal stack frames.
 */
export function errorSummary(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() && !/^\s+at .*(node:|evalmachine|\(internal)/.test(l));
  const headline = lines.findIndex((l) => /^\s*[\w$.]*(Error|Exception)\b[^:]*:/.test(l));
  if (headline > 0) lines.unshift(...lines.splice(headline, 1));
  return lines.slice(0, 6);
}

/**
 * Notebooks import this package by name; `npm install` removes the `node_modules/permafrost-lab`
 * link that setup made, so it is restored here when missing.
 */
function ensureSelfLink(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const link = join(root, 'node_modules', 'permafrost-lab');
  if (!existsSync(join(root, 'node_modules'))) return;
  try {
    lstatSync(link);
  } catch {
    symlinkSync('..', link);
  }
}

function findPython(): string {
  if (process.env.PERMAFROST_PYTHON) return process.env.PERMAFROST_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * A kernelspec in a temporary folder that starts this package's kernel (tslab, with this checkout's
 * packages importable from any folder: environment/tslab-kernel.cjs), put first on JUPYTER_PATH.
 */
function makeKernelSpec(): string {
  const require = createRequire(import.meta.url);
  try { require.resolve('tslab/package.json'); } catch { throw new FileError('tslab is not installed (run `npm run setup`)', 'node_modules/tslab'); }
  const tslab = fileURLToPath(new URL('../../environment/tslab-kernel.cjs', import.meta.url));
  if (!existsSync(tslab)) throw new FileError('the kernel launcher is missing from this checkout', tslab);
  const dir = mkdtempSync(join(tmpdir(), 'permafrost-kernel-'));
  const spec = join(dir, 'kernels', 'tslab');
  mkdirSync(spec, { recursive: true });
  writeFileSync(join(spec, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript', language: 'typescript',
  }));
  return dir;
}

/** A notebook's executor, started with its kernel: it runs the cells when told to `go`. */
interface Executor { go(): void; kill(): void; report: Promise<NotebookReport> }

function startExecutor(python: string, path: string, out: string, kernelDir: string, timeout: number,
  progress: (line: string) => void, browserEndpoint?: string): Executor {
  const env = { ...process.env, JUPYTER_PATH: [kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    ...(browserEndpoint ? { PERMAFROST_BROWSER_WS: browserEndpoint } : {}) };
  const child = spawn(python, ['-c', executorScript, path, out, 'tslab', String(timeout), 'wait'], { env });
  child.stdin.on('error', () => { /* an executor that ended early (no kernel): its report says why */ });
  let released = false;
  const report = new Promise<NotebookReport>((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of String(d).split('\n')) if (/^ {2}\S+: cell \d+/.test(line)) progress(line);
    });
    child.on('error', (err) => reject(new FileError(
      `cannot run the notebook executor (${err.message}); install Jupyter with \`npm run setup\``, python)));
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(last) as NotebookReport);
      } catch {
        const missing = /No module named '(\w+)'/.exec(stderr);
        const message = missing
          ? `${python} has no ${missing[1]}: install Jupyter with \`npm run setup\``
          : `the executor exited with status ${code}:\n${stderr.trim().split('\n').slice(-8).join('\n')}`;
        resolvePromise({ notebook: basename(path, '.ipynb'), title: basename(path), cells: 0, cells_run: 0,
          seconds: 0, ok: false, error: { cell: null, code_cell: null, kind: 'ExecutorError', source: '', message } });
      }
    });
  });
  // an executor started ahead whose spawn fails rejects before anyone awaits it: the rejection is kept for
  // whoever awaits the report, and not reported as unhandled meanwhile
  report.catch(() => {});
  return {
    report,
    go: () => { if (!released) { released = true; child.stdin.end('go\n'); } },
    // an end of input without a line: the executor stops its kernel and runs nothing
    kill: () => { if (!released) { released = true; child.stdin.end(); } },
  };
}

/** The reports as JSON beside index.html (`report.json`), for scripts and the benchmark. */
function writeReportJson(out: string, reports: NotebookReport[]): void {
  const path = join(out, 'report.json');
  writeFileSync(path + '.tmp', JSON.stringify(reports, null, 2) + '\n');
  renameSync(path + '.tmp', path);
}

/** The goals (the Overview's list) and the first figure's spec of an executed notebook. */
function cardOf(out: string, report: NotebookReport): { goals: string[]; figure: Figure | null } {
  try {
    const nb = JSON.parse(readFileSync(join(out, `${report.notebook}.ipynb`), 'utf8'));
    const text = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join('') : c.source);
    const overview = nb.cells.map(text).find((t: string) => /##\s*Overview/.test(t)) ?? '';
    const goals = [...overview.matchAll(/^\s*\d+\.\s+(.+)$/gm)].map((m) => m[1]);
    for (const cell of nb.cells) {
      for (const output of cell.outputs ?? []) {
        const json = output.data?.['application/vnd.plotly.v1+json'];
        if (json) return { goals, figure: json as Figure };
        const html = output.data?.['text/html'];
        const spec = html && /var spec = (\{.*\});\n/.exec(Array.isArray(html) ? html.join('') : html);
        if (spec) return { goals, figure: JSON.parse(spec[1]) };
      }
    }
    return { goals, figure: null };
  } catch {
    return { goals: [], figure: null };
  }
}

/** The landing page: a card per notebook with its title, goals, status and first figure (a PNG when Chromium is there). */
async function writeIndex(out: string, reports: NotebookReport[]): Promise<void> {
  const cards: string[] = [];
  for (const r of reports) {
    const { goals, figure } = cardOf(out, r);
    let image = '';
    if (figure && r.ok) {
      try {
        // the figure as its JSON lays it out at 480 × 300, synthetic label and captions included
        await saveFigure(figure, join(out, `${r.notebook}.card.png`), { width: 480, height: 300, scale: 1 });
        image = `<img src="${escapeHtml(encodeURIComponent(r.notebook))}.card.png" alt="first figure of ${escapeHtml(r.title)}" width="480" height="300">`;
      } catch { /* no browser: the card shows no picture */ }
    }
    cards.push(`<article class="${r.ok ? 'ok' : 'failed'}"><h2><a href="${escapeHtml(encodeURIComponent(r.notebook))}.html">${escapeHtml(r.title)}</a></h2>
${image}
<ol>${goals.map((g) => `<li>${escapeHtml(g.replace(/[`*]/g, ''))}</li>`).join('')}</ol>
<p class="status">${r.ok ? `OK: ${r.cells_run}/${r.cells} cells in ${r.seconds.toFixed(1)} s` : `failed: ${escapeHtml(describeFailure(r))}`}</p></article>`);
  }
  await closeFigureBrowser().catch(() => {});
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>permafrost-lab notebooks</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));gap:1rem}
article{border:1px solid #ddd;border-radius:8px;padding:0 1rem 1rem}article.failed{border-color:#b00020}
article img{max-width:100%;height:auto;border:1px solid #eee}.status{color:#555;font-size:13px;white-space:pre-wrap}
article.failed .status{color:#b00020}</style></head>
<body><h1>permafrost-lab notebooks</h1>
<p>Executed ${escapeHtml(new Date().toISOString())}: ${reports.filter((r) => r.ok).length} of ${reports.length} ran without error.</p>
<main>
${cards.join('\n')}
</main></body></html>
`;
  const path = join(out, 'index.html');
  writeFileSync(path + '.tmp', html);
  renameSync(path + '.tmp', path);
}
