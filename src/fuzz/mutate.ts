import { randomGenerator } from '../sample/noise.js';

type Random = ReturnType<typeof randomGenerator>;

/** The mutations the fuzzer applies to TIFF bytes. */
export const TIFF_MUTATIONS = ['bitflip', 'byteset', 'truncate', 'append', 'ifd-count', 'ifd-offset', 'entry-count', 'entry-type', 'huge-dimension', 'ifd-loop', 'zero-fill'] as const;

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
