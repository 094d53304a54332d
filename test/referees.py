"""Referees for the dataset verbs, with rasterio and numpy: the same area weights as DOMAIN.md
(true cell areas of the polar stereographic grid on WGS 84), computed independently of the library.

usage:
  referees.py change FILE BAND_FROM BAND_TO SHARE        SHARE: presence | below0 | none
  referees.py zonation FILE BAND WINDOW SHARE
  referees.py quantiles FILE BAND Q [Q ...]
Bands are 1-based. Prints one JSON line.
"""
import json
import math
import sys

import numpy as np
import rasterio
from osgeo import osr


def areas(ds):
    srs = osr.SpatialReference()
    srs.ImportFromWkt(ds.crs.to_wkt())
    proj = dict(kv.lstrip('+').split('=', 1) for kv in srs.ExportToProj4().split() if '=' in kv)
    a, f = 6378137.0, 1 / 298.257223563
    e = math.sqrt(2 * f - f * f)
    c = math.radians(abs(float(proj.get('lat_ts', 90))))
    m = lambda p: np.cos(p) / np.sqrt(1 - e * e * np.sin(p) ** 2)
    t = lambda p: np.tan(np.pi / 4 - p / 2) / ((1 - e * np.sin(p)) / (1 + e * np.sin(p))) ** (e / 2)
    rho_over_t = a * float(m(c)) / float(t(c)) if c < math.pi / 2 else 2 * a / math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e))
    T = ds.transform
    x = T.c + (np.arange(ds.width) + 0.5) * T.a
    y = T.f + (np.arange(ds.height) + 0.5) * T.e
    rho = np.hypot(x[None, :], y[:, None])
    tt = rho / rho_over_t
    phi = np.pi / 2 - 2 * np.arctan(tt)
    for _ in range(15):
        phi = np.pi / 2 - 2 * np.arctan(tt * ((1 - e * np.sin(phi)) / (1 + e * np.sin(phi))) ** (e / 2))
    k = rho / (a * m(phi))
    return abs(T.a * T.e) / k ** 2 / 1e6


def band(ds, b):
    v = ds.read(b).astype('float64') * ds.scales[b - 1] + ds.offsets[b - 1]
    raw = ds.read(b)
    if ds.nodata is not None:
        v[raw == ds.nodata] = np.nan
    return v


def share(v, kind):
    if kind == 'presence':
        return (v == 1).astype(float)
    if kind == 'below0':
        return (v < 0).astype(float)
    return np.zeros_like(v)


cmd = sys.argv[1]
with rasterio.open(sys.argv[2]) as ds:
    A = areas(ds)
    if cmd == 'change':
        a, b = band(ds, int(sys.argv[3])), band(ds, int(sys.argv[4]))
        d = b - a
        ok = ~np.isnan(d)
        ds_ = share(b, sys.argv[5]) - share(a, sys.argv[5])
        print(json.dumps({'mean_change': float((A[ok] * d[ok]).sum() / A[ok].sum()), 'valid_area_km2': float(A[ok].sum()),
                          'lost_km2': float(-(A * np.minimum(ds_, 0))[ok].sum()), 'gained_km2': float((A * np.maximum(ds_, 0))[ok].sum())}))
    elif cmd == 'zonation':
        v = band(ds, int(sys.argv[3]))
        size = int(sys.argv[4])
        s = share(v, sys.argv[5])
        land, pf = np.zeros(5), np.zeros(5)
        for r0 in range(0, ds.height, size):
            for c0 in range(0, ds.width, size):
                w = v[r0:r0 + size, c0:c0 + size]
                ok = ~np.isnan(w)
                total = A[r0:r0 + size, c0:c0 + size][ok].sum()
                if total == 0:
                    continue
                frozen = (A[r0:r0 + size, c0:c0 + size] * s[r0:r0 + size, c0:c0 + size])[ok].sum()
                f = frozen / total
                z = 0 if f == 0 else 1 if f < 0.1 else 2 if f < 0.5 else 3 if f < 0.9 else 4
                land[z] += total
                pf[z] += frozen
        print(json.dumps({'region_area_km2': land.tolist(), 'permafrost_area_km2': pf.tolist()}))
    elif cmd == 'quantiles':
        v = band(ds, int(sys.argv[3]))
        ok = ~np.isnan(v)
        values, weights = v[ok], A[ok]
        o = np.argsort(values, kind='stable')
        cw = np.cumsum(weights[o])
        print(json.dumps([float(values[o][np.searchsorted(cw, float(q) * cw[-1])]) for q in sys.argv[4:]]))
