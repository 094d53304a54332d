import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { FileError, InputError, invalid } from '../errors.js';
import { checkOutputPath } from '../guard.js';
import { figureHtml, isFigure, type Figure } from '../display/show.js';
import { escapeHtml } from '../notebooks/html.js';

/** Options of {@link saveFigure}. */
export interface SaveFigureOptions {
  /** Pixels. Default: the figure's layout width, else 960. */
  width?: number;
  /** Pixels. Default: the figure's layout height, else 540. */
  height?: number;
  /** PNG pixel density. Default 2. */
  scale?: number;
  /** Replace an existing file. Default true (figures are outputs). */
  overwrite?: boolean;
  /** Allow writing into a dataset's own folder (refused by default). */
  intoDataFolder?: boolean;
}

/** Chromium flags that work here and on machines without a display or network. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

type Browser = { newPage(): Promise<any>; close(): Promise<void> };
let browser: Promise<Browser> | undefined;

/** The system Chromium: `$PERMAFROST_CHROMIUM`, else /usr/bin/chromium, chromium-browser or google-chrome. */
export function chromiumPath(candidates = [process.env.PERMAFROST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[]): string {
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new FileError('no Chromium to render SVG or PNG: install it (Debian: apt-get install chromium, as npm run setup does) ' +
      'or set PERMAFROST_CHROMIUM to a Chrome or Chromium binary; .html needs no browser', candidates.join(', '));
  }
  return found;
}

/** Headless system Chromium through playwright-core, with the flags this machine and CI need. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

async function getBrowser(): Promise<Browser> {
  if (!browser) {
    browser = (async () => {
      const b = await launchChromium();
      process.once('beforeExit', () => { void b.close(); });
      return b as unknown as Browser;
    })();
    browser.catch(() => { browser = undefined; });
  }
  return browser;
}

/** Closes the browser that `saveFigure` started (it also closes when the process is about to exit). */
export async function closeFigureBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  if (b) await (await b).close();
}

/** A standalone, offline HTML page for a figure (plotly.js inlined). */
export function standaloneHtml(figure: Figure, title = 'permafrost-lab figure'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;font-family:system-ui,sans-serif">${figureHtml(figure, { inlinePlotly: true })}</body></html>`;
}

/**
 * Saves a figure as `.html` (standalone, offline), `.svg` or `.png` (rendered by headless
 * Chromium, one browser reused across figures). Written to a temporary file and renamed.
 * @example await saveFigure(trendFigure(summary), 'out/trend.png', { width: 1200, height: 700 })
 */
export async function saveFigure(figure: Figure, path: string, options: SaveFigureOptions = {}): Promise<string> {
  if (!isFigure(figure)) throw new InputError(invalid('figure', typeof figure, 'a Plotly figure { data, layout }'));
  const target = resolve(path);
  const format = extname(target).slice(1).toLowerCase();
  if (!['html', 'svg', 'png'].includes(format)) throw new InputError(invalid('file type', extname(target) || path, '.html, .svg or .png'));
  checkOutputPath(target, options);
  if (options.overwrite === false && existsSync(target)) throw new FileError('the file exists; pass { overwrite: true } to replace it', target);
  const layout = (figure.layout ?? {}) as { width?: number; height?: number; title?: { text?: string } };
  const width = options.width ?? layout.width ?? 960;
  const height = options.height ?? layout.height ?? 540;
  let bytes: Uint8Array | string;
  if (format === 'html') {
    bytes = standaloneHtml(figure, layout.title?.text);
  } else {
    const page = await (await getBrowser()).newPage();
    try {
      await page.setContent(standaloneHtml({ ...figure, layout: { ...figure.layout, width, height } }), { waitUntil: 'load' });
      // these functions run in the page (no DOM types in Node: reach the page's globals through globalThis)
      await page.waitForFunction(() => (globalThis as any).document.querySelector('.js-plotly-plot')?._fullLayout !== undefined, undefined, { timeout: 30_000 });
      const url: string = await page.evaluate(async ([f, w, h, s]: [string, number, number, number]) => {
        const page = globalThis as any;
        return page.Plotly.toImage(page.document.querySelector('.js-plotly-plot'), { format: f, width: w, height: h, scale: f === 'png' ? s : 1 });
      }, [format, width, height, options.scale ?? 2]);
      bytes = format === 'svg' ? decodeURIComponent(url.slice(url.indexOf(',') + 1)) : Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    } finally {
      await page.close();
    }
  }
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, target);
  return target;
}
