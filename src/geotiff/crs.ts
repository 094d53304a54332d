import { FormatError } from '../errors.js';

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

/** The proj4 definition of an EPSG code: the table above, or WGS 84 / UTM zones. */
export function epsgToProj4(code: number): string | null {
  if (KNOWN_CRS[code]) return KNOWN_CRS[code].proj4;
  if (code >= 32601 && code <= 32660) return `+proj=utm +zone=${code - 32600} ${WGS84} +units=m +no_defs`;
  if (code >= 32701 && code <= 32760) return `+proj=utm +zone=${code - 32700} +south ${WGS84} +units=m +no_defs`;
  return null;
}

const ELLIPSOIDS: Record<number, string> = {
  7030: '+ellps=WGS84', 7019: '+ellps=GRS80', 7008: '+ellps=clrk66', 7058: HUGHES, 7043: '+ellps=WGS72',
  7022: '+ellps=intl', 7024: '+ellps=krass', 7004: '+ellps=bessel', 7035: '+R=6371000', 7048: '+R=6371007.181',
};
const GEOGRAPHIC: Record<number, string> = {
  4326: WGS84, 4269: '+datum=NAD83', 4258: '+ellps=GRS80', 4267: '+datum=NAD27', 4019: '+ellps=GRS80',
  4030: '+ellps=WGS84', 4054: HUGHES, 4047: '+R=6371007', 4035: '+R=6371000', 4053: '+R=6371228',
};
const UNITS: Record<number, string> = { 9001: '+units=m', 9002: '+units=ft', 9003: '+units=us-ft', 9036: '+units=km' };
const USER_DEFINED = 32767;

type Keys = Record<string, unknown>;

/**
 * Translates GeoTIFF GeoKeys into a proj4 definition, the way GDAL reads them. Polar
 * stereographic: a `ProjStdParallel1GeoKey`, or a natural-origin latitude other than ±90
 * (OGC GeoTIFF issue 110: variant B files written with the standard parallel there), gives
 * variant B with that latitude of true scale; a natural origin at ±90 gives variant A with k0.
 * @param where the file, for messages
 */
