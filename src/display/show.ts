import { InputError, invalid } from '../errors.js';
import { valueBundle, valueText, type BundleOptions } from './bundle.js';
import { datasetText, isDatasetLike } from './datasetBanner.js';
import { figureHtmlOnce, figurePngWanted, isFigure } from './figure.js';
import { kernelDisplay, kernelWriter } from './kernel.js';
import { warmImageThread } from './render.js';
import { isRowTable } from './tableHtml.js';

export { figureHtml, figurePngWanted, isFigure, plotlyJson, type Figure } from './figure.js';
export { datasetBanner } from './datasetBanner.js';

/** Options of {@link show}. */
export type ShowOptions = BundleOptions;

let bundleNoticeShown = false;
let warmed = false;

/**
 * Shows a value in a tslab notebook as its own output, in the forms a cell's last value shows in
 * (see `valueBundle`): a Plotly figure (Plotly JSON, HTML and PNG), an Arquero table (escaped HTML
 * with column types, row count and the synthetic note), a dataset (a banner saying whether it is
 * the synthetic sample), or anything else as text. Outside a notebook it prints a text summary.
 *
 * A figure's PNG is drawn by one reused headless Chromium while the cell waits (about 50 ms a
 * figure after the first); `{ png: false }` or `PERMAFROST_FIGURE_PNG=0` leave it out.
 * @example show({ data: [{ type: 'bar', x: ['a'], y: [1] }] })
 */
export function show(value: unknown, options: ShowOptions = {}): void {
  if (value === undefined) throw new InputError(invalid('value to show', value, 'a figure, a table or a value'));
  const display = kernelDisplay();
  if (!display) { process.stdout.write(summary(value) + '\n'); return; }
  if (!warmed && figurePngWanted()) { warmed = true; warmImageThread(); }
  const writer = kernelWriter();
  if (writer) {
    writer({ ...valueBundle(value, options)!, transient: {} }, false);
    return;
  }
  // a tslab without its display writer: one form each, through its public display API
  if (isFigure(value)) {
    if (!bundleNoticeShown) {
      bundleNoticeShown = true;
      process.stderr.write('note: this tslab does not expose its display writer; figures are shown as HTML only (no PNG for GitHub or nbviewer)\n');
    }
    display.html(figureHtmlOnce(value));
    return;
  }
  const html = valueBundle(value, { ...options, png: false })!.data['text/html'];
  if (typeof html === 'string') display.html(html);
  else display.text(valueText(value));
}

/** A value in a line or a few, for a terminal. */
function summary(value: unknown): string {
  if (isFigure(value)) return `[figure: ${value.data.length} trace(s)]`;
  if (isDatasetLike(value)) return datasetText(value);
  if (isRowTable(value)) return `[table: ${value.numRows()} rows: ${value.columnNames().join(', ')}]`;
  return valueText(value);
}
