import { randomGenerator } from '../core/random.js';

type Random = ReturnType<typeof randomGenerator>;

/** The mutations the fuzzer applies to TIFF bytes. */
export const TIFF_MUTATIONS = ['bitflip', 'byteset', 'truncate', 'append', 'ifd-count', 'ifd-offset', 'entry-count', 'entry-type', 'huge-dimension', 'ifd-loop', 'zero-fill',
  'payload-bitflip', 'payload-garbage', 'payload-zero', 'block-bytecount', 'block-offset', 'gdal-metadata'] as const;

const le = (b: Uint8Array) => b[0] === 0x49;

/** Offsets of the first IFD's entries (classic TIFF) or null. */
function entries(bytes: Uint8Array): { at: number; count: number; first: number } | null {
  if (bytes.length < 16) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(2, le(bytes)) !== 42) return null;
  const first = view.getUint32(4, le(bytes));
  if (first + 2 > bytes.length) return null;
  return { at: first + 2, count: view.getUint16(first, le(bytes)), first };
}

/**
 * The blocks of the first IFD of a classic TIFF: where the arrays of offsets and byte counts are
 * stored (to patch them) and each block's byte range (to damage its codec payload). Null for
 * BigTIFF or when the tags cannot be found.
 */
function blocksOf(bytes: Uint8Array): { offsets: number[]; counts: number[]; offsetAt: (i: number) => number; countAt: (i: number) => number; size: number } | null {
  const e = entries(bytes);
  if (!e) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = le(bytes);
  let offsetTag: [number, number, number] | null = null, countTag: [number, number, number] | null = null;
  for (let k = 0; k < e.count; k++) {
    const at = e.at + 12 * k;
    if (at + 12 > bytes.length) return null;
    const tag = view.getUint16(at, little);
    const entry: [number, number, number] = [view.getUint16(at + 2, little), view.getUint32(at + 4, little), at + 8];
    if (tag === 273 || tag === 324) offsetTag = entry;
    if (tag === 279 || tag === 325) countTag = entry;
  }
  if (!offsetTag || !countTag || offsetTag[1] !== countTag[1] || offsetTag[1] === 0) return null;
  const place = ([type, count, at]: [number, number, number]) => {
    const size = type === 3 ? 2 : 4;
    const base = size * count <= 4 ? at : view.getUint32(at, little);
    return { size, base };
  };
  const o = place(offsetTag), c = place(countTag);
  const n = offsetTag[1];
  if (o.base + o.size * n > bytes.length || c.base + c.size * n > bytes.length) return null;
  const get = (p: { size: number; base: number }, i: number) => (p.size === 2 ? view.getUint16(p.base + 2 * i, little) : view.getUint32(p.base + 4 * i, little));
  return {
    offsets: Array.from({ length: n }, (_, i) => get(o, i)), counts: Array.from({ length: n }, (_, i) => get(c, i)),
    offsetAt: (i) => o.base + o.size * i, countAt: (i) => c.base + c.size * i, size: o.size,
  };
}

/** GDAL's metadata tag, where GDAL keeps band names, scale, offset and units as XML. */
const GDAL_METADATA = 42112;

/** The GDAL_METADATA text of the first IFD of a classic TIFF, or null. */
export function gdalMetadataOf(bytes: Uint8Array): string | null {
  const e = entries(bytes);
  if (!e) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < e.count && e.at + 12 * k + 12 <= bytes.length; k++) {
    const at = e.at + 12 * k;
    if (view.getUint16(at, le(bytes)) !== GDAL_METADATA || view.getUint16(at + 2, le(bytes)) !== 2) continue;
    const count = view.getUint32(at + 4, le(bytes));
    const start = count <= 4 ? at + 8 : view.getUint32(at + 8, le(bytes));
    if (start + count > bytes.length) return null;
    return Buffer.from(bytes.subarray(start, start + count)).toString('utf8').split('\0', 1)[0];
  }
  return null;
}

/**
 * A copy of a classic TIFF whose first IFD holds `xml` as its GDAL_METADATA tag: the IFD is written
 * again at the end of the file (tags in order, GDAL_METADATA added or replaced), followed by the text.
 * Null for BigTIFF or a header that cannot be followed.
 */
