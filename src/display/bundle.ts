import { inspect } from 'node:util';
import { datasetBanner, datasetText, isDatasetLike } from './datasetBanner.js';
import { figureBundle, isFigure, type OutputBundle } from './figure.js';
import { isRowTable, tableHtml, tableText, type TableHtmlOptions } from './tableHtml.js';

/** Options of {@link valueBundle}: the table options, and whether figures get a PNG. */
export interface BundleOptions extends TableHtmlOptions {
  /** Add a PNG to a figure (default: yes unless `$PERMAFROST_FIGURE_PNG` turns it off). */
  png?: boolean;
}

/** Limits of the text shown for other values: nesting depth, items of an array, map or set, characters. */
export const INSPECT_LIMITS = { depth: 2, items: 20, chars: 2000 };

/**
 * How a notebook shows a value, as one output's MIME bundle: a figure as Plotly JSON, HTML and
 * PNG; an Arquero table as an HTML table (first rows, names and types, row count, the synthetic
 * note) with a short text; a dataset as its description; a string as itself; anything else as
 * `util.inspect` gives it, within {@link INSPECT_LIMITS}. Null for `undefined`, which shows nothing.
 * What a cell's last value shows as (`Out[n]`), and what `show()` sends.
 * @example valueBundle(6 * 7) // { data: { 'text/plain': '42' }, metadata: {} }
 */
export function valueBundle(value: unknown, options: BundleOptions = {}): OutputBundle | null {
  if (value === undefined) return null;
  if (isFigure(value)) return figureBundle(value, options);
  if (isDatasetLike(value)) return { data: { 'text/html': datasetBanner(value), 'text/plain': datasetText(value) }, metadata: {} };
  if (isRowTable(value)) return { data: { 'text/html': tableHtml(value, options), 'text/plain': tableText(value, options) }, metadata: {} };
  return { data: { 'text/plain': valueText(value) }, metadata: {} };
}

/**
 * A value as text: a string as itself, anything else through `util.inspect` (depth 2, 20 items),
 * cut at 2,000 characters with a note of how many more there were.
 * @example valueText({ a: [1, 2, 3] }) // "{ a: [ 1, 2, 3 ] }"
 */
export function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value
    : inspect(value, { depth: INSPECT_LIMITS.depth, maxArrayLength: INSPECT_LIMITS.items, maxStringLength: INSPECT_LIMITS.chars, breakLength: 100 });
  const more = text.length - INSPECT_LIMITS.chars;
  return more > 0 ? `${text.slice(0, INSPECT_LIMITS.chars)}… (${more.toLocaleString('en-US')} more characters)` : text;
}
