"""Independent figures of a sample folder, with rasterio and numpy only (no permafrost-lab code).

Usage: check_sample.py FOLDER. Prints JSON: permafrost area per period (M km2), area-weighted
MAGT per period and its OLS trend per decade, area-weighted ALT over permafrost per period, and
area-weighted MAGT (2000-2004) in 62-66N for Fennoscandia, West/East Siberia, Canada and Alaska.
Cell areas: pixel area / PROJ's areal scale at each centre (pyproj, test/cell_areas.py);
latitudes and longitudes of cell centres from PROJ through rasterio.warp.
"""
import json, os, sys
import numpy as np
import rasterio
from rasterio.warp import transform as warp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from cell_areas import cell_areas_km2  # noqa: E402

folder = sys.argv[1]

with rasterio.open(f'{folder}/magt.tif') as ds:
    magt = ds.read().astype('float64')
    nodata = ds.nodata
    T = ds.transform
    h, w = ds.height, ds.width
    names = list(ds.descriptions)
cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
xs = T.c + cols * T.a
ys = T.f + rows * T.e
lon, lat = warp('EPSG:3995', 'EPSG:4326', xs.ravel(), ys.ravel())
lon = np.asarray(lon).reshape(h, w)
lat = np.asarray(lat).reshape(h, w)
area = cell_areas_km2('EPSG:3995', T.to_gdal(), w, h)

with rasterio.open(f'{folder}/permafrost.tif') as ds:
    pf = ds.read()
with rasterio.open(f'{folder}/alt.tif') as ds:
    alt = ds.read().astype('float64')
    alt_nodata = ds.nodata

valid = magt != nodata
pf_area = [float((area * (pf[b] == 1)).sum() / 1e6) for b in range(8)]
magt_mean = [float((area * np.where(valid[b], magt[b], 0)).sum() / (area * valid[b]).sum()) for b in range(8)]
mid = np.array([1982 + 5 * b for b in range(8)], dtype=float)
slope = float(np.polyfit(mid, magt_mean, 1)[0] * 10)
alt_mean = []
for b in range(8):
    ok = (alt[b] != alt_nodata) & (pf[b] == 1)
    alt_mean.append(float((area * np.where(ok, alt[b], 0)).sum() / (area * ok).sum()))

def box(lon0, lon1, lat0=62, lat1=66, band=4):
    sel = valid[band] & (lat >= lat0) & (lat < lat1) & (lon >= lon0) & (lon < lon1)
    return float((area[sel] * magt[band][sel]).sum() / area[sel].sum())

print(json.dumps({
    'bands': names,
    'permafrost_area_mkm2': pf_area,
    'magt_mean_c': magt_mean,
    'magt_trend_c_per_decade': slope,
    'alt_mean_cm': alt_mean,
    'magt_62_66N_2000_2004': {
        'fennoscandia': box(5, 30), 'west_siberia': box(70, 90), 'east_siberia': box(110, 140),
        'canada': box(-120, -95), 'alaska': box(-160, -141),
    },
}))