export function withGdalMetadata(source: Uint8Array, xml: string): Uint8Array | null {
  const e = entries(source);
  if (!e || e.at + 12 * e.count + 4 > source.length || e.count >= 65535) return null;
  const little = le(source);
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const kept = Array.from({ length: e.count }, (_, k) => e.at + 12 * k).filter((at) => view.getUint16(at, little) !== GDAL_METADATA);
  const text = Buffer.from(`${xml}\0`, 'utf8');
  const ifd = source.length + (source.length & 1); // IFDs start on a word boundary
  const count = kept.length + 1;
  const data = ifd + 2 + 12 * count + 4;
  const out = new Uint8Array(data + text.length);
  out.set(source);
  out.set(text, data);
  const w = new DataView(out.buffer);
  w.setUint32(4, ifd, little);
  w.setUint16(ifd, count, little);
  let slot = ifd + 2, added = false;
  const add = () => { w.setUint16(slot, GDAL_METADATA, little); w.setUint16(slot + 2, 2, little); w.setUint32(slot + 4, text.length, little); w.setUint32(slot + 8, data, little); slot += 12; added = true; };
  for (const at of kept) {
    if (!added && view.getUint16(at, little) > GDAL_METADATA) add();
    out.set(source.subarray(at, at + 12), slot);
    slot += 12;
  }
  if (!added) add();
  w.setUint32(slot, view.getUint32(e.at + 12 * e.count, little), little);
  return out;
}

/** GDAL_METADATA as GDAL writes it, for a seed that has none. */
const GDAL_METADATA_SEED = `<GDALMetadata>
  <Item name="AREA_OR_POINT">Area</Item>
  <Item name="DESCRIPTION" sample="0" role="description">1980-1984</Item>
  <Item name="SCALE" sample="0" role="scale">0.01</Item>
  <Item name="UNITTYPE" sample="0" role="unittype">degC</Item>
</GDALMetadata>
`;

/** One mutated copy of a TIFF, and a name for the mutation. */
export function mutateTiff(source: Uint8Array, random: Random): { bytes: Uint8Array; mutation: string } {
  const kind = TIFF_MUTATIONS[random.int(0, TIFF_MUTATIONS.length - 1)];
  let bytes = source.slice();
  const view = new DataView(bytes.buffer);
  const e = entries(bytes);
  const entry = () => (e ? e.at + 12 * random.int(0, Math.max(0, e.count - 1)) : random.int(0, bytes.length - 12));
  const headerish = () => random.int(0, Math.min(bytes.length - 1, e ? e.at + 12 * e.count + 4 : 512));
  switch (kind) {
    case 'bitflip': for (let k = random.int(1, 8); k > 0; k--) { const i = random.int(0, bytes.length - 1); bytes[i] ^= 1 << random.int(0, 7); } break;
    case 'byteset': for (let k = random.int(1, 16); k > 0; k--) bytes[headerish()] = random.int(0, 255); break;
    case 'truncate': bytes = bytes.slice(0, random.int(0, bytes.length - 1)); break;
    case 'append': { const more = new Uint8Array(random.int(1, 4096)).map(() => random.int(0, 255)); const b = new Uint8Array(bytes.length + more.length); b.set(bytes); b.set(more, bytes.length); bytes = b; break; }
    case 'ifd-count': if (e) view.setUint16(e.first, random.int(0, 65535), le(bytes)); break;
    case 'ifd-offset': if (bytes.length >= 8) view.setUint32(4, random.next() < 0.5 ? random.int(0, bytes.length * 2) : 0xfffffff0, le(bytes)); break;
    case 'entry-count': { const at = entry(); if (at + 8 <= bytes.length) view.setUint32(at + 4, [0, 1, 0x7fffffff, 0xffffffff, random.int(0, 1e6)][random.int(0, 4)], le(bytes)); break; }
    case 'entry-type': { const at = entry(); if (at + 4 <= bytes.length) view.setUint16(at + 2, random.int(0, 20), le(bytes)); break; }
    case 'huge-dimension': {
      if (!e) break;
      for (let k = 0; k < e.count; k++) {
        const at = e.at + 12 * k;
        if (at + 12 > bytes.length) break;
        const tag = view.getUint16(at, le(bytes));
        if (tag === 256 || tag === 257 || tag === 322 || tag === 323) { view.setUint16(at + 2, 4, le(bytes)); view.setUint32(at + 4, 1, le(bytes)); view.setUint32(at + 8, [0, 1, 65535, 1 << 20, 0x7fffffff, 0xffffffff][random.int(0, 5)], le(bytes)); }
      }
      break;
    }
    case 'ifd-loop': if (e && e.at + 12 * e.count + 4 <= bytes.length) view.setUint32(e.at + 12 * e.count, random.next() < 0.5 ? e.first : 8, le(bytes)); break;
    case 'zero-fill': { const start = random.int(0, bytes.length - 1); bytes.fill(0, start, Math.min(bytes.length, start + random.int(1, 2048))); break; }
    case 'gdal-metadata': {
      // the seed's GDAL metadata damaged as a sidecar is, then made huge (thousands of unclosed tags, megabytes of text), written back into the file
      const damaged = mutateXml(gdalMetadataOf(bytes) ?? GDAL_METADATA_SEED, random);
      const huge = mutateXml(damaged.text, random, HUGE_XML_MUTATIONS);
      const written = withGdalMetadata(bytes, huge.text);
      if (!written) { bytes[random.int(0, bytes.length - 1)] ^= 0xff; break; }
      return { bytes: written, mutation: `${kind} ${damaged.mutation} + ${huge.mutation}` };
    }
    default: {
      // aimed at the codecs: damage one block's payload, or its byte count or offset
      const b = blocksOf(bytes);
      if (!b) { bytes[random.int(0, bytes.length - 1)] ^= 0xff; break; }
      const i = random.int(0, b.offsets.length - 1);
      const start = b.offsets[i], count = b.counts[i];
      const inside = () => start + random.int(0, Math.max(0, count - 1));
      if (kind === 'payload-bitflip') { for (let k = random.int(1, 8); k > 0; k--) { const at = inside(); if (at < bytes.length) bytes[at] ^= 1 << random.int(0, 7); } }
      else if (kind === 'payload-garbage') { const at = inside(); for (let k = 0; k < random.int(1, 64) && at + k < bytes.length; k++) bytes[at + k] = random.int(0, 255); }
      else if (kind === 'payload-zero') { const at = inside(); bytes.fill(0, at, Math.min(bytes.length, at + random.int(1, count))); }
      else {
        const values = kind === 'block-bytecount' ? [0, 1, Math.floor(count / 2), count + 1, count * 4, 0xffffffff, random.int(0, 1 << 20)]
          : [0, 8, 1, bytes.length - 1, bytes.length + 10, 0xfffffff0, random.int(0, bytes.length)];
        const v = values[random.int(0, values.length - 1)];
        const at = kind === 'block-bytecount' ? b.countAt(i) : b.offsetAt(i);
        if (b.size === 2) view.setUint16(at, v & 0xffff, le(bytes)); else view.setUint32(at, v >>> 0, le(bytes));
      }
    }
  }
  return { bytes, mutation: kind };
}

