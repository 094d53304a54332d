import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { projectRings, rasterizePolygons } from '../../src/grid/rasterize.js';
import { referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-rasterize-');
afterAll(() => tmp.cleanup());

describe('rasterizePolygons(rings, grid)', () => {
  const grid = { width: 40, height: 30, crs: '', transform: { originX: 0, originY: 30, pixelWidth: 1, pixelHeight: -1, rotationX: 0, rotationY: 0 } };

  it('fills the cells whose centres are inside, leaving holes empty', () => {
    const outer: [number, number][] = [[5, 5], [25, 5], [25, 25], [5, 25]];
    const hole: [number, number][] = [[10, 10], [15, 10], [15, 15], [10, 15]];
    const mask = rasterizePolygons([outer, hole], grid).rows(0, 30);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(20 * 20 - 5 * 5);
    expect(mask[(30 - 12) * 40 + 12]).toBe(0); // inside the hole
    expect(mask[(30 - 7) * 40 + 7]).toBe(1);
  });

  it('gives the same rows in any order', () => {
    const tri: [number, number][] = [[1, 1], [39, 3], [12, 29]];
    const raster = rasterizePolygons([tri], grid);
    const whole = raster.rows(0, 30);
    const pieces = [raster.rows(20, 10), raster.rows(0, 20)];
    expect([...pieces[1], ...pieces[0]]).toEqual([...whole]);
  });

  it('agrees with gdal_rasterize on projected Natural Earth-like polygons, across the antimeridian', () => {
    // a lon/lat polygon with a hole and one cut at ±180°, rasterized on a 50 km EPSG:3995 grid
    const polygons = [
      { type: 'Polygon' as const, coordinates: [[[-170, 60], [-120, 58], [-100, 70], [-150, 75], [-170, 60]], [[-150, 64], [-130, 64], [-140, 68], [-150, 64]]] },
      { type: 'MultiPolygon' as const, coordinates: [[[[170, 62], [180, 62], [180, 70], [170, 70], [170, 62]]], [[[-180, 62], [-172, 62], [-172, 70], [-180, 70], [-180, 62]]]] },
    ];
    const crs = epsgToProj4(3995)!;
    const size = 160;
    const g = { width: size, height: size, crs, transform: { originX: -4e6, originY: 4e6, pixelWidth: 50_000, pixelHeight: -50_000, rotationX: 0, rotationY: 0 } };
    const ours = rasterizePolygons(projectRings(polygons, crs), g).rows(0, size);
    const geojson = join(tmp.dir, 'shapes.geojson');
    writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features: polygons.map((geometry) => ({ type: 'Feature', properties: {}, geometry })) }));
    // gdal_rasterize does not reproject: project the vertices with ogr2ogr (PROJ) first
    const projected = join(tmp.dir, 'shapes-3995.geojson');
    referee('ogr2ogr', ['-q', '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:3995', projected, geojson]);
    const out = join(tmp.dir, 'gdal.bsq');
    referee('gdal_rasterize', ['-q', '-burn', '1', '-ot', 'Byte', '-of', 'ENVI', '-te', '-4000000', '-4000000', '4000000', '4000000',
      '-tr', '50000', '50000', projected, out]);
    const theirs = readFileSync(out);
    let differ = 0;
    let filled = 0;
    for (let i = 0; i < ours.length; i++) { if (ours[i] !== theirs[i]) differ++; filled += theirs[i]; }
    expect(filled).toBeGreaterThan(500);
    // same vertices, same cell-centre rule: identical here (a centre exactly on an edge could differ)
    expect(differ).toBe(0);
  });
});
