import { randomGenerator } from '../core/random.js';

type Random = ReturnType<typeof randomGenerator>;

/** The mutations the fuzzer applies to TIFF bytes. */
export const TIFF_MUTATIONS = ['bitflip', 'byteset', 'truncate', 'append', 'ifd-count', 'ifd-offset', 'entry-count', 'entry-type', 'huge-dimension', 'ifd-loop', 'zero-fill',
  'payload-bitflip', 'payload-garbage', 'payload-zero', 'block-bytecount', 'block-offset'] as const;

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

/** One mutated copy of a GDAL sidecar (.aux.xml), and a name for the mutation. */
export function mutateXml(source: string, random: Random): { text: string; mutation: string } {
  const kinds = ['truncate', 'garbage', 'unclosed-tags', 'drop-closing', 'numbers', 'swap-lines', 'huge-text'] as const;
  const kind = kinds[random.int(0, kinds.length - 1)];
  let text = source;
  const lines = text.split('\n');
  switch (kind) {
    case 'truncate': text = text.slice(0, random.int(0, text.length)); break;
    case 'garbage': { const chars = [...text]; for (let k = random.int(1, 50); k > 0; k--) chars[random.int(0, chars.length - 1)] = String.fromCharCode(random.int(0, 0xffff)); text = chars.join(''); break; }
    case 'unclosed-tags': {
      // thousands of opening tags without their end: a parser that rescans from each one never finishes
      const tags = [...new Set([...text.matchAll(/<(\w+)[^>/]*>/g)].map((m) => m[0]))];
      const at = random.int(0, text.length);
      text = text.slice(0, at) + tags[random.int(0, tags.length - 1)].repeat(random.int(1000, 200_000)) + text.slice(at);
      break;
    }
    case 'drop-closing': { const closing = [...text.matchAll(/<\/\w+>/g)]; const m = closing[random.int(0, closing.length - 1)]; text = text.slice(0, m.index) + text.slice(m.index! + m[0].length); break; }
    case 'numbers': text = text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, (m) => (random.next() < 0.3 ? ['NaN', '1e999', '-1', '', '4294967296', '0.5'][random.int(0, 5)] : m)); break;
    case 'swap-lines': { const [a, b] = [random.int(0, lines.length - 1), random.int(0, lines.length - 1)]; [lines[a], lines[b]] = [lines[b], lines[a]]; text = lines.join('\n'); break; }
    case 'huge-text': text = text.replace('</Description>', 'x'.repeat(random.int(1000, 2_000_000)) + '</Description>'); break;
  }
  return { text, mutation: kind };
}
