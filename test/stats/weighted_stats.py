"""Area-weighted statistics of every band of a polar stereographic GeoTIFF, with rasterio and numpy.

Usage: weighted_stats.py FILE. Prints JSON, one object per band: mean, sd, min, max, valid_area_km2.
Cell areas: pixel area / k^2 with k the ellipsoidal polar stereographic point scale factor
(DOMAIN.md), at cell-centre latitudes from PROJ (rasterio.warp). Independent of permafrost-lab.
"""
import json, sys
import numpy as np
import rasterio
from rasterio.warp import transform as warp

with rasterio.open(sys.argv[1]) as ds:
    data = ds.read().astype('float64')
    nodata = ds.nodata
    T, crs, h, w = ds.transform, ds.crs, ds.height, ds.width
from osgeo import osr
srs = osr.SpatialReference(wkt=crs.to_wkt())
params = dict(kv.lstrip('+').split('=', 1) for kv in srs.ExportToProj4().split() if '=' in kv)
a, f = 6378137.0, 1 / 298.257223563
e = np.sqrt(2 * f - f * f)
lat_ts = float(params.get('lat_ts', 90.0))
k0 = float(params.get('k', params.get('k_0', 1.0)))
cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
_, lat = warp(crs, 'EPSG:4326', (T.c + cols * T.a).ravel(), (T.f + rows * T.e).ravel())
lat = np.abs(np.asarray(lat).reshape(h, w))
def m(p): return np.cos(p) / np.sqrt(1 - e**2 * np.sin(p)**2)
def t(p): return np.tan(np.pi / 4 - p / 2) / ((1 - e * np.sin(p)) / (1 + e * np.sin(p)))**(e / 2)
p, c = np.radians(lat), np.radians(abs(lat_ts))
if abs(lat_ts) == 90:  # variant A: k = 2 k0 t / (m sqrt((1+e)^(1+e) (1-e)^(1-e)))
    k = 2 * k0 * t(p) / (m(p) * np.sqrt((1 + e)**(1 + e) * (1 - e)**(1 - e)))
else:
    k = (m(c) / m(p)) * (t(p) / t(c))
area = abs(T.a * T.e) / 1e6 / k**2
out = []
for band in data:
    ok = ~np.isnan(band) & (band != nodata)
    wts = area[ok]
    v = band[ok]
    mean = float((wts * v).sum() / wts.sum())
    out.append({'mean': mean, 'sd': float(np.sqrt((wts * (v - mean)**2).sum() / wts.sum())),
                'min': float(v.min()), 'max': float(v.max()), 'valid_area_km2': float(wts.sum())})
print(json.dumps(out))
