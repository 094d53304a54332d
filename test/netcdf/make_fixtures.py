"""Makes NetCDF fixtures (GDAL and python3-netcdf4) into a folder, with the referees' reading of each.

Usage: make_fixtures.py OUT_DIR. Prints a JSON list of {name, file, variable, width, height, bands,
geotransform, proj4, epsg, values (per band, north-up rows, null at no data), times?}. GDAL reads
the values, geotransform and CRS (`NETCDF:"file":variable`); netCDF4-python reads the values of the
files it wrote (masking _FillValue and missing_value, applying scale_factor and add_offset), flipped
north-up where y increases. Deterministic (seeded).
"""
import json, os, subprocess, sys
import numpy as np
from osgeo import gdal, osr
import netCDF4, cftime

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261205)
W, H, B = 23, 17, 3

def nulls(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64).ravel()]

def srs_of(wkt):
    s = osr.SpatialReference(); s.ImportFromWkt(wkt)
    s.AutoIdentifyEPSG()
    code = s.GetAuthorityCode(None)
    return s.ExportToProj4(), (int(code) if code and s.GetAuthorityName(None) == 'EPSG' else None)

fixtures = []

def gdal_referee(name, path, variable, also_missing=None):
    # GDAL takes only _FillValue as no data; CF (and netCDF4-python) also mask missing_value: `also_missing` masks it here
    ds = gdal.Open(f'NETCDF:"{path}":{variable}')
    proj4, epsg = srs_of(ds.GetProjection())
    values = []
    for b in range(ds.RasterCount):
        band = ds.GetRasterBand(b + 1)
        a = band.ReadAsArray().astype(np.float64)
        nd = band.GetNoDataValue()
        if nd is not None:
            a[a == nd] = np.nan
        if also_missing is not None:
            a[a == also_missing] = np.nan
        a = a * (band.GetScale() or 1) + (band.GetOffset() or 0)
        values.append(nulls(a))
    fixtures.append({'name': name, 'file': path, 'variable': variable, 'width': ds.RasterXSize, 'height': ds.RasterYSize,
                     'bands': ds.RasterCount, 'geotransform': list(ds.GetGeoTransform()), 'proj4': proj4, 'epsg': epsg, 'values': values})

# 1. a GeoTIFF in EPSG:3995, translated by GDAL into NetCDF3 (CDF-1, CDF-2) and NetCDF4 (deflate, chunked)
tif = os.path.join(out, 'base.tif')
y, x = np.mgrid[0:H, 0:W]
data = np.stack([np.sin(x / 5 + b) * 8 + np.cos(y / 4) * 3 + rng.normal(0, 0.2, (H, W)) for b in range(B)]).astype(np.float32)
data[:, 2:5, 3:6] = -9999
drv = gdal.GetDriverByName('GTiff').Create(tif, W, H, B, gdal.GDT_Float32)
drv.SetGeoTransform([-1_000_000, 25_000, 0, 2_000_000, 0, -25_000])
s = osr.SpatialReference(); s.ImportFromEPSG(3995)
drv.SetProjection(s.ExportToWkt())
for b in range(B):
    drv.GetRasterBand(b + 1).WriteArray(data[b]); drv.GetRasterBand(b + 1).SetNoDataValue(-9999)
drv = None
for name, options in [('gdal_nc3', ['-co', 'FORMAT=NC']), ('gdal_nc2', ['-co', 'FORMAT=NC2']),
                      ('gdal_nc4', ['-co', 'FORMAT=NC4', '-co', 'COMPRESS=DEFLATE', '-co', 'CHUNKING=YES'])]:
    path = os.path.join(out, name + '.nc')
    subprocess.run(['gdal_translate', '-q', '-of', 'netCDF', *options, tif, path], check=True)
    for b in range(B):
        gdal_referee(name, path, f'Band{b + 1}')

