import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FormatError } from '../errors.js';

type Output = { output_type: string; data?: Record<string, unknown>; metadata?: Record<string, unknown> };
type Notebook = { cells: { cell_type: string; outputs?: Output[] }[] };

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
  const out = JSON.stringify(light.notebook, null, 1) + '\n';
  writeFileSync(`${to}.${process.pid}.tmp`, out);
  renameSync(`${to}.${process.pid}.tmp`, to);
  return { figures: light.figures, bytes_before: Buffer.byteLength(text), bytes_after: Buffer.byteLength(out) };
}
