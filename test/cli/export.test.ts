// permafrost-lab export --region … --format geotiff against GDAL: the written file read by GDAL
// equals the input band (GDAL-read) on the region's cells and is NaN elsewhere, the region being
// rasterized independently: world-atlas's polygon of the USA written as GeoJSON, projected by
// ogr2ogr, burnt by gdal_rasterize (cells whose centre is inside), cut at 129°W with PROJ's
// longitudes of the cell centres (the named region "alaska" is the USA west of 129°W).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature } from 'topojson-client';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleFolder } from '../../src/dataset/openDataset.js';
import { cliScript, python, referee, tempDir } from '../helpers.js';
import { verbsReferee } from '../dataset/verbsReferee.js';

const tmp = tempDir('permafrost-export-');
afterAll(() => tmp.cleanup());
const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, ...args], { encoding: 'utf8' });

/** A band of a GeoTIFF as GDAL reads it, NaN at its nodata. */
function gdalBand(file: string, band: number): Float64Array {
  return Float64Array.from(JSON.parse(referee(python, ['-c', `
import json, sys, numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(int(sys.argv[2]))
a = b.ReadAsArray().astype('float64'); nd = b.GetNoDataValue()
if nd is not None and not np.isnan(nd): a[a == nd] = np.nan
print(json.dumps([None if np.isnan(v) else float(v) for v in a.ravel()]))
`, file, String(band)])), (v: number | null) => (v === null ? NaN : v));
}

describe('permafrost-lab export --region alaska --format geotiff', () => {
  it('keeps the input\'s values on the cells gdal_rasterize puts in Alaska, NaN elsewhere (boundary: cell centres on both sides; no cell may differ)', () => {
    const out = join(tmp.dir, 'alaska.tif');
    const run = cli('export', sampleFolder(), '--variable', 'alt', '--period', '2015-2019', '--region', 'alaska', '--format', 'geotiff', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const topo = createRequire(import.meta.url)('world-atlas/countries-50m.json');
    const usa = feature(topo, topo.objects.countries.geometries.find((g: any) => g.id === '840'));
    const usaFile = join(tmp.dir, 'usa.geojson');
    writeFileSync(usaFile, JSON.stringify({ type: 'FeatureCollection', features: [usa] }));
    const mask = verbsReferee<number[]>(['mask', join(sampleFolder(), 'alt.tif'), usaFile, -180, -129]);
    const written = gdalBand(out, 1);
    const input = gdalBand(join(sampleFolder(), 'alt.tif'), 8);
    expect(written.length).toBe(input.length);
    let inside = 0;
    const wrong: number[] = [];
    for (let i = 0; i < input.length; i++) {
      const expected = mask[i] ? input[i] : NaN;
      if (expected === expected) inside++;
      const same = expected !== expected ? written[i] !== written[i] : Math.abs(written[i] - expected) < 1e-6;
      if (!same) wrong.push(i);
    }
    expect(inside).toBeGreaterThan(5_000); // Alaska's valid cells on the 10 km sample
    expect(wrong.slice(0, 5).map((i) => `cell ${i % 1030},${Math.floor(i / 1030)}: ${written[i]} vs ${mask[i] ? input[i] : NaN}`)).toEqual([]);
  });
});