# 2. netCDF4-python: int16 packed MAGT with scale_factor/add_offset, _FillValue and missing_value,
#    shuffle + zlib, chunked, annual time in days since 1900-01-01, y increasing (south-up), polar stereographic
def write_magt(path, fmt, years, calendar='standard', grid_mapping=True, chunks=(2, 5, 7), y_up=True, units_km=False, name='magt'):
    nc = netCDF4.Dataset(path, 'w', format=fmt)
    nc.createDimension('time', None)
    nc.createDimension('y', H); nc.createDimension('x', W)
    t = nc.createVariable('time', 'f8', ('time',)); t.units = 'days since 1900-01-01'; t.calendar = calendar; t.standard_name = 'time'
    t[:] = cftime.date2num([cftime.datetime(yr, 7, 2, calendar=calendar) for yr in years], t.units, calendar=calendar)
    scale = 1000 if units_km else 1
    xs = (-1_000_000 + 25_000 * (np.arange(W) + 0.5)) / scale
    ys = (2_000_000 - 25_000 * (np.arange(H) + 0.5)) / scale
    if y_up:
        ys = ys[::-1]
    xv = nc.createVariable('x', 'f8', ('x',)); xv[:] = xs; xv.units = 'km' if units_km else 'm'; xv.standard_name = 'projection_x_coordinate'
    yv = nc.createVariable('y', 'f8', ('y',)); yv[:] = ys; yv.units = 'km' if units_km else 'm'; yv.standard_name = 'projection_y_coordinate'
    kw = dict(zlib=True, shuffle=True, chunksizes=chunks) if fmt.startswith('NETCDF4') else {}
    v = nc.createVariable(name, 'i2', ('time', 'y', 'x'), fill_value=-32767, **kw)
    v.set_auto_maskandscale(False)
    v.scale_factor = 0.01; v.add_offset = -5.0; v.missing_value = np.int16(-32768)
    v.units = 'degC'; v.long_name = 'mean annual ground temperature'
    if grid_mapping:
        v.grid_mapping = 'polar_stereographic'
        gm = nc.createVariable('polar_stereographic', 'i4')
        gm.grid_mapping_name = 'polar_stereographic'; gm.straight_vertical_longitude_from_pole = 0.0
        gm.latitude_of_projection_origin = 90.0; gm.standard_parallel = 71.0; gm.false_easting = 0.0; gm.false_northing = 0.0
        gm.semi_major_axis = 6378137.0; gm.inverse_flattening = 298.257223563
    packed = np.stack([np.round((np.sin(x / 6 + k / 2) * 4 - 1 + 0.1 * k + 5.0) / 0.01) for k in range(len(years))]).astype(np.int16)
    packed[:, 0, 0] = -32767
    packed[:, 1, 2] = -32768
    packed[0, 3, 3:7] = -32767
    if y_up:
        packed = packed[:, ::-1, :]  # the same north-up field, stored south-up
    v[:, :, :] = packed
    nc.synthetic = 'synthetic test fixture'
    nc.close()

def netcdf4_referee(name, path, variable, crs_proj4=None, epsg=None):
    nc = netCDF4.Dataset(path)
    v = nc.variables[variable]
    a = np.ma.filled(v[:].astype(np.float64), np.nan)
    if a.ndim == 2:
        a = a[None]
    ys = nc.variables[v.dimensions[-2]][:]
    if ys[1] > ys[0]:
        a = a[:, ::-1, :]
    times = None
    if a.shape[0] and 'time' in v.dimensions:
        t = nc.variables['time']
        dates = netCDF4.num2date(t[:], t.units, calendar=getattr(t, 'calendar', 'standard'))
        times = [[d.year, d.month, d.day] for d in dates]
    fixtures.append({'name': name, 'file': path, 'variable': variable, 'width': a.shape[2], 'height': a.shape[1], 'bands': a.shape[0],
                     'values': [nulls(a[b]) for b in range(a.shape[0])], 'times': times, 'proj4': crs_proj4, 'epsg': epsg})
    nc.close()

