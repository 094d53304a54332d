import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../display/chromium.js';

/** What a page showed in a browser. */
export interface PageCheck {
  page: string;
  /** Plotly figures drawn. */
  figures: number;
  /** Traces drawn, per figure. */
  traces: number[];
  /** Console errors, page errors and failed requests. */
  errors: string[];
  /** Titles, annotations, legends, colour bars and sliders that reach outside their figure's box (should be none). */
  overflows: string[];
  screenshot?: string;
}

/**
 * Runs in the page: for every drawn figure, the parts that reach outside the figure's own box
 * (its outer SVG), by more than a pixel.
 */
function findOverflows(): string[] {
  const doc = (globalThis as any).document;
  const out: string[] = [];
  doc.querySelectorAll('.js-plotly-plot').forEach((gd: any, k: number) => {
    const box = gd.querySelector('.main-svg')?.getBoundingClientRect();
    if (!box) return;
    const parts: [string, string][] = [['.gtitle', 'title'], ['.annotation', 'annotation'], ['.legend', 'legend'], ['.colorbar', 'colour bar'],
      ['.slider-container', 'slider'], ['.updatemenu-container', 'play button']];
    for (const [selector, kind] of parts) {
      gd.querySelectorAll(selector).forEach((el: any) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return;
        const over = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
        if (over > 1) out.push(`figure ${k + 1}: ${kind} "${String(el.textContent ?? '').slice(0, 50)}" reaches ${Math.round(over)} px outside the figure`);
      });
    }
  });
  return out;
}

/**
 * Opens HTML pages (an executed notebook's page, a saved figure) in headless Chromium, waits for
 * their figures to draw, and reports how many figures and traces were drawn, any error the
 * page logged, and any title, caption, legend or colour bar that reaches outside its figure;
 * optionally saves a full-page screenshot of each.
 * @example await checkPages(['out/00-welcome.html'], { screenshots: 'out/screenshots' })
 */
export async function checkPages(pages: string[], options: { screenshots?: string; timeout_s?: number } = {}): Promise<PageCheck[]> {
  const browser = await launchChromium();
  const results: PageCheck[] = [];
  try {
    for (const path of pages) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(pathToFileURL(resolve(path)).href, { waitUntil: 'load', timeout: (options.timeout_s ?? 60) * 1000 });
      // every figure div gets Plotly's class once drawn
      await page.waitForFunction(() => {
        const doc = (globalThis as any).document;
        return doc.querySelectorAll('.permafrost-figure').length === doc.querySelectorAll('.permafrost-figure.js-plotly-plot').length;
      }, undefined, { timeout: (options.timeout_s ?? 60) * 1000 }).catch(() => errors.push('not every figure was drawn in time'));
      const traces: number[] = await page.evaluate(() => Array.from((globalThis as any).document.querySelectorAll('.js-plotly-plot'),
        (gd: any) => (gd._fullData ?? []).filter((t: any) => t.visible !== false).length));
      const overflows: string[] = await page.evaluate(findOverflows);
      let screenshot: string | undefined;
      if (options.screenshots) {
        screenshot = resolve(options.screenshots, path.split('/').pop()!.replace(/\.html$/, '.png'));
        mkdirSync(dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: true });
      }
      results.push({ page: path, figures: traces.length, traces, errors, overflows, screenshot });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return results;
}
