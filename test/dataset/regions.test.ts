// The named regions where countries are cut by meridians (Alaska, Russia's four parts): each labelled
// cell's centre, taken to lon/lat by PROJ (pyproj), lies in its region's longitudes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder } from '../../src/dataset/openDataset.js';
import { regionLabels, REGIONS } from '../../src/dataset/regions.js';
import { python, referee, tempDir } from '../helpers.js';

// labels rasterized here, never read from a cache of an earlier run
const tmp = tempDir('permafrost-regions-');
let before: string | undefined;
beforeAll(() => { before = process.env.PERMAFROST_CACHE; process.env.PERMAFROST_CACHE = tmp.dir; });
afterAll(() => { if (before === undefined) delete process.env.PERMAFROST_CACHE; else process.env.PERMAFROST_CACHE = before; tmp.cleanup(); });

describe('regionLabels', () => {
  it('puts every cell of a meridian-cut region inside its longitudes (PROJ), and every cut region has cells', async () => {
    const ds = await openDataset(sampleFolder());
    const { labels, counts } = regionLabels(ds.grid);
    const t = ds.grid.transform;
    const cut = REGIONS.map((r, i) => ({ r, label: i + 1 })).filter(({ r }) => r.lon);
    const cells: { label: number; x: number; y: number }[] = [];
    for (let i = 0; i < labels.length; i++) {
      if (!cut.some((c) => c.label === labels[i])) continue;
      const col = i % ds.grid.width, row = Math.floor(i / ds.grid.width);
      cells.push({ label: labels[i], x: t.originX + (col + 0.5) * t.pixelWidth, y: t.originY + (row + 0.5) * t.pixelHeight });
    }
    for (const { label } of cut) expect(counts[label]).toBeGreaterThan(100);
    const script = `import json, sys
from pyproj import Transformer
cells = json.load(sys.stdin)
to = Transformer.from_crs(cells['crs'], 'EPSG:4326', always_xy=True)
lon, lat = to.transform([c['x'] for c in cells['cells']], [c['y'] for c in cells['cells']])
print(json.dumps(list(lon)))`;
    const lons: number[] = JSON.parse(referee(python, ['-c', script], JSON.stringify({ crs: ds.grid.crs, cells })));
    let outside = 0;
    cells.forEach((c, k) => {
      const ranges = REGIONS[c.label - 1].lon!;
      // a centre within 1e-9° of a meridian may fall either side in two projection libraries
      if (!ranges.some(([w, e]) => lons[k] >= w - 1e-9 && lons[k] < e + 1e-9)) outside++;
    });
    expect(cells.length).toBe(cut.reduce((n, { label }) => n + counts[label], 0));
    expect(outside).toBe(0);
    await ds.close();
  });
});
