"""Makes GeoTIFFs with the damage GDAL recovers from, and GDAL's reading of each.

Usage: make_damaged_fixtures.py OUT_DIR. Files are written by gdal_translate and then patched in
place (the IFD's entries edited): strip byte counts missing, listing fewer strips, 0 or short for
one uncompressed strip, different for uncompressed strips; GDAL_NODATA written as older Windows
builds write infinities (-1.#INF, 1.#INF); a negative ModelPixelScale y. Prints a JSON list of
{name, tif, gdal (GDAL's ReadRaster bytes of every band, or null and GDAL's error when it cannot
read it), source (the undamaged file's bytes, int16 files only), geotransform, nodata}.
"""
import json, os, struct, subprocess, sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.PushErrorHandler('CPLQuietErrorHandler')
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261207)
W, H = 61, 47
src = os.path.join(out, 'source.tif')
ds = gdal.GetDriverByName('GTiff').Create(src, W, H, 2, gdal.GDT_Int16)
for b in range(2):
    ds.GetRasterBand(b + 1).WriteArray(rng.integers(-3000, 3000, (H, W)).astype(np.int16))
ds.SetGeoTransform([500000, 30, 0, 7000000, 0, -30])
ds = None
ds = gdal.Open(src)
with open(os.path.join(out, 'source.gdal'), 'wb') as f:
    for b in range(ds.RasterCount):
        f.write(ds.GetRasterBand(b + 1).ReadRaster())
ds = None


def make(name, *creation, translate=()):
    tif = os.path.join(out, name + '.tif')
    subprocess.run(['gdal_translate', '-q', *translate, src, tif, *[a for c in creation for a in ('-co', c)]], check=True)
    return tif


def entries(data):
    """(position of the entry, tag, type, count, value or offset) of the first IFD (classic, little-endian)."""
    first = struct.unpack_from('<I', data, 4)[0]
    n = struct.unpack_from('<H', data, first)[0]
    return [(first + 2 + i * 12,) + struct.unpack_from('<HHII', data, first + 2 + i * 12) for i in range(n)]


def patch(tif, fn):
    data = bytearray(open(tif, 'rb').read())
    fn(data, {e[1]: e for e in entries(data)})
    open(tif, 'wb').write(bytes(data))


def set_longs(data, entry, values):
    """Writes the first values of a SHORT or LONG entry."""
    at, tag, typ, count, value = entry
    size = 2 if typ == 3 else 4
    where = at + 8 if count * size <= 4 else value
    for i, v in enumerate(values):
        struct.pack_into('<H' if size == 2 else '<I', data, where + size * i, v)


fixtures = []


def record(name, tif):
    entry = {'name': name, 'tif': tif, 'gdal': None, 'source': os.path.join(out, 'source.gdal')}
    try:
        ds = gdal.Open(tif)
        with open(os.path.join(out, name + '.gdal'), 'wb') as f:
            for b in range(ds.RasterCount):
                f.write(ds.GetRasterBand(b + 1).ReadRaster())
        nodata = ds.GetRasterBand(1).GetNoDataValue()
        entry.update(gdal=os.path.join(out, name + '.gdal'), geotransform=ds.GetGeoTransform(), nodata=None if nodata is None else repr(nodata))
    except RuntimeError as err:
        entry['error'] = str(err)
    fixtures.append(entry)


# byte counts missing (the tag renamed to an unknown private tag), compressed and not
for name, creation in (('no_counts_deflate', ['COMPRESS=DEFLATE', 'BLOCKYSIZE=10']), ('no_counts_none', ['BLOCKYSIZE=10']),
                       ('no_counts_one_strip', [f'BLOCKYSIZE={H}']), ('no_counts_one_strip_deflate', ['COMPRESS=DEFLATE', f'BLOCKYSIZE={H}']),
                       ('no_counts_lzw_tiled', ['COMPRESS=LZW', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32'])):
    tif = make(name, *creation)
    tag = 325 if 'tiled' in name else 279
    patch(tif, lambda d, e: struct.pack_into('<H', d, e[tag][0], 65000))
    record(name, tif)

# byte counts listing fewer strips than the image has
tif = make('short_count_list', 'COMPRESS=DEFLATE', 'BLOCKYSIZE=10')
patch(tif, lambda d, e: struct.pack_into('<I', d, e[279][0] + 4, e[279][3] - 2))
record('short_count_list', tif)

# one uncompressed strip counted 0, and counted short
for name, value in (('one_strip_zero', 0), ('one_strip_short', 100)):
    tif = make(name, f'BLOCKYSIZE={H}')
    patch(tif, lambda d, e: set_longs(d, e[279], [value]))
    record(name, tif)

# uncompressed strips with a wrong first count (as some vendors write them)
tif = make('strips_wrong_counts', 'BLOCKYSIZE=10')
patch(tif, lambda d, e: set_longs(d, e[279], [7]))
record('strips_wrong_counts', tif)

# nodata as older Windows builds wrote infinities, in a float file
for name, text in (('nodata_minus_inf', b'-1.#INF'), ('nodata_plus_inf', b'1.#INF')):
    tif = make(name, translate=['-ot', 'Float32', '-a_nodata', '-1234567'])
    def write_text(d, e, text=text):
        at, tag, typ, count, value = e[42113]
        where = at + 8 if count <= 4 else value
        d[where:where + count] = text.ljust(count, b'\0')
    patch(tif, write_text)
    record(name, tif)

# a negative y pixel scale
tif = make('negative_scale_y')
def negate(d, e):
    at, tag, typ, count, value = e[33550]
    y = struct.unpack_from('<d', d, value + 8)[0]
    struct.pack_into('<d', d, value + 8, -abs(y))
patch(tif, negate)
record('negative_scale_y', tif)
json.dump(fixtures, sys.stdout)