/** One mutated copy of a CSV text, and a name for the mutation. */
export function mutateCsv(source: string, random: Random): { text: string; mutation: string } {
  const kinds = ['delimiter', 'bom', 'quotes', 'blank-lines', 'huge-field', 'garbage', 'truncate', 'latin1', 'crlf', 'drop-column', 'swap-lines', 'nan-values'] as const;
  const kind = kinds[random.int(0, kinds.length - 1)];
  let text = source;
  const lines = text.split('\n');
  switch (kind) {
    case 'delimiter': text = text.replace(/,/g, [';', '\t', '|', ' '][random.int(0, 3)]); break;
    case 'bom': text = '\uFEFF' + text; break;
    case 'quotes': text = text.split(',').map((f) => (random.next() < 0.2 ? `"${f}` : random.next() < 0.1 ? `"${f.replace(/"/g, '""')}"` : f)).join(','); break;
    case 'blank-lines': text = lines.flatMap((l) => (random.next() < 0.3 ? [l, '', '   '] : [l])).join('\n'); break;
    case 'huge-field': lines[random.int(1, Math.max(1, lines.length - 1))] += 'x'.repeat(random.int(1000, 2_000_000)); text = lines.join('\n'); break;
    case 'garbage': { const chars = [...text]; for (let k = random.int(1, 50); k > 0; k--) chars[random.int(0, chars.length - 1)] = String.fromCharCode(random.int(0, 0xffff)); text = chars.join(''); break; }
    case 'truncate': text = text.slice(0, random.int(0, text.length)); break;
    case 'latin1': text = Buffer.from(text.replace(/e/g, 'é'), 'latin1').toString('utf8'); break;
    case 'crlf': text = text.replace(/\n/g, '\r\n'); break;
    case 'drop-column': text = lines.map((l) => l.split(',').filter((_, i) => i !== 2).join(',')).join('\n'); break;
    case 'swap-lines': { const [a, b] = [random.int(0, lines.length - 1), random.int(0, lines.length - 1)]; [lines[a], lines[b]] = [lines[b], lines[a]]; text = lines.join('\n'); break; }
    case 'nan-values': text = text.replace(/-?\d+\.\d+/g, (m) => (random.next() < 0.2 ? ['NaN', 'inf', '', '1e999', '-'][random.int(0, 4)] : m)); break;
  }
  return { text, mutation: kind };
}

