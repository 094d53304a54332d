import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../display/chromium.js';
import { plotlyScript } from '../display/plotlySource.js';

/** A figure's size on screen, in CSS pixels. */
export interface FigureSize { width: number; height: number }

/** The sizes every figure must read at: a notebook's width, an index card, a phone. */
export const FIGURE_SIZES: FigureSize[] = [{ width: 900, height: 460 }, { width: 480, height: 300 }, { width: 360, height: 240 }];

/** What went wrong with one figure at one size. */
export interface FigureProblem { figure: string; size: string; problem: string }

/** A part of a drawn figure: its four corners (a rotated tick label is a rotated rectangle), relative to the figure's box. */
type Box = { kind: string; text: string; corners: [number, number][]; inside?: boolean; group?: string; scrolls?: boolean };

/**
 * Runs in the page: draws one figure into a div of the given size, exactly as its JSON says (only
 * width and height replaced, as a resized window or a card does), and returns the boxes of its parts
 * relative to the figure's own box: title, axis titles, tick labels, legend, annotations (those
 * placed inside the plot marked), colour bars, slider, play button and the plot area.
 */
async function drawAndMeasure([spec, width, height]: [string, number, number]): Promise<{ boxes: Box[]; error?: string }> {
  const g = globalThis as any;
  const doc = g.document;
  doc.body.innerHTML = '';
  const div = doc.createElement('div');
  div.style.width = `${width}px`;
  div.style.height = `${height}px`;
  doc.body.appendChild(div);
  const figure = JSON.parse(spec);
  try {
    await g.Plotly.newPlot(div, figure.data, { ...figure.layout, width, height }, { ...(figure.config ?? {}), responsive: false, staticPlot: true });
  } catch (err) {
    return { boxes: [], error: String((err as Error)?.message ?? err) };
  }
  const svg = div.querySelector('.main-svg').getBoundingClientRect();
  const boxes: Box[] = [];
  const add = (el: any, kind: string, extra: Partial<Box> = {}, stroke = 0) => {
    const box = el.getBBox?.();
    const m = el.getScreenCTM?.();
    if (!box || !m) return;
    // a straight line has no area of its own: its stroke's
    const b = { x: box.x - stroke / 2, y: box.y - stroke / 2, width: box.width + stroke, height: box.height + stroke };
    if (b.width < 0.5 || b.height < 0.5) return;
    // the element's own box through its transforms (rotation included), in the figure's pixels
    const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e - svg.left, m.b * x + m.d * y + m.f - svg.top] as [number, number]);
    const text = String(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
    boxes.push({ kind, text, corners, ...extra });
  };
  const visibleText = (el: any) => String(el.textContent ?? '').trim() !== '' && el.getAttribute('visibility') !== 'hidden' && g.getComputedStyle(el).opacity !== '0';
  div.querySelectorAll('.gtitle').forEach((el: any) => { if (visibleText(el)) add(el, 'title'); });
  div.querySelectorAll('[class$="title"] > text, [class*="title "] > text').forEach((el: any) => {
    const cls = String(el.getAttribute('class') ?? '');
    if (/^[xy]\d*title$/.test(cls) && visibleText(el)) add(el, `${cls.startsWith('x') ? 'x' : 'y'} axis title`);
  });
  div.querySelectorAll('g.xtick > text, g.ytick > text').forEach((el: any) => {
    if (!visibleText(el)) return;
    const axis = String(el.parentNode.parentNode.getAttribute('class') ?? '').split(/\s+/)[0] || 'axis';
    add(el, 'tick label', { group: axis });
  });
  const layout = figure.layout ?? {};
  const annotations = layout.annotations ?? [];
  // a legend as its box, and each entry, which must lie in it (a scrolled legend hides entries)
  div.querySelectorAll('.legend').forEach((el: any) => {
    const bar = el.querySelector('.scrollbar');
    const scrolls = !!bar && Number(bar.getAttribute('height') ?? 0) > 0 && Number(bar.getAttribute('width') ?? 0) > 0;
    add(el.querySelector('.bg') ?? el, 'legend', { text: String(el.textContent ?? '').slice(0, 60), scrolls });
    el.querySelectorAll('.legendtext').forEach((t: any) => { if (visibleText(t)) add(t, 'legend entry', { group: 'legend' }); });
  });
  div.querySelectorAll('g.annotation').forEach((el: any) => {
    const a = annotations[Number(el.getAttribute('data-index'))] ?? {};
    const refs = `${a.xref ?? 'x'} ${a.yref ?? 'y'}`;
    // placed in the plot: data or domain coordinates, or paper coordinates within [0, 1] without a shift out of it
    const inside = !/paper/.test(refs) || (a.x >= 0 && a.x <= 1 && a.y >= 0 && a.y <= 1 && !a.xshift && !a.yshift);
    add(el, a.name ? `annotation "${a.name}"` : 'annotation', { inside });
  });
  div.querySelectorAll('g.colorbar').forEach((el: any) => add(el, 'colour bar'));
  // a slider as its rail (with the grip) and its step labels; buttons one by one
  div.querySelectorAll('g.slider-container').forEach((el: any) => {
    el.querySelectorAll('.slider-rail-touch-rect').forEach((r: any) => add(r, 'slider'));
    el.querySelectorAll('text.slider-label').forEach((t: any) => { if (visibleText(t)) add(t, 'slider step label', { group: 'slider' }); });
  });
  div.querySelectorAll('g.updatemenu-container .updatemenu-item-rect').forEach((el: any) => add(el, 'button', { text: String(el.parentNode.textContent ?? '') }));
  div.querySelectorAll('.nsewdrag').forEach((el: any) => add(el, 'plot area'));
  // the numbers on bars, and lines drawn across the plot (published values, medians): a line must not strike a number through
  div.querySelectorAll('text.bartext').forEach((el: any) => { if (visibleText(el)) add(el, 'bar label', { inside: true }); });
  const shapes = layout.shapes ?? [];
  div.querySelectorAll('.shapelayer path[data-index]').forEach((el: any) => {
    const shape = shapes[Number(el.getAttribute('data-index'))];
    if (shape?.type === 'line') add(el, 'line', { inside: true }, shape.line?.width ?? 2);
  });
  return { boxes };
}

