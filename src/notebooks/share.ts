import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FormatError } from '../errors.js';

type Output = { output_type: string; data?: Record<string, unknown>; metadata?: Record<string, unknown> };
type Notebook = { cells: { cell_type: string; outputs?: Output[] }[]; metadata?: Record<string, any> };

/** What lightening a notebook removed. */
export interface ShareReport { figures: number; bytes_before: number; bytes_after: number }

/**
 * A light copy of an executed notebook for sharing: each figure keeps its Plotly JSON (drawn by
 * JupyterLab with Plotly's renderer and by VS Code) and its PNG (GitHub, nbviewer), and drops its
 * `text/html`, which holds the inlined plotly.js (4–5 MB in a notebook's first figure).
 */
export function lightNotebook(notebook: Notebook): { notebook: Notebook; figures: number } {
  let figures = 0;
  const cells = notebook.cells.map((cell) => {
    if (!cell.outputs) return cell;
    const outputs = cell.outputs.map((o) => {
      const data = o.data ?? {};
      if (!('application/vnd.plotly.v1+json' in data) || !('text/html' in data)) return o;
      figures++;
      const { 'text/html': _html, ...rest } = data;
      return { ...o, data: rest };
    });
    return { ...cell, outputs };
  });
  return { notebook: { ...notebook, cells }, figures };
}

/**
 * Writes the light copy of an executed notebook (see {@link lightNotebook}) through a temporary
 * file renamed at the end.
 * @example shareNotebook('out/03-distributions.ipynb', 'out/shared/03-distributions.ipynb')
 */
export function shareNotebook(from: string, to: string): ShareReport {
  const text = readFileSync(from, 'utf8');
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
    if (!Array.isArray(notebook.cells)) throw new Error('no cells');
  } catch (err) {
    throw new FormatError(`not a Jupyter notebook (${(err as Error).message})`, from);
  }
  const light = lightNotebook(notebook);
  // marked as a light copy of its notebook: made again from it, it may be replaced without losing anything
  const out = notebookText({ ...light.notebook, metadata: { ...(light.notebook.metadata ?? {}), permafrost_lab: { light_copy_of: basename(from) } } });
  writeFileSync(`${to}.${process.pid}.tmp`, out);
  renameSync(`${to}.${process.pid}.tmp`, to);
  return { figures: light.figures, bytes_before: Buffer.byteLength(text), bytes_after: Buffer.byteLength(out) };
}

/**
 * The name of the notebook a file is a light copy of (`shareNotebook` marks its copies), or null
 * for any other file: a copy can be made again from its notebook, anything else is the user's.
 */
export function lightCopyOf(path: string): string | null {
  try {
    const name = (JSON.parse(readFileSync(path, 'utf8')) as Notebook).metadata?.permafrost_lab?.light_copy_of;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/**
 * A notebook as text: indented like Jupyter writes it, except figure JSON, written on one line (Jupyter
 * puts every number of a map's grid on a line of its own, which more than doubles the file).
 */
export function notebookText(notebook: Notebook): string {
  const payloads: string[] = [];
  const cells = notebook.cells.map((cell) => (!cell.outputs ? cell : { ...cell, outputs: cell.outputs.map((o) => {
    const figure = o.data?.['application/vnd.plotly.v1+json'];
    if (figure === undefined) return o;
    payloads.push(JSON.stringify(figure));
    return { ...o, data: { ...o.data, 'application/vnd.plotly.v1+json': `\u0000figure ${payloads.length - 1}` } };
  }) }));
  return JSON.stringify({ ...notebook, cells }, null, 1).replace(/"\\u0000figure (\d+)"/g, (_, k: string) => payloads[Number(k)]) + '\n';
}

/** Rewrites an executed notebook in place with {@link notebookText} (temporary file, then rename). */
export function compactNotebook(path: string): void {
  const notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  writeFileSync(`${path}.${process.pid}.tmp`, notebookText(notebook));
  renameSync(`${path}.${process.pid}.tmp`, path);
}
