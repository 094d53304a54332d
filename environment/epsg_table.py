"""Writes the EPSG table that permafrost-lab's GeoTIFF reader ships (JSON on stdout).

Run by environment/epsg.mjs during `npm run build`. The source is PROJ's database (proj.db, the
one GDAL itself reads CRSs from), read through GDAL's own Python bindings: each CRS's proj4
definition is GDAL's `ExportToProj4()`, so a file's EPSG code means here what it means to GDAL
(including the +towgs84 GDAL adds when EPSG gives one Helmert transformation to WGS 84). Besides
the CRSs, the parts a GeoTIFF's user-defined keys can name: ellipsoids, prime meridians, units of
measure, datums (by a geographic CRS on them) and conversions (by a projected CRS using them), and ESRI's names of EPSG CRSs.

Usage: epsg_table.py [PROJ_DB]
"""
import json, os, sqlite3, sys
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.PushErrorHandler('CPLQuietErrorHandler')


def proj_db():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for folder in osr.GetPROJSearchPaths() or []:
        path = os.path.join(folder, 'proj.db')
        if os.path.exists(path):
            return path
    raise SystemExit('proj.db not found in PROJ\'s search paths')


db = sqlite3.connect(proj_db())
q = lambda sql: db.execute(sql).fetchall()
meta = dict(q("SELECT key, value FROM metadata"))

DROP = ('+no_defs', '+type=crs')
# Units and datums proj4js knows by name with PROJ's meaning; any other name is written out.
UNITS_BY_NAME = ('m', 'ft', 'us-ft', 'km')
DATUMS_BY_NAME = ('WGS84', 'NAD83', 'NAD27')


def proj4_of(code):
    """GDAL's proj4 definition of EPSG:code, or (None, reason) when PROJ cannot write one.

    Written for proj4js as well as PROJ: an ellipsoid as its axes (proj4js takes an ellipsoid name
    it does not know, such as WGS72 or GSK2011, for WGS 84 without a word), a prime meridian and
    units other than metres and feet as numbers, and transverse Mercator as `etmerc`, the exact
    algorithm that is PROJ's `tmerc` (proj4js's `tmerc` is the older series, centimetres off far
    from the central meridian).
    """
    srs = osr.SpatialReference()
    try:
        srs.ImportFromEPSG(code)
        text = srs.ExportToProj4()
    except Exception:
        text = None
    if not text:
        reason = gdal.GetLastErrorMsg().replace('PROJ: proj_as_proj_string: ', '') or 'PROJ writes no proj4 definition for it'
        return None, reason
    out = []
    for token in text.split():
        key, _, value = token.partition('=')
        if token in DROP:
            continue
        if key == '+ellps':
            a, rf = srs.GetSemiMajor(), srs.GetInvFlattening()
            out += [f'+R={a!r}'] if rf == 0 else [f'+a={a!r}', f'+rf={rf!r}']
        elif key == '+datum' and value not in DATUMS_BY_NAME:
            raise SystemExit(f'EPSG:{code}: datum {value} is not one proj4js knows with PROJ\'s meaning')
        elif key == '+units' and value not in UNITS_BY_NAME:
            out.append(f'+to_meter={srs.GetLinearUnits()!r}')
        elif key == '+pm':
            degrees = float(srs.GetAttrValue('PRIMEM', 1))  # GDAL writes it in degrees, whatever the CRS's angular unit
            out.append(f'+pm={degrees!r}')
        elif token == '+proj=tmerc':
            out.append('+proj=etmerc')
        else:
            out.append(token)
    return ' '.join(out), None


crs = {}
projected = q("SELECT code, name, deprecated, conversion_code FROM projected_crs WHERE auth_name = 'EPSG' AND conversion_auth_name = 'EPSG'")
geographic = q("SELECT code, name, deprecated, datum_code FROM geodetic_crs WHERE auth_name = 'EPSG' AND type = 'geographic 2D'")
for code, name, deprecated, _ in projected + geographic:
    proj4, reason = proj4_of(int(code))
    crs[code] = [name, proj4] if proj4 else [name, None, reason]

# A conversion (ProjectionGeoKey) by a projected CRS that uses it; a datum by a geographic CRS on
# it (not deprecated first).
conversions = {}
for code, name, deprecated, conversion in sorted(projected, key=lambda r: (r[2], int(r[0]))):
    if crs[code][1] and conversion not in conversions:
        conversions[conversion] = int(code)
datums = {}
for code, name, deprecated, datum in sorted(geographic, key=lambda r: (r[2], int(r[0]))):
    if crs[code][1] and datum not in datums:
        datums[datum] = int(code)

# ESRI's names of EPSG CRSs (ArcGIS writes them as the citation of user-defined keys).
esri_names = {}
for name, code in q("SELECT alt_name, code FROM alias_name WHERE source = 'ESRI' AND auth_name = 'EPSG' AND table_name IN ('projected_crs', 'geodetic_crs')"):
    if code in crs and crs[code][1]:
        esri_names.setdefault(name, int(code))

units = {code: [kind, factor] for code, kind, factor in
         q("SELECT code, type, conv_factor FROM unit_of_measure WHERE auth_name = 'EPSG' AND type IN ('length', 'angle') AND conv_factor IS NOT NULL")}
ellipsoids = {}
for code, a, rf, b, uom in q("SELECT code, semi_major_axis, inv_flattening, semi_minor_axis, uom_code FROM ellipsoid WHERE auth_name = 'EPSG'"):
    factor = units.get(uom, ['length', 1])[1]
    ellipsoids[code] = [a * factor, rf if rf is not None else (0 if b == a else a / (a - b))]
meridians = {code: lon * units.get(uom, ['angle', 0.017453292519943295])[1] * 57.29577951308232
             for code, lon, uom in q("SELECT code, longitude, uom_code FROM prime_meridian WHERE auth_name = 'EPSG'")}

json.dump({
    'source': f"EPSG {meta.get('EPSG.VERSION', '?')} ({meta.get('EPSG.DATE', '?')}), PROJ {meta.get('PROJ.VERSION', '?')} proj.db, GDAL {gdal.__version__}",
    'crs': crs, 'conversions': conversions, 'datums': datums, 'ellipsoids': ellipsoids,
    'primeMeridians': meridians, 'units': units, 'esriNames': esri_names,
}, sys.stdout, separators=(',', ':'))
