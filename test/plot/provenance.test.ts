// Shared figures and exports say where they came from, and a changed dataset is told apart.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { exportTable } from '../../src/dataset/exportTable.js';
import { closeFigureBrowser, saveFigure } from '../../src/display/saveFigure.js';
import { trendFigure } from '../../src/plot/trendFigure.js';
import { readProvenance } from '../../src/display/readProvenance.js';
import { compareFingerprints, fingerprintFiles } from '../../src/provenance/fingerprint.js';
import { cliScript, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir();
const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, ...args], {
  encoding: 'utf8', env: { ...process.env, PERMAFROST_CACHE: join(tmp.dir, 'cache') } });
let ds: Dataset;
const copy = join(tmp.dir, 'sample-copy');

beforeAll(async () => {
  process.env.PERMAFROST_CACHE = join(tmp.dir, 'cache');
  cpSync(sampleFolder(), copy, { recursive: true });
  ds = await openDataset(copy);
}, 60_000);
afterAll(async () => { await ds?.close(); await closeFigureBrowser(); delete process.env.PERMAFROST_CACHE; tmp.cleanup(); });

describe('provenance of saved figures and exports', () => {
  it('a PNG (tEXt chunks) and an SVG (<metadata>) from saveFigure carry library, date, builder, options, synthetic and the dataset fingerprint', async () => {
    const summary = await ds.summarize({ by: ['period'], variables: ['magt'] });
    const figure = trendFigure(summary, { title: 'MAGT', dataset: ds });
    const png = await saveFigure(figure, join(tmp.dir, 'f.png'), { scale: 1 });
    const svg = await saveFigure(figure, join(tmp.dir, 'f.svg'));
    const html = await saveFigure(figure, join(tmp.dir, 'f.html'));
    const files = readdirSync(copy).filter((f) => f.endsWith('.tif')).length;
    for (const path of [png, svg, html]) {
      const p = (await readProvenance(path))!;
      expect(p, path).not.toBeNull();
      expect(p.library).toMatch(/^permafrost-lab \d+\.\d+\.\d+/);
      expect(Date.now() - Date.parse(p.created)).toBeLessThan(120_000);
      expect(p.builder).toBe('trendFigure');
      expect(p.options).toEqual({ title: 'MAGT' });
      expect(p.synthetic).toBe(true);
      expect(p.dataset!.fingerprint.files).toHaveLength(files);
      expect(p.dataset!.fingerprint.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // the PNG chunks are standard: another reader sees them (GDAL's PNG driver lists tEXt as metadata)
    expect(referee('gdalinfo', [png])).toMatch(/Software=permafrost-lab/);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[^>]*><metadata id="permafrost-lab-provenance">/);
  }, 90_000);

  it('a GeoTIFF written from ds.change or ds.trend (changeRaster, trendRaster) carries the record; gdalinfo lists it', async () => {
    const { writeGeoTIFF } = await import('../../src/geotiff/writeGeoTIFF.js');
    const { changeRaster } = await import('../../src/dataset/trendOutputs.js');
    const change = await ds.change('magt', { from: '1980-1984', to: '2015-2019' });
    const path = join(tmp.dir, 'change.tif');
    await writeGeoTIFF(path, changeRaster(change));
    const p = (await readProvenance(path))!;
    expect(p.builder).toBe('ds.change');
    expect(p.options).toEqual({ variable: 'magt', from: '1980-1984', to: '2015-2019' });
    expect(p.synthetic).toBe(true);
    expect(p.dataset!.fingerprint.files.map((f) => f.name)).toContain('magt.tif');
    expect(referee('gdalinfo', [path])).toMatch(/PERMAFROST_LAB_PROVENANCE=\{"library":"permafrost-lab/);
  }, 60_000);

  it('the fingerprint is cached by size and time, and a changed file is hashed again', async () => {
    const a = await fingerprintFiles(ds.files);
    const b = await fingerprintFiles(ds.files);
    expect(b).toEqual(a);
    const cache = JSON.parse(readFileSync(join(tmp.dir, 'cache', 'fingerprints.json'), 'utf8'));
    expect(Object.keys(cache)).toHaveLength(ds.files.length);
  });

  it('`provenance --data` matches the sample and reports a changed file (exit 1)', async () => {
    const csv = await exportTable(await ds.table('magt', '2015-2019', { region: 'alaska' }), join(tmp.dir, 'alaska.csv'), { dataset: ds });
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^# permafrost-lab provenance: \{/);
    const png = join(tmp.dir, 'f.png');
    const ok = cli('provenance', png, '--data', copy);
    expect(ok.stdout, ok.stderr).toMatch(/match .* same \d+ files/);
    expect(ok.status).toBe(0);
    expect(cli('provenance', csv, '--data', copy).status).toBe(0);
    // one more byte at the end of one file: it still opens, but it is not the same data
    const changed = ds.files.find((f) => f.endsWith('magt.tif')) ?? ds.files[0];
    appendFileSync(changed, Buffer.from([0]));
    const bad = cli('provenance', png, '--data', copy);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/MISMATCH/);
    expect(bad.stdout).toContain(`${changed.split('/').pop()}:`);
    const recorded = (await readProvenance(png))!.dataset!.fingerprint;
    expect(compareFingerprints(recorded, await fingerprintFiles(ds.files)).differences).toHaveLength(1);
  }, 90_000);

  it('a remote file or one that went missing is recorded by name with a note, never a crash of saveFigure', async () => {
    const f = await fingerprintFiles(['https://example.org/magt.tif', join(tmp.dir, 'gone.tif')]);
    expect(f.files).toEqual([
      { name: 'gone.tif', size_bytes: null, sha256: null, note: 'not readable: ENOENT' },
      { name: 'https://example.org/magt.tif', size_bytes: null, sha256: null, note: 'remote: not hashed' },
    ]);
    const saved = await saveFigure(trendFigure([{ period: '1980-1984', mid_year: 1982, magt_c_mean: -1 }], { dataset: { source: 'https://example.org', synthetic: false, files: ['https://example.org/magt.tif'] } }), join(tmp.dir, 'remote.html'));
    expect((await readProvenance(saved))!.dataset!.fingerprint.files[0].note).toBe('remote: not hashed');
  });

  it('a file without provenance says so and exits 1', () => {
    const r = cli('provenance', join(root, 'package.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no permafrost-lab provenance/);
  });
});
