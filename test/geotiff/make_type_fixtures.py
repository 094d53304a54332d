"""Makes GeoTIFFs of the sample types GDAL reads into a folder, with GDAL's reading of each.

Usage: make_type_fixtures.py OUT_DIR. Prints a JSON list of {name, tif, gdal (each band's
ReadRaster bytes in GDAL's type, one after another: complex samples as (real, imaginary) pairs),
type (GDAL's type name), bands, width, height}. Made with gdal_translate: NBITS=1, 2, 4, 10, 12,
24, float16 (NBITS=16 on Float32), Int64, UInt64 and the complex types, little- and big-endian,
strips and tiles; and LZMA and WebP files. Deterministic (seeded).
"""
import json, os, subprocess, sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261206)
W, H, B = 75, 41, 2
src = os.path.join(out, 'source.tif')
ds = gdal.GetDriverByName('GTiff').Create(src, W, H, B, gdal.GDT_Float64)
y, x = np.mgrid[0:H, 0:W]
for b in range(B):
    ds.GetRasterBand(b + 1).WriteArray(np.sin(x / 7 + b) * np.cos(y / 5) + rng.uniform(-0.2, 0.2, (H, W)))  # in [-1.2, 1.2]
ds = None

NAMES = {gdal.GDT_Byte: 'uint8', gdal.GDT_UInt16: 'uint16', gdal.GDT_UInt32: 'uint32', gdal.GDT_Float32: 'float32', gdal.GDT_Int64: 'int64',
         gdal.GDT_UInt64: 'uint64', gdal.GDT_CInt16: 'cint16', gdal.GDT_CInt32: 'cint32', gdal.GDT_CFloat32: 'cfloat32', gdal.GDT_CFloat64: 'cfloat64'}
fixtures = []
cases = [
    ('nbits1', ['-ot', 'Byte', '-scale', '-1.2', '1.2', '0', '1'], ['NBITS=1']),
    ('nbits2', ['-ot', 'Byte', '-scale', '-1.2', '1.2', '0', '3'], ['NBITS=2']),
    ('nbits4', ['-ot', 'Byte', '-scale', '-1.2', '1.2', '0', '15'], ['NBITS=4']),
    ('nbits10', ['-ot', 'UInt16', '-scale', '-1.2', '1.2', '0', '1023'], ['NBITS=10']),
    ('nbits12', ['-ot', 'UInt16', '-scale', '-1.2', '1.2', '0', '4095'], ['NBITS=12']),
    ('nbits24', ['-ot', 'UInt32', '-scale', '-1.2', '1.2', '0', '16777215'], ['NBITS=24']),
    ('float16', ['-ot', 'Float32', '-scale', '-1.2', '1.2', '-3000', '60000'], ['NBITS=16']),
    ('int64', ['-ot', 'Int64', '-scale', '-1.2', '1.2', '-9e15', '9e15'], []),
    ('uint64', ['-ot', 'UInt64', '-scale', '-1.2', '1.2', '0', '9e15'], []),
    ('cint16', ['-ot', 'CInt16', '-scale', '-1.2', '1.2', '-30000', '30000'], []),
    ('cint32', ['-ot', 'CInt32', '-scale', '-1.2', '1.2', '-2e9', '2e9'], []),
    ('cfloat32', ['-ot', 'CFloat32'], []),
    ('cfloat64', ['-ot', 'CFloat64'], []),
]
for name, translate, creation in cases:
    for variant, extra in (('', []), ('_big_tiled_deflate', ['ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=16', 'COMPRESS=DEFLATE']),
                           ('_bands_lzw', ['INTERLEAVE=BAND', 'COMPRESS=LZW'])):
        tif = os.path.join(out, name + variant + '.tif')
        subprocess.run(['gdal_translate', '-q', *translate, src, tif, *[a for c in creation + extra for a in ('-co', c)]], check=True)
        ds = gdal.Open(tif)
        with open(os.path.join(out, name + variant + '.gdal'), 'wb') as f:
            for b in range(ds.RasterCount):
                f.write(ds.GetRasterBand(b + 1).ReadRaster())
        fixtures.append({'name': name + variant, 'tif': tif, 'gdal': os.path.join(out, name + variant + '.gdal'),
                         'type': NAMES[ds.GetRasterBand(1).DataType], 'bands': ds.RasterCount, 'width': W, 'height': H})
# The codecs GDAL writes besides the common ones: LZMA (with its predictors) and WebP (lossy, lossless, with alpha).
rgba = os.path.join(out, 'rgba.tif')
ds = gdal.GetDriverByName('GTiff').Create(rgba, W, H, 4, gdal.GDT_Byte)
for b in range(4):
    ds.GetRasterBand(b + 1).WriteArray(np.clip((np.sin(x / (5 + b)) * np.cos(y / 4) + 1) * 110 + rng.integers(0, 30, (H, W)), 0, 255).astype(np.uint8))
ds = None
codecs = [
    ('lzma_uint8', ['-b', '1', '-b', '2', '-b', '3'], rgba, ['COMPRESS=LZMA']),
    ('lzma_int16_predictor2_big_tiled', ['-ot', 'Int16', '-scale', '-1.2', '1.2', '-30000', '30000'], src, ['COMPRESS=LZMA', 'PREDICTOR=2', 'ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=16']),
    ('lzma_float32_predictor3', ['-ot', 'Float32'], src, ['COMPRESS=LZMA', 'PREDICTOR=3', 'LZMA_PRESET=9']),
    ('webp_lossy', ['-b', '1', '-b', '2', '-b', '3'], rgba, ['COMPRESS=WEBP', 'WEBP_LEVEL=60']),
    ('webp_lossless_tiled', ['-b', '1', '-b', '2', '-b', '3'], rgba, ['COMPRESS=WEBP', 'WEBP_LOSSLESS=YES', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32']),
    ('webp_rgba', [], rgba, ['COMPRESS=WEBP', 'WEBP_LEVEL=90']),
]
NAMES[gdal.GDT_Int16] = 'int16'
for name, translate, source, creation in codecs:
    tif = os.path.join(out, name + '.tif')
    subprocess.run(['gdal_translate', '-q', *translate, source, tif, *[a for c in creation for a in ('-co', c)]], check=True)
    ds = gdal.Open(tif)
    with open(os.path.join(out, name + '.gdal'), 'wb') as f:
        for b in range(ds.RasterCount):
            f.write(ds.GetRasterBand(b + 1).ReadRaster())
    fixtures.append({'name': name, 'tif': tif, 'gdal': os.path.join(out, name + '.gdal'), 'type': NAMES[ds.GetRasterBand(1).DataType],
                     'bands': ds.RasterCount, 'width': W, 'height': H})
json.dump(fixtures, sys.stdout)
