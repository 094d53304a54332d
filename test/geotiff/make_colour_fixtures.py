"""Makes colour-model GeoTIFFs into a folder and writes GDAL's reading of each as raw BSQ bytes.

Usage: make_colour_fixtures.py OUT_DIR. Prints a JSON list of {name, tif, gdal (GDAL's bands, BSQ
uint8), bands, width, height, stored? (the stored samples per pixel, BSQ, chroma repeated over its
block), overviews?}. YCbCr, CMYK, CIELab and JPEG files come from gdal_translate; YCbCr that is
not JPEG-compressed (which GDAL does not write) from a small TIFF writer below, with the
subsampling, ReferenceBlackWhite and YCbCrCoefficients other tools write. Deterministic (seeded).
"""
import json, os, struct, subprocess, sys, zlib
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261205)
W, H = 203, 117
y, x = np.mgrid[0:H, 0:W]
rgb = np.stack([(x * 1.2 + y * 0.5) % 256, 128 + 100 * np.sin(x / 13) * np.cos(y / 7), (y * 2 + x * 0.3) % 256]) + rng.normal(0, 8, (3, H, W))
rgb = np.clip(rgb, 0, 255).astype(np.uint8)
fourth = ((x + y) % 256).astype(np.uint8)[None]


def save(path, data):
    ds = gdal.GetDriverByName('GTiff').Create(path, data.shape[2], data.shape[1], data.shape[0], gdal.GDT_Byte)
    for b in range(data.shape[0]):
        ds.GetRasterBand(b + 1).WriteArray(data[b])
    ds = None


save(os.path.join(out, 'rgb.tif'), rgb)
save(os.path.join(out, 'four.tif'), np.concatenate([rgb, fourth]))
fixtures = []


def record(name, stored=None, overviews=0):
    tif = os.path.join(out, name + '.tif')
    ds = gdal.Open(tif)
    data = np.stack([ds.GetRasterBand(b + 1).ReadAsArray() for b in range(ds.RasterCount)])
    data.tofile(os.path.join(out, name + '.gdal'))
    entry = {'name': name, 'tif': tif, 'gdal': os.path.join(out, name + '.gdal'), 'bands': ds.RasterCount, 'width': ds.RasterXSize, 'height': ds.RasterYSize}
    if stored is not None:
        stored.astype(np.uint8).tofile(os.path.join(out, name + '.stored'))
        entry['stored'] = os.path.join(out, name + '.stored')
        entry['stored_bands'] = stored.shape[0]
    if overviews:
        entry['overviews'] = []
        for level in range(overviews):
            o = np.stack([ds.GetRasterBand(b + 1).GetOverview(level).ReadAsArray() for b in range(ds.RasterCount)])
            o.tofile(os.path.join(out, f'{name}.ov{level + 1}'))
            entry['overviews'].append({'path': os.path.join(out, f'{name}.ov{level + 1}'), 'width': o.shape[2], 'height': o.shape[1]})
    fixtures.append(entry)


def translate(name, src, *creation, overviews=False, bands=()):
    tif = os.path.join(out, name + '.tif')
    subprocess.run(['gdal_translate', '-q', *[a for b in bands for a in ('-b', str(b))], os.path.join(out, src), tif, *[a for c in creation for a in ('-co', c)]], check=True)
    if overviews:
        subprocess.run(['gdaladdo', '-q', '-r', 'average', tif, '2', '4'], check=True)
    return tif


