import { join } from 'node:path';
import proj4 from 'proj4';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_CRS, epsgToProj4, geoKeysToCrs } from '../../src/geotiff/crs.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { writeGeoTIFF } from '../../src/geotiff/writeGeoTIFF.js';
import { python, realdata, referee, tempDir } from '../helpers.js';

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
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2218 }, 'gl.tif'))
      .toThrow(/gl\.tif: projected CRS EPSG:2218 \(Scoresbysund 1952 \/ Greenland zone 5 east\) cannot be used: Unsupported conversion method: Lambert Conic Conformal \(West Orientated\).*`crs` option/);
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 30000 }, 'x.tif')).toThrow(/EPSG:30000 is not in the EPSG registry \(EPSG v/);
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2046 }, 'lo.tif')).toThrow(/west- and south-pointing axes \(\+axis=wsu\)/);
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3139 }, 'fj.tif')).toThrow(/\+hyperbolic, which proj4js does not compute/);
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

describe('geoKeysToCrs(keys) beyond polar stereographic', () => {
  it('reads a CRS from the whole EPSG registry (NAD27 / UTM 11N, ETRS89 / TM35FIN, KKJ, Gauss-Krüger, State Plane in US feet)', () => {
    for (const [code, name] of [[26711, 'NAD27 / UTM zone 11N'], [3067, 'ETRS89 / TM35FIN(E,N)'], [2393, 'KKJ / Finland Uniform Coordinate System'],
      [31467, 'DHDN / 3-degree Gauss-Kruger zone 3'], [2229, 'NAD83 / California zone 5 (ftUS)']] as const) {
      const crs = geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: code }, 'x.tif')!;
      expect(crs.epsg).toBe(code);
      expect(crs.name).toBe(name);
    }
    expect(geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2229 }, 'x.tif')!.proj4).toMatch(/\+units=us-ft/);
  });

  it("takes ESRI's name of an EPSG CRS in the citation of user-defined keys, as ArcGIS writes them", () => {
    const crs = geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767, PCSCitationGeoKey: 'WGS_1984_Web_Mercator_Auxiliary_Sphere' }, 'x.tif')!;
    expect(crs.epsg).toBe(3857);
    const pe = geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767,
      GTCitationGeoKey: 'ESRI PE String = PROJCS["NAD_1983_StatePlane_California_V_FIPS_0405_Feet",GEOGCS["GCS_North_American_1983"]]' }, 'x.tif')!;
    expect(pe.epsg).toBe(2229);
  });

  it('reports keys that define no CRS as no CRS (null), not as WGS 84', () => {
    expect(geoKeysToCrs({ GTRasterTypeGeoKey: 1 }, 'x.tif')).toBeNull();
    expect(geoKeysToCrs({ GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, GTCitationGeoKey: 'local grid' }, 'x.tif')).toBeNull();
  });

  it('refuses an ellipsoid with a negative or zero axis, and a user-defined projection without a method', () => {
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 32767, GeogSemiMajorAxisGeoKey: -6378137, GeogInvFlatteningGeoKey: 298.257 }, 'neg.tif'))
      .toThrow(/neg\.tif: invalid GeogSemiMajorAxisGeoKey: -6378137 \(expected a positive length in metres\)/);
    expect(() => geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767, PCSCitationGeoKey: 'my own grid' }, 'u.tif'))
      .toThrow(/u\.tif: user-defined projected CRS "my own grid" names no projection \(ProjCoordTransGeoKey and ProjectionGeoKey are undefined\)/);
  });
});

/**
 * Makes a 40 × 30 GeoTIFF with GDAL (`gdal_create -a_srs`) around a point (the CRS's area of use
 * when it has one), and returns GDAL's geotransform and the lon/lat, on the CRS's own geographic
 * CRS in degrees, of three pixel corners.
 */
function gdalFile(path: string, srs: string, lon: number, lat: number): { transform: number[]; lonlat: [number, number][]; cells: [number, number][] } {
  const script = `
import json, subprocess, sys
from osgeo import gdal, osr
gdal.UseExceptions()
path, text, lon, lat = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
srs = osr.SpatialReference(); srs.SetFromUserInput(text); srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
area = srs.GetAreaOfUse()
if area: lon, lat = (area.west_lon_degree + area.east_lon_degree) / 2, (area.south_lat_degree + area.north_lat_degree) / 2
geog = srs.CloneGeogCS(); geog.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
x, y = osr.CoordinateTransformation(geog, srs).TransformPoint(lon, lat)[:2]
subprocess.run(['gdal_create', '-q', '-outsize', '40', '30', '-ot', 'Byte', '-a_srs', text, '-a_ullr', str(x - 2000), str(y + 1500), str(x + 2000), str(y - 1500), path], check=True)
ds = gdal.Open(path); gt = ds.GetGeoTransform(); srs = ds.GetSpatialRef(); srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
geog = srs.CloneGeogCS(); geog.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
ct = osr.CoordinateTransformation(srs, geog)
to_degrees = geog.GetAngularUnits() * 57.29577951308232
cells = [(0, 0), (ds.RasterXSize, 0), (ds.RasterXSize // 2, ds.RasterYSize)]
xy = [(gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]) for c, r in cells]
print(json.dumps({'transform': gt, 'cells': cells, 'lonlat': [[v * to_degrees for v in ct.TransformPoint(x, y)[:2]] for x, y in xy]}))`;
  return JSON.parse(referee(python, ['-c', script, path, srs, String(lon), String(lat)]));
}

