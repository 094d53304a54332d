// Credit on every figure: the product's citation (its CC BY 4.0 licence asks for it) or the
// synthetic label, inside the figure even when it is drawn 480 × 300 pixels, and on every frame of an animation.
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { PRODUCT_CITATION, SYNTHETIC_CAPTION } from '../../src/plot/style.js';
import { fitCaptions } from '../../src/plot/captions.js';
import { animationFrames } from '../../src/display/animate.js';
import { launchChromium } from '../../src/display/chromium.js';
import { plotlyScript } from '../../src/display/plotlySource.js';
import type { Figure } from '../../src/display/show.js';

const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const layers = periods.map((period, p) => ({ period, width: 30, height: 30, crs,
  transform: { originX: -5e6, originY: 5e6, pixelWidth: 1e7 / 30, pixelHeight: -1e7 / 30, rotationX: 0, rotationY: 0 },
  values: Float32Array.from({ length: 900 }, (_, i) => -8 + (i % 30) / 2 + p) }));
const rows = aq.from(periods.flatMap((period, p) => Array.from({ length: 40 }, (_, i) => ({ period, area_km2: 1, magt_c: -5 + i / 4 + p }))));
const summary = periods.map((period, p) => ({ period, mid_year: 1982 + 5 * p, permafrost_area_km2: (14 - 0.2 * p) * 1e6 }));
const product = { source: '/data/permafrost', synthetic: false, files: [] as string[] };
const sample = { source: '/data/sample', synthetic: true, files: [] as string[] };

/** Every figure builder, given a dataset. */
const builders: [string, (dataset: typeof product) => Figure][] = [
  ['mapFigure of one grid', (dataset) => mapFigure(layers[0], { dataset, title: 'MAGT' })],
  ['mapFigure of eight grids (slider)', (dataset) => mapFigure(layers, { dataset, title: 'MAGT' })],
  ['histogramFigure', (dataset) => histogramFigure(rows, { dataset })],
  ['areaFigure', (dataset) => areaFigure(summary, { dataset })],
  ['mapFigure of two periods side by side (compare)', (dataset) => mapFigure(layers, { dataset, compare: ['1980-1984', '2015-2019'] })],
];

let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: any;
beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 600, height: 400 } });
  await page.setContent(`<!doctype html><html><body style="margin:0"><div id="g"></div><script>${plotlyScript()}</script></body></html>`);
}, 60_000);
afterAll(async () => { await browser?.close(); });

/** Draws a figure at 480 × 300 as the PNGs are drawn (captions wrapped again for the width) and returns its annotations and any that reach outside. */
async function drawSmall(fig: Figure, height = 300): Promise<{ texts: string[]; outside: string[] }> {
  const layout = { ...fitCaptions(fig.layout ?? {}, 480), width: 480, height };
  return page.evaluate(async ([data, l]: [unknown[], Record<string, unknown>]) => {
    const doc = (globalThis as any).document;
    const gd = doc.getElementById('g');
    await (globalThis as any).Plotly.newPlot(gd, data, l, { staticPlot: true });
    const box = gd.querySelector('.main-svg').getBoundingClientRect();
    const texts: string[] = [], outside: string[] = [];
    gd.querySelectorAll('.annotation').forEach((a: any) => {
      const r = a.getBoundingClientRect();
      const lines = Array.from(a.querySelectorAll('tspan.line'), (t: any) => t.textContent);
      texts.push(lines.length ? lines.join(' ') : a.textContent);
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) outside.push(a.textContent);
    });
    return { texts, outside };
  }, [fig.data, layout]);
}

describe('credit on every figure', () => {
  for (const [name, build] of builders) {
    it(`${name} from the product carries the citation, from the sample the synthetic label, inside a 480 × 300 figure`, async () => {
      const real = await drawSmall(build(product));
      expect(real.outside).toEqual([]);
      const credit = real.texts.join(' ');
      expect(credit).toContain('National Cryosphere Desert Data Center');
      expect(credit).toContain('CC BY 4.0');
      expect(credit).not.toContain(SYNTHETIC_CAPTION);
      const synthetic = await drawSmall(build(sample));
      expect(synthetic.outside).toEqual([]);
      expect(synthetic.texts.join(' ')).toContain(SYNTHETIC_CAPTION);
      expect(synthetic.texts.join(' ')).not.toContain('CC BY 4.0');
    }, 30_000);
  }

  it('histogramFigure with a slider (its slider takes 156 px) keeps its captions and credit inside 480 × 420', async () => {
    const fig = histogramFigure(rows, { dataset: product, mode: 'slider' });
    const layout = { ...fitCaptions(fig.layout ?? {}, 480), width: 480, height: 420 };
    const drawn = await drawSmall({ ...fig, layout: { ...layout, height: 420 } }, 420);
    expect(drawn.outside).toEqual([]);
    expect(drawn.texts.join(' ')).toContain('CC BY 4.0');
  });

  it('a citation option replaces the credit; a figure without a dataset names none', () => {
    const fig = mapFigure(layers[0], { dataset: product, citation: 'Data: my own run of the model, 2026' });
    expect(fig.layout!.meta).toMatchObject({ caption: 'Data: my own run of the model, 2026' });
    expect((mapFigure(layers[0]).layout!.annotations as unknown[])).toEqual([]);
    expect(PRODUCT_CITATION).toMatch(/^Data: Distribution of Permafrost in the Arctic Circle.*National Cryosphere Desert Data Center, \d{4}\. CC BY 4\.0$/);
  });

  it('every frame of an animation carries the credit, under a caption when there is one', () => {
    const stills = animationFrames(histogramFigure(rows, { dataset: product, mode: 'slider' }));
    expect(stills).toHaveLength(8);
    for (const s of stills) {
      const caption = (s.figure.layout!.annotations as { name: string; text: string }[]).find((a) => a.name === 'caption')!.text;
      expect(caption).toMatch(/1980-1984.*<br>Data: Distribution of Permafrost/);
      expect(caption).toContain('CC BY 4.0');
    }
  });
});
