// ds.sample (point values) against GDAL: nearest against gdallocationinfo (GDAL projects the lon/lat
// and picks the cell holding the point), points on cell edges and corners included; bilinear against
// GDAL's bilinear resampling kernel (gdalwarp) at each point.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { randomGenerator } from '../../src/core/random.js';
import { gdallocationinfo, verbsReferee } from './verbsReferee.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });
const magt = () => join(sampleFolder(), 'magt.tif');


/** Random points north of 45°N, seeded. */
function randomPoints(n: number, seed: number): number[][] {
  const r = randomGenerator(seed);
  return Array.from({ length: n }, () => [r.next() * 360 - 180, 45 + r.next() * 44]);
}

/** Points on the edges and corners of cells (in the grid's metres, then lon/lat by PROJ), and 1 mm either side of an edge. */
function edgePoints(): number[][] {
  const t = ds.grid.transform;
  const xy: number[][] = [];
  for (const [c, r] of [[674, 137], [592, 248], [141, 322], [879, 359], [305, 433], [182, 655], [797, 766], [838, 803]]) { // land: the cell, its left and upper neighbours have data
    const x = t.originX + c * t.pixelWidth, y = t.originY + r * t.pixelHeight; // the cell's top-left corner
    xy.push([x, y], [x, y + t.pixelHeight / 2], [x + t.pixelWidth / 2, y], [x - 0.001, y + t.pixelHeight / 2], [x + 0.001, y + t.pixelHeight / 2],
      [x + t.pixelWidth / 2, y + 0.001], [x + t.pixelWidth / 2, y - 0.001]);
  }
  return verbsReferee<number[][]>(['lonlat', 'EPSG:3995'], xy);
}

const values = async (points: number[][], method: 'nearest' | 'bilinear') =>
  (await ds.sample(points.map(([lon, lat]) => ({ lon, lat })), { variable: 'magt', period: '2015-2019', method })).array('magt_c') as Float64Array;

describe('ds.sample(points, { method: "nearest" }) against gdallocationinfo', () => {
  it('400 random points: the value of the cell holding each point, NaN where GDAL finds nodata or no cell', async () => {
    const points = randomPoints(400, 27);
    const ours = await values(points, 'nearest');
    const ref = gdallocationinfo(magt(), 8, points);
    ref.forEach((v, i) => {
      if (v === null) expect(ours[i], `point ${points[i]}`).toBeNaN();
      else expect(Math.abs(ours[i] - v), `point ${points[i]}`).toBeLessThan(1e-6); // GDAL prints float32 values to 15 digits
    });
    expect(ref.filter((v) => v !== null).length).toBeGreaterThan(100);
  });

  it('points on cell edges and corners (given in lon/lat, so on either side by the projection\'s round-off) take the same cell as GDAL, and 1 mm either side too', async () => {
    const points = edgePoints();
    const ours = await values(points, 'nearest');
    const ref = gdallocationinfo(magt(), 8, points);
    ref.forEach((v, i) => {
      if (v === null) expect(ours[i], `point ${i} ${points[i]}`).toBeNaN();
      else expect(Math.abs(ours[i] - v), `point ${i} ${points[i]}`).toBeLessThan(1e-6);
    });
    // at least the three cells 1 mm around each corner (the cell, its left and its upper neighbour), all with data
    expect(ref.every((v) => v !== null)).toBe(true);
    expect(new Set(ref).size).toBeGreaterThanOrEqual(24);
  });
});

// GDAL's bilinear kernel weighs the four cell centres around the point, leaves nodata cells out and
// renormalizes the weights (as ds.sample documents). Both compute in double from float32 cells: 1e-6 °C.
describe('ds.sample(points, { method: "bilinear" }) against GDAL\'s bilinear resampling', () => {
  it('400 random points, among them points beside nodata cells: the same values; NaN in nodata cells', async () => {
    const points = randomPoints(400, 71);
    const ours = await values(points, 'bilinear');
    const ref = verbsReferee<[number | null, number][]>(['bilinear', magt(), 8], points);
    const nearest = gdallocationinfo(magt(), 8, points);
    let compared = 0, partial = 0;
    ref.forEach(([v, valid], i) => {
      // a point in a nodata cell has no value (no snapping asked), though GDAL interpolates from a neighbour
      if (nearest[i] === null) { expect(ours[i], `point ${points[i]}`).toBeNaN(); return; }
      expect(v, `point ${points[i]}`).not.toBeNull();
      expect(Math.abs(ours[i] - v!), `point ${points[i]}: ${ours[i]} vs ${v}`).toBeLessThan(1e-6);
      compared++;
      if (valid < 4) partial++;
    });
    expect(compared).toBeGreaterThan(100);
    expect(partial).toBeGreaterThan(3); // points beside nodata, where the weights are renormalized
  });
});
