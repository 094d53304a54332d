"""Makes GeoTIFF fixtures with GDAL into a folder, and GDAL's own decoding of each as raw BSQ.

Usage: make_fixtures.py OUT_DIR. Prints a JSON list of fixtures:
{name, tif, raw, type, bands, width, height, overview_raw?}. Deterministic (seeded).
"""
import json, os, subprocess, sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261123)
W, H, B = 197, 133, 3

TYPES = {
    'uint8': (gdal.GDT_Byte, np.uint8, 255), 'int8': (gdal.GDT_Byte, np.int8, -128),
    'uint16': (gdal.GDT_UInt16, np.uint16, 65535), 'int16': (gdal.GDT_Int16, np.int16, -32768),
    'uint32': (gdal.GDT_UInt32, np.uint32, 4294967295), 'int32': (gdal.GDT_Int32, np.int32, -2147483648),
    'float32': (gdal.GDT_Float32, np.float32, -9999.0), 'float64': (gdal.GDT_Float64, np.float64, -9999.0),
}

def base(name):
    gdt, dt, nodata = TYPES[name]
    path = os.path.join(out, f'base_{name}.tif')
    if np.issubdtype(dt, np.floating):
        # smooth field plus noise, as geophysical rasters are; a few NaNs and nodata patches
        y, x = np.mgrid[0:H, 0:W]
        data = np.stack([np.sin(x / 17 + b) * 20 + np.cos(y / 11) * 5 + rng.normal(0, 0.3, (H, W)) for b in range(B)]).astype(dt)
        data[:, 5, 7] = np.nan
    else:
        info = np.iinfo(dt)
        y, x = np.mgrid[0:H, 0:W]
        smooth = np.stack([(x * 3 + y * 2 + b * 50) for b in range(B)])
        noise = rng.integers(-3, 4, (B, H, W))
        span = int(info.max) - int(info.min) + 1
        data = (((smooth + noise) * (span // 1000 or 1)) % span + int(info.min)).astype(dt)
        data[:, 0, :4] = [info.min, info.max, 0, 1] if info.min < 0 else [0, info.max, 1, 2]
    data[:, 64:128, 64:128] = nodata  # whole 64-pixel tiles at nodata, for sparse files
    opts = ['PIXELTYPE=SIGNEDBYTE'] if name == 'int8' else []
    ds = gdal.GetDriverByName('GTiff').Create(path, W, H, B, gdt, options=opts)
    ds.SetGeoTransform([-3_000_000, 10_000, 0, 3_500_000, 0, -10_000])
    srs = gdal.osr.SpatialReference(); srs.ImportFromEPSG(3995)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(B):
        band = ds.GetRasterBand(b + 1)
        band.WriteArray(data[b])
        band.SetNoDataValue(float(nodata))
        band.SetDescription(f'{1980 + 5 * b}-{1984 + 5 * b}')
    ds = None
    return path

fixtures = []
def make(name, src, type_name, creation, translate=(), overviews=False):
    tif = os.path.join(out, name + '.tif')
    args = ['gdal_translate', '-q', src, tif] + [a for c in creation for a in ('-co', c)] + list(translate)
    subprocess.run(args, check=True)
    if overviews:
        subprocess.run(['gdaladdo', '-q', '-r', 'nearest', tif, '2', '4'], check=True)
    raw = os.path.join(out, name + '.bsq')
    subprocess.run(['gdal_translate', '-q', '-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', tif, raw], check=True)
    entry = {'name': name, 'tif': tif, 'raw': raw, 'type': type_name, 'bands': gdal.Open(tif).RasterCount, 'width': W, 'height': H}
    if overviews:
        ov = os.path.join(out, name + '.ov1.bsq')
        subprocess.run(['gdal_translate', '-q', '-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', '-oo', 'OVERVIEW_LEVEL=0', tif, ov], check=True)
        entry['overview_raw'] = ov
        entry['overview_size'] = [gdal.Open(ov).RasterXSize, gdal.Open(ov).RasterYSize]
    fixtures.append(entry)

bases = {t: base(t) for t in TYPES}
for t, src in bases.items():
    floating = t.startswith('float')
    make(f'{t}-none-striped-pixel', src, t, ['INTERLEAVE=PIXEL'])
    make(f'{t}-deflate-tiled-band', src, t, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'INTERLEAVE=BAND'])
    make(f'{t}-deflate-pred2-striped-pixel', src, t, ['COMPRESS=DEFLATE', 'PREDICTOR=2', 'BLOCKYSIZE=7'])
    make(f'{t}-lzw-pred2-tiled-pixel-bigendian', src, t, ['TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=48', 'COMPRESS=LZW', 'PREDICTOR=2', 'ENDIANNESS=BIG'])
    # little-endian LZW + predictor 2 with one sample per block: the predictor is undone in the LZW module
    make(f'{t}-lzw-pred2-striped-band', src, t, ['COMPRESS=LZW', 'PREDICTOR=2', 'INTERLEAVE=BAND', 'BLOCKYSIZE=5'])
    make(f'{t}-zstd-tiled-band-bigtiff', src, t, ['TILED=YES', 'COMPRESS=ZSTD', 'INTERLEAVE=BAND', 'BIGTIFF=YES'])
    make(f'{t}-packbits-striped-band', src, t, ['COMPRESS=PACKBITS', 'INTERLEAVE=BAND'])
    if floating:
        make(f'{t}-deflate-pred3-tiled-pixel', src, t, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=3'])
        make(f'{t}-lzw-pred3-striped-band-bigendian', src, t, ['COMPRESS=LZW', 'PREDICTOR=3', 'INTERLEAVE=BAND', 'ENDIANNESS=BIG'])
        make(f'{t}-zstd-pred3-tiled-band', src, t, ['TILED=YES', 'COMPRESS=ZSTD', 'PREDICTOR=3', 'INTERLEAVE=BAND'])
        # 4 and 8 samples per pixel: the predictor's byte planes are undone a word at a time
        for n in (4, 8):
            bands = [a for b in range(n) for a in ('-b', str(b % B + 1))]
            make(f'{t}-deflate-pred3-tiled-pixel-{n}bands', src, t, ['TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32', 'COMPRESS=DEFLATE', 'PREDICTOR=3'], bands)
    if t in ('uint8', 'int16', 'float32'):
        make(f'{t}-lerc-tiled-band', src, t, ['TILED=YES', 'COMPRESS=LERC', 'INTERLEAVE=BAND'])
        # GDAL 3.6 cannot read back pixel-interleaved LERC float32 with NaNs: band-interleave floats here
        lerc_interleave = 'BAND' if floating else 'PIXEL'
        make(f'{t}-lerc-deflate-tiled-{lerc_interleave.lower()}', src, t, ['TILED=YES', 'COMPRESS=LERC_DEFLATE', f'INTERLEAVE={lerc_interleave}'])
        make(f'{t}-lerc-zstd-tiled-band', src, t, ['TILED=YES', 'COMPRESS=LERC_ZSTD', 'INTERLEAVE=BAND'])
        make(f'{t}-deflate-tiled-sparse', src, t, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'SPARSE_OK=TRUE', 'INTERLEAVE=BAND'])
        make(f'{t}-deflate-tiled-overviews', src, t, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'INTERLEAVE=BAND'], overviews=True)

print(json.dumps(fixtures))