/** How far two convex outlines reach into each other (separating axis test): ≤ 0 when they are apart. */
function depth(a: [number, number][], b: [number, number][]): number {
  let least = Infinity;
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const [x0, y0] = poly[i], [x1, y1] = poly[(i + 1) % poly.length];
      const len = Math.hypot(x1 - x0, y1 - y0);
      if (len === 0) continue;
      const nx = (y0 - y1) / len, ny = (x1 - x0) / len;
      const project = (p: [number, number][]) => p.map(([x, y]) => x * nx + y * ny);
      const pa = project(a), pb = project(b);
      least = Math.min(least, Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)));
    }
  }
  return least;
}

const overlap = (a: Box, b: Box, tolerance: number) => depth(a.corners, b.corners) > tolerance;

/** Which parts may lie over which: legends, in-plot annotations over the plot; a slider holds its own labels. */
function mayOverlap(a: Box, b: Box): boolean {
  const pair = (x: string, y: string) => (a.kind === x && b.kind === y) || (a.kind === y && b.kind === x);
  // a line lies in the plot: only the numbers on bars and the notes written in the plot must stay clear of it
  if (a.kind === 'line' || b.kind === 'line') {
    const other = a.kind === 'line' ? b : a;
    return !(other.kind === 'bar label' || (other.kind.startsWith('annotation') && other.inside));
  }
  if (a.kind === 'bar label' || b.kind === 'bar label') {
    const other = a.kind === 'bar label' ? b : a;
    if (other.kind === 'bar label' || other.kind === 'plot area' || other.kind === 'legend') return other.kind !== 'bar label';
  }
  if (a.kind === 'plot area' || b.kind === 'plot area') {
    const other = a.kind === 'plot area' ? b : a;
    return other.kind === 'legend' || !!other.inside || other.kind === 'plot area';
  }
  if (pair('slider', 'slider step label')) return true;
  if (pair('legend', 'legend entry')) return true;
  return false;
}

