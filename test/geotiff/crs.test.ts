import { join } from 'node:path';
import proj4 from 'proj4';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_CRS, epsgToProj4, geoKeysToCrs } from '../../src/geotiff/crs.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { realdata, referee, tempDir } from '../helpers.js';

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/**
 * PROJ's projected coordinates of lon/lat points: `cs2cs +proj=longlat +datum=WGS84 +to <def>`,
 * easting then northing whatever the authority's axis order; EPSG codes go through `projinfo`.
 */
function cs2cs(target: string, points: [number, number][]): [number, number][] {
  const def = target.startsWith('+') ? target : referee('projinfo', ['-q', '-o', 'PROJ', target]).trim();
  const args = ['-f', '%.6f', ...WGS84.split(' '), '+to', ...def.replace(/\s*\+type=crs/, '').split(/\s+/)];
  const out = referee('cs2cs', args, points.map(([lon, lat]) => `${lon} ${lat}`).join('\n') + '\n');
  return out.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).map(Number) as [number, number]);
}

function pointsFor(def: string): [number, number][] {
  if (/\+proj=utm/.test(def)) {
    const zone = Number(/\+zone=(\d+)/.exec(def)![1]);
    const lon = -183 + 6 * zone;
    return /\+south/.test(def) ? [[lon, -10], [lon + 2, -45]] : [[lon, 10], [lon + 2, 60]];
  }
  if (/\+lat_0=-90/.test(def)) return [[30, -70], [-120, -80], [100, -60], [0, -89.5]];
  if (/\+lat_0=52/.test(def)) return [[10, 52], [25, 60], [-5, 40]];
  if (/\+proj=aea/.test(def)) return [[-150, 64], [-135, 58], [-160, 70]];
  if (/\+proj=merc/.test(def)) return [[10, 45], [100, -30], [-60, 70]];
  return [[30, 60], [-120, 75], [100, 50], [170, 85], [-45, 45]];
}

function expectWithin1mm(ours: [number, number][], theirs: [number, number][]): void {
  ours.forEach(([x, y], i) => {
    expect(Math.abs(x - theirs[i][0]), `x of point ${i}: ${x} vs ${theirs[i][0]}`).toBeLessThan(0.001);
    expect(Math.abs(y - theirs[i][1]), `y of point ${i}: ${y} vs ${theirs[i][1]}`).toBeLessThan(0.001);
  });
}

describe('epsgToProj4(code) projects as PROJ does, within 1 mm', () => {
  const codes = [...Object.keys(KNOWN_CRS).map(Number).filter((c) => c !== 102018), 32633, 32706];
  for (const code of codes) {
    const def = epsgToProj4(code)!;
    if (def.startsWith('+proj=longlat')) continue;
    it(`EPSG:${code}`, () => {
      const points = pointsFor(def);
      const ours = points.map((p) => proj4(WGS84, def, p) as [number, number]);
      expectWithin1mm(ours, cs2cs(`EPSG:${code}`, points));
    });
  }
  it('ESRI:102018 (North Pole Stereographic, true scale at the pole)', () => {
    const points = pointsFor(KNOWN_CRS[102018].proj4);
    const ours = points.map((p) => proj4(WGS84, KNOWN_CRS[102018].proj4, p) as [number, number]);
    expectWithin1mm(ours, cs2cs('ESRI:102018', points));
  });
});

