// The worker pool starts its threads whatever options started Node: a script given as
// `node --input-type=module -e "…"` (as in a shell one-liner) reads and summarizes as a file does.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sampleFolder } from '../../src/dataset/openDataset.js';
import { workerExecArgv } from '../../src/geotiff/workerPool.js';
import { built, python, referee } from '../helpers.js';

describe('worker threads', () => {
  it('leave out the options only a main script takes, and keep the others', () => {
    expect(workerExecArgv(['--input-type=module', '--enable-source-maps', '-e', 'code', '--expose-gc', '--input-type', 'commonjs', '--print=1'])).toEqual(['--enable-source-maps']);
    // nothing to leave out: the worker inherits as by default (an explicit list may not hold V8 options such as --expose-gc)
    expect(workerExecArgv(['--expose-gc', '--max-old-space-size=4096'])).toBeUndefined();
  });

  it('start under `node --expose-gc --input-type=module -e`: the sample\'s band 1 mean equals GDAL\'s', () => {
    const file = join(sampleFolder(), 'magt.tif');
    const script = `import { openRaster } from ${JSON.stringify(pathToFileURL(join(built, 'geotiff/openRaster.js')).href)};
const r = await openRaster(${JSON.stringify(file)});
const [a] = await r.read({ bands: [0] });
let s = 0, n = 0; for (const v of a) if (v === v && v !== r.noData) { s += v; n++; }
await r.close();
console.log(JSON.stringify({ mean: s / n, n }));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, PERMAFROST_THREADS: '2' } });
    expect(run.stderr).not.toMatch(/WorkerError|worker thread failed/);
    expect(run.status).toBe(0);
    const ours = JSON.parse(run.stdout);
    const gdal = JSON.parse(referee(python, ['-c', `import json, numpy as np
from osgeo import gdal
d = gdal.Open(${JSON.stringify(file)}); b = d.GetRasterBand(1); a = b.ReadAsArray().astype('float64'); nd = b.GetNoDataValue()
v = a[np.isfinite(a) & ((a != nd) if nd is not None else True)]
print(json.dumps({'mean': float(v.mean()), 'n': int(v.size)}))`]));
    expect(ours.n).toBe(gdal.n);
    expect(Math.abs(ours.mean - gdal.mean)).toBeLessThan(1e-9);
  });
});
