"""Referees for regridding and comparing (test/grid/regrid.test.ts): GDAL's gdalwarp, pyproj's
geodesic areas and numpy statistics, never permafrost-lab's own functions.

  warp <src> <band> <dst> <t_srs> <xmin> <ymin> <xmax> <ymax> <xres> <yres> <method>
      gdalwarp onto the given grid; the band's values (NaN at nodata) to <dst>.f32, and the grid as JSON
  average <src> <band> <dst> <t_srs> <xmin> <ymin> <xmax> <ymax> <res> <k>
      area-weighted average by brute force (k × k points per source cell, each projected by pyproj)
  copy <src_folder> <dst_folder> <t_srs> [xres]
      a warped copy of a product folder (magt, alt, permafrost), band names and metadata kept
  geod <lon0> <lat_top> <dlon> <dlat> [<lat_top> ...]
      ellipsoidal areas (km2) of lon/lat cells from pyproj.Geod(ellps='WGS84').polygon_area_perimeter
  stats <a.f32> <b.f32> <width> <height> <origin_x> <origin_y> <xres_m> <band_deg>
      area-weighted mean of a and b, mean difference, RMSE and Pearson r where both are valid, overall
      and by latitude band, on an EPSG:3995 grid: latitudes of cell centres from pyproj, areas of the
      cells from PROJ's areal scale (pyproj get_factors)
"""
import json, sys
import numpy as np

def warp(src, band, dst, srs, xmin, ymin, xmax, ymax, xres, yres, method):
    from osgeo import gdal
    gdal.UseExceptions()
    # bilinear: the kernel as wide as one source pixel (gdalwarp widens it when the source window of a
    # chunk is larger than the target, which a rotated grid makes it)
    extra = {'warpOptions': ['XSCALE=1', 'YSCALE=1']} if method == 'bilinear' else {}
    one = gdal.Translate('/vsimem/band.tif', src, bandList=[int(band)])
    out = gdal.Warp('/vsimem/w.tif', one, dstSRS=srs, outputBounds=(float(xmin), float(ymin), float(xmax), float(ymax)),
                    xRes=float(xres), yRes=float(yres), resampleAlg=method, dstNodata=float('nan'),
                    outputType=gdal.GDT_Float32, multithread=False, errorThreshold=0, **extra)
    a = out.GetRasterBand(1).ReadAsArray().astype(np.float32)
    a.tofile(dst)
    print(json.dumps({'width': out.RasterXSize, 'height': out.RasterYSize, 'geotransform': out.GetGeoTransform()}))

def average(src, band, dst, srs, xmin, ymin, xmax, ymax, res, k):
    """Area-weighted average of an EPSG:3995 band onto a grid, by brute force: k × k points in each
    source cell projected one by one with pyproj, each weighing the cell's true area / k²."""
    from osgeo import gdal
    from pyproj import Proj, Transformer
    gdal.UseExceptions()
    d = gdal.Open(src)
    b = d.GetRasterBand(int(band))
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    if nd is not None: a[a == nd] = np.nan
    x0, px, _, y0, _, py = d.GetGeoTransform()
    xmin, ymin, xmax, ymax, res, k = float(xmin), float(ymin), float(xmax), float(ymax), float(res), int(k)
    W, H = int(round((xmax - xmin) / res)), int(round((ymax - ymin) / res))
    to = Transformer.from_crs('EPSG:3995', srs, always_xy=True)
    to_ll = Transformer.from_crs('EPSG:3995', 'EPSG:4326', always_xy=True)
    sw = np.zeros(W * H); sv = np.zeros(W * H)
    offs = (np.arange(k) + 0.5) / k
    for r0 in range(0, d.RasterYSize, 64):
        rows = a[r0:r0 + 64]
        rr, cc = np.nonzero(np.isfinite(rows))
        if len(rr) == 0: continue
        v = rows[rr, cc]
        xc = x0 + (cc + 0.5) * px; yc = y0 + (r0 + rr + 0.5) * py
        lon, lat = to_ll.transform(xc, yc)
        area = (abs(px) / 1000) ** 2 / np.asarray(Proj('EPSG:3995').get_factors(lon, lat).areal_scale)
        du, dv = np.meshgrid(offs, offs)
        xs = (x0 + (cc[:, None] + du.ravel()[None, :]) * px).ravel()
        ys = (y0 + (r0 + rr[:, None] + dv.ravel()[None, :]) * py).ravel()
        X, Y = to.transform(xs, ys)
        col = np.floor((X - xmin) / res).astype(np.int64); row = np.floor((ymax - Y) / res).astype(np.int64)
        ok = (col >= 0) & (col < W) & (row >= 0) & (row < H) & np.isfinite(X)
        w = np.repeat(area / (k * k), k * k); vv = np.repeat(v, k * k)
        idx = row[ok] * W + col[ok]
        sw += np.bincount(idx, weights=w[ok], minlength=W * H); sv += np.bincount(idx, weights=w[ok] * vv[ok], minlength=W * H)
    out = np.full(W * H, np.nan, dtype=np.float32)
    m = sw > 0
    out[m] = sv[m] / sw[m]
    out.tofile(dst)
    print(json.dumps({'width': W, 'height': H, 'geotransform': [xmin, res, 0, ymax, 0, -res]}))

