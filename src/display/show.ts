import { InputError, invalid } from '../errors.js';
import { kernelDisplay } from './kernel.js';
import { plotlyScript } from './plotlySource.js';
import { isTableLike, tableHtml, type TableHtmlOptions } from './tableHtml.js';

/** A Plotly figure as plain JSON. */
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** True for `{ data: [...] }` objects. */
export function isFigure(value: unknown): value is Figure {
  return !!value && Array.isArray((value as Figure).data);
}

let plotlySent = false;
let figureCount = 0;

/**
 * HTML that draws a figure with plotly.js. plotly.js itself is inlined in the first figure of a
 * kernel session only (no CDN); later figures wait for `window.Plotly`.
 */
export function figureHtml(figure: Figure, options: { inlinePlotly?: boolean } = {}): string {
  const id = `permafrost-fig-${process.pid}-${++figureCount}`;
  const spec = JSON.stringify({ data: figure.data, layout: figure.layout ?? {}, config: { responsive: true, displaylogo: false, ...figure.config } })
    .replace(/</g, '\\u003c');
  const library = options.inlinePlotly ? `<script>${plotlyScript()}</script>\n` : '';
  return `${library}<div id="${id}" class="permafrost-figure" style="width:100%;min-height:420px"></div>
<script>(function () {
  var spec = ${spec};
  var tries = 0;
  function draw() {
    if (window.Plotly) { window.Plotly.newPlot('${id}', spec.data, spec.layout, spec.config); return; }
    if (++tries < 200) setTimeout(draw, 50);
    else document.getElementById('${id}').textContent = 'plotly.js did not load: re-run the first figure cell of this notebook.';
  }
  draw();
})();</script>`;
}

/**
 * Shows a value in a tslab notebook: a Plotly figure (interactive), an Arquero table (escaped
 * HTML), or anything else as text. Outside a notebook it prints a text summary.
 * @example show({ data: [{ type: 'bar', x: ['a'], y: [1] }] })
 */
export function show(value: unknown, options: TableHtmlOptions = {}): void {
  const display = kernelDisplay();
  if (isFigure(value)) {
    if (!display) { process.stdout.write(`[figure: ${value.data.length} trace(s)]\n`); return; }
    display.html(figureHtml(value, { inlinePlotly: !plotlySent }));
    plotlySent = true;
    return;
  }
  if (isTableLike(value)) {
    if (!display) { process.stdout.write(`[table: ${value.numRows()} rows: ${value.columnNames().join(', ')}]\n`); return; }
    display.html(tableHtml(value, options));
    return;
  }
  if (value === undefined) throw new InputError(invalid('value to show', value, 'a figure, a table or a value'));
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (display) display.text(text);
  else process.stdout.write(text + '\n');
}
