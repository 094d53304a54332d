"""Referees for the dataset verbs, with rasterio and numpy: the same area weights as DOMAIN.md
(true cell areas: map area / PROJ's areal scale, test/cell_areas.py), computed independently of the library.

usage:
  referees.py change FILE BAND_FROM BAND_TO SHARE        SHARE: presence | below0 | none
  referees.py zonation FILE BAND WINDOW SHARE
  referees.py quantiles FILE BAND Q [Q ...]
Bands are 1-based. Prints one JSON line.
"""
import json
import os
import sys

import numpy as np
import rasterio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cell_areas import cell_areas_km2  # noqa: E402


def areas(ds):
    return cell_areas_km2(ds.crs.to_wkt(), ds.transform.to_gdal(), ds.width, ds.height)


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
