import proj4 from 'proj4';
import { FormatError, invalid } from '../errors.js';
import { epsgTable } from './epsgTable.js';

/** A coordinate reference system as this package carries it. */
export interface Crs {
  /** proj4 definition, usable with proj4js and PROJ's `cs2cs`. */
  proj4: string;
  /** EPSG code when the file names one (or an ESRI code such as 102018), else null. */
  epsg: number | null;
  /** A readable name (citation from the file, or the EPSG name). */
  name: string;
}

const WGS84 = '+datum=WGS84';
const HUGHES = '+a=6378273 +rf=298.279411123064';

/**
 * proj4 definitions of the EPSG (and ESRI) codes this package knows without a database.
 * EPSG:3411 and 3412 keep their Hughes 1980 ellipsoid, as PROJ defines them; GDAL's GeoTIFF
 * reader replaces these deprecated codes with the WGS 84 based 3413/3976 (tens of metres apart).
 */
export const KNOWN_CRS: Record<number, { name: string; proj4: string }> = {
  4326: { name: 'WGS 84', proj4: `+proj=longlat ${WGS84} +no_defs` },
  4269: { name: 'NAD83', proj4: '+proj=longlat +datum=NAD83 +no_defs' },
  4258: { name: 'ETRS89', proj4: '+proj=longlat +ellps=GRS80 +no_defs' },
  3995: { name: 'WGS 84 / Arctic Polar Stereographic', proj4: `+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3996: { name: 'WGS 84 / IBCAO Polar Stereographic', proj4: `+proj=stere +lat_0=90 +lat_ts=75 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3413: { name: 'WGS 84 / NSIDC Sea Ice Polar Stereographic North', proj4: `+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3411: { name: 'NSIDC Sea Ice Polar Stereographic North', proj4: `+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 ${HUGHES} +units=m +no_defs` },
  3412: { name: 'NSIDC Sea Ice Polar Stereographic South', proj4: `+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +x_0=0 +y_0=0 ${HUGHES} +units=m +no_defs` },
  3031: { name: 'WGS 84 / Antarctic Polar Stereographic', proj4: `+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3976: { name: 'WGS 84 / NSIDC Sea Ice Polar Stereographic South', proj4: `+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  32661: { name: 'WGS 84 / UPS North (N,E)', proj4: `+proj=stere +lat_0=90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84} +units=m +no_defs` },
  5936: { name: 'WGS 84 / EPSG Alaska Polar Stereographic', proj4: `+proj=stere +lat_0=90 +lon_0=-150 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84} +units=m +no_defs` },
  102018: { name: 'North Pole Stereographic (ESRI)', proj4: `+proj=stere +lat_0=90 +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3408: { name: 'NSIDC EASE-Grid North', proj4: '+proj=laea +lat_0=90 +lon_0=0 +x_0=0 +y_0=0 +R=6371228 +units=m +no_defs' },
  6931: { name: 'WGS 84 / NSIDC EASE-Grid 2.0 North', proj4: `+proj=laea +lat_0=90 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  6932: { name: 'WGS 84 / NSIDC EASE-Grid 2.0 South', proj4: `+proj=laea +lat_0=-90 +lon_0=0 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3571: { name: 'WGS 84 / North Pole LAEA Bering Sea', proj4: `+proj=laea +lat_0=90 +lon_0=180 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3572: { name: 'WGS 84 / North Pole LAEA Alaska', proj4: `+proj=laea +lat_0=90 +lon_0=-150 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3573: { name: 'WGS 84 / North Pole LAEA Canada', proj4: `+proj=laea +lat_0=90 +lon_0=-100 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3574: { name: 'WGS 84 / North Pole LAEA Atlantic', proj4: `+proj=laea +lat_0=90 +lon_0=-40 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3575: { name: 'WGS 84 / North Pole LAEA Europe', proj4: `+proj=laea +lat_0=90 +lon_0=10 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3576: { name: 'WGS 84 / North Pole LAEA Russia', proj4: `+proj=laea +lat_0=90 +lon_0=90 +x_0=0 +y_0=0 ${WGS84} +units=m +no_defs` },
  3035: { name: 'ETRS89-extended / LAEA Europe', proj4: '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs' },
  3338: { name: 'NAD83 / Alaska Albers', proj4: '+proj=aea +lat_0=50 +lon_0=-154 +lat_1=55 +lat_2=65 +x_0=0 +y_0=0 +datum=NAD83 +units=m +no_defs' },
  3857: { name: 'WGS 84 / Pseudo-Mercator', proj4: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs' },
};

/** The proj4 definition of an EPSG code: the table above, WGS 84 / UTM zones, or the EPSG table; null when unknown. */
export function epsgToProj4(code: number): string | null {
  if (KNOWN_CRS[code]) return KNOWN_CRS[code].proj4;
  if (code >= 32601 && code <= 32660) return `+proj=utm +zone=${code - 32600} ${WGS84} +units=m +no_defs`;
  if (code >= 32701 && code <= 32760) return `+proj=utm +zone=${code - 32700} +south ${WGS84} +units=m +no_defs`;
  const entry = epsgTable()?.crs[code];
  return entry?.[1] ? `${entry[1]} +no_defs` : null;
}

/**
 * The CRS of an EPSG code, as GDAL defines it.
 * @throws FormatError when the registry has no such code, when PROJ writes no proj4 definition for
 * it, or when proj4js cannot compute its projection; each says which and suggests the `crs` option.
 * @example
 * epsgCrs(3067, 'a.tif').name; // 'ETRS89 / TM35FIN(E,N)'
 */
export function epsgCrs(code: number, where?: string, kind = 'CRS'): Crs {
  const entry = epsgTable()?.crs[code];
  const proj4 = epsgToProj4(code);
  const name = KNOWN_CRS[code]?.name ?? entry?.[0] ?? `EPSG:${code}`;
  const fix = 'pass its proj4 definition with the `crs` option';
  if (!proj4) {
    if (entry) throw new FormatError(`${kind} EPSG:${code} (${name}) cannot be used: ${entry[2]} (PROJ writes no proj4 definition for it); ${fix}`, where);
    if (!epsgTable()) {
      throw new FormatError(`${kind} EPSG:${code} is not one of the built-in codes, and the EPSG table was not built ` +
        '(it needs GDAL\'s Python bindings at build time: run npm run setup); ' + fix, where);
    }
    throw new FormatError(`${kind} EPSG:${code} is not in the EPSG registry (${epsgTable()!.source}); ${fix}`, where);
  }
  return { proj4: checked(proj4, `${kind} EPSG:${code} (${name})`, where), epsg: code, name };
}

/** PROJ parameters that proj4js accepts but ignores: Vanua Levu's hyperbolic Cassini, Guam's azimuthal equidistant. */
const IGNORED_BY_PROJ4JS = ['hyperbolic', 'guam'];

/** The definition, once proj4js has shown it can compute it. */
function checked(proj4def: string, what: string, where?: string): string {
  const ignored = IGNORED_BY_PROJ4JS.find((p) => new RegExp(`\\+${p}(\\s|=|$)`).test(proj4def));
  if (ignored) {
    throw new FormatError(`${what} uses the projection variant +${ignored}, which proj4js does not compute (it would silently give the plain projection); ` +
      'pass an equivalent proj4 definition with the `crs` option', where);
  }
  const axis = /\+axis=(\w+)/.exec(proj4def)?.[1];
  if (axis && axis !== 'enu') {
    throw new FormatError(`${what} has ${axis === 'wsu' ? 'west- and south-pointing' : 'other than east- and north-pointing'} axes (+axis=${axis}), ` +
      'which proj4js applies only on request (its coordinates would come out mirrored); pass the CRS with east, north axes with the `crs` option', where);
  }
  try {
    new proj4.Proj(proj4def);
  } catch (err) {
    const method = /\+proj=(\S+)/.exec(proj4def)?.[1] ?? '?';
    throw new FormatError(`${what} uses the projection method "${method}", which proj4js cannot compute (${err instanceof Error ? err.message : String(err)}); ` +
      'pass an equivalent proj4 definition with the `crs` option', where);
  }
  return proj4def;
}

const USER_DEFINED = 32767;
const DEGREE = Math.PI / 180;
/** proj4's names of the linear units GeoTIFFs use; any other is written as `+to_meter`. */
const UNIT_NAMES: [number, string][] = [[1, 'm'], [0.3048, 'ft'], [1200 / 3937, 'us-ft'], [1000, 'km']];
const ELLIPSOIDS: Record<number, [number, number]> = { 7030: [6378137, 298.257223563], 7019: [6378137, 298.257222101], 7008: [6378206.4, 294.978698213898], 7058: [6378273, 298.279411123064], 7043: [6378135, 298.26], 7022: [6378388, 297], 7024: [6378245, 298.3], 7004: [6377397.155, 299.1528128], 7035: [6371000, 0], 7048: [6371007.181, 0] };
const GEOGRAPHIC: Record<number, string> = {
  4326: WGS84, 4269: '+datum=NAD83', 4258: '+ellps=GRS80', 4267: '+datum=NAD27', 4019: '+ellps=GRS80',
  4030: '+ellps=WGS84', 4054: HUGHES, 4047: '+R=6371007', 4035: '+R=6371000', 4053: '+R=6371228',
};
/** GeoTIFF's linear units by code, without the EPSG table. */
const LINEAR: Record<number, number> = { 9001: 1, 9002: 0.3048, 9003: 1200 / 3937, 9036: 1000 };

type Keys = Record<string, unknown>;

/**
 * Translates GeoTIFF GeoKeys into a proj4 definition, the way GDAL reads them: an EPSG code from
 * the registry; a user-defined projection (ProjCoordTransGeoKey or an EPSG conversion in
 * ProjectionGeoKey) in any linear unit, its false easting and northing in that unit; ESRI's name
 * of an EPSG CRS in the citation (ArcGIS's `WGS_1984_Web_Mercator_Auxiliary_Sphere`). Keys that
 * define no CRS (GDAL's local, engineering CRS) give null. Polar stereographic: a
 * `ProjStdParallel1GeoKey`, or a natural-origin latitude other than ±90 (OGC GeoTIFF issue 110:
 * variant B files written with the standard parallel there), gives variant B with that latitude
 * of true scale; a natural origin at ±90 gives variant A with k0.
 * @param where the file, for messages
 * @throws FormatError for a CRS that cannot be built (never a guess)
 * @example
 * geoKeysToCrs({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3067 }, 'a.tif')!.epsg; // 3067
 */
export function geoKeysToCrs(keys: Keys | null, where: string): Crs | null {
  if (!keys || Object.keys(keys).length === 0) return null;
  const num = (name: string): number | undefined => {
    const v = keys[name];
    const n = Array.isArray(v) ? Number(v[0]) : v === undefined ? undefined : Number(v);
    return n === undefined || Number.isNaN(n) ? undefined : n;
  };
  const citation = String(keys.PCSCitationGeoKey ?? keys.GTCitationGeoKey ?? keys.GeogCitationGeoKey ?? '').replace(/\|+$/, '').trim();
  const model = num('GTModelTypeGeoKey');
  const projected = num('ProjectedCSTypeGeoKey');
  const geographic = num('GeographicTypeGeoKey');
  const transform = num('ProjCoordTransGeoKey');
  const conversion = num('ProjectionGeoKey');
  if (model === 3) throw new FormatError('geocentric CRS (GTModelTypeGeoKey 3) is not supported', where);
  if (model !== 2 && projected !== undefined && projected !== USER_DEFINED) return epsgCrs(projected, where, 'projected CRS');

  const isProjected = model === 1 || projected === USER_DEFINED || (model === undefined && (transform !== undefined || conversion !== undefined));
  if (!isProjected) {
    if (model === undefined && geographic === undefined && !ellipsoidKeys(num)) return null; // no CRS: GDAL's local CRS
    if (geographic !== undefined && geographic !== USER_DEFINED) return epsgCrs(geographic, where, 'geographic CRS');
    return { proj4: `+proj=longlat ${earth(num, where)} +no_defs`, epsg: null, name: citation || 'geographic' };
  }

  // ESRI's (or EPSG's) name of a registry CRS, as ArcGIS writes user-defined keys.
  if (transform === undefined && (conversion === undefined || conversion === USER_DEFINED)) {
    const named = byName(citation);
    if (named !== null) return epsgCrs(named, where, 'projected CRS');
    if (model === 1 && projected === undefined && geographic === undefined) return null; // a local CRS
    throw new FormatError(`user-defined projected CRS${citation ? ` "${citation}"` : ''} names no projection (ProjCoordTransGeoKey and ProjectionGeoKey are undefined); ` +
      'pass its proj4 definition with the `crs` option', where);
  }

  const unit = linearUnit(num, where);
  const datum = earth(num, where);
  if (transform === undefined) {
    // an EPSG conversion (for example a State Plane zone) on this datum, in this unit
    const sample = epsgTable()?.conversions[conversion!];
    if (sample === undefined) {
      throw new FormatError(`ProjectionGeoKey ${conversion} is not a conversion ${epsgTable() ? 'of the EPSG registry that proj4 can write' : 'this reader knows (the EPSG table was not built: run npm run setup)'}; ` +
        'pass its proj4 definition with the `crs` option', where);
    }
    const params = epsgToProj4(sample)!.split(/\s+/).filter((t) => !/^\+(datum|ellps|towgs84|nadgrids|a|b|rf|R|pm|units|to_meter|no_defs|type)(=|$)/.test(t));
    return { proj4: checked(`${params.join(' ')} ${datum} ${unit.proj4} +no_defs`, `ProjectionGeoKey ${conversion}`, where), epsg: null, name: citation || `EPSG conversion ${conversion}` };
  }

  const angle = angularUnit(num);
  const deg = (...names: string[]): number => { for (const n of names) { const v = num(n); if (v !== undefined) return v * angle; } return 0; };
  const one = (...names: string[]): number => { for (const n of names) { const v = num(n); if (v !== undefined) return v; } return 1; };
  const metres = (...names: string[]): number => { for (const n of names) { const v = num(n); if (v !== undefined) return v * unit.metres; } return 0; };
  const fe = metres('ProjFalseEastingGeoKey', 'ProjFalseOriginEastingGeoKey', 'ProjCenterEastingGeoKey');
  const fn = metres('ProjFalseNorthingGeoKey', 'ProjFalseOriginNorthingGeoKey', 'ProjCenterNorthingGeoKey');
  const lat0 = () => deg('ProjNatOriginLatGeoKey', 'ProjFalseOriginLatGeoKey', 'ProjCenterLatGeoKey');
  const lon0 = () => deg('ProjNatOriginLongGeoKey', 'ProjFalseOriginLongGeoKey', 'ProjCenterLongGeoKey');
  const center = () => `+lat_0=${deg('ProjCenterLatGeoKey', 'ProjNatOriginLatGeoKey')} +lon_0=${deg('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey')}`;
  const k = () => one('ProjScaleAtNatOriginGeoKey', 'ProjScaleAtCenterGeoKey');
  let proj: string;
  switch (transform) {
    case 15: { // polar stereographic
      const originLat = num('ProjNatOriginLatGeoKey') !== undefined ? deg('ProjNatOriginLatGeoKey') : 90;
      const lon = num('ProjStraightVertPoleLongGeoKey') !== undefined ? deg('ProjStraightVertPoleLongGeoKey') : lon0();
      const stdParallel = num('ProjStdParallel1GeoKey') !== undefined ? deg('ProjStdParallel1GeoKey') : undefined;
      if (stdParallel !== undefined || Math.abs(originLat) !== 90) {
        const latTs = stdParallel ?? originLat;
        proj = `+proj=stere +lat_0=${latTs < 0 ? -90 : 90} +lat_ts=${latTs} +lon_0=${lon}`;
      } else {
        proj = `+proj=stere +lat_0=${originLat} +lon_0=${lon} +k=${one('ProjScaleAtNatOriginGeoKey')}`;
      }
      break;
    }
    case 14: // stereographic (EPSG 9809, oblique, is 16)
      proj = `+proj=stere ${center()} +k=${k()}`; break;
    case 16:
      proj = `+proj=sterea +lat_0=${lat0()} +lon_0=${lon0()} +k=${k()}`; break;
    case 1: // transverse Mercator
      proj = `+proj=tmerc +lat_0=${lat0()} +lon_0=${lon0()} +k=${k()}`; break;
    case 27: // transverse Mercator, south oriented
      proj = `+proj=tmerc +axis=wsu +lat_0=${lat0()} +lon_0=${lon0()} +k=${k()}`; break;
    case 3: // Hotine oblique Mercator, variant A
    case 9815: // variant B (GeoTIFF 1.1 uses the EPSG method code)
      proj = `+proj=omerc ${transform === 3 ? '+no_uoff ' : ''}+lat_0=${deg('ProjCenterLatGeoKey', 'ProjNatOriginLatGeoKey')} +lonc=${deg('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey')} ` +
        `+alpha=${deg('ProjAzimuthAngleGeoKey')} +gamma=${num('ProjRectifiedGridAngleGeoKey') !== undefined ? deg('ProjRectifiedGridAngleGeoKey') : deg('ProjAzimuthAngleGeoKey')} +k=${one('ProjScaleAtCenterGeoKey', 'ProjScaleAtNatOriginGeoKey')}`;
      break;
    case 7: { // Mercator: 2SP with a standard parallel, else 1SP with a scale
      const sp = num('ProjStdParallel1GeoKey');
      proj = `+proj=merc +lon_0=${lon0()} ${sp !== undefined ? `+lat_ts=${sp * angle}` : `+k=${k()}`}`;
      break;
    }
    case 8: // Lambert conformal conic, 2SP
      proj = `+proj=lcc +lat_0=${deg('ProjFalseOriginLatGeoKey', 'ProjNatOriginLatGeoKey', 'ProjCenterLatGeoKey')} +lon_0=${deg('ProjFalseOriginLongGeoKey', 'ProjNatOriginLongGeoKey', 'ProjCenterLongGeoKey')} ` +
        `+lat_1=${deg('ProjStdParallel1GeoKey')} +lat_2=${deg('ProjStdParallel2GeoKey', 'ProjStdParallel1GeoKey')}`;
      break;
    case 9: { // Lambert conformal conic, 1SP
      const lat = lat0();
      proj = `+proj=lcc +lat_1=${lat} +lat_0=${lat} +lon_0=${lon0()} +k_0=${k()}`;
      break;
    }
    case 10: // Lambert azimuthal equal area
      proj = `+proj=laea ${center()}`; break;
    case 11: // Albers equal area
      proj = `+proj=aea +lat_0=${lat0()} +lon_0=${lon0()} +lat_1=${deg('ProjStdParallel1GeoKey')} +lat_2=${deg('ProjStdParallel2GeoKey', 'ProjStdParallel1GeoKey')}`;
      break;
    case 12: proj = `+proj=aeqd ${center()}`; break;
    case 13: proj = `+proj=eqdc ${center()} +lat_1=${deg('ProjStdParallel1GeoKey')} +lat_2=${deg('ProjStdParallel2GeoKey', 'ProjStdParallel1GeoKey')}`; break;
    case 17: // equirectangular
      proj = `+proj=eqc +lat_ts=${deg('ProjStdParallel1GeoKey')} +lat_0=${deg('ProjCenterLatGeoKey')} +lon_0=${deg('ProjNatOriginLongGeoKey', 'ProjCenterLongGeoKey')}`; break;
    case 18: proj = `+proj=cass +lat_0=${lat0()} +lon_0=${lon0()}`; break;
    case 19: proj = `+proj=gnom ${center()}`; break;
    case 20: proj = `+proj=mill ${center()}`; break;
    case 21: proj = `+proj=ortho ${center()}`; break;
    case 22: proj = `+proj=poly +lat_0=${lat0()} +lon_0=${lon0()}`; break;
    case 23: proj = `+proj=robin +lon_0=${deg('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey')}`; break;
    case 24: proj = `+proj=sinu +lon_0=${deg('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey')}`; break;
    case 25: proj = `+proj=vandg +lon_0=${deg('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey')}`; break;
    case 26: proj = `+proj=nzmg +lat_0=${lat0()} +lon_0=${lon0()}`; break;
    case 28: proj = `+proj=cea +lat_ts=${deg('ProjStdParallel1GeoKey')} +lon_0=${lon0()}`; break;
    default:
      throw new FormatError(`user-defined projection with ProjCoordTransGeoKey ${transform} is not supported ` +
        '(supported: the GeoTIFF 1.1 projections 1, 3, 7–28 and 9815, other than 2); pass its proj4 definition with the `crs` option', where);
  }
  const def = `${proj} +x_0=${fe} +y_0=${fn} ${datum} ${unit.proj4} +no_defs`;
  return { proj4: checked(def, `the user-defined projection${citation ? ` "${citation}"` : ''}`, where), epsg: null, name: citation || 'user-defined' };
}

/** The registry code of a CRS name (ESRI's alias or EPSG's name), or null. */
function byName(citation: string): number | null {
  const t = epsgTable();
  if (!t || !citation) return null;
  // ArcGIS: "ESRI PE String = PROJCS["name",…" or the name itself; GDAL: "name|" or "WGS 84 / …"
  const name = /PROJCS\["([^"]+)"/.exec(citation)?.[1] ?? citation.split('|')[0].trim();
  if (t.esriNames[name] !== undefined) return t.esriNames[name];
  for (const [code, entry] of Object.entries(t.crs)) if (entry[0] === name && entry[1] && !entry[1].startsWith('+proj=longlat')) return Number(code);
  return null;
}

function ellipsoidKeys(num: (name: string) => number | undefined): boolean {
  return ['GeogSemiMajorAxisGeoKey', 'GeogEllipsoidGeoKey', 'GeogGeodeticDatumGeoKey'].some((k) => num(k) !== undefined);
}

/**
 * The datum or ellipsoid part of a proj4 definition: the geographic CRS's code, the datum's, the
 * ellipsoid's or its axes; none of them gives WGS 84's ellipsoid, as GDAL does ("unretrievable -
 * using WGS84"). With the prime meridian when it is not Greenwich.
 */
function earth(num: (name: string) => number | undefined, where: string): string {
  const code = num('GeographicTypeGeoKey');
  const datumCode = num('GeogGeodeticDatumGeoKey');
  const a = num('GeogSemiMajorAxisGeoKey');
  const b = num('GeogSemiMinorAxisGeoKey');
  const rf = num('GeogInvFlatteningGeoKey');
  const ellps = num('GeogEllipsoidGeoKey');
  const t = epsgTable();
  for (const [name, v] of [['GeogSemiMajorAxisGeoKey', a], ['GeogSemiMinorAxisGeoKey', b]] as const) {
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new FormatError(`invalid ${name}: ${v} (expected a positive length in metres)`, where);
  }
  if (rf !== undefined && !(rf === 0 || (rf >= 1 && Number.isFinite(rf)))) throw new FormatError(`invalid GeogInvFlatteningGeoKey: ${rf} (expected 0 for a sphere, or ≥ 1)`, where);
  let pm = '';
  const pmCode = num('GeogPrimeMeridianGeoKey');
  const pmLon = num('GeogPrimeMeridianLongGeoKey') ?? (pmCode !== undefined && pmCode !== USER_DEFINED ? t?.primeMeridians[pmCode] : undefined);
  if (pmLon) pm = ` +pm=${pmLon * (num('GeogPrimeMeridianLongGeoKey') !== undefined ? angularUnit(num) : 1)}`;

  const fromGcs = (gcs: number): string | null => {
    if (GEOGRAPHIC[gcs]) return GEOGRAPHIC[gcs];
    const def = t?.crs[gcs]?.[1];
    return def ? def.replace(/\+proj=longlat\s*/, '').replace(/\s*\+no_defs/, '').trim() : null;
  };
  if (code !== undefined && code !== USER_DEFINED) {
    const part = fromGcs(code);
    if (part) return part;
    throw new FormatError(`geographic CRS EPSG:${code} is not ${t ? `in the EPSG registry (${t.source})` : 'one this reader knows (the EPSG table was not built: run npm run setup)'}; ` +
      'pass the proj4 definition with the `crs` option', where);
  }
  if (a !== undefined && rf !== undefined) return (rf === 0 ? `+R=${a}` : `+a=${a} +rf=${rf}`) + pm;
  if (a !== undefined && b !== undefined) return (a === b ? `+R=${a}` : `+a=${a} +b=${b}`) + pm;
  const axes = ellps !== undefined && ellps !== USER_DEFINED ? ELLIPSOIDS[ellps] ?? t?.ellipsoids[ellps] : undefined;
  if (ellps !== undefined && ellps !== USER_DEFINED && !axes) {
    throw new FormatError(`GeogEllipsoidGeoKey ${ellps} is not an ellipsoid ${t ? 'of the EPSG registry' : 'this reader knows (the EPSG table was not built)'}`, where);
  }
  if (axes) return (axes[1] === 0 ? `+R=${axes[0]}` : `+a=${axes[0]} +rf=${axes[1]}`) + pm;
  if (datumCode !== undefined && datumCode !== USER_DEFINED) {
    const gcs = t?.datums[datumCode];
    const part = gcs !== undefined ? fromGcs(gcs) : null;
    if (part) return part + pm;
    throw new FormatError(`GeogGeodeticDatumGeoKey ${datumCode} is not a datum ${t ? 'of the EPSG registry' : 'this reader knows (the EPSG table was not built)'}`, where);
  }
  if (a !== undefined) return `+R=${a}${pm}`;
  return WGS84.replace('+datum=WGS84', '+ellps=WGS84') + pm;
}

/** The projection's linear unit: metres per unit and the proj4 `+units`/`+to_meter` for it. */
function linearUnit(num: (name: string) => number | undefined, where: string): { metres: number; proj4: string } {
  const code = num('ProjLinearUnitsGeoKey');
  let metres = 1;
  if (code === USER_DEFINED || (code === undefined && num('ProjLinearUnitSizeGeoKey') !== undefined)) metres = num('ProjLinearUnitSizeGeoKey') ?? NaN;
  else if (code !== undefined) {
    const unit = LINEAR[code] ?? (epsgTable()?.units[code]?.[0] === 'length' ? epsgTable()!.units[code][1] : undefined);
    if (unit === undefined) throw new FormatError(`ProjLinearUnitsGeoKey ${code} is not a linear unit ${epsgTable() ? 'of the EPSG registry' : 'this reader knows (the EPSG table was not built)'}`, where);
    metres = unit;
  }
  if (!(metres > 0 && Number.isFinite(metres))) throw new FormatError(invalid('ProjLinearUnitSizeGeoKey', metres, 'a positive number of metres per unit'), where);
  const name = UNIT_NAMES.find(([m]) => Math.abs(m - metres) < 1e-15 * m)?.[1];
  return { metres, proj4: name ? `+units=${name}` : `+to_meter=${metres}` };
}

/** Degrees per unit of the angular parameters (GeogAngularUnitsGeoKey; degrees by default). */
function angularUnit(num: (name: string) => number | undefined): number {
  const code = num('GeogAngularUnitsGeoKey');
  if (code === undefined || code === 9102 || code === 9122) return 1;
  if (code === USER_DEFINED) return (num('GeogAngularUnitSizeGeoKey') ?? DEGREE) / DEGREE;
  const unit = epsgTable()?.units[code];
  return unit?.[0] === 'angle' ? unit[1] / DEGREE : 1;
}

/** Parses the parameters of a proj4 definition into a record. */
export function parseProj4(def: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of def.trim().split(/\s+/)) {
    const m = /^\+(\w+)(?:=(.*))?$/.exec(token);
    if (m) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** Longitude/latitude on WGS 84, as proj4 writes it: the CRS of every lon/lat this package takes. */
export const LONLAT = '+proj=longlat +datum=WGS84 +no_defs';
/** EPSG:3995, WGS 84 / Arctic Polar Stereographic: the product's grid. */
export const ARCTIC_POLAR_STEREOGRAPHIC = epsgToProj4(3995)!;
