import { describe, expect, it } from 'vitest';
import { figureHtml } from '../../src/display/show.js';

describe('figureHtml(figure)', () => {
  const figure = { data: [{ type: 'bar', x: ['a'], y: [1], name: '</script><b>' }] };

  it('inlines plotly.js only when asked', () => {
    const first = figureHtml(figure, { inline_plotly: true });
    const later = figureHtml(figure);
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(first).toContain('window.Plotly = Plotly');
    expect(later.length).toBeLessThan(5_000);
  });

  it('cannot be broken out of by text in the figure', () => {
    const html = figureHtml(figure);
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script>\\u003cb>');
  });

  it('gives each figure its own element id', () => {
    const ids = [figureHtml(figure), figureHtml(figure)].map((h) => /id="([^"]+)"/.exec(h)![1]);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('figure bundles', () => {
  it('PNGs are on unless PERMAFROST_FIGURE_PNG turns them off, and the option wins over the environment', async () => {
    const { figurePngWanted } = await import('../../src/display/show.js');
    const saved = process.env.PERMAFROST_FIGURE_PNG;
    try {
      delete process.env.PERMAFROST_FIGURE_PNG;
      expect(figurePngWanted()).toBe(true);
      for (const off of ['0', 'false', 'no', 'OFF']) { process.env.PERMAFROST_FIGURE_PNG = off; expect(figurePngWanted(), off).toBe(false); }
      expect(figurePngWanted(true)).toBe(true);
      process.env.PERMAFROST_FIGURE_PNG = '1';
      expect(figurePngWanted()).toBe(true);
      expect(figurePngWanted(false)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.PERMAFROST_FIGURE_PNG; else process.env.PERMAFROST_FIGURE_PNG = saved;
    }
  });

  it('outside a kernel there is no display writer, and show prints a one-line summary', async () => {
    const { kernelWriter } = await import('../../src/display/kernel.js');
    const { show } = await import('../../src/display/show.js');
    expect(kernelWriter()).toBeNull();
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stdout.write;
    try { show({ data: [{ type: 'bar' }, { type: 'bar' }] }); } finally { process.stdout.write = write; }
    expect(lines).toEqual(['[figure: 2 trace(s)]\n']);
  });

  it('the HTML form carries the PNG as a fallback image that the script replaces once plotly.js draws', () => {
    const html = figureHtml({ data: [{ type: 'bar' }], layout: { title: { text: 'A & B' } } }, { png: 'iVBORw0KGgo=' });
    expect(html).toMatch(/<img id="[^"]+-png" alt="A (&amp;|&#38;) B" [^>]*src="data:image\/png;base64,iVBORw0KGgo=">/);
    expect(html).toMatch(/getElementById\('[^']+-png'\); if \(img\) img\.remove\(\)/);
  });

  it('renders a PNG synchronously (for show in a cell) through the worker thread', async () => {
    const { renderFigureSync, closeFigureBrowser } = await import('../../src/display/render.js');
    const png = renderFigureSync({ data: [{ type: 'bar', x: ['a'], y: [1] }] }, { format: 'png', width: 300, height: 200, scale: 1 }, 60) as Buffer;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(300); // IHDR width
    await closeFigureBrowser();
  }, 90_000);
});
