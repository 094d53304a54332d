"""Independent summaries of a sample folder (rasterio + numpy + GDAL only).

Usage: summary_check.py FOLDER [ALASKA_GEOJSON]. Prints JSON with, per period, area-weighted MAGT
mean/sd/min/max/valid area, ALT mean over its valid cells, permafrost area from permafrost.tif;
MAGT (2000-2004) mean and valid area per 5-degree latitude band; and, with a GeoJSON of the USA,
the valid land area of Alaska (USA west of 129W) rasterized by gdal_rasterize (cell centres).
"""
import json, os, subprocess, sys, tempfile
import numpy as np
import rasterio
from rasterio.warp import transform as warp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from cell_areas import cell_areas_km2  # noqa: E402

folder = sys.argv[1]

with rasterio.open(f'{folder}/magt.tif') as ds:
    magt, nodata, T, h, w = ds.read().astype('float64'), ds.nodata, ds.transform, ds.height, ds.width
    area = cell_areas_km2(ds.crs.to_wkt(), T.to_gdal(), w, h)  # PROJ's areal scale, test/cell_areas.py
with rasterio.open(f'{folder}/alt.tif') as ds:
    alt, alt_nodata = ds.read().astype('float64'), ds.nodata
with rasterio.open(f'{folder}/permafrost.tif') as ds:
    pf = ds.read()
cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
lon, lat = warp('EPSG:3995', 'EPSG:4326', (T.c + cols * T.a).ravel(), (T.f + rows * T.e).ravel())
lon, lat = np.asarray(lon).reshape(h, w), np.asarray(lat).reshape(h, w)

def stats(values, ok):
    wts, v = area[ok], values[ok]
    mean = float((wts * v).sum() / wts.sum())
    return {'mean': mean, 'sd': float(np.sqrt((wts * (v - mean)**2).sum() / wts.sum())), 'min': float(v.min()), 'max': float(v.max()), 'valid_area_km2': float(wts.sum())}

out = {'by_period': [], 'lat_bands_2000_2004': {}}
for b in range(8):
    row = {'magt': stats(magt[b], magt[b] != nodata), 'alt': stats(alt[b], alt[b] != alt_nodata)}
    row['permafrost_area_km2'] = float(area[pf[b] == 1].sum())
    out['by_period'].append(row)
for lo in range(45, 90, 5):
    ok = (magt[4] != nodata) & (lat >= lo) & (lat < lo + 5)
    if ok.any():
        out['lat_bands_2000_2004'][f'{lo}-{lo + 5}'] = stats(magt[4], ok)

if len(sys.argv) > 2:
    tmp = tempfile.mkdtemp()
    projected = os.path.join(tmp, 'usa.geojson')
    subprocess.run(['ogr2ogr', '-q', '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:3995', projected, sys.argv[2]], check=True)
    mask = os.path.join(tmp, 'usa.tif')
    subprocess.run(['gdal_rasterize', '-q', '-burn', '1', '-ot', 'Byte', '-te', str(T.c), str(T.f + h * T.e), str(T.c + w * T.a), str(T.f),
                    '-tr', str(T.a), str(-T.e), projected, mask], check=True)
    with rasterio.open(mask) as ds:
        usa = ds.read(1) == 1
    alaska = usa & (lon < -129) & (magt[4] != nodata)
    out['alaska_valid_area_km2'] = float(area[alaska].sum())
print(json.dumps(out))
