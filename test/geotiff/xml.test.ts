// The one XML reader (GDAL_METADATA, the .aux.xml sidecar, SVG provenance): what it reads agrees with
// Python's expat, and damaged text of any size ends in a FormatError in time linear in its length.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { withGdalMetadata } from '../../src/fuzz/mutate.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { parseGdalMetadata } from '../../src/geotiff/metadata.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { parseXml, unescapeXml, type XmlElement } from '../../src/geotiff/xml.js';
import { writeGeoTIFF } from '../../src/geotiff/writeGeoTIFF.js';
import { readProvenance } from '../../src/display/readProvenance.js';
import { python, referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-xml-');
afterAll(() => tmp.cleanup());

/** An element as Python's ElementTree gives it: text is the element's own text plus its children's tails. */
interface Plain { name: string; attributes: Record<string, string>; text: string; children: Plain[] }
const plain = (e: XmlElement): Plain => ({ name: e.name, attributes: { ...e.attributes }, text: e.text, children: e.children.map(plain) });
const ours = (doc: string): Plain | 'error' => {
  try {
    return plain(parseXml(doc));
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return 'error';
  }
};
const EXPAT = `
import json, sys, xml.etree.ElementTree as ET
def plain(e):
    return {'name': e.tag, 'attributes': dict(e.attrib), 'text': (e.text or '') + ''.join(c.tail or '' for c in e), 'children': [plain(c) for c in e]}
out = []
for doc in json.load(sys.stdin):
    try: out.append(plain(ET.fromstring(doc.encode('utf-8'))))
    except ET.ParseError: out.append('error')
print(json.dumps(out))
`;

// A document with what GDAL and ArcGIS write (declaration, comments, CDATA, entities, numeric
// references, both quotes, self-closing tags, non-ASCII) and none of what expat reads differently
// (namespaces, declared entities, CR and tabs, which expat normalizes).
const RICH = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE PAMDataset [ <!ELEMENT PAMDataset ANY> ]>
<!-- written by hand -->
<PAMDataset>
  <PAMRasterBand band="1" note='single "quoted"'>
    <Description>1980&#x2013;1984 &amp; after</Description>
    <NoDataValue le_hex_equiv="C0C3880000000000">-9999</NoDataValue>
    <CategoryNames><Category /><Category>连续多年冻土</Category><Category><![CDATA[a <b> & c]]></Category></CategoryNames>
    <Metadata><MDI key="STATISTICS_MEAN">1.99</MDI><!-- a comment --></Metadata>
  </PAMRasterBand>
  <?gdal processing instruction?>
  <PAMRasterBand band="2"><Description>x &lt; y &gt; z &quot;q&quot; &apos;a&apos; &#233;</Description></PAMRasterBand>
</PAMDataset>
`;

/** Damaged copies of a document: truncations, each end tag dropped, a '>' or a quote dropped, and the other shapes expat refuses. */
function damaged(doc: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < doc.length; at++) out.push(doc.slice(0, at));
  for (const m of doc.matchAll(/<\/\w+>/g)) out.push(doc.slice(0, m.index) + doc.slice(m.index! + m[0].length));
  // (the XML declaration's own content is not checked, as GDAL does not: quotes are dropped after it)
  const root = doc.indexOf('<PAMDataset>');
  for (const m of doc.matchAll(/[>"]/g)) if (m.index! > root) out.push(doc.slice(0, m.index) + doc.slice(m.index! + 1));
  out.push(`${doc}<Second/>`, `${doc}trailing text`, `text first${doc.slice(root)}`, doc.replace('band="1"', 'band="1" band="2"'),
    doc.replace('band="1"', 'band="<1>"'), doc.replace('band="1"', 'band=1'), doc.replace('band="1"', 'band'), doc.replace('<Description>', '<Description'),
    doc.replace('</Description>', '</Descriptio>'), doc.replace('<!-- a comment -->', '<!-- a comment'), doc.replace(']]>', ']>'),
    doc.replace('<Metadata>', '<1Metadata>'), doc.replace('<Metadata>', '< Metadata>'), '', '   ', '<a></a>', '<a/>', '<a b="1"c="2"/>');
  return out;
}

describe('parseXml(text) agrees with Python\'s expat', () => {
  it('on what a well-formed document holds, and on which damaged copies (every truncation, dropped end tags, quotes, brackets) are not well formed', () => {
    const docs = [RICH, ...damaged(RICH)];
    expect(docs.length).toBeGreaterThan(700);
    const expat = JSON.parse(referee(python, ['-c', EXPAT], JSON.stringify(docs))) as (Plain | 'error')[];
    expect(expat[0]).not.toBe('error');
    expect(expat.filter((e) => e === 'error').length).toBeGreaterThan(650);
    const disagree = docs.map((d, i) => ({ doc: d.length > 300 ? `${d.slice(0, 150)} … ${d.slice(-150)}` : d, ours: ours(d), expat: expat[i] }))
      .filter((r) => JSON.stringify(r.ours) !== JSON.stringify(r.expat));
    expect(disagree).toEqual([]);
  });

  it('names the problem, line and column, and the file', () => {
    const fail = (doc: string) => { try { parseXml(doc, { what: 'sidecar', file: 'magt.tif.aux.xml' }); } catch (err) { return (err as Error).message; } return 'parsed'; };
    expect(fail('<PAMDataset>\n  <PAMRasterBand band="1">\n</PAMDataset>')).toBe(
      'magt.tif.aux.xml: invalid sidecar: the end tag </PAMDataset> at line 3, column 1 does not close <PAMRasterBand> of line 2, column 3 (expected well-formed XML)');
    expect(fail('<a>\n<b>')).toMatch(/^magt\.tif\.aux\.xml: invalid sidecar: <b> at line 2, column 1 is never closed/);
    expect(fail('<a x="1></a>')).toMatch(/the value of x in <a> at line 1, column 1 never ends/);
    expect(fail('<a>'.repeat(300))).toMatch(/elements nested more than 256 deep at line 1, column 769/);
    expect(fail('')).toMatch(/invalid sidecar: no root element/);
  });

  it('keeps what it cannot unescape as written, where expat refuses the document', () => {
    expect(parseXml('<a b="&nbsp;">&#x110000; &foo; &#65;</a>')).toMatchObject({ attributes: { b: '&nbsp;' }, text: '&#x110000; &foo; A' });
    expect(unescapeXml('&amp;lt;')).toBe('&lt;');
  });
});

const GDAL_WRITES = `
import sys
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[1], 3, 2, 3, gdal.GDT_Float32)
items = {'PLAIN': 'value', 'MARKUP': 'a <b> & "c" \\'d\\'', 'ESCAPED': 'already &amp; escaped &lt;', 'UNICODE': 'é – 连续多年冻土',
         'LINES': 'one\\ntwo\\tthree', 'SPACES': '  padded  ', 'EMPTY': '', 'JSON': '{"k": [1, 2], "s": "<x>"}'}
