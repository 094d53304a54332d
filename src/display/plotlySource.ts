import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let source: string | undefined;

/**
 * plotly.js (minified) wrapped so that it sets `window.Plotly` even on pages with RequireJS or
 * CommonJS globals (classic Jupyter Notebook), ready to inline in a `<script>` element.
 */
export function plotlyScript(): string {
  if (source === undefined) {
    const path = createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js');
    const code = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
    source = `(function (module, exports, define) {\n${code}\n}).call(window);`;
  }
  return source;
}
