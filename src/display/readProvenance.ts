// Reading back the provenance record that permafrost-lab writes into its outputs (figures, animations,
// tables, GeoTIFFs): the `permafrost-lab provenance` command and readProvenance.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FormatError } from '../errors.js';
import { openRaster } from '../geotiff/openRaster.js';
import { findXml, parseXml } from '../geotiff/xml.js';
import { GEOTIFF_PROVENANCE_ITEM, PROVENANCE_KEY as KEY, type Provenance } from '../provenance/provenance.js';
import { gifComments } from './gif.js';
import { mp4Comment } from './mp4.js';

/**
 * The provenance recorded in a PNG, SVG, HTML, CSV, GeoTIFF, GIF or MP4 written by permafrost-lab; null
 * when the file carries none.
 * @example const p = await readProvenance('out/exports/magt-change.png'); p?.dataset?.fingerprint.id
 */
export async function readProvenance(path: string): Promise<Provenance | null> {
  const type = extname(path).toLowerCase();
  let json: string | undefined;
  if (type === '.tif' || type === '.tiff') {
    const raster = await openRaster(path);
    json = raster.metadata[GEOTIFF_PROVENANCE_ITEM];
    await raster.close();
    return json === undefined ? null : parse(json, path);
  }
  const bytes = readFileSync(path);
  const prefix = `${KEY} provenance: `;
  if (type === '.gif' || type === '.mp4') {
    const comments = type === '.gif' ? gifComments(bytes, path) : [mp4Comment(bytes, path) ?? ''];
    json = comments.find((c) => c.startsWith(prefix))?.slice(prefix.length);
  } else if (type === '.png') {
    for (let at = 8; at + 12 <= bytes.length;) {
      const length = bytes.readUInt32BE(at);
      const kind = bytes.toString('latin1', at + 4, at + 8);
      if (kind === 'tEXt') {
        const body = bytes.subarray(at + 8, at + 8 + length);
        const zero = body.indexOf(0);
        if (body.toString('latin1', 0, zero) === KEY) json = body.toString('latin1', zero + 1);
      }
      at += 12 + length;
    }
  } else if (type === '.svg') {
    const svg = parseXml(bytes.toString('utf8'), { what: 'SVG', file: path });
    json = findXml(svg, (e) => e.attributes.id === `${KEY}-provenance`)?.text;
  } else {
    // HTML is not XML (<meta> is never closed): the record is the text of the element with our id, up
    // to the next '<' (a script's JSON has none); a CSV carries it in a comment line
    const text = bytes.toString('utf8');
    const marker = `id="${KEY}-provenance">`;
    const start = text.indexOf(marker);
    const end = start < 0 ? -1 : text.indexOf('<', start + marker.length);
    json = end >= 0 ? text.slice(start + marker.length, end) : new RegExp(`^# ${KEY} provenance: (.*)$`, 'm').exec(text)?.[1];
  }
  return json === undefined ? null : parse(json, path);
}

function parse(json: string, path: string): Provenance {
  try {
    return JSON.parse(json) as Provenance;
  } catch {
    throw new FormatError('the provenance record is not valid JSON (was the file edited?)', path);
  }
}
