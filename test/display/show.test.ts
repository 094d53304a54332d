import { describe, expect, it } from 'vitest';
import { figureHtml } from '../../src/display/show.js';

describe('figureHtml(figure)', () => {
  const figure = { data: [{ type: 'bar', x: ['a'], y: [1], name: '</script><b>' }] };

  it('inlines plotly.js only when asked', () => {
    const first = figureHtml(figure, { inlinePlotly: true });
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