/** The problems of one drawn figure: parts outside its box, parts over each other. */
export function layoutProblems(boxes: Box[], size: FigureSize, tolerance = 1): string[] {
  const out: string[] = [];
  const name = (b: Box) => `${b.kind}${b.text ? ` "${b.text}"` : ''}`;
  // entries a scrolling legend hides are neither outside the figure nor over anything: left out
  const legendBoxes = boxes.filter((b) => b.kind === 'legend');
  const inLegend = (b: Box, l: Box) => { const ys = l.corners.map((c) => c[1]); return b.corners.every(([, y]) => y >= Math.min(...ys) - tolerance && y <= Math.max(...ys) + tolerance); };
  boxes = boxes.filter((b) => b.kind !== 'legend entry' || !legendBoxes.some((l) => l.scrolls) || legendBoxes.some((l) => inLegend(b, l)));
  for (const b of boxes) {
    const beyond = Math.max(...b.corners.map(([x, y]) => Math.max(-x, -y, x - size.width, y - size.height)));
    if (beyond > tolerance) out.push(`${name(b)} reaches ${Math.round(beyond)} px outside the figure`);
  }
  const legends = boxes.filter((b) => b.kind === 'legend');
  const within = (b: Box, box: Box) => {
    const xs = box.corners.map((c) => c[0]), ys = box.corners.map((c) => c[1]);
    return b.corners.every(([x, y]) => x >= Math.min(...xs) - tolerance && x <= Math.max(...xs) + tolerance && y >= Math.min(...ys) - tolerance && y <= Math.max(...ys) + tolerance);
  };
  // entries beyond a legend's box are hidden: reachable when the legend scrolls (Plotly's scroll bar), lost when it does not
  const scrolled = legends.some((l) => l.scrolls);
  for (const b of boxes) {
    if (b.kind !== 'legend entry' || legends.some((l) => within(b, l))) continue;
    if (!scrolled) out.push(`${name(b)} is cut off by its legend's box (a legend too long for the figure)`);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (mayOverlap(a, b) || !overlap(a, b, tolerance)) continue;
      // tick labels of one axis against each other, step labels of a slider against each other: collisions too
      out.push(`${name(a)} runs into ${name(b)}`);
    }
  }
  return out;
}

/**
 * Draws each figure's Plotly JSON at each size in headless Chromium (only the layout's width and
 * height replaced, as a window or a card resizes a figure) and reports every title, axis title,
 * tick label, legend, annotation, colour bar, slider and play button that leaves the figure's box
 * or runs into another part, and figures that fail to draw (with `screenshots`, a PNG of each drawing
 * into that folder). An empty list: every figure reads at every size.
 * @example await checkFigureLayouts([{ name: 'trend', figure: trendFigure(summary) }])
 */
export async function checkFigureLayouts(figures: { name: string; figure: { data: unknown[]; layout?: unknown; config?: unknown } }[],
  sizes: FigureSize[] = FIGURE_SIZES, options: { screenshots?: string } = {}): Promise<FigureProblem[]> {
  const browser = await launchChromium();
  const problems: FigureProblem[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body><script>${plotlyScript()}</script></body></html>`, { waitUntil: 'load' });
    for (const { name, figure } of figures) {
      const spec = JSON.stringify({ data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} });
      for (const size of sizes) {
        const { boxes, error } = await page.evaluate(drawAndMeasure, [spec, size.width, size.height] as [string, number, number]);
        const at = `${size.width}×${size.height}`;
        if (error) { problems.push({ figure: name, size: at, problem: `did not draw: ${error}` }); continue; }
        for (const problem of layoutProblems(boxes, size)) problems.push({ figure: name, size: at, problem });
        if (options.screenshots) {
          mkdirSync(options.screenshots, { recursive: true });
          await page.locator('.main-svg').first().screenshot({ path: join(options.screenshots, `${name.replace(/[^\w.-]+/g, '_')}-${size.width}x${size.height}.png`) });
        }
      }
    }
  } finally {
    await browser.close();
  }
  return problems;
}