/** The mutations the fuzzer applies to GDAL's XML. */
export const XML_MUTATIONS = ['truncate', 'garbage', 'unclosed-tags', 'drop-closing', 'numbers', 'swap-lines', 'huge-text', 'huge-attribute', 'nested-garbage'] as const;
/** Those of them that make the text huge: thousands of tags, megabytes of text. */
export const HUGE_XML_MUTATIONS = ['unclosed-tags', 'huge-text', 'huge-attribute', 'nested-garbage'] as const;

/** One mutated copy of GDAL's XML (a sidecar .aux.xml, a GDAL_METADATA tag), and a name for the mutation; `kinds` to draw from, default all. */
export function mutateXml(source: string, random: Random, kinds: readonly (typeof XML_MUTATIONS)[number][] = XML_MUTATIONS): { text: string; mutation: string } {
  const kind = kinds[random.int(0, kinds.length - 1)];
  let text = source;
  const lines = text.split('\n');
  switch (kind) {
    case 'truncate': text = text.slice(0, random.int(0, text.length)); break;
    case 'garbage': { const chars = [...text]; for (let k = random.int(1, 50); k > 0; k--) chars[random.int(0, chars.length - 1)] = String.fromCharCode(random.int(0, 0xffff)); text = chars.join(''); break; }
    case 'unclosed-tags': {
      // thousands of opening tags without their end: a parser that rescans from each one never finishes
      const tags = [...new Set([...text.matchAll(/<(\w+)[^>/]*>/g)].map((m) => m[0]))];
      if (!tags.length) tags.push('<Item name="x">');
      // anywhere, or after the last complete element (where no end tag follows to stop a lazy rescan)
      const at = random.next() < 0.5 ? random.int(0, text.length) : Math.max(0, text.lastIndexOf('</'));
      const tag = tags[random.int(0, tags.length - 1)];
      text = text.slice(0, at) + tag.repeat(Math.max(1, Math.min(random.int(1000, 200_000), Math.floor(8e6 / tag.length)))) + text.slice(at); // at most 8 MB
      break;
    }
    case 'drop-closing': { const closing = [...text.matchAll(/<\/\w+>/g)]; const m = closing[random.int(0, closing.length - 1)]; if (m) text = text.slice(0, m.index) + text.slice(m.index + m[0].length); break; }
    case 'numbers': text = text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, (m) => (random.next() < 0.3 ? ['NaN', '1e999', '-1', '', '4294967296', '0.5'][random.int(0, 5)] : m)); break;
    case 'swap-lines': { const [a, b] = [random.int(0, lines.length - 1), random.int(0, lines.length - 1)]; [lines[a], lines[b]] = [lines[b], lines[a]]; text = lines.join('\n'); break; }
    case 'huge-text': { const at = Math.max(0, text.indexOf('</')); text = text.slice(0, at) + 'x'.repeat(random.int(1000, 2_000_000)) + text.slice(at); break; }
    case 'huge-attribute': {
      // megabytes in one attribute value, its closing quote there or not
      const at = Math.max(0, text.indexOf('="') + 2);
      text = text.slice(0, at) + 'x'.repeat(random.int(1000, 2_000_000)) + (random.next() < 0.5 ? '' : '"') + text.slice(at);
      break;
    }
    case 'nested-garbage': {
      // random tags nested deep, closed in the wrong order or not at all
      const names = ['Item', 'a', 'GDALMetadata', 'PAMRasterBand', 'Category', 'Row', 'F', 'x:y'];
      const parts: string[] = [];
      for (let k = random.int(100, 50_000); k > 0; k--) {
        const name = names[random.int(0, names.length - 1)];
        parts.push(['<', '</', '<![CDATA[', '<!--', '<?'][random.int(0, 4)] + name + (random.next() < 0.3 ? ' name="v"' : '') + (random.next() < 0.9 ? '>' : ''));
      }
      const at = random.int(0, text.length);
      text = text.slice(0, at) + parts.join('') + text.slice(at);
      break;
    }
  }
  return { text, mutation: kind };
}