describe('openRaster(file made by GDAL with -a_srs) agrees with GDAL: geotransform, and corners in lon/lat within 1 mm', () => {
  const tmp = tempDir('permafrost-crs-');
  afterAll(() => tmp.cleanup());
  const cases: [string, string, number, number][] = [
    ['a user-defined LCC in US survey feet (State Plane keys, false easting in feet)',
      '+proj=lcc +lat_0=33.5 +lon_0=-118 +lat_1=35.4666666666667 +lat_2=34.0333333333333 +x_0=2000000.0001016 +y_0=500000.0001016 +ellps=GRS80 +units=us-ft +no_defs', -118.5, 34.2],
    ['a user-defined transverse Mercator in international feet', '+proj=tmerc +lat_0=0 +lon_0=-81 +k=0.9996 +x_0=152400.3048 +y_0=0 +ellps=clrk66 +units=ft +no_defs', -80, 28],
    ['a user-defined Albers in kilometres', '+proj=aea +lat_0=50 +lon_0=-154 +lat_1=55 +lat_2=65 +x_0=100000 +y_0=0 +datum=WGS84 +units=km +no_defs', -150, 64],
    ['a user-defined oblique stereographic', '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +units=m +no_defs', 5, 52],
    ['a user-defined LAEA', '+proj=laea +lat_0=60 +lon_0=20 +x_0=1000 +y_0=-2000 +ellps=GRS80 +units=m +no_defs', 25, 65],
    ['a user-defined equidistant conic', '+proj=eqdc +lat_0=40 +lon_0=-96 +lat_1=20 +lat_2=60 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs', -100, 45],
    ['a user-defined LCC 1SP', '+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=2.337229167 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80ign +units=m +no_defs', 2, 47],
    ...([['EPSG:26711', 'NAD27 / UTM 11N'], ['EPSG:3067', 'ETRS89 / TM35FIN'], ['EPSG:2393', 'KKJ'], ['EPSG:31467', 'DHDN / Gauss-Krüger 3'], ['EPSG:2229', 'California 5 (ftUS)'],
      ['EPSG:27700', 'British National Grid'], ['EPSG:2193', 'NZGD2000 / NZTM'], ['EPSG:3577', 'GDA94 / Australian Albers'], ['EPSG:2056', 'Swiss LV95'],
      ['EPSG:5514', 'S-JTSK / Krovak East North'], ['EPSG:27572', 'NTF (Paris) / Lambert zone II'], ['EPSG:4230', 'ED50 geographic'], ['EPSG:3006', 'SWEREF99 TM'],
      ['EPSG:2154', 'RGF93 / Lambert-93'], ['EPSG:3414', 'SVY21 / Singapore TM'], ['EPSG:32145', 'NAD83 / Vermont'], ['EPSG:3413', 'NSIDC North']] as [string, string][])
      .map(([code, what]) => [`${code} (${what})`, code, 0, 0] as [string, string, number, number]),
  ];
  for (const [what, srs, lon0, lat0] of cases) {
    it(what, async () => {
      const path = join(tmp.dir, `${what.replace(/\W+/g, '_')}.tif`);
      const gdal = gdalFile(path, srs, lon0, lat0);
      const r = await openRaster(path);
      const t = r.transform;
      expect([t.originX, t.pixelWidth, t.rotationX, t.originY, t.rotationY, t.pixelHeight]).toEqual(gdal.transform);
      const base = ['+proj=longlat', ...r.crs.split(/\s+/).filter((p) => /^\+(datum|ellps|towgs84|nadgrids|a|b|rf|R|pm)=/.test(p)), '+no_defs'].join(' ');
      gdal.cells.forEach(([c, row], i) => {
        const [lon, lat] = proj4(r.crs, base, [t.originX + c * t.pixelWidth, t.originY + row * t.pixelHeight]) as [number, number];
        const metres = Math.max(Math.abs(lon - gdal.lonlat[i][0]) * Math.cos(lat * Math.PI / 180), Math.abs(lat - gdal.lonlat[i][1])) * 111_320;
        expect(metres, `corner ${i}: ${lon}, ${lat} vs GDAL ${gdal.lonlat[i]}`).toBeLessThan(0.001);
      });
      await r.close();
    });
  }

  it('writes a registry CRS back as its code: geographic ED50 as GeographicTypeGeoKey, ETRS89 / TM35FIN as ProjectedCSTypeGeoKey', async () => {
    for (const code of [4230, 3067]) {
      const path = join(tmp.dir, `in_${code}.tif`), out = join(tmp.dir, `out_${code}.tif`);
      gdalFile(path, `EPSG:${code}`, 0, 0);
      const r = await openRaster(path);
      await writeGeoTIFF(out, { ...r, values: await r.read() });
      await r.close();
      const wkt = referee('gdalsrsinfo', ['-o', 'wkt1', '--single-line', out]);
      expect(wkt).toMatch(new RegExp(`AUTHORITY\\["EPSG","${code}"\\]\\]\\s*$`));
    }
  });

  it('refuses a south-oriented CRS (Cape / Lo15, westings and southings) with a typed error instead of reading it mirrored', async () => {
    const path = join(tmp.dir, 'lo15.tif');
    gdalFile(path, 'EPSG:22275', 0, 0);
    await expect(openRaster(path)).rejects.toThrow(/EPSG:22275 \(Cape \/ Lo15\) has west- and south-pointing axes/);
  });
});