for k, v in items.items(): ds.SetMetadataItem(k, v)
ds.SetMetadataItem('HIDDEN', 'other domain', 'OTHER')
for b, (name, unit, scale, offset) in enumerate([('1980-1984', 'degC', 0.01, 0), ('a & b <c>', 'cm', 2.5, -10), ('冻土 "zone"', '', None, None)]):
    band = ds.GetRasterBand(b + 1)
    band.SetDescription(name)
    if unit: band.SetUnitType(unit)
    if scale is not None: band.SetScale(scale); band.SetOffset(offset)
    band.SetMetadataItem('STATISTICS_MEAN', str(b))
ds = None
`;

describe('GDAL_METADATA as GDAL writes it', () => {
  it('reads as gdalinfo -json lists it: items with markup, entities, non-ASCII text, line breaks; band names, units, scale and offset', async () => {
    const file = join(tmp.dir, 'gdal-written.tif');
    referee(python, ['-c', GDAL_WRITES, file]);
    const info = JSON.parse(referee('gdalinfo', ['-json', file]));
    const raster = await openRaster(file);
    await raster.close();
    // GDAL lists AREA_OR_POINT from the GeoKeys, not from GDAL_METADATA, and skips an item without
    // text, which this reader keeps as '' (as the reader before it did)
    const { AREA_OR_POINT: _, ...items } = info.metadata[''];
    expect(raster.metadata).toEqual({ ...items, EMPTY: '' });
    expect(items.MARKUP).toBe('a <b> & "c" \'d\'');
    expect(raster.bandNames).toEqual(info.bands.map((b: any) => b.description));
    expect(raster.bandUnits).toEqual(info.bands.map((b: any) => b.unit ?? ''));
    expect(raster.scale).toEqual(info.bands.map((b: any) => b.scale ?? 1));
    expect(raster.offset).toEqual(info.bands.map((b: any) => b.offset ?? 0));
  });
});

/** A small GeoTIFF to carry damaged metadata, with a sidecar or GDAL_METADATA written into it. */
let tiff: Uint8Array;
beforeAll(async () => {
  const path = join(tmp.dir, 'base.tif');
  await writeGeoTIFF(path, { width: 4, height: 4, bands: 2, dataType: 'float32', values: [new Float32Array(16), new Float32Array(16)], bandNames: ['1980-1984', '1985-1989'],
    crs: epsgToProj4(3995)!,
    transform: { originX: 0, originY: 0, pixelWidth: 1000, pixelHeight: -1000, rotationX: 0, rotationY: 0 } });
  tiff = new Uint8Array(readFileSync(path));
});

const N = 40_000;
const ITEM = '<Item name="DESCRIPTION" sample="0" role="description">';
/** Each reader, given a document built around its own root and element: the file is written, then read as a user reads it. */
const READERS: { reader: string; root: string; tag: string; write: (doc: string, id: number) => string; read: (file: string) => Promise<unknown> }[] = [
  { reader: 'GDAL_METADATA', root: 'GDALMetadata', tag: ITEM, write: (doc, id) => {
    const file = join(tmp.dir, `m${id}.tif`);
    writeFileSync(file, withGdalMetadata(tiff, doc)!);
    return file;
  }, read: async (file) => (await openRaster(file)).close() },
  { reader: 'sidecar', root: 'PAMDataset', tag: '<PAMRasterBand band="1">', write: (doc, id) => {
    const file = join(tmp.dir, `s${id}.tif`);
    writeFileSync(file, tiff);
    writeFileSync(`${file}.aux.xml`, doc);
    return file;
  }, read: async (file) => (await openRaster(file)).close() },
  { reader: 'SVG provenance', root: 'svg', tag: '<metadata id="permafrost-lab-provenance">', write: (doc, id) => {
    const file = join(tmp.dir, `p${id}.svg`);
    writeFileSync(file, doc);
    return file;
  }, read: (file) => readProvenance(file) },
];
/** Hostile shapes, each of 40,000 parts or megabytes: the old GDAL_METADATA regex took 6 s on the first, quadratic on the first three. */
const SHAPES: { shape: string; doc: (root: string, tag: string) => string; valid?: boolean }[] = [
  { shape: '40,000 unclosed tags', doc: (root, tag) => `<${root}>${tag.repeat(N)}</${root}>` },
  { shape: '40,000 elements with their end tags dropped', doc: (root, tag) => `<${root}>${`${tag}1980-1984`.repeat(N)}</${root}>` },
  { shape: 'the marker of a record 40,000 times, never a \'<\' after it', doc: (root) => `<${root}>${'id="permafrost-lab-provenance">'.repeat(N)}` },
  { shape: '40,000 elements truncated in the middle', doc: (root, tag) => `<${root}>${`${tag}v</${tag.slice(1).split(/[ >]/)[0]}>`.repeat(N)}`.slice(0, 20 * N) },
  { shape: 'nested garbage: 40,000 tags opened and closed out of order', doc: (root) => `<${root}>${Array.from({ length: N }, (_, i) => ['<a>', '</b>', '<c x="1">', '</a>', '<!--', '<![CDATA['][(i * 7919) % 6]).join('')}</${root}>` },
  { shape: '40,000 tags that never end (no \'>\')', doc: (root, tag) => `<${root}>${tag.slice(0, -1).repeat(N)}</${root}>` },
  { shape: 'an attribute value of 8 MB that never ends', doc: (root, tag) => `<${root}>${tag.replace(/"[^"]*"/, `"${'x'.repeat(8 << 20)}`)}</${root}>` },
  { shape: 'an attribute value of 8 MB, well formed', doc: (root) => `<${root} note="${'x'.repeat(8 << 20)}&amp;"></${root}>`, valid: true },
];