export function geoKeysToCrs(keys: Keys | null, where: string): Crs | null {
  if (!keys || Object.keys(keys).length === 0) return null;
  const num = (name: string): number | undefined => {
    const v = keys[name];
    const n = Array.isArray(v) ? Number(v[0]) : v === undefined ? undefined : Number(v);
    return n === undefined || Number.isNaN(n) ? undefined : n;
  };
  const citation = String(keys.GTCitationGeoKey ?? keys.PCSCitationGeoKey ?? keys.GeogCitationGeoKey ?? '').trim();
  const model = num('GTModelTypeGeoKey');
  const projected = num('ProjectedCSTypeGeoKey');
  if (model !== 2 && projected !== undefined && projected !== USER_DEFINED) {
    const proj4 = epsgToProj4(projected);
    if (!proj4) {
      throw new FormatError(`projected CRS EPSG:${projected}${citation ? ` (${citation})` : ''} is not one this reader knows; ` +
        'pass its proj4 definition with the `crs` option', where);
    }
    return { proj4, epsg: projected, name: KNOWN_CRS[projected]?.name ?? citation ?? `EPSG:${projected}` };
  }
  const earth = ellipsoid(num);
  if (model === 2 || (model === undefined && projected === undefined && num('ProjCoordTransGeoKey') === undefined)) {
    const code = num('GeographicTypeGeoKey');
    if (code !== undefined && code !== USER_DEFINED && epsgToProj4(code)) {
      return { proj4: epsgToProj4(code)!, epsg: code, name: KNOWN_CRS[code]?.name ?? citation };
    }
    return { proj4: `+proj=longlat ${earth} +no_defs`, epsg: code !== USER_DEFINED ? code ?? null : null, name: citation || 'geographic' };
  }
  if (model === 3) throw new FormatError('geocentric CRS (GTModelTypeGeoKey 3) is not supported', where);
  const transform = num('ProjCoordTransGeoKey');
  const get = (name: string, fallback = 0): number => num(name) ?? fallback;
  const fe = get('ProjFalseEastingGeoKey');
  const fn = get('ProjFalseNorthingGeoKey');
  const units = UNITS[get('ProjLinearUnitsGeoKey', 9001)] ?? '+units=m';
  let proj: string;
  switch (transform) {
    case 15: { // polar stereographic
      const originLat = get('ProjNatOriginLatGeoKey', 90);
      const lon0 = num('ProjStraightVertPoleLongGeoKey') ?? get('ProjNatOriginLongGeoKey');
      const stdParallel = num('ProjStdParallel1GeoKey');
      if (stdParallel !== undefined || Math.abs(originLat) !== 90) {
        const latTs = stdParallel ?? originLat;
        proj = `+proj=stere +lat_0=${latTs < 0 ? -90 : 90} +lat_ts=${latTs} +lon_0=${lon0}`;
      } else {
        proj = `+proj=stere +lat_0=${originLat} +lon_0=${lon0} +k=${get('ProjScaleAtNatOriginGeoKey', 1)}`;
      }
      break;
    }
    case 14: // oblique stereographic (EPSG 9809 uses 16, 14 is the older "Stereographic")
    case 16:
      proj = `+proj=${transform === 16 ? 'sterea' : 'stere'} +lat_0=${get('ProjNatOriginLatGeoKey', get('ProjCenterLatGeoKey'))} ` +
        `+lon_0=${get('ProjNatOriginLongGeoKey', get('ProjCenterLongGeoKey'))} +k=${get('ProjScaleAtNatOriginGeoKey', 1)}`;
      break;
    case 1: // transverse Mercator
      proj = `+proj=tmerc +lat_0=${get('ProjNatOriginLatGeoKey')} +lon_0=${get('ProjNatOriginLongGeoKey')} +k=${get('ProjScaleAtNatOriginGeoKey', 1)}`;
      break;
    case 7: { // Mercator
      const sp = num('ProjStdParallel1GeoKey');
      proj = `+proj=merc +lon_0=${get('ProjNatOriginLongGeoKey')} ${sp !== undefined ? `+lat_ts=${sp}` : `+k=${get('ProjScaleAtNatOriginGeoKey', 1)}`}`;
      break;
    }
    case 10: // Lambert azimuthal equal area
      proj = `+proj=laea +lat_0=${get('ProjCenterLatGeoKey', get('ProjNatOriginLatGeoKey'))} +lon_0=${get('ProjCenterLongGeoKey', get('ProjNatOriginLongGeoKey'))}`;
      break;
    case 11: // Albers equal area
    case 8: { // Lambert conformal conic, 2SP
      const name = transform === 11 ? 'aea' : 'lcc';
      proj = `+proj=${name} +lat_0=${get('ProjFalseOriginLatGeoKey', get('ProjNatOriginLatGeoKey'))} +lon_0=${get('ProjFalseOriginLongGeoKey', get('ProjNatOriginLongGeoKey'))} ` +
        `+lat_1=${get('ProjStdParallel1GeoKey')} +lat_2=${get('ProjStdParallel2GeoKey', get('ProjStdParallel1GeoKey'))}`;
      return finish(proj, get('ProjFalseOriginEastingGeoKey', fe), get('ProjFalseOriginNorthingGeoKey', fn));
    }
    case 17: // equirectangular
      proj = `+proj=eqc +lat_ts=${get('ProjStdParallel1GeoKey')} +lon_0=${get('ProjNatOriginLongGeoKey', get('ProjCenterLongGeoKey'))}`;
      break;
    default:
      throw new FormatError(`user-defined projection with ProjCoordTransGeoKey ${transform} is not supported ` +
        '(supported: polar stereographic, stereographic, transverse Mercator, Mercator, LAEA, Albers, LCC, equirectangular); ' +
        'pass its proj4 definition with the `crs` option', where);
  }
  return finish(proj, fe, fn);

  function finish(p: string, x0: number, y0: number): Crs {
    return { proj4: `${p} +x_0=${x0} +y_0=${y0} ${earth} ${units} +no_defs`, epsg: null, name: citation || 'user-defined' };
  }
}

function ellipsoid(num: (name: string) => number | undefined): string {
  const code = num('GeographicTypeGeoKey');
  const a = num('GeogSemiMajorAxisGeoKey');
  const b = num('GeogSemiMinorAxisGeoKey');
  const rf = num('GeogInvFlatteningGeoKey');
  if (code !== undefined && GEOGRAPHIC[code]) return GEOGRAPHIC[code];
  if (a !== undefined && rf !== undefined) return rf === 0 ? `+R=${a}` : `+a=${a} +rf=${rf}`;
  if (a !== undefined && b !== undefined) return a === b ? `+R=${a}` : `+a=${a} +b=${b}`;
  const ellps = num('GeogEllipsoidGeoKey');
  if (ellps !== undefined && ELLIPSOIDS[ellps]) return ELLIPSOIDS[ellps];
  if (a !== undefined) return `+R=${a}`;
  return WGS84;
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
