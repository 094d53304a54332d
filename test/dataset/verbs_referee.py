"""Independent referees for the dataset verbs (test/dataset/*.referee.test.ts): GDAL reads the
files, GDAL warps and rasterizes, PROJ (pyproj) projects and gives the cell areas, numpy sums.
Nothing here calls or copies permafrost-lab.

usage (bands 1-based; prints one JSON value):
  verbs_referee.py average FILE BAND FACTOR
      gdalwarp -r average of the band onto the grid coarsened FACTOR times (same origin; the last
      row and column of blocks reach past the grid: GDAL averages the source cells they hold)
  verbs_referee.py share FILE BAND FACTOR
      area-weighted share of cells == 1 in FACTOR x FACTOR blocks (areas: test/cell_areas.py)
  verbs_referee.py histogram FILE BAND LO WIDTH
      {bin value: area km2} of the band, bins of WIDTH centred on LO + k WIDTH (numpy, area weights)
  verbs_referee.py bilinear FILE BAND < [[lon, lat], ...]
      GDAL's bilinear resampling (gdalwarp's kernel, nodata left out and the weights renormalized)
      at each point, as a 1 x 1 warp centred on it (null where GDAL gives no value), and how many of
      the four cell centres around the point hold data (numpy): [[value, valid], ...]
  verbs_referee.py lonlat CRS < [[x, y], ...]
      the points' lon/lat from PROJ
  verbs_referee.py box FILE BAND WEST SOUTH EAST NORTH
      the valid cells whose centre lies in the box (projected metres, edges included), row by row:
      [[x, y, lon, lat, value, area km2], ...] (centres from the geotransform, lon/lat and areas from PROJ)
  verbs_referee.py mask FILE GEOJSON WEST EAST
      the grid's cells whose centre gdal_rasterize puts inside the (lon/lat) GeoJSON, projected to the
      grid by ogr2ogr, and whose centre longitude (pyproj) is in [WEST, EAST): flat 0/1 list
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from cell_areas import cell_areas_km2, cell_lonlat  # noqa: E402

gdal.UseExceptions()


def band_of(path, b):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(int(b))
    a = band.ReadAsArray().astype('float64')
    nd = band.GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    return ds, a * (band.GetScale() or 1) + (band.GetOffset() or 0)


def one_band(path, b):
    """The file's band `b` alone, as a VRT (gdal.Warp of GDAL 3.6 takes no band list)."""
    return gdal.Translate('', gdal.Open(path), format='VRT', bandList=[int(b)])


