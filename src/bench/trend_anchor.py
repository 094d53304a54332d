"""The trend benchmark's anchor: per-cell Sen's slope (median of the pairwise slopes) and the
Mann-Kendall S of every cell with all periods, vectorized numpy, one core, 256-row blocks.

usage: trend_anchor.py FILE     prints one JSON line: seconds, cells, mean slope per decade, mean S.
"""
import json
import sys
import time

import numpy as np
import rasterio
from rasterio.windows import Window

t0 = time.perf_counter()
with rasterio.open(sys.argv[1]) as ds:
    n = ds.count
    years = np.array([1982 + 5 * k for k in range(n)], float)
    I, J = np.triu_indices(n, 1)
    dx = (years[J] - years[I])[:, None]
    cells = 0
    slope_sum = 0.0
    s_sum = 0.0
    for row in range(0, ds.height, 256):
        h = min(256, ds.height - row)
        a = ds.read(window=Window(0, row, ds.width, h)).astype('float64').reshape(n, -1)
        if ds.nodata is not None:
            a[a == ds.nodata] = np.nan
        v = a[:, ~np.isnan(a).any(axis=0)]
        if v.shape[1] == 0:
            continue
        d = v[J] - v[I]
        slope = np.median(d / dx, axis=0) * 10
        s = np.sign(d).sum(axis=0)
        cells += v.shape[1]
        slope_sum += slope.sum()
        s_sum += s.sum()
print(json.dumps({'seconds': time.perf_counter() - t0, 'cells': cells, 'mean_slope_per_decade': slope_sum / cells, 'mean_s': s_sum / cells}))
