import { createHash } from 'node:crypto';
import { escapeHtml } from '../core/escape.js';
import { isFigure, type Figure } from '../plot/figure.js';

export { isFigure, type Figure };
import { plotlyScript } from './plotlySource.js';
import { renderFigureSync } from './render.js';
import { HISTORY_SCRIPT } from './historyScript.js';

/** One output of a notebook cell: its forms by MIME type, and their metadata. */
export interface OutputBundle { data: Record<string, unknown>; metadata: Record<string, unknown> }

/** The figure as Plotly's JSON: data, layout, config and frames (what `application/vnd.plotly.v1+json` holds). */
export function plotlyJson(figure: Figure): { data: unknown[]; layout: unknown; config: unknown; frames?: unknown[] } {
  return { data: figure.data, layout: figure.layout ?? {}, config: { responsive: true, displaylogo: false, ...figure.config }, ...(figure.frames ? { frames: figure.frames } : {}) };
}


let plotlySent = false;
let figureCount = 0;
let pngFailed = false;

/** Options of {@link figureHtml}. */
export interface FigureHtmlOptions {
  /** Put plotly.js itself in the HTML (the first figure of a session, a standalone page). Default false. */
  inline_plotly?: boolean;
  /** @deprecated use `inline_plotly` (the same flag; removed in the next release) */
  inlinePlotly?: boolean;
  /** A PNG of the figure (base64) shown where scripts do not run. */
  png?: string;
}

/**
 * HTML that draws a figure with plotly.js. plotly.js itself is inlined in the first figure of a
 * kernel session only (no CDN); later figures wait for `window.Plotly`.
 */
export function figureHtml(figure: Figure, options: FigureHtmlOptions = {}): string {
  const spec = JSON.stringify(plotlyJson(figure)).replace(/</g, '\\u003c');
  // named by its content and its place in the session, never by the process: the same notebook gives the same bytes every run
  const id = `permafrost-fig-${createHash('sha256').update(spec).digest('hex').slice(0, 10)}-${++figureCount}`;
  const library = (options.inline_plotly ?? options.inlinePlotly) ? `<script>${plotlyScript()}</script>\n` : '';
  // where scripts do not run (GitHub, nbviewer's sanitizer, nbconvert --to markdown), the PNG shows instead
  const fallback = options.png ? `<img id="${id}-png" alt="${escapeHtml(figureTitle(figure, 'figure'))}" style="max-width:100%" src="data:image/png;base64,${options.png}">` : '';
  // a map of all periods carries its cells' history: a click draws it beside the map (src/display/historyScript.ts)
  const history = !!(figure.layout?.meta as { history?: unknown } | undefined)?.history;
  const map = `<div id="${id}" class="permafrost-figure" style="${history ? 'flex:1 1 560px;min-width:0' : 'width:100%'};min-height:420px">${fallback}</div>`;
  const body = history
    ? `<div style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px">${map}<div id="${id}-history" class="permafrost-history" style="flex:0 1 420px;min-width:300px;display:none"></div></div>
<div class="permafrost-history-hint" style="font:12px system-ui,sans-serif;color:#555;margin:2px 0 0 12px">Click a cell of the map to see its values over the periods.</div>`
    : map;
  return `${library}${body}
<script>(function () {
  var spec = ${spec};
  var tries = 0;${history ? `\n  ${HISTORY_SCRIPT}` : ''}
  function draw() {
    if (window.Plotly) {
      var img = document.getElementById('${id}-png'); if (img) img.remove();
      var drawn = window.Plotly.newPlot('${id}', spec);${history ? `\n      drawn.then(function (gd) { permafrostHistory(gd, spec, document.getElementById('${id}-history')); });` : ''}
      return;
    }
    if (++tries < 200) setTimeout(draw, 50);
    else document.getElementById('${id}').textContent = 'plotly.js did not load: re-run the first figure cell of this notebook.';
  }
  draw();
})();</script>`;
}

/** Whether figures get a PNG: the option, else `$PERMAFROST_FIGURE_PNG` (0/false/no/off turn it off), else yes. */
export function figurePngWanted(option?: boolean): boolean {
  if (option !== undefined) return option;
  return !/^(0|false|no|off)$/i.test(process.env.PERMAFROST_FIGURE_PNG ?? '');
}

/** Pixel size of the PNG shown in a notebook: the layout's, else 900 wide. */
function pngSize(figure: Figure): { width: number; height: number } {
  const layout = (figure.layout ?? {}) as { width?: number; height?: number };
  return { width: layout.width ?? 900, height: layout.height ?? 460 };
}

function figureTitle(figure: Figure, otherwise: string): string {
  return String((figure.layout?.title as { text?: string } | undefined)?.text || otherwise);
}

/**
 * A figure as one notebook output in three forms: `application/vnd.plotly.v1+json` (drawn by
 * VS Code, and by JupyterLab with Plotly's renderer), `text/html` (plotly.js inlined in the kernel
 * session's first figure, for the classic Notebook) and `image/png` (GitHub, nbviewer, PDF), the
 * PNG drawn by one reused headless Chromium while the cell waits; a short `text/plain` besides.
 * What `show(figure)` sends, and what a cell ending with a figure shows.
 *
 * Options: `png` (default: yes unless `$PERMAFROST_FIGURE_PNG` turns it off).
 * @example figureBundle({ data: [{ type: 'bar', y: [1] }] }, { png: false }).data['text/plain'] // "<Plotly figure: 1 trace(s)>"
 */
export function figureBundle(figure: Figure, options: { png?: boolean } = {}): OutputBundle {
  const inlinePlotly = !plotlySent;
  plotlySent = true;
  let png: string | undefined;
  if (figurePngWanted(options.png) && !pngFailed) {
    try {
      png = (renderFigureSync(figure, { format: 'png', ...pngSize(figure), scale: 1 }) as Buffer).toString('base64');
    } catch (err) {
      // said once; the session's later figures go without a PNG instead of failing again
      pngFailed = true;
      process.stderr.write(`note: figures in this session have no PNG (${(err as Error).message.split('\n')[0]}); they still show as HTML and Plotly JSON\n`);
    }
  }
  return {
    data: {
      'application/vnd.plotly.v1+json': plotlyJson(figure),
      'text/html': figureHtml(figure, { inline_plotly: inlinePlotly, png }),
      ...(png ? { 'image/png': png } : {}),
      'text/plain': `<${figureTitle(figure, 'Plotly figure')}: ${figure.data.length} trace(s)>`,
    },
    metadata: png ? { 'image/png': pngSize(figure) } : {},
  };
}

/** HTML for one figure without the other forms (a tslab that does not expose its display writer); plotly.js inlined the first time. */
export function figureHtmlOnce(figure: Figure): string {
  const html = figureHtml(figure, { inline_plotly: !plotlySent });
  plotlySent = true;
  return html;
}