def average(path, b, factor):
    ds = one_band(path, b)
    f = int(factor)
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    W, H = -(-ds.RasterXSize // f), -(-ds.RasterYSize // f)
    out = gdal.Warp('', ds, format='MEM', resampleAlg='average', outputType=gdal.GDT_Float64,
                    outputBounds=(x0, y0 + H * f * dy, x0 + W * f * dx, y0), width=W, height=H, dstNodata=np.nan)
    a = out.GetRasterBand(1).ReadAsArray()
    return {'width': W, 'height': H, 'values': [None if np.isnan(v) else float(v) for v in a.ravel()]}


def blocks(a, f):
    H, W = -(-a.shape[0] // f), -(-a.shape[1] // f)
    p = np.zeros((H * f, W * f))
    p[:a.shape[0], :a.shape[1]] = a
    return p.reshape(H, f, W, f).sum(axis=(1, 3))


def share(path, b, factor):
    ds, a = band_of(path, b)
    A = cell_areas_km2(ds.GetProjection(), ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize)
    ok = ~np.isnan(a)
    land = blocks(np.where(ok, A, 0), int(factor))
    frozen = blocks(np.where(ok & (a == 1), A, 0), int(factor))
    with np.errstate(all='ignore'):
        s = np.where(land > 0, frozen / land, np.nan)
    return [None if np.isnan(v) else float(v) for v in s.ravel()]


def histogram(path, b, lo, width):
    ds, a = band_of(path, b)
    A = cell_areas_km2(ds.GetProjection(), ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize)
    ok = ~np.isnan(a)
    lo, width = float(lo), float(width)
    k = np.arange(int(np.floor((np.nanmin(a) - lo) / width)) - 1, int(np.ceil((np.nanmax(a) - lo) / width)) + 2)
    area, _ = np.histogram(a[ok], bins=lo + (k - 0.5) * width, weights=A[ok])
    centres = lo + k[:-1] * width
    decimals = max(0, -int(np.floor(np.log10(width))))
    return {f'{c:.{decimals}f}': float(s) for c, s in zip(centres, area) if s > 0}


def bilinear(path, b, points):
    from pyproj import CRS, Transformer
    ds = one_band(path, b)
    crs = CRS.from_wkt(ds.GetProjection())
    to_grid = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)
    nd = ds.GetRasterBand(1).GetNoDataValue()
    a = ds.GetRasterBand(1).ReadAsArray()
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    out = []
    for lon, lat in points:
        x, y = to_grid.transform(lon, lat)
        c, r = int(np.floor((x - x0) / dx - 0.5)), int(np.floor((y - y0) / dy - 0.5))
        valid = int((a[max(r, 0):r + 2, max(c, 0):c + 2] != nd).sum())
        e = 1.0  # a 2 m target cell centred on the point
        w = gdal.Warp('', ds, format='MEM', resampleAlg='bilinear', outputType=gdal.GDT_Float64,
                      outputBounds=(x - e, y - e, x + e, y + e), width=1, height=1, srcNodata=nd, dstNodata=np.nan,
                      warpOptions=['XSCALE=1', 'YSCALE=1'])
        v = float(w.GetRasterBand(1).ReadAsArray()[0, 0])
        out.append([None if np.isnan(v) else v, valid])
    return out


def lonlat(crs, points):
    from pyproj import CRS, Transformer
    c = CRS.from_user_input(crs)
    lon, lat = Transformer.from_crs(c, c.geodetic_crs, always_xy=True).transform([p[0] for p in points], [p[1] for p in points])
    return [[float(a), float(b)] for a, b in zip(lon, lat)]


def box(path, b, west, south, east, north):
    ds, a = band_of(path, b)
    gt = ds.GetGeoTransform()
    W, H = ds.RasterXSize, ds.RasterYSize
    x = gt[0] + (np.arange(W) + 0.5) * gt[1]
    y = gt[3] + (np.arange(H) + 0.5) * gt[5]
    X, Y = np.meshgrid(x, y)
    keep = (X >= float(west)) & (X <= float(east)) & (Y >= float(south)) & (Y <= float(north)) & ~np.isnan(a)
    lon, lat = cell_lonlat(ds.GetProjection(), gt, W, H)
    A = cell_areas_km2(ds.GetProjection(), gt, W, H)
    return [[float(X[k]), float(Y[k]), float(lon[k]), float(lat[k]), float(a[k]), float(A[k])] for k in zip(*np.nonzero(keep))]


def mask(path, geojson, west, east):
    ds = gdal.Open(path)
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    W, H = ds.RasterXSize, ds.RasterYSize
    tmp = tempfile.mkdtemp()
    projected = os.path.join(tmp, 'region.geojson')
    subprocess.run(['ogr2ogr', '-q', '-t_srs', ds.GetProjection(), projected, geojson], check=True)
    raster = os.path.join(tmp, 'region.tif')
    subprocess.run(['gdal_rasterize', '-q', '-burn', '1', '-ot', 'Byte', '-init', '0', '-te', str(x0), str(y0 + H * dy), str(x0 + W * dx), str(y0),
                    '-ts', str(W), str(H), projected, raster], check=True)
    burnt = gdal.Open(raster)  # held: a band outlives no dataset
    inside = burnt.GetRasterBand(1).ReadAsArray() == 1
    lon, _ = cell_lonlat(ds.GetProjection(), ds.GetGeoTransform(), W, H)
    keep = inside & (lon >= float(west)) & (lon < float(east))
    return keep.astype(int).ravel().tolist()


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd in ('bilinear', 'lonlat'):
        args.append(json.load(sys.stdin))
    print(json.dumps({'average': average, 'share': share, 'histogram': histogram, 'bilinear': bilinear,
                      'lonlat': lonlat, 'box': box, 'mask': mask}[cmd](*args)))