describe('hostile metadata is read in bounded time by each reader', () => {
  it('40,000 unclosed <Item tags in GDAL_METADATA: a FormatError naming the file in under 100 ms (the regex before took 6 s)', async () => {
    const file = READERS[0].write(`<GDALMetadata>${ITEM.repeat(N)}</GDALMetadata>`, -1);
    await openRaster(file).catch(() => {}); // warm: the first open loads modules
    // the reader itself (the part that was quadratic), timed apart from opening the file, which a loaded machine slows
    const text = `<GDALMetadata>${ITEM.repeat(N)}</GDALMetadata>`;
    const ms: number[] = [];
    for (let k = 0; k < 3; k++) {
      const started = performance.now();
      expect(() => parseGdalMetadata(text, 1, 'm-1.tif')).toThrow(FormatError);
      ms.push(performance.now() - started);
    }
    expect(Math.min(...ms)).toBeLessThan(100);
    await expect(openRaster(file)).rejects.toThrow(FormatError);
    await expect(openRaster(file)).rejects.toThrow(/m-1\.tif: invalid GDAL_METADATA: elements nested more than 256 deep at line 1, column \d+ \(expected well-formed XML\)/);
  });

  let id = 0;
  for (const { reader, root, tag, write, read } of READERS) {
    for (const { shape, doc, valid } of SHAPES) {
      it(`${reader}: ${shape} ${valid ? 'is read' : 'is a FormatError'} in under 1 s`, async () => {
        const file = write(doc(root, tag), id++);
        const started = performance.now();
        const outcome = await read(file).then(() => 'read', (err) => (err instanceof FormatError ? 'FormatError' : err));
        const ms = performance.now() - started;
        expect(outcome).toBe(valid ? 'read' : 'FormatError');
        expect(ms).toBeLessThan(1000);
      });
    }
  }
});