years = list(range(1998, 2004))
p = os.path.join(out, 'py_magt_nc4.nc'); write_magt(p, 'NETCDF4', years)
netcdf4_referee('py_magt_nc4', p, 'magt')
gdal_referee('py_magt_nc4_gdal', p, 'magt', also_missing=-32768)
p = os.path.join(out, 'py_magt_nc3.nc'); write_magt(p, 'NETCDF3_CLASSIC', years[:3], calendar='noleap', y_up=False)
netcdf4_referee('py_magt_nc3', p, 'magt')
p = os.path.join(out, 'py_magt_cdf5.nc'); write_magt(p, 'NETCDF3_64BIT_DATA', years[:2], calendar='360_day')
netcdf4_referee('py_magt_cdf5', p, 'magt')
p = os.path.join(out, 'py_nocrs_km.nc'); write_magt(p, 'NETCDF4_CLASSIC', years[:2], calendar='365_day', grid_mapping=False, units_km=True)
netcdf4_referee('py_nocrs_km', p, 'magt')

# 3. a lat/lon grid (latitude decreasing), float32 with NaN fill and no grid mapping: EPSG:4326
p = os.path.join(out, 'py_latlon.nc')
nc = netCDF4.Dataset(p, 'w', format='NETCDF4')
nc.createDimension('lat', 9); nc.createDimension('lon', 14)
la = nc.createVariable('lat', 'f4', ('lat',)); la[:] = 79.75 - 0.5 * np.arange(9); la.units = 'degrees_north'
lo = nc.createVariable('lon', 'f4', ('lon',)); lo[:] = -20.25 + 0.5 * np.arange(14); lo.units = 'degrees_east'
alt = nc.createVariable('alt', 'f4', ('lat', 'lon'), fill_value=np.float32(np.nan), zlib=True, chunksizes=(4, 5))
field = (rng.uniform(30, 300, (9, 14))).astype(np.float32); field[4, 4:9] = np.nan
alt[:] = field; alt.units = 'cm'; alt.long_name = 'active layer thickness'
nc.close()
netcdf4_referee('py_latlon', p, 'alt')
gdal_referee('py_latlon_gdal', p, 'alt')

# 4. a folder of yearly files as ESA CCI Permafrost ships them: one time step each, ground temperature at
#    two depths (T1m, T2m), no grid mapping; the referee is numpy's mean of T2m over the years
cci = os.path.join(out, 'cci'); os.makedirs(cci, exist_ok=True)
stack = []
for k, yr in enumerate([2001, 2002, 2003]):
    nc = netCDF4.Dataset(os.path.join(cci, f'ESACCI-PERMAFROST-L4-GTD-{yr}-fv05.nc'), 'w', format='NETCDF4')
    nc.createDimension('time', 1); nc.createDimension('y', H); nc.createDimension('x', W)
    t = nc.createVariable('time', 'f8', ('time',)); t.units = 'days since 1970-01-01'; t[:] = cftime.date2num([cftime.datetime(yr, 1, 1)], t.units)
    nc.createVariable('x', 'f8', ('x',))[:] = -1_000_000 + 25_000 * (np.arange(W) + 0.5)
    nc.createVariable('y', 'f8', ('y',))[:] = 2_000_000 - 25_000 * (np.arange(H) + 0.5)
    for depth in (1, 2):
        v = nc.createVariable(f'T{depth}m', 'f4', ('time', 'y', 'x'), fill_value=np.float32(-999), zlib=True)
        v.long_name = f'averaged ground temperature at {depth} m depth'; v.units = 'degree_C'
        field = (np.cos(x / 7 + k) * 3 - depth + 0.5 * k).astype(np.float32)
        field[k, :] = -999  # a row missing in one year each
        v[0] = field
        if depth == 2:
            stack.append(np.where(field == -999, np.nan, field).astype(np.float64))
    nc.close()
fixtures.append({'name': 'cci_T2m_2000-2004', 'file': cci, 'variable': 'T2m', 'width': W, 'height': H, 'bands': 1,
                 'values': [nulls(np.nanmean(np.stack(stack), axis=0))], 'proj4': None, 'epsg': None})

# 5. a truncated NetCDF4 and NetCDF3 copy
for src, dst in [('gdal_nc4.nc', 'truncated4.nc'), ('gdal_nc3.nc', 'truncated3.nc')]:
    with open(os.path.join(out, src), 'rb') as f:
        b = f.read()
    with open(os.path.join(out, dst), 'wb') as f:
        f.write(b[: len(b) // 3])

print(json.dumps(fixtures))
