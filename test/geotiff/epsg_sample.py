"""A deterministic sample of the EPSG registry for test/geotiff/epsg.test.ts, from PROJ's proj.db.

Prints JSON: a list of {code, kind: 'projected'|'geographic', name, base (the geographic CRS of a
projected one), north_first (the CRS's first axis points north or south), base_north_first,
points: [[lon, lat], ...] inside its area of use}. Every conversion method in use appears at least
once; the rest is every Nth code, so the sample spans the registry's authorities and areas.
Usage: epsg_sample.py PROJ_DB PROJECTED GEOGRAPHIC
"""
import json, sqlite3, sys

db = sqlite3.connect(sys.argv[1])
want_projected, want_geographic = int(sys.argv[2]), int(sys.argv[3])
q = lambda sql, *a: db.execute(sql, a).fetchall()


def first_axis_north(cs_code):
    rows = q("SELECT orientation FROM axis WHERE coordinate_system_auth_name = 'EPSG' AND coordinate_system_code = ? ORDER BY coordinate_system_order", cs_code)
    orientations = [r[0].lower() for r in rows]
    return orientations[0] in ('north', 'south'), orientations


def points(table, code):
    rows = q(f"SELECT e.south_lat, e.north_lat, e.west_lon, e.east_lon FROM usage u JOIN extent e ON e.auth_name = u.extent_auth_name AND e.code = u.extent_code "
             f"WHERE u.object_table_name = ? AND u.object_auth_name = 'EPSG' AND u.object_code = ?", table, code)
    s, n, w, e = rows[0]
    if e < w:
        e += 360  # crosses the antimeridian
    wrap = lambda lon: lon - 360 if lon > 180 else lon
    return [[round(wrap(w + (e - w) * fx), 6), round(s + (n - s) * fy, 6)] for fx, fy in ((0.5, 0.5), (0.3, 0.7), (0.7, 0.3))]


projected = q("SELECT p.code, p.name, p.coordinate_system_code, p.geodetic_crs_code, c.method_name FROM projected_crs p "
              "JOIN conversion c ON c.auth_name = p.conversion_auth_name AND c.code = p.conversion_code "
              "WHERE p.auth_name = 'EPSG' AND p.deprecated = 0 AND p.geodetic_crs_auth_name = 'EPSG' ORDER BY CAST(p.code AS INTEGER)")
geographic = q("SELECT code, name, coordinate_system_code FROM geodetic_crs WHERE auth_name = 'EPSG' AND type = 'geographic 2D' AND deprecated = 0 ORDER BY CAST(code AS INTEGER)")

chosen, methods = [], set()
for row in projected:
    if row[4] not in methods:
        methods.add(row[4])
        chosen.append(row)
step = max(1, len(projected) // max(1, want_projected - len(chosen)))
chosen += [r for r in projected[::step] if r not in chosen][: want_projected - len(chosen)]

out = []
for code, name, cs, base, method in chosen:
    north, orientations = first_axis_north(cs)
    base_cs = q("SELECT coordinate_system_code FROM geodetic_crs WHERE auth_name = 'EPSG' AND code = ?", base)[0][0]
    out.append({'code': int(code), 'kind': 'projected', 'name': name, 'method': method, 'base': int(base), 'north_first': north,
                'axes': orientations, 'base_north_first': first_axis_north(base_cs)[0], 'points': points('projected_crs', code)})
step = max(1, len(geographic) // want_geographic)
for code, name, cs in geographic[::step][:want_geographic]:
    north, orientations = first_axis_north(cs)
    out.append({'code': int(code), 'kind': 'geographic', 'name': name, 'north_first': north, 'axes': orientations,
                'points': points('geodetic_crs', code)})
json.dump(out, sys.stdout)
