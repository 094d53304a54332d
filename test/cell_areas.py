"""True cell areas of a projected grid from PROJ (pyproj), for the Python referees.

A cell's true area is its area on the map divided by the projection's areal scale at the cell's
centre (`pyproj.Proj.get_factors(...).areal_scale`, h·k, which is k² for a conformal projection such
as polar stereographic): PROJ computes the scale, so no referee repeats the scale-factor formula.

    import sys; sys.path.insert(0, TEST_DIR); from cell_areas import cell_areas_km2, cell_lonlat
"""
import numpy as np
from pyproj import CRS, Proj, Transformer


def cell_lonlat(crs_wkt, geotransform, width, height):
    """Longitudes and latitudes (degrees, arrays of height × width) of the cell centres of a north-up grid."""
    crs = CRS.from_user_input(crs_wkt)
    x0, dx, _, y0, _, dy = geotransform
    xs, ys = np.meshgrid(x0 + (np.arange(width) + 0.5) * dx, y0 + (np.arange(height) + 0.5) * dy)
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(xs, ys)
    return np.asarray(lon), np.asarray(lat)


def cell_areas_km2(crs_wkt, geotransform, width, height):
    """True areas (km²) of the cells of a north-up grid: map area / PROJ's areal scale at each centre."""
    lon, lat = cell_lonlat(crs_wkt, geotransform, width, height)
    factors = Proj(CRS.from_user_input(crs_wkt)).get_factors(lon, lat)
    return abs(geotransform[1] * geotransform[5]) / 1e6 / np.asarray(factors.areal_scale)


def raster_areas_km2(path):
    """`cell_areas_km2` of a raster file's grid, read with GDAL."""
    from osgeo import gdal
    ds = gdal.Open(path)
    return cell_areas_km2(ds.GetProjection(), ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize)
