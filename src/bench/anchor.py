"""The benchmark's anchor: the same area-weighted pass as permafrost-lab's rasterStatistics,
done with rasterio + numpy. Per band: area-weighted mean, standard deviation, min, max and valid
area, with each cell weighted by its true area on the ellipsoid (polar stereographic point
scale, Snyder 1987), reading block by block (GDAL decodes each block once, all the bands it holds).

usage: anchor.py FILE THREADS [lean]    (THREADS: 1, or ALL_CPUS: one reading thread per core, each with its
own dataset handle; rasterio and numpy release the GIL while GDAL decodes and numpy reduces. GDAL's
own GDAL_NUM_THREADS multi-block decoding fails on 8-band band-interleaved files in GDAL 3.6:
"Bad value 7 for ExtraSamples")
prints one JSON line: seconds, and per band mean, sd, min, max, valid_area_km2.

With `lean`, less work than ours: every block decoded (all its bands) and an unweighted mean of the
valid values per band, no cell areas, sd or extremes: the floor of a rasterio pass over the file.
"""
import json
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import rasterio

path, threads = sys.argv[1], sys.argv[2]
lean = len(sys.argv) > 3 and sys.argv[3] == 'lean'
t0 = time.perf_counter()
with rasterio.open(path) as ds:
    from osgeo import osr
    srs = osr.SpatialReference()
    srs.ImportFromWkt(ds.crs.to_wkt())
    crs = dict(kv.lstrip('+').split('=', 1) for kv in srs.ExportToProj4().split() if '=' in kv)
    a, f = 6378137.0, 1 / 298.257223563  # the product's WGS 84
    e = math.sqrt(2 * f - f * f)
    lat_ts = math.radians(abs(float(crs.get('lat_ts', 90))))
    m = lambda phi: np.cos(phi) / np.sqrt(1 - e * e * np.sin(phi) ** 2)
    t = lambda phi: np.tan(np.pi / 4 - phi / 2) / ((1 - e * np.sin(phi)) / (1 + e * np.sin(phi))) ** (e / 2)
    if lat_ts < math.pi / 2:
        mc, tc = float(m(lat_ts)), float(t(lat_ts))
        rho_over_t = a * mc / tc
    else:  # true scale at the pole
        rho_over_t = 2 * a / math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e))
    T = ds.transform
    px = abs(T.a) * abs(T.e)
    # k depends only on the distance from the pole: tabulate it finely, interpolate per cell
    corner = max(abs(T.c), abs(T.f), abs(T.c + T.a * ds.width), abs(T.f + T.e * ds.height))
    rho_table = np.linspace(1.0, corner * 1.5, 400_001)
    tt = rho_table / rho_over_t
    phi = np.pi / 2 - 2 * np.arctan(tt)
    for _ in range(12):
        phi = np.pi / 2 - 2 * np.arctan(tt * ((1 - e * np.sin(phi)) / (1 + e * np.sin(phi))) ** (e / 2))
    area_table = px / (rho_table / (a * m(phi))) ** 2 / 1e6

    def areas(window):
        cols = np.arange(window.col_off, window.col_off + window.width) + 0.5
        rows = np.arange(window.row_off, window.row_off + window.height) + 0.5
        x = T.c + cols * T.a
        y = T.f + rows * T.e
        rho = np.hypot(x[None, :], y[:, None])
        return np.interp(rho, rho_table, area_table)

    n = ds.count
    nodata = ds.nodata
    scales, offsets = ds.scales, ds.offsets
    # one read per block: all bands at once for pixel interleave, band by band otherwise
    pixel = ds.interleaving is not None and ds.interleaving.name == 'PIXEL' and n > 1
    bh, bw = ds.block_shapes[0]
    height, width = ds.height, ds.width

def blocks(src, rows):
    """Each block of these block rows once: its window and, per band, its stored values and where they are valid."""
    for row_off in rows:
        h = min(bh, height - row_off)
        for col in range(0, width, bw):
            win = rasterio.windows.Window(col, row_off, min(bw, width - col), h)
            block = src.read(window=win) if pixel else None
            def band(b):
                arr = block[b] if pixel else src.read(b + 1, window=win)
                return arr, (~np.isnan(arr) if nodata is None else (arr != nodata) & ~np.isnan(arr))
            yield win, band

def block_rows(rows):
    w = np.zeros(n); s = np.zeros(n); s2 = np.zeros(n); lo = np.full(n, np.inf); hi = np.full(n, -np.inf)
    with rasterio.Env(GDAL_CACHEMAX=256), rasterio.open(path) as src:
        for win, band in blocks(src, rows):
            weights = areas(win)
            for b in range(n):
                arr, valid = band(b)
                v = arr[valid].astype('float64') * scales[b] + offsets[b]
                if v.size == 0:
                    continue
                wv = weights[valid]
                w[b] += wv.sum(); s[b] += (wv * v).sum(); s2[b] += (wv * v * v).sum()
                lo[b] = min(lo[b], v.min()); hi[b] = max(hi[b], v.max())
    return w, s, s2, lo, hi

def lean_rows(rows):
    s = np.zeros(n); c = np.zeros(n)
    with rasterio.Env(GDAL_CACHEMAX=256), rasterio.open(path) as src:
        for _, band in blocks(src, rows):
            for b in range(n):
                arr, valid = band(b)
                s[b] += arr.sum(where=valid, dtype='float64'); c[b] += np.count_nonzero(valid)
    return s, c

def run(pass_rows):
    """The pass over every block row: on this thread, or dealt round-robin to one thread per core."""
    rows = list(range(0, height, bh))
    workers = 1 if threads == '1' else (os.cpu_count() or 1)
    if workers == 1:
        return [pass_rows(rows)]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(pass_rows, [rows[k::workers] for k in range(workers)]))

if lean:
    parts = run(lean_rows)
    s = sum(p[0] for p in parts); c = sum(p[1] for p in parts)
    print(json.dumps({'seconds': time.perf_counter() - t0, 'bands': [{'mean': s[b] / max(c[b], 1), 'cells': int(c[b])} for b in range(n)]}))
    sys.exit(0)
parts = run(block_rows)
w = sum(p[0] for p in parts); s = sum(p[1] for p in parts); s2 = sum(p[2] for p in parts)
lo = np.min([p[3] for p in parts], axis=0); hi = np.max([p[4] for p in parts], axis=0)
mean = s / w
sd = np.sqrt(np.maximum(0, s2 / w - mean * mean))
print(json.dumps({'seconds': time.perf_counter() - t0, 'bands': [
    {'mean': mean[b], 'sd': sd[b], 'min': lo[b], 'max': hi[b], 'valid_area_km2': w[b]} for b in range(n)]}))