def copy(src_folder, dst_folder, srs, xres=None):
    import os
    from osgeo import gdal
    gdal.UseExceptions()
    os.makedirs(dst_folder, exist_ok=True)
    for name in ['magt.tif', 'alt.tif', 'permafrost.tif']:
        src = gdal.Open(os.path.join(src_folder, name))
        opts = dict(dstSRS=srs, resampleAlg='near', multithread=False, creationOptions=['COMPRESS=DEFLATE', 'TILED=YES'])
        if xres: opts.update(xRes=float(xres), yRes=float(xres))
        out = gdal.Warp(os.path.join(dst_folder, name), src, **opts)
        for b in range(1, src.RasterCount + 1):
            out.GetRasterBand(b).SetDescription(src.GetRasterBand(b).GetDescription())
            out.GetRasterBand(b).SetUnitType(src.GetRasterBand(b).GetUnitType())
        out.SetMetadata(src.GetMetadata())
        out = None
    print(json.dumps({'ok': True}))

def geod(lon0, *rest):
    from pyproj import Geod
    g = Geod(ellps='WGS84')
    lon0 = float(lon0)
    out = []
    for i in range(0, len(rest), 3):
        top, dlon, dlat = float(rest[i]), float(rest[i + 1]), float(rest[i + 2])
        # edges along the parallels densified: a geodesic between two points of a parallel is not the parallel
        n = 2000
        along = [lon0 + dlon * k / n for k in range(n + 1)]
        lons = along + along[::-1]
        lats = [top] * (n + 1) + [top - dlat] * (n + 1)
        area, _ = g.polygon_area_perimeter(lons, lats)
        out.append(abs(area) / 1e6)
    print(json.dumps(out))

def stats(a, b, width, height, x0, y0, xres, band_deg):
    from pyproj import Proj, Transformer
    a = np.fromfile(a, dtype=np.float32).astype(np.float64)
    b = np.fromfile(b, dtype=np.float32).astype(np.float64)
    width, height, x0, y0, res = int(width), int(height), float(x0), float(y0), float(xres)
    xs, ys = np.meshgrid(x0 + (np.arange(width) + 0.5) * res, y0 - (np.arange(height) + 0.5) * res)
    lon, lat = Transformer.from_crs('EPSG:3995', 'EPSG:4326', always_xy=True).transform(xs.ravel(), ys.ravel())
    w = (float(xres) / 1000) ** 2 / np.asarray(Proj('EPSG:3995').get_factors(lon, lat).areal_scale)
    ok = np.isfinite(a) & np.isfinite(b)
    def one(mask):
        ww, x, y = w[mask], a[mask], b[mask]
        ma, mb = np.average(x, weights=ww), np.average(y, weights=ww)
        cov = np.average((x - ma) * (y - mb), weights=ww)
        r = cov / np.sqrt(np.average((x - ma) ** 2, weights=ww) * np.average((y - mb) ** 2, weights=ww))
        return {'area_both_km2': float(ww.sum()), 'cells': int(mask.sum()), 'mean_a': float(ma), 'mean_b': float(mb),
                'mean_diff': float(mb - ma), 'rmse': float(np.sqrt(np.average((y - x) ** 2, weights=ww))), 'pearson_r': float(r)}
    out = {'all': one(ok)}
    bd = float(band_deg)
    bands = np.floor(lat / bd)
    for k in np.unique(bands[ok]):
        out[f'{int(k * bd)}-{int((k + 1) * bd)}N'] = one(ok & (bands == k))
    print(json.dumps(out))

if __name__ == '__main__':
    {'warp': warp, 'average': average, 'copy': copy, 'geod': geod, 'stats': stats}[sys.argv[1]](*sys.argv[2:])
