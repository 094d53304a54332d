// Figures that step through the periods, driven in headless Chromium the way a user drives them:
// dragging the slider must change what is drawn.
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/display/chromium.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { standaloneHtml } from '../../src/display/saveFigure.js';
import type { Figure } from '../../src/display/show.js';
import { dragSliderToEnd } from '../helpers.js';

const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const size = 60;
// a field that warms period by period, so that each step of the slider draws something else
const layers = periods.map((period, p) => ({
  period, width: size, height: size, crs,
  transform: { originX: -5e6, originY: 5e6, pixelWidth: 1e7 / size, pixelHeight: -1e7 / size, rotationX: 0, rotationY: 0 },
  values: Float32Array.from({ length: size * size }, (_, i) => -8 + (16 * Math.floor(i / size)) / size + 0.6 * p),
}));

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => { browser = await launchChromium(); }, 60_000);
afterAll(async () => { await browser?.close(); });

/** Opens a figure, drags its slider to the far right, and returns what was drawn before and after. */
async function drag(figure: Figure): Promise<{ before: string; after: string; label: string; steps: number }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  try {
    await page.setContent(standaloneHtml(figure), { waitUntil: 'load' });
    return await dragSliderToEnd(page, page.locator('.js-plotly-plot').first());
  } finally {
    await page.close();
  }
}

describe('period sliders', () => {
  it('mapFigure of eight layers: one colour scale for all steps, 8 frames, and dragging the slider redraws the map', async () => {
    const fig = mapFigure(layers, { value: 'magt_c', isoline: 0, title: 'test' });
    expect(fig.frames!.map((f) => f.name)).toEqual(periods);
    const heat = fig.data[0] as any;
    // the scale covers the warmest step too, not only the first
    expect(heat.zmax).toBeGreaterThan(8.5); // the first step alone reaches 8
    const r = await drag(fig);
    expect(r.steps).toBe(8);
    expect(r.before.length).toBeGreaterThan(0);
    expect(r.after).not.toBe(r.before);
    expect(r.label).toContain('2015-2019');
  }, 60_000);

  it('histogramFigure in slider mode: the bars change when the slider moves', async () => {
    const rows = periods.flatMap((period, p) => Array.from({ length: 400 }, (_, i) => ({ period, area_km2: 1, magt_c: -6 + (i % 40) * 0.3 + p })));
    const r = await drag(histogramFigure(aq.from(rows), { mode: 'slider' }));
    expect(r.steps).toBe(8);
    expect(r.after).not.toBe(r.before);
    expect(r.label).toContain('2015-2019');
  }, 60_000);

  it('areaFigure of zones in slider mode: one bar per zone, stepping through the periods', async () => {
    const rows = periods.flatMap((period, p) => ['continuous', 'discontinuous', 'sporadic'].map((zone, z) => ({ period, mid_year: 1982 + 5 * p, zone, region_area_km2: (10 - z * 3 - 0.4 * p) * 1e6 })));
    const fig = areaFigure(rows, { group: 'zone', mode: 'slider', column: 'region_area_km2' });
    expect((fig.data[0] as any).x).toEqual(['Continuous', 'Discontinuous', 'Sporadic']);
    const r = await drag(fig);
    expect(r.after).not.toBe(r.before);
  }, 60_000);
});
