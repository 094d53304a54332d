import { crc32 } from 'node:zlib';
import { FormatError } from '../errors.js';
import { escapeXml } from '../core/escape.js';
import { version } from '../version.js';
import { fingerprintFiles, type DatasetFingerprint } from './fingerprint.js';

/** Where a figure or an export came from. */
export interface Provenance {
  /** `permafrost-lab <version>`. */
  library: string;
  /** When the file was written (ISO 8601, UTC). */
  created: string;
  /** True for the synthetic sample, false for the product, null when no dataset was named. */
  synthetic: boolean | null;
  /** The figure builder or export that made it, with its options. */
  builder?: string;
  options?: Record<string, unknown>;
  /** The dataset's folder as it was on the writing machine, and its fingerprint. */
  dataset?: { source: string; fingerprint: DatasetFingerprint };
}

/** The parts of a dataset that provenance needs (`ProductDataset` has them). */
export interface DatasetLike { source: string; synthetic: boolean; files: string[] }

/** Options worth recording: plain values only (numbers, strings, booleans, short arrays), nothing that holds data. */
export function recordable(options: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const plain = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v) ||
    (Array.isArray(v) && v.length <= 32 && v.every(plain));
  for (const [k, v] of Object.entries(options ?? {})) if (k !== 'dataset' && plain(v)) out[k] = v;
  return out;
}

/** A provenance record, with the dataset's fingerprint when a dataset is given (file hashes are cached). */
export async function provenanceOf(what: { builder?: string; options?: Record<string, unknown>; synthetic?: boolean; dataset?: DatasetLike | null }): Promise<Provenance> {
  const dataset = what.dataset ? { source: what.dataset.source, fingerprint: await fingerprintFiles(what.dataset.files) } : undefined;
  return {
    library: `permafrost-lab ${version}`, created: new Date().toISOString(),
    synthetic: what.dataset?.synthetic ?? what.synthetic ?? null,
    ...(what.builder ? { builder: what.builder, options: recordable(what.options) } : {}),
    ...(dataset ? { dataset } : {}),
  };
}

/** JSON with every non-ASCII character escaped, so that it fits PNG tEXt (Latin-1) and any header. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The name permafrost-lab files its provenance under (PNG text chunk keyword, element ids, comment prefix). */
export const PROVENANCE_KEY = 'permafrost-lab';
const KEY = PROVENANCE_KEY;

function textChunk(keyword: string, text: string): Buffer {
  const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
  return chunk;
}

/** A PNG with `tEXt` chunks (Software, Creation Time, Source, and the full record as JSON) right after its header, where every reader looks. */
export function pngWithProvenance(png: Uint8Array, p: Provenance): Buffer {
  const bytes = Buffer.from(png);
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new FormatError('not a PNG (no IHDR chunk)', 'png');
  const afterHeader = 8 + 12 + bytes.readUInt32BE(8);
  const chunks = [textChunk('Software', p.library), textChunk('Creation Time', p.created),
    ...(p.dataset ? [textChunk('Source', `${p.synthetic ? 'synthetic sample' : 'dataset'} ${p.dataset.fingerprint.id}`)] : []),
    textChunk(KEY, asciiJson(p))];
  return Buffer.concat([bytes.subarray(0, afterHeader), ...chunks, bytes.subarray(afterHeader)]);
}

/** An SVG with the record in `<metadata>`. */
export function svgWithProvenance(svg: string, p: Provenance): string {
  const at = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  if (at <= 0) throw new FormatError('not an SVG (no <svg> element)', 'svg');
  return `${svg.slice(0, at)}<metadata id="${KEY}-provenance">${escapeXml(asciiJson(p))}</metadata>${svg.slice(at)}`;
}

/** `<meta>` elements and a JSON block for an HTML page's head. */
export function htmlProvenance(p: Provenance): string {
  const attr = escapeXml;
  return `<meta name="generator" content="${attr(p.library)}"><meta name="created" content="${attr(p.created)}">` +
    (p.dataset ? `<meta name="${KEY}:dataset" content="${attr(p.dataset.fingerprint.id)}">` : '') +
    `<script type="application/json" id="${KEY}-provenance">${asciiJson(p).replace(/</g, '\\u003c')}</script>`;
}

/** Comment lines for the top of a CSV file (`# ` then the record); read them with `comment: '#'`. */
export function csvProvenance(p: Provenance): string {
  return `# ${KEY} provenance: ${asciiJson(p)}\n# synthetic: ${p.synthetic}\n`;
}

/** The record as one line of ASCII text, for a GIF comment extension or an MP4 `comment` tag. */
export function provenanceComment(p: Provenance): string {
  return `${KEY} provenance: ${asciiJson(p)}`;
}

/** The GeoTIFF metadata item (GDAL_METADATA; `gdalinfo` lists it) that holds the record. */
export const GEOTIFF_PROVENANCE_ITEM = 'PERMAFROST_LAB_PROVENANCE';
