"""Area-weighted statistics of every band of a polar stereographic GeoTIFF, with rasterio and numpy.

Usage: weighted_stats.py FILE. Prints JSON, one object per band: mean, sd, min, max, valid_area_km2.
Cell areas: pixel area / the areal scale (k^2) that PROJ gives at each cell centre
(pyproj get_factors, test/cell_areas.py), for any projection. Independent of permafrost-lab.
"""
import json, os, sys
import numpy as np
import rasterio

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from cell_areas import cell_areas_km2  # noqa: E402

with rasterio.open(sys.argv[1]) as ds:
    data = ds.read().astype('float64')
    nodata = ds.nodata
    T, crs, h, w = ds.transform, ds.crs, ds.height, ds.width
area = cell_areas_km2(crs.to_wkt(), T.to_gdal(), w, h)
out = []
for band in data:
    ok = ~np.isnan(band) & (band != nodata)
    wts = area[ok]
    v = band[ok]
    mean = float((wts * v).sum() / wts.sum())
    out.append({'mean': mean, 'sd': float(np.sqrt((wts * (v - mean)**2).sum() / wts.sum())),
                'min': float(v.min()), 'max': float(v.max()), 'valid_area_km2': float(wts.sum())})
print(json.dumps(out))
