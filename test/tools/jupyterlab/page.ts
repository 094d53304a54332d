// Runs in Chromium, bundled by esbuild (render.ts): JupyterLab's own output rendering, that is
// @jupyterlab/rendermime's registry with its standard renderers and jupyterlab-plotly's renderer
// (the one JupyterLab's Plotly extension registers, rank 0), fed a notebook's outputs as
// JupyterLab's output area feeds them. `window.renderOutputs` says, per output, which MIME type
// JupyterLab picks and what it drew.
import { OutputModel, RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
// @ts-expect-error: the package ships JavaScript without types for this file
import { rendererFactory as plotlyRendererFactory } from 'jupyterlab-plotly/lib/plotly-renderer.js';

// the page's globals, reached through globalThis (the tests are type-checked without DOM types)
const page = globalThis as any;
// JupyterLab with Plotly's extension (jupyterlab-plotly registers its renderer at rank 0), and without it
const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
registry.addFactory(plotlyRendererFactory, 0);
const plainRegistry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
let current = registry;

const PLOTLY = 'application/vnd.plotly.v1+json';

/** What one output became. */
export interface Rendered {
  output_type: string;
  /** The MIME type JupyterLab chose (undefined: nothing to show). */
  mime: string | undefined;
  text: string;
  /** `<table>` elements and their body rows. */
  tables: number;
  rows: number;
  /** For Plotly outputs: what showed first (the bundle's PNG, or the graph), and the graph drawn from the JSON once the pointer entered. */
  plotly?: { first: 'png' | 'graph' | 'nothing'; traces_in_json: number; traces_drawn: number; sliders: number; frames: number; error?: string };
  /** For a figure's HTML form (JupyterLab without Plotly's extension): whether its script drew it, whether its PNG is there. */
  html_figure?: { drawn: boolean; png: boolean };
}

function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const start = performance.now();
    const tick = () => (test() ? resolve(true) : performance.now() - start > ms ? resolve(false) : setTimeout(tick, 25));
    tick();
  });
}

async function renderOne(output: any, trusted: boolean, host: any): Promise<Rendered> {
  const model = new OutputModel({ value: output, trusted });
  const mime = current.preferredMimeType(model.data, trusted ? 'any' : 'ensure');
  const result: Rendered = { output_type: output.output_type, mime, text: '', tables: 0, rows: 0 };
  if (!mime) return result;
  const renderer = current.createRenderer(mime);
  const box = page.document.createElement('div');
  box.style.width = '900px';
  host.appendChild(box);
  box.appendChild(renderer.node);
  await renderer.renderModel(model);
  const node = renderer.node as any;
  if (mime === PLOTLY) {
    const json = output.data[PLOTLY];
    const img = node.querySelector('img.plot-img');
    const graphShown = () => !!node.querySelector('.plot-container') && (node._fullData?.length ?? 0) > 0;
    const first = graphShown() ? 'graph' : img && img.src.startsWith('data:image/png') && img.style.display !== 'none' ? 'png' : 'nothing';
    let error: string | undefined;
    if (!graphShown() && img) img.dispatchEvent(new page.MouseEvent('mouseenter')); // the renderer draws the graph when the pointer enters
    if (!(await waitFor(graphShown, 20_000))) error = 'the graph was not drawn';
    result.plotly = {
      first, traces_in_json: json.data.length, traces_drawn: node._fullData?.length ?? 0,
      sliders: node.querySelectorAll('.slider-container').length, frames: (node._transitionData?._frames ?? []).length, error,
    };
  }
  if (mime === 'text/html' && node.querySelector('.permafrost-figure')) {
    // a figure's HTML form: drawn by its script (trusted), else its fallback PNG shows, if the sanitizer kept it
    const drawn = await waitFor(() => !!node.querySelector('.js-plotly-plot .plot-container'), trusted ? 20_000 : 500);
    const img = node.querySelector('.permafrost-figure img');
    result.html_figure = { drawn, png: !!img && (img.getAttribute('src') ?? '').startsWith('data:image/png') };
  }
  result.text = (node.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
  result.tables = node.querySelectorAll('table').length;
  result.rows = node.querySelectorAll('tbody tr').length;
  return result;
}

page.renderOutputs = async (outputs: any[], trusted: boolean, withPlotly = true): Promise<Rendered[]> => {
  current = withPlotly ? registry : plainRegistry;
  const host = page.document.getElementById('outputs');
  host.textContent = '';
  const results: Rendered[] = [];
  for (const output of outputs) results.push(await renderOne(output, trusted, host));
  return results;
};
// the MIME type JupyterLab picks for each output, without drawing it
page.pickMimes = (outputs: any[], trusted: boolean): (string | undefined)[] =>
  outputs.map((output) => registry.preferredMimeType(new OutputModel({ value: output, trusted }).data, trusted ? 'any' : 'ensure'));
page.rendermimeReady = true;
