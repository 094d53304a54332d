// One block size for every map reduced to block means (ds.layer, mapFigure, predictMap), checked
// against numpy: the smallest block that fits, found by search, and block means by reshaping.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { blockFactor, cellsAcrossOf } from '../../src/grid/blockFactor.js';
import { downsample, mapFigure } from '../../src/plot/mapFigure.js';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { predictMap } from '../../src/model/reproduce.js';
import { InputError } from '../../src/errors.js';
import { animateCommands } from '../../src/cli/animateCommand.js';
import { helpText, parseCommand } from '../../src/cli/args.js';
import { python, referee } from '../helpers.js';

const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
const transform = { originX: -1e6, originY: 1e6, pixelWidth: 1000, pixelHeight: -1000, rotationX: 0, rotationY: 0 };

describe('blockFactor(width, height, max_cells_across)', () => {
  it('is the smallest block whose means fit max_cells_across on the longer side, as numpy finds by search', () => {
    const cases: [number, number, number][] = [];
    for (const [w, h] of [[37, 12], [12, 37], [100, 100], [101, 7], [1030, 1030], [10296, 10296], [5, 5]]) {
      for (const n of [1, 3, 10, 33, 50, 100, 200, 1000, 2000]) cases.push([w, h, n]);
    }
    const numpy = JSON.parse(referee(python, ['-c', `import json, sys, numpy as np
cases = json.loads(sys.stdin.read())
def smallest(w, h, n):
    f = 1
    while -(-max(w, h) // f) > n: f += 1   # blocks across the longer side, ceil(max / f)
    return f
print(json.dumps([smallest(*c) for c in cases]))`], JSON.stringify(cases))) as number[];
    expect(cases.map(([w, h, n]) => blockFactor(w, h, n))).toEqual(numpy);
  });

  it('leaves a grid whole without a limit, and refuses a limit that is not a whole number ≥ 1, naming max_cells_across', () => {
    expect(blockFactor(500, 300, undefined)).toBe(1);
    for (const bad of [0, -3, 1.5, NaN]) {
      expect(() => blockFactor(10, 10, bad)).toThrow(InputError);
      expect(() => blockFactor(10, 10, bad)).toThrow(/invalid max_cells_across: .* \(expected a whole number ≥ 1\)/);
    }
  });

  it('mapFigure\'s downsample gives numpy\'s block means (NaN and nodata left out) at that block size', () => {
    const width = 53, height = 29, n = 12;
    const values = new Float32Array(width * height).map((_, i) => ((i * 7919) % 101) / 10 - 5);
    for (let i = 0; i < values.length; i += 13) values[i] = NaN;
    for (let i = 5; i < values.length; i += 17) values[i] = -9999;
    const ours = downsample({ values, width, height, transform, crs, noData: -9999 }, n);
    const ref = JSON.parse(referee(python, ['-c', `import json, sys, numpy as np
d = json.loads(sys.stdin.read())
w, h, n = d['width'], d['height'], d['n']
v = np.array(d['values'], dtype=np.float32).astype(np.float64).reshape(h, w)
v[v == -9999] = np.nan
f = 1
while -(-max(w, h) // f) > n: f += 1
H, W = -(-h // f), -(-w // f)
p = np.full((H * f, W * f), np.nan); p[:h, :w] = v
b = p.reshape(H, f, W, f).swapaxes(1, 2).reshape(H, W, f * f)
import warnings; warnings.simplefilter('ignore')
m = np.nanmean(b, axis=2)
print(json.dumps({'factor': f, 'z': [[None if np.isnan(x) else float(x) for x in row] for row in m]}))`],
    JSON.stringify({ width, height, n, values: Array.from(values, (v) => (Number.isNaN(v) ? null : v)) })));
    expect(ours.factor).toBe(ref.factor);
    expect(ours.z.length).toBe(ref.z.length);
    ours.z.forEach((row, r) => row.forEach((v, c) => {
      const want = ref.z[r][c];
      if (want === null) expect(v, `block ${r},${c}`).toBeNull();
      else expect(Math.abs((v as number) - want), `block ${r},${c}`).toBeLessThanOrEqual(5e-4 + 1e-9); // downsample rounds to 0.001
    }));
  });
});

describe('max_cells (deprecated) still works and means max_cells_across', () => {
  let ds: Dataset;
  beforeAll(async () => { ds = await openDataset(sampleFolder()); });
  afterAll(async () => { await ds.close(); });

  it('cellsAcrossOf prefers the new name and falls back on the old one', () => {
    expect(cellsAcrossOf({ max_cells: 200 })).toBe(200);
    expect(cellsAcrossOf({ max_cells_across: 300, max_cells: 200 })).toBe(300);
    expect(cellsAcrossOf(undefined)).toBeUndefined();
  });

  it('ds.layer and ds.layers with { max_cells } equal { max_cells_across }', async () => {
    const [old, now] = await Promise.all([ds.layer('magt', '2015-2019', { max_cells: 90 }), ds.layer('magt', '2015-2019', { max_cells_across: 90 })]);
    expect(old.factor).toBe(now.factor);
    expect(Array.from(old.values)).toEqual(Array.from(now.values));
    const [oldAll, nowAll] = await Promise.all([ds.layers('alt', { max_cells: 60 }), ds.layers('alt', { max_cells_across: 60 })]);
    expect(oldAll.map((l) => Array.from(l.values))).toEqual(nowAll.map((l) => Array.from(l.values)));
  });

  it('mapFigure, its compare panels and predictMap\'s block size read max_cells like max_cells_across', async () => {
    const layers = await ds.layers('magt', { max_cells_across: 150 });
    expect(mapFigure(layers[0], { max_cells: 40 }).data[0]).toEqual(mapFigure(layers[0], { max_cells_across: 40 }).data[0]);
    const pair = { compare: ['1980-1984', '2015-2019'] as [string, string] };
    expect(mapFigure(layers, { ...pair, max_cells: 40 }).data).toEqual(mapFigure(layers, { ...pair, max_cells_across: 40 }).data);
    const forest = { predict: (rows: number[][]) => rows.map((r) => r[0]) } as never; // the first predictor, at each block's centre cell
    const folder = `${sampleFolder()}/predictors`;
    const [old, now] = await Promise.all([predictMap(forest, folder, { period: '2015-2019', max_cells: 25 }), predictMap(forest, folder, { period: '2015-2019', max_cells_across: 25 })]);
    expect([old.factor, old.width, old.height]).toEqual([now.factor, now.width, now.height]);
    expect(Array.from(old.values)).toEqual(Array.from(now.values));
  });

  it('permafrost-lab animate takes --max-cells as --max-cells-across with a notice, and --help shows only the new name', () => {
    const spec = animateCommands.animate;
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const args = parseCommand('animate', spec, ['--max-cells', '120']);
      if (args === 'help') throw new Error('unexpected help');
      expect(args.number('max-cells-across')).toBe(120);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/--max-cells is deprecated .*use --max-cells-across/);
      const both = parseCommand('animate', spec, ['--max-cells', '120', '--max-cells-across', '300']);
      expect(both !== 'help' && both.number('max-cells-across')).toBe(300);
    } finally { warn.mockRestore(); }
    const help = helpText('animate', spec);
    expect(help).toMatch(/--max-cells-across <n>\s+map cells across the longer side/);
    expect(help).not.toMatch(/--max-cells </);
  });
});
