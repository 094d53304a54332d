// The figure check itself: it must see a part leave the figure, two parts run into each other,
// rotated labels that touch (and not those that do not), and a legend cut off by its scroll box.
import { describe, expect, it } from 'vitest';
import { checkFigureLayouts, layoutProblems } from '../../src/notebooks/checkFigures.js';

const rect = (kind: string, x0: number, y0: number, x1: number, y1: number, extra = {}) => ({ kind, text: kind, corners: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] as [number, number][], ...extra });
const rotated = (kind: string, cx: number, cy: number, w: number, h: number, deg: number) => {
  const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  return { kind, text: kind, corners: ([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]] as [number, number][]).map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c] as [number, number]) };
};

describe('layoutProblems(boxes, size)', () => {
  const size = { width: 360, height: 240 };
  it('reports a part outside the figure and two parts over each other, and lets legends and in-plot notes lie over the plot', () => {
    expect(layoutProblems([rect('title', 10, -8, 200, 12)], size)).toEqual(['title "title" reaches 8 px outside the figure']);
    expect(layoutProblems([rect('x axis title', 100, 200, 200, 215), rect('annotation', 10, 210, 300, 225)], size)).toEqual(['x axis title "x axis title" runs into annotation "annotation"']);
    expect(layoutProblems([rect('plot area', 50, 50, 300, 200), rect('legend', 200, 60, 290, 120), rect('annotation', 60, 60, 120, 80, { inside: true })], size)).toEqual([]);
    expect(layoutProblems([rect('plot area', 50, 50, 300, 200), rect('annotation', 60, 190, 120, 210)], size)).toHaveLength(1);
  });
  it('tells rotated tick labels that touch from those whose boxes only overlap', () => {
    // two labels 30° apart by 30 px: their upright boxes overlap, the rotated text does not
    const apart = [rotated('tick label', 100, 200, 60, 12, -30), rotated('tick label', 130, 200, 60, 12, -30)];
    expect(layoutProblems(apart, size)).toEqual([]);
    const touching = [rotated('tick label', 100, 200, 60, 12, -30), rotated('tick label', 110, 200, 60, 12, -30)];
    expect(layoutProblems(touching, size)).toHaveLength(1);
  });
  it('reports a legend entry outside its legend box (a scrolled legend hides it)', () => {
    expect(layoutProblems([rect('legend', 250, 40, 350, 100), rect('legend entry', 260, 110, 340, 125, { group: 'legend' })], size))
      .toEqual(['legend entry "legend entry" is cut off by its legend\'s box (a legend too long for the figure)']);
    // Plotly's scroll bar reaches the entries a long legend hides: not a problem
    expect(layoutProblems([rect('legend', 250, 40, 350, 100, { scrolls: true }), rect('legend entry', 260, 110, 340, 125, { group: 'legend' })], size)).toEqual([]);
  });
});

describe('checkFigureLayouts(figures) in Chromium', () => {
  it('finds a caption drawn over the x axis title, a title wider than the figure, and passes a plain figure', async () => {
    const base = { data: [{ type: 'scatter', x: [1, 2, 3], y: [1, 3, 2] }], layout: { margin: { l: 50, r: 20, t: 40, b: 60 }, xaxis: { title: { text: 'Period (mid-year)' } } } };
    const clash = { ...base, layout: { ...base.layout, title: { text: 'A title much too long for a figure that is only three hundred and sixty pixels wide' },
      annotations: [{ text: 'A caption on the axis title', xref: 'paper', yref: 'paper', x: 0.5, y: 0, yshift: -40, yanchor: 'top', showarrow: false }] } };
    const problems = await checkFigureLayouts([{ name: 'plain', figure: base }, { name: 'clash', figure: clash }], [{ width: 360, height: 240 }]);
    expect(problems.filter((p) => p.figure === 'plain')).toEqual([]);
    const found = problems.filter((p) => p.figure === 'clash').map((p) => p.problem).join('\n');
    expect(found).toMatch(/title "A title much too long.*" reaches \d+ px outside the figure/);
    expect(found).toMatch(/x axis title "Period \(mid-year\)" runs into annotation "A caption on the axis title"|annotation .* runs into x axis title/);
  }, 60_000);

  it('finds a dashed reference line striking through the numbers at the top of bars (as areaFigure drew them), and not those at their foot', async () => {
    const bars = (anchor: string) => ({ data: [{ type: 'bar', x: [1982, 1987, 1992], y: [14.82, 14.38, 13.94], text: ['14.82', '14.38', '13.94'], textposition: 'inside', insidetextanchor: anchor }],
      layout: { margin: { l: 50, r: 20, t: 30, b: 40 }, yaxis: { range: [0, 16] }, shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 13.9, y1: 13.9, line: { width: 2.5, dash: 'dash' } }] } });
    const problems = await checkFigureLayouts([{ name: 'top', figure: bars('end') }, { name: 'foot', figure: bars('start') }], [{ width: 480, height: 300 }]);
    expect(problems.filter((p) => p.figure === 'foot')).toEqual([]);
    expect(problems.filter((p) => p.figure === 'top').map((p) => p.problem).join('\n')).toMatch(/line runs into bar label "14.82"|bar label "14.82" runs into line/);
  }, 60_000);
});
