import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { cellArea, polarStereographicScale } from '../../src/grid/cellArea.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { referee } from '../helpers.js';

const EPSG3995 = epsgToProj4(3995)!;

/**
 * Areas (km²) of cells measured by PROJ: corners through cs2cs into an equal-area projection on
 * the same ellipsoid (polar LAEA for polar grids, cylindrical equal-area otherwise), then the quad.
 */
function projAreas(crs: string, ellipsoid: string, transform: { originX: number; originY: number; pixelWidth: number; pixelHeight: number }, cells: [number, number][]): number[] {
  const corners = cells.flatMap(([c, r]) => [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]]
    .map(([cc, rr]) => `${transform.originX + cc * transform.pixelWidth} ${transform.originY + rr * transform.pixelHeight}`));
  const pole = /\+lat_0=(-?90)\b/.exec(crs);
  const target = pole ? ['+proj=laea', `+lat_0=${pole[1]}`, '+lon_0=0'] : ['+proj=cea', '+lat_ts=0'];
  const out = referee('cs2cs', ['-f', '%.4f', ...crs.split(' '), '+to', ...target, ...ellipsoid.split(' ')], corners.join('\n') + '\n')
    .trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).map(Number));
  return cells.map((_, i) => {
    const q = out.slice(4 * i, 4 * i + 4);
    let twice = 0;
    for (let k = 0; k < 4; k++) twice += q[k][0] * q[(k + 1) % 4][1] - q[(k + 1) % 4][0] * q[k][1];
    return Math.abs(twice) / 2 / 1e6;
  });
}

function randomCells(width: number, height: number, n: number, seed = 11): [number, number][] {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => [Math.floor(random() * width), Math.floor(random() * height)]);
}

describe('polarStereographicScale(lat)', () => {
  it('gives the true areas of 1 km EPSG:3995 cells listed in DOMAIN.md', () => {
    const table: [number, number][] = [[45, 0.770], [50, 0.824], [60, 0.920], [70, 0.994], [71, 1.0], [80, 1.041], [90, 1.057]];
    for (const [lat, km2] of table) expect(Number((1 / polarStereographicScale(lat, { latTs_deg: 71 }) ** 2).toFixed(3))).toBe(km2);
  });
});

describe('cellArea(grid) agrees with PROJ to 0.1 %', () => {
  const cases = [
    { name: '10 km EPSG:3995 (the product grid, lat_ts 71)', crs: EPSG3995, ellps: '+ellps=WGS84', size: 1030, pixel: 10000 },
    { name: '25 km NSIDC south on Hughes 1980 (lat_ts -70)', crs: epsgToProj4(3412)!, ellps: '+a=6378273 +rf=298.279411123064', size: 316, pixel: 25000 },
    { name: '20 km UPS North (variant A, k0 0.994)', crs: epsgToProj4(32661)!, ellps: '+ellps=WGS84', size: 400, pixel: 20000 },
    { name: '10 km ESRI:102018 (true scale at the pole)', crs: epsgToProj4(102018)!, ellps: '+ellps=WGS84', size: 1030, pixel: 10000 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [x0] = /\+x_0=(\S+)/.exec(c.crs)!.slice(1).map(Number);
      const [y0] = /\+y_0=(\S+)/.exec(c.crs)!.slice(1).map(Number);
      const transform = { originX: x0 - (c.size / 2) * c.pixel, originY: y0 + (c.size / 2) * c.pixel, pixelWidth: c.pixel, pixelHeight: -c.pixel, rotationX: 0, rotationY: 0 };
      const area = cellArea({ width: c.size, height: c.size, transform, crs: c.crs });
      expect(area.method).toBe('polar-stereographic');
      const cells = randomCells(c.size, c.size, 200);
      const theirs = projAreas(c.crs, c.ellps, transform, cells);
      cells.forEach(([col, row], i) => expect(Math.abs(area.at(col, row) / theirs[i] - 1)).toBeLessThan(0.001));
      const row = area.row(cells[0][1]);
      expect(row[cells[0][0]]).toBe(area.at(cells[0][0], cells[0][1]));
    });
  }
});

describe('cellArea(grid) sums to the ellipsoid\'s area', () => {
  it('cells of a 20 km EPSG:3995 grid centred north of 45°N sum to the 45°N cap (75.1 M km², not 83.2) within 0.1 %', () => {
    const size = 516;
    const pixel = 20000;
    const transform = { originX: -size / 2 * pixel, originY: size / 2 * pixel, pixelWidth: pixel, pixelHeight: -pixel, rotationX: 0, rotationY: 0 };
    const area = cellArea({ width: size, height: size, transform, crs: EPSG3995 });
    const toLonLat = proj4(EPSG3995, '+proj=longlat +datum=WGS84 +no_defs');
    let total = 0;
    let count = 0;
    for (let r = 0; r < size; r++) {
      const areas = area.row(r);
      for (let c = 0; c < size; c++) {
        const [, lat] = toLonLat.forward([transform.originX + (c + 0.5) * pixel, transform.originY - (r + 0.5) * pixel]);
        if (lat >= 45) { total += areas[c]; count++; }
      }
    }
    const a = 6378.137;
    const f = 1 / 298.257223563;
    const e = Math.sqrt(2 * f - f * f);
    const q = (phi: number) => (1 - e * e) * (Math.sin(phi) / (1 - e * e * Math.sin(phi) ** 2) - Math.log((1 - e * Math.sin(phi)) / (1 + e * Math.sin(phi))) / (2 * e));
    const cap = Math.PI * a * a * (q(Math.PI / 2) - q(Math.PI / 4));
    expect(Math.abs(total / cap - 1)).toBeLessThan(0.001);
    expect(cap / 1e6).toBeCloseTo(75.1, 1);
    expect(count * pixel * pixel / 1e6 / 1e6).toBeCloseTo(83.2, 0);
  });
});

describe('cellArea(grid) for other projections (corner fallback)', () => {
  it('an equal-area grid (EPSG:3035 LAEA Europe): every cell has its pixel area', () => {
    const transform = { originX: 2_000_000, originY: 5_000_000, pixelWidth: 5000, pixelHeight: -5000, rotationX: 0, rotationY: 0 };
    const area = cellArea({ width: 600, height: 600, transform, crs: epsgToProj4(3035)! });
    expect(area.method).toBe('corners');
    for (const [c, r] of randomCells(600, 600, 50)) expect(area.at(c, r)).toBeCloseTo(25, 2);
  });

  it('a 1° geographic grid: a cell between 60 and 61°N has 1/360 of that zone\'s area', () => {
    const transform = { originX: -180, originY: 90, pixelWidth: 1, pixelHeight: -1, rotationX: 0, rotationY: 0 };
    const area = cellArea({ width: 360, height: 180, transform, crs: '+proj=longlat +datum=WGS84 +no_defs' });
    const theirs = projAreas('+proj=longlat +datum=WGS84', '+ellps=WGS84', transform, [[10, 29]]);
    expect(Math.abs(area.at(10, 29) / theirs[0] - 1)).toBeLessThan(1e-6);
    expect(area.at(10, 29)).toBeGreaterThan(5000);
  });
});