translate('ycbcr_jpeg_strips', 'rgb.tif', 'PHOTOMETRIC=YCBCR', 'COMPRESS=JPEG'); record('ycbcr_jpeg_strips')
translate('ycbcr_jpeg_tiles', 'rgb.tif', 'PHOTOMETRIC=YCBCR', 'COMPRESS=JPEG', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=48', 'JPEG_QUALITY=95', overviews=True)
record('ycbcr_jpeg_tiles', overviews=2)
translate('rgb_jpeg', 'rgb.tif', 'COMPRESS=JPEG'); record('rgb_jpeg')
translate('rgb_jpeg_bands', 'rgb.tif', 'COMPRESS=JPEG', 'INTERLEAVE=BAND'); record('rgb_jpeg_bands')
translate('grey_jpeg', 'rgb.tif', 'COMPRESS=JPEG', 'JPEG_QUALITY=60', bands=(2,)); record('grey_jpeg')
four = np.concatenate([rgb, fourth])
translate('cmyk', 'four.tif', 'PHOTOMETRIC=CMYK'); record('cmyk', stored=four)
translate('cmyk_deflate_tiles', 'four.tif', 'PHOTOMETRIC=CMYK', 'COMPRESS=DEFLATE', 'TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=32'); record('cmyk_deflate_tiles', stored=four)
translate('cmyk_jpeg', 'four.tif', 'PHOTOMETRIC=CMYK', 'COMPRESS=JPEG'); record('cmyk_jpeg')
translate('cielab', 'rgb.tif', 'PHOTOMETRIC=CIELAB'); record('cielab', stored=rgb)


def ycbcr_tiff(name, subsampling, compression, rows_per_strip, rbw=None, coefficients=None):
    """A little-endian, stripped, 8-bit YCbCr TIFF as other writers make them (not JPEG)."""
    h, v = subsampling
    across, down = -(-W // h), -(-H // v)
    ycc = rng.integers(0, 256, (3, H, W), dtype=np.uint8)
    ycc[0] = (rgb[0] * 0.5 + rgb[1] * 0.4 + 20).astype(np.uint8)  # a smooth luma with the noise of the chroma
    units = []
    for by in range(down):
        for bx in range(across):
            lumas = [ycc[0, min(by * v + j, H - 1), min(bx * h + i, W - 1)] for j in range(v) for i in range(h)]
            units.append(bytes(lumas) + bytes([ycc[1, by * v, bx * h], ycc[2, by * v, bx * h]]))
    unit_rows = rows_per_strip // v
    strips = [b''.join(units[r * across:(r + unit_rows) * across]) for r in range(0, down, unit_rows)]
    if compression == 8:
        strips = [zlib.compress(s, 6) for s in strips]
    # stored samples per pixel, chroma repeated over its block
    stored = np.stack([ycc[0], ycc[1][::v, ::h].repeat(v, 0).repeat(h, 1)[:H, :W], ycc[2][::v, ::h].repeat(v, 0).repeat(h, 1)[:H, :W]])
    stored[0] = np.array([[ycc[0, min(r, H - 1), min(c, W - 1)] for c in range(W)] for r in range(H)])
    entries, extra = [], b''
    head = 8
    data_at = head
    blobs = b''.join(strips)
    offsets, at = [], head
    for s in strips:
        offsets.append(at)
        at += len(s)
    ifd_at = at + (at % 2)
    def entry(tag, typ, values):
        entries.append((tag, typ, values))
    rat = lambda vals: [(round(v * 10000), 10000) for v in vals]
    entry(256, 4, [W]); entry(257, 4, [H]); entry(258, 3, [8, 8, 8]); entry(259, 3, [compression]); entry(262, 3, [6])
    entry(273, 4, offsets); entry(277, 3, [3]); entry(278, 4, [rows_per_strip]); entry(279, 4, [len(s) for s in strips]); entry(284, 3, [1])
    if coefficients: entry(529, 5, rat(coefficients))
    entry(530, 3, [h, v])
    if rbw: entry(532, 5, rat(rbw))
    entries.sort()
    n = len(entries)
    ifd_size = 2 + n * 12 + 4
    value_at = ifd_at + ifd_size
    body, values = b'', b''
    for tag, typ, vals in entries:
        if typ == 5:
            raw = b''.join(struct.pack('<II', a, b) for a, b in vals); count = len(vals)
        else:
            raw = b''.join(struct.pack('<H' if typ == 3 else '<I', v) for v in vals); count = len(vals)
        if len(raw) <= 4:
            body += struct.pack('<HHI', tag, typ, count) + raw.ljust(4, b'\0')
        else:
            body += struct.pack('<HHII', tag, typ, count, value_at + len(values))
            values += raw + (b'\0' if len(raw) % 2 else b'')
    tif = os.path.join(out, name + '.tif')
    with open(tif, 'wb') as f:
        f.write(b'II*\0' + struct.pack('<I', ifd_at) + blobs + b'\0' * (ifd_at - at) + struct.pack('<H', n) + body + b'\0\0\0\0' + values)
    record(name, stored=stored)


ycbcr_tiff('ycbcr_11_none', (1, 1), 1, 16)
ycbcr_tiff('ycbcr_22_deflate', (2, 2), 8, 16)
ycbcr_tiff('ycbcr_21_none', (2, 1), 1, 9)
ycbcr_tiff('ycbcr_42_deflate_bt709', (4, 2), 8, 8, rbw=[16, 235, 128, 240, 128, 240], coefficients=[0.2126, 0.7152, 0.0722])
ycbcr_tiff('ycbcr_44_none', (4, 4), 1, 32)
json.dump(fixtures, sys.stdout)
