import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { epsgCrs } from '../../src/geotiff/crs.js';
import { epsgTable } from '../../src/geotiff/epsgTable.js';
import { python, referee, root } from '../helpers.js';
import { join } from 'node:path';

interface Sampled {
  code: number; kind: 'projected' | 'geographic'; name: string; method?: string; base?: number;
  north_first: boolean; base_north_first?: boolean; axes: string[]; points: [number, number][];
}

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';
const DATUM_PART = /^\+(datum|ellps|towgs84|nadgrids|a|b|rf|R|pm)=/;

/** PROJ's answer: `cs2cs EPSG:from EPSG:to`, points given and returned in each CRS's own axis order. */
function cs2cs(from: number, to: number, points: [number, number][]): [number, number][] {
  const out = referee('cs2cs', ['-f', '%.9f', `EPSG:${from}`, `EPSG:${to}`], points.map((p) => p.join(' ')).join('\n') + '\n');
  return out.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).map(Number) as [number, number]);
}

const db = referee(python, ['-c', 'from osgeo import osr; import os; print(next(os.path.join(p, "proj.db") for p in osr.GetPROJSearchPaths() if os.path.exists(os.path.join(p, "proj.db"))))']).trim();
const sample: Sampled[] = JSON.parse(referee(python, [join(root, 'test/geotiff/epsg_sample.py'), db, '220', '60']));
const swap = ([a, b]: [number, number]): [number, number] => [b, a];

describe('the EPSG table', () => {
  it('holds every projected and geographic 2D CRS of the registry GDAL reads', () => {
    const table = epsgTable()!;
    const counts = JSON.parse(referee(python, ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); print([c.execute("SELECT count(*) FROM projected_crs WHERE auth_name = 'EPSG' AND conversion_auth_name = 'EPSG'").fetchone()[0], c.execute("SELECT count(*) FROM geodetic_crs WHERE auth_name = 'EPSG' AND type = 'geographic 2D'").fetchone()[0]])`]));
    expect(Object.keys(table.crs).length).toBe(counts[0] + counts[1]);
    expect(Object.values(table.crs).filter((e) => e[1] === null).length).toBeLessThan(40); // methods PROJ writes no proj4 for
  });
});

describe(`a sample of ${sample.length} EPSG codes (projected and geographic) gives PROJ's cs2cs points`, () => {
  const projected = sample.filter((s) => s.kind === 'projected');
  const geographic = sample.filter((s) => s.kind === 'geographic');
  const results = { projectedEqual: 0, projectedRefused: [] as string[], geographicEqual: 0, geographicShiftDiffers: [] as string[] };

  it(`${projected.length} projected CRSs: lon/lat on their own datum → x/y within 1 mm, or a typed refusal`, () => {
    const failures: string[] = [];
    for (const s of projected) {
      let def: string;
      try {
        def = epsgCrs(s.code, 'sample').proj4;
      } catch (err) {
        // a typed error naming the method, never a guess
        expect((err as Error).name).toBe('FormatError');
        expect((err as Error).message).toMatch(/projection method|projection variant|axes|PROJ writes no proj4/);
        results.projectedRefused.push(`${s.code} ${s.method}`);
        continue;
      }
      // the projection alone: lon/lat on the CRS's own datum (proj4js goes through WGS 84 and back, a few mm, when both carry +towgs84)
      def = def.replace(/\s\+towgs84=\S+/, '');
      const base = ['+proj=longlat', ...def.split(/\s+/).filter((t) => DATUM_PART.test(t)), '+no_defs'].join(' ');
      const theirs = cs2cs(s.base!, s.code, s.points.map((p) => (s.base_north_first ? swap(p) : p))).map((p) => (s.north_first ? swap(p) : p));
      const ours = s.points.map((p) => proj4(base, def, p) as [number, number]);
      const off = Math.max(...ours.flatMap(([x, y], i) => [Math.abs(x - theirs[i][0]), Math.abs(y - theirs[i][1])]));
      if (off < 0.001) results.projectedEqual++;
      else failures.push(`EPSG:${s.code} ${s.name} (${s.method}): ${off.toFixed(4)} m off`);
    }
    console.log(`[epsg] projected: ${results.projectedEqual} of ${projected.length} within 1 mm of cs2cs; ${results.projectedRefused.length} refused with a typed error (${results.projectedRefused.join(', ')})`);
    expect(failures).toEqual([]);
    expect(results.projectedEqual).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it(`${geographic.length} geographic CRSs: their datum shift to WGS 84 is PROJ's when EPSG gives one Helmert transformation`, () => {
    for (const s of geographic) {
      const def = epsgCrs(s.code, 'sample').proj4;
      const theirs = cs2cs(s.code, 4326, s.points.map((p) => (s.north_first ? swap(p) : p))).map(swap);
      const ours = s.points.map((p) => proj4(def, WGS84, p) as [number, number]);
      const off = Math.max(...ours.flatMap(([lon, lat], i) => [Math.abs(lon - theirs[i][0]) * Math.cos(lat * Math.PI / 180), Math.abs(lat - theirs[i][1])])) * 111_320;
      if (off < 0.01) results.geographicEqual++;
      else results.geographicShiftDiffers.push(`EPSG:${s.code} ${s.name}: ${off.toFixed(2)} m${/towgs84/.test(def) ? '' : ' (no single Helmert: GDAL gives none)'}`);
      // with GDAL's +towgs84 the shift is PROJ's, or within the accuracy of EPSG's Helmert transformations (5–25 m) where PROJ picks a finer one for the area
      if (/towgs84/.test(def)) expect(off, `EPSG:${s.code} ${s.name}`).toBeLessThan(25);
    }
    console.log(`[epsg] geographic: ${results.geographicEqual} of ${geographic.length} within 1 cm of cs2cs's shift to WGS 84; others: ${results.geographicShiftDiffers.join('; ')}`);
    expect(results.geographicEqual).toBeGreaterThanOrEqual(geographic.length / 2);
  }, 120_000);
});
