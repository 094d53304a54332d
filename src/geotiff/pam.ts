import { FormatError } from '../errors.js';
import { unescapeXml, type GdalMetadata } from './metadata.js';

/**
 * GDAL's sidecar (PAM) file, `<file>.aux.xml`: what GDAL and ArcGIS write beside a GeoTIFF when they
 * cannot (or do not) write into it: band descriptions, nodata, scale and offset, units, class names
 * (`CategoryNames`, or a raster attribute table with a name column), statistics.
 */
export interface PamBand {
  description?: string;
  noData?: string;
  scale?: string;
  offset?: string;
  unit?: string;
  /** Class names by stored value (missing values left empty), from CategoryNames or the attribute table. */
  classes?: string[];
}

const text = (s: string) => unescapeXml(s).trim();

/**
 * Each `<tag …>…</tag>` of `xml` in order (a self-closing one with an empty body), found with indexOf
 * in one pass: a damaged sidecar with thousands of unclosed tags costs no more than a good one (a lazy
 * regular expression rescans to the end from each of them). An unclosed tag ends the list.
 */
function* elements(xml: string, tag: string): Generator<{ attrs: string; body: string }> {
  const open = `<${tag}`, close = `</${tag}>`;
  let at = 0;
  for (;;) {
    const start = xml.indexOf(open, at);
    if (start < 0) return;
    at = start + open.length;
    if (!/[\s>/]/.test(xml.charAt(at))) continue; // a longer name (<Category in <CategoryNames)
    const end = xml.indexOf('>', at);
    if (end < 0) return;
    const attrs = xml.slice(at, end);
    if (attrs.endsWith('/')) { yield { attrs: attrs.slice(0, -1), body: '' }; at = end + 1; continue; }
    const stop = xml.indexOf(close, end + 1);
    if (stop < 0) return;
    yield { attrs, body: xml.slice(end + 1, stop) };
    at = stop + close.length;
  }
}

/** The body of the first `<tag>` of `xml`, or undefined. */
function element(xml: string, tag: string): string | undefined {
  for (const e of elements(xml, tag)) return e.body;
  return undefined;
}

/** Largest class value a table may name (a table naming more is not a class list). */
const MAX_CLASS = 255;

/** Parses a PAM document into one record per band (0-based; bands the file does not have are ignored). */
export function parsePam(xml: string, bands: number): PamBand[] {
  const out: PamBand[] = Array.from({ length: bands }, () => ({}));
  for (const { attrs, body } of elements(xml, 'PAMRasterBand')) {
    const index = Number(/\bband\s*=\s*"(\d+)"/.exec(attrs)?.[1]) - 1;
    if (!(index >= 0 && index < bands)) continue;
    const record = out[index];
    for (const [key, tag] of [['description', 'Description'], ['noData', 'NoDataValue'], ['scale', 'Scale'], ['offset', 'Offset'], ['unit', 'UnitType']] as const) {
      const v = element(body, tag);
      if (v !== undefined && text(v) !== '') record[key] = text(v);
    }
    const categories = element(body, 'CategoryNames');
    if (categories !== undefined) {
      const names = [...elements(categories, 'Category')].map((c) => text(c.body));
      if (names.some((n) => n !== '')) record.classes = names.slice(0, MAX_CLASS + 1);
    }
    const table = element(body, 'GDALRasterAttributeTable');
    if (table !== undefined && !record.classes) record.classes = classesOfTable(table);
  }
  return out;
}

/**
 * Class names from a raster attribute table: the value column (usage MinMax, else a field named
 * Value) and the name column (usage Name, else the first text field named like a class or zone).
 */
function classesOfTable(table: string): string[] | undefined {
  const fields = [...elements(table, 'FieldDefn')].map(({ body }) => ({
    name: text(element(body, 'Name') ?? ''), type: Number(text(element(body, 'Type') ?? '-1')), usage: Number(text(element(body, 'Usage') ?? '0')),
  }));
  let value = fields.findIndex((f) => f.usage === 5);
  if (value < 0) value = fields.findIndex((f) => /^value$/i.test(f.name));
  let name = fields.findIndex((f) => f.usage === 2);
  if (name < 0) name = fields.findIndex((f) => f.type === 2 && /name|class|zone|type|label|类|区/i.test(f.name));
  if (value < 0 || name < 0) return undefined;
  const classes: string[] = [];
  for (const row of elements(table, 'Row')) {
    const cells = [...elements(row.body, 'F')].map((c) => text(c.body));
    const v = Number(cells[value]);
    if (!Number.isInteger(v) || v < 0 || v > MAX_CLASS) return undefined;
    classes[v] = cells[name] ?? '';
  }
  return classes.length ? Array.from(classes, (c) => c ?? '') : undefined;
}

/**
 * Fills what the file's own GDAL metadata lacks from the sidecar, with GDAL's precedence (checked with
 * gdalinfo): the file's descriptions, scale, offset and units first, the sidecar's nodata first.
 * Returns the sidecar's nodata text, if any, and what it gave.
 * @throws FormatError when the sidecar gives the bands different nodata values (one per file here).
 */
export function applyPam(gdal: GdalMetadata, pam: PamBand[], name: string): { noData: string | undefined; gave: string[] } {
  const gave = new Set<string>();
  for (const [b, band] of pam.entries()) {
    for (const [key, field, what] of [['DESCRIPTION', 'description', 'band descriptions'], ['SCALE', 'scale', 'scale'], ['OFFSET', 'offset', 'offset'], ['UNITTYPE', 'unit', 'units']] as const) {
      if (band[field] !== undefined && gdal.bands[b][key] === undefined) { gdal.bands[b][key] = band[field]; gave.add(what); }
    }
    if (band.classes) gave.add('class names');
  }
  const noData = [...new Set(pam.map((b) => b.noData).filter((v): v is string => v !== undefined))];
  if (noData.length > 1) throw new FormatError(`${name}.aux.xml gives the bands different nodata values (${noData.join(', ')}); this reader takes one per file`, name);
  if (noData.length === 1) gave.add('nodata');
  return { noData: noData[0], gave: [...gave] };
}
