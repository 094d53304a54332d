// Worker thread for the fuzzer: runs one case at a time and reports its outcome (fuzz.ts).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { PermafrostError } from '../errors.js';
import { openRaster } from '../geotiff/openRaster.js';
import { openDataset } from '../dataset/openDataset.js';
import { parseStations } from '../stations/loadStations.js';

export interface FuzzCase {
  id: number; kind: 'tiff' | 'dataset' | 'csv'; bytes?: Uint8Array; text?: string; dir?: string; companion?: string;
  /** A GDAL sidecar written beside the dataset's magt.tif. */
  sidecar?: string;
}

/** Limits the fuzzed readers work under: anything asking for more is refused before allocating. */
export const FUZZ_LIMITS = { maxDimension: 100_000, maxBlockBytes: 64 * 2 ** 20, maxReadBytes: 256 * 2 ** 20 };

parentPort!.on('message', async (c: FuzzCase) => {
  const started = performance.now();
  try {
    if (c.kind === 'tiff') {
      const r = await openRaster(c.bytes!, FUZZ_LIMITS);
      try {
        const w = Math.min(r.width, 64), h = Math.min(r.height, 64);
        await r.read({ window: { x: 0, y: 0, width: w, height: h }, bands: [0] });
        if (r.width * r.height <= 1_000_000) await r.read({ bands: [r.bands - 1] });
        await r.valuesAt([{ x: r.bbox.west + 1e-6, y: r.bbox.north - 1e-6 }, { lon: 0, lat: 80 }], { bands: [0] }).catch((e) => {
          if (!(e instanceof PermafrostError) && !/crs|proj/i.test(String(e?.message))) throw e;
        });
        if (r.overviews.length) await r.read({ overview: 1, bands: [0], window: { x: 0, y: 0, width: 1, height: 1 } });
      } finally {
        await r.close();
      }
    } else if (c.kind === 'dataset') {
      mkdirSync(c.dir!, { recursive: true });
      writeFileSync(join(c.dir!, 'magt.tif'), c.bytes!);
      if (c.sidecar !== undefined) writeFileSync(join(c.dir!, 'magt.tif.aux.xml'), c.sidecar);
      if (c.companion) copyFileSync(c.companion, join(c.dir!, 'alt.tif'));
      const ds = await openDataset(c.dir!);
      try {
        await ds.table(ds.variables[0], ds.periods[0].label, { step: 4 });
      } finally {
        await ds.close();
      }
    } else {
      parseStations(c.text!);
    }
    parentPort!.postMessage({ id: c.id, outcome: 'ok', ms: performance.now() - started });
  } catch (err) {
    const typed = err instanceof PermafrostError;
    parentPort!.postMessage({ id: c.id, outcome: typed ? 'typed' : 'untyped', name: (err as Error)?.name ?? typeof err,
      message: String((err as Error)?.message ?? err).slice(0, 300), stack: typed ? undefined : String((err as Error)?.stack ?? '').split('\n').slice(0, 6).join('\n'),
      ms: performance.now() - started });
  }
});
