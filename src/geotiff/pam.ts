import { FormatError } from '../errors.js';
import type { GdalMetadata } from './metadata.js';
import { parseXml, type XmlElement } from './xml.js';

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

/** The first child of `parent` named `name`, or undefined (GDAL's CPLGetXMLNode: children only, not deeper). */
const child = (parent: XmlElement, name: string) => parent.children.find((c) => c.name === name);
const named = (parent: XmlElement, name: string) => parent.children.filter((c) => c.name === name);
const text = (e: XmlElement | undefined) => e?.text.trim();

/** Largest class value a table may name (a table naming more is not a class list). */
const MAX_CLASS = 255;

/**
 * Parses a PAM document into one record per band (0-based; bands the file does not have are ignored).
 * @param file the sidecar to name in errors
 * @throws FormatError when the sidecar is not well-formed XML with a `<PAMDataset>` root.
 * @example parsePam('<PAMDataset><PAMRasterBand band="1"><NoDataValue>-9999</NoDataValue></PAMRasterBand></PAMDataset>', 1) // [{ noData: '-9999' }]
 */
export function parsePam(xml: string, bands: number, file?: string): PamBand[] {
  const out: PamBand[] = Array.from({ length: bands }, () => ({}));
  const root = parseXml(xml, { what: 'sidecar', file });
  if (root.name !== 'PAMDataset') throw new FormatError(`invalid sidecar: a <${root.name.slice(0, 40)}> document (expected a <PAMDataset> root)`, file);
  for (const band of named(root, 'PAMRasterBand')) {
    const index = /^\d+$/.test(band.attributes.band ?? '') ? Number(band.attributes.band) - 1 : -1;
    if (!(index >= 0 && index < bands)) continue;
    const record = out[index];
    for (const [key, tag] of [['description', 'Description'], ['noData', 'NoDataValue'], ['scale', 'Scale'], ['offset', 'Offset'], ['unit', 'UnitType']] as const) {
      const v = text(child(band, tag));
      if (v) record[key] = v;
    }
    const categories = child(band, 'CategoryNames');
    if (categories !== undefined) {
      const names = named(categories, 'Category').map((c) => c.text.trim());
      if (names.some((n) => n !== '')) record.classes = names.slice(0, MAX_CLASS + 1);
    }
    const table = child(band, 'GDALRasterAttributeTable');
    if (table !== undefined && !record.classes) record.classes = classesOfTable(table);
  }
  return out;
}

/**
 * Class names from a raster attribute table: the value column (usage MinMax, else a field named
 * Value) and the name column (usage Name, else the first text field named like a class or zone).
 */
function classesOfTable(table: XmlElement): string[] | undefined {
  const fields = named(table, 'FieldDefn').map((f) => ({
    name: text(child(f, 'Name')) ?? '', type: Number(text(child(f, 'Type')) ?? '-1'), usage: Number(text(child(f, 'Usage')) ?? '0'),
  }));
  let value = fields.findIndex((f) => f.usage === 5);
  if (value < 0) value = fields.findIndex((f) => /^value$/i.test(f.name));
  let name = fields.findIndex((f) => f.usage === 2);
  if (name < 0) name = fields.findIndex((f) => f.type === 2 && /name|class|zone|type|label|类|区/i.test(f.name));
  if (value < 0 || name < 0) return undefined;
  const classes: string[] = [];
  for (const row of named(table, 'Row')) {
    const cells = named(row, 'F').map((c) => c.text.trim());
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