describe('geoKeysToCrs(keys) for polar stereographic', () => {
  const base = { GTModelTypeGeoKey: 1, GeographicTypeGeoKey: 4326, ProjectedCSTypeGeoKey: 32767, ProjCoordTransGeoKey: 15, ProjLinearUnitsGeoKey: 9001 };

  it('reads variant B from ProjStdParallel1GeoKey', () => {
    const crs = geoKeysToCrs({ ...base, ProjNatOriginLatGeoKey: 90, ProjStdParallel1GeoKey: 71, ProjStraightVertPoleLongGeoKey: 0 }, 'x.tif')!;
    expect(crs.proj4).toMatch(/\+lat_0=90 \+lat_ts=71 \+lon_0=0/);
    const points = pointsFor(crs.proj4);
    expectWithin1mm(points.map((p) => proj4(WGS84, crs.proj4, p) as [number, number]), cs2cs('EPSG:3995', points));
  });

  it('reads variant B from a natural-origin latitude other than ±90 (OGC GeoTIFF issue 110)', () => {
    const crs = geoKeysToCrs({ ...base, ProjNatOriginLatGeoKey: 71, ProjStraightVertPoleLongGeoKey: 0, ProjScaleAtNatOriginGeoKey: 1 }, 'x.tif')!;
    const points = pointsFor(crs.proj4);
    expectWithin1mm(points.map((p) => proj4(WGS84, crs.proj4, p) as [number, number]), cs2cs('EPSG:3995', points));
  });

  it('reads variant A (origin at the pole, scale factor k0)', () => {
    const crs = geoKeysToCrs({ ...base, ProjNatOriginLatGeoKey: 90, ProjStraightVertPoleLongGeoKey: 0, ProjScaleAtNatOriginGeoKey: 0.994, ProjFalseEastingGeoKey: 2e6, ProjFalseNorthingGeoKey: 2e6 }, 'x.tif')!;
    const points = pointsFor(crs.proj4);
    expectWithin1mm(points.map((p) => proj4(WGS84, crs.proj4, p) as [number, number]), cs2cs('EPSG:32661', points));
  });

  it('names the file and the key it cannot translate', () => {
    expect(() => geoKeysToCrs({ ...base, ProjCoordTransGeoKey: 99 }, 'odd.tif')).toThrow(/odd\.tif: user-defined projection with ProjCoordTransGeoKey 99/);
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2193 }, 'nz.tif')).toThrow(/nz\.tif: projected CRS EPSG:2193.*`crs` option/);
  });
});

describe('openRaster(real file).crs agrees with GDAL and PROJ', () => {
  const files: [string, string][] = [
    ['nt_20201024_f18_nrt_s.tif', '+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +a=6378273 +rf=298.279411123064'],
    ['polar_stereographic_variant_a.tif', '+proj=stere +lat_0=-90 +lon_0=180 +k=0.994 +x_0=5000000 +y_0=1000000 +ellps=GRS80'],
    ['polar_stereographic_variant_b.tif', '+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=70 +x_0=6000000 +y_0=6000000 +datum=WGS84'],
  ];
  for (const [file, expected] of files) {
    it(file, async () => {
      const path = join(realdata, 'geotiff', file);
      const raster = await openRaster(path);
      await raster.close();
      const gdalDef = referee('gdalsrsinfo', ['-o', 'proj4', path]).trim();
      const points = pointsFor(expected);
      const ours = points.map((p) => proj4(WGS84, raster.crs, p) as [number, number]);
      expectWithin1mm(ours, cs2cs(expected, points));
      expectWithin1mm(ours, cs2cs(gdalDef, points));
    });
  }

  it('the NSIDC file: 316 × 332, 25 km pixels from (-3950000, 4350000), nodata -3.4e38 in float32', async () => {
    const raster = await openRaster(join(realdata, 'geotiff', 'nt_20201024_f18_nrt_s.tif'));
    await raster.close();
    expect([raster.width, raster.height, raster.dataType]).toEqual([316, 332, 'float32']);
    expect(raster.transform).toMatchObject({ originX: -3950000, originY: 4350000, pixelWidth: 25000, pixelHeight: -25000 });
    expect(raster.noData).toBe(Math.fround(-3.4e38));
    expect(raster.layout).toMatchObject({ compression: 'LZW', tiled: false, blockHeight: 6 });
  });
});

describe('an ArcGIS-style "Stereographic_North_Pole" file written by GDAL', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const esri = 'PROJCS["North_Pole_Stereographic",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Stereographic_North_Pole"],PARAMETER["False_Easting",0.0],' +
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",71.0],UNIT["Meter",1.0]]';
  for (const flavor of ['STANDARD', 'ESRI_PE']) {
    it(`keys flavour ${flavor}: projects like EPSG:3995`, async () => {
      const path = join(tmp.dir, `esri-${flavor}.tif`);
      referee('gdal_create', ['-q', '-outsize', '4', '4', '-bands', '1', '-ot', 'Float32', '-a_srs', esri, '-a_ullr', '-1000', '1000', '1000', '-1000', '-co', `GEOTIFF_KEYS_FLAVOR=${flavor}`, path]);
      const raster = await openRaster(path);
      await raster.close();
      const points = pointsFor(raster.crs);
      expectWithin1mm(points.map((p) => proj4(WGS84, raster.crs, p) as [number, number]), cs2cs('EPSG:3995', points));
    });
  }
});
