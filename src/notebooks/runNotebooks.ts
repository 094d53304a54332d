import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileError, InputError, invalid } from '../errors.js';
import { executorScript } from './executor-script.js';
import { escapeHtml } from './html.js';

/** What happened to one notebook. */
export interface NotebookReport {
  notebook: string;
  title: string;
  /** Code cells in the notebook. */
  cells: number;
  /** Code cells executed, the failing one included. */
  cells_run: number;
  seconds: number;
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
  cellTimeout_s?: number;
  /** Python with nbclient and nbconvert. Default `$PERMAFROST_PYTHON`, else `/usr/bin/python3`, else `python3`. */
  python?: string;
  /** Called with each progress line. Default: written to stderr. */
  onProgress?: (line: string) => void;
}

/**
 * Executes every `.ipynb` in a folder (sorted by name) headless with this package's own tslab
 * kernel, writes each executed notebook and an offline HTML page to `out`, and an `index.html`
 * linking them. Resolves with one report per notebook; a failing cell does not throw.
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
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(line + '\n'));
  const timeout = options.cellTimeout_s ?? 600;
  if (!(timeout > 0)) throw new InputError(invalid('cellTimeout_s', timeout, 'a positive number of seconds'));
  mkdirSync(out, { recursive: true });
  ensureSelfLink();
  const python = options.python ?? findPython();
  const kernelDir = makeKernelSpec();
  const reports: NotebookReport[] = [];
  try {
    for (const [i, path] of paths.entries()) {
      progress(`[${i + 1}/${paths.length}] ${basename(path)}`);
      const report = await executeOne(python, path, out, kernelDir, timeout, progress);
      progress(report.ok
        ? `  ok: ${report.cells_run}/${report.cells} cells in ${report.seconds.toFixed(1)} s`
        : `  FAILED: ${describeFailure(report)}`);
      reports.push(report);
    }
  } finally {
    rmSync(kernelDir, { recursive: true, force: true });
  }
  writeIndex(out, reports);
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

/** A kernelspec in a temporary folder that starts this package's tslab, put first on JUPYTER_PATH. */
function makeKernelSpec(): string {
  const require = createRequire(import.meta.url);
  const tslab = join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  if (!existsSync(tslab)) throw new FileError('tslab is not installed (run `npm run setup`)', tslab);
  const dir = mkdtempSync(join(tmpdir(), 'permafrost-kernel-'));
  const spec = join(dir, 'kernels', 'tslab');
  mkdirSync(spec, { recursive: true });
  writeFileSync(join(spec, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript', language: 'typescript',
  }));
  return dir;
}

function executeOne(python: string, path: string, out: string, kernelDir: string, timeout: number,
  progress: (line: string) => void): Promise<NotebookReport> {
  const env = { ...process.env, JUPYTER_PATH: [kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter) };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, ['-c', executorScript, path, out, 'tslab', String(timeout)], { env });
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
}

function writeIndex(out: string, reports: NotebookReport[]): void {
  const rows = reports.map((r) => `<tr class="${r.ok ? 'ok' : 'failed'}">` +
    `<td><a href="${escapeHtml(encodeURIComponent(r.notebook))}.html">${escapeHtml(r.title)}</a></td>` +
    `<td>${r.cells_run}/${r.cells}</td><td>${r.seconds.toFixed(1)} s</td>` +
    `<td>${r.ok ? 'OK' : 'failed: ' + escapeHtml(describeFailure(r))}</td></tr>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>permafrost-lab notebooks</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.failed td:last-child{color:#b00020;white-space:pre-wrap}</style></head>
<body><h1>permafrost-lab notebooks</h1>
<p>Executed ${escapeHtml(new Date().toISOString())}: ${reports.filter((r) => r.ok).length} of ${reports.length} ran without error.</p>
<table><thead><tr><th>Notebook</th><th>Cells run</th><th>Time</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
  const path = join(out, 'index.html');
  writeFileSync(path + '.tmp', html);
  renameSync(path + '.tmp', path);
}
