/** The text encodings {@link decodeText} tells apart. */
export type TextEncoding = 'UTF-8' | 'UTF-8 with BOM' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252' | 'Latin-1';

/** What {@link decodeText} returns: the text, its encoding, and a sentence when it was not plain UTF-8. */
export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** Why the encoding was taken, for the loader's warnings; null for UTF-8 (with or without BOM). */
  note: string | null;
}

/**
 * Decodes the bytes of a text table: UTF-8 with or without a byte-order mark, UTF-16 with one
 * (or, without, when every other byte is zero), and otherwise, when the bytes are not valid
 * UTF-8, single-byte text: Windows-1252 when bytes 0x80–0x9F occur (its quotes and dashes, which
 * Latin-1 leaves as control characters), else Latin-1 (ISO-8859-1, which Windows-1252 reads alike).
 * @example decodeText(readFileSync('alt.csv')).encoding // 'Latin-1'
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8 with BOM', note: null };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const encoding = bytes[0] === 0xff ? 'UTF-16LE' : 'UTF-16BE';
    return { text: new TextDecoder(encoding.toLowerCase()).decode(bytes.subarray(2)), encoding, note: `read as ${encoding} (byte-order mark)` };
  }
  const zeros = utf16WithoutBom(bytes);
  if (zeros) {
    return { text: new TextDecoder(zeros.toLowerCase()).decode(bytes), encoding: zeros, note: `read as ${zeros}: no byte-order mark, but every other byte is zero` };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8', note: null };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const c1 = bytes.some((b) => b >= 0x80 && b <= 0x9f);
    const encoding = c1 ? 'Windows-1252' : 'Latin-1';
    return {
      text: decodeWindows1252(bytes),
      encoding,
      note: `not valid UTF-8 (byte 0x${bytes[at].toString(16).toUpperCase()} at offset ${at}): read as ${c1 ? 'Windows-1252' : 'Latin-1 (ISO-8859-1)'}`,
    };
  }
}

// Windows-1252's characters for bytes 0x80–0x9F (Node's TextDecoder('windows-1252') gives Latin-1's
// control characters there); the five bytes it leaves undefined keep their Latin-1 code points.
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Single-byte text as Windows-1252 (which reads Latin-1 text alike). */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = new TextDecoder('latin1').decode(bytes);
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]);
}

/** UTF-16 without a byte-order mark: the zero bytes of ASCII text on every other byte. */
function utf16WithoutBom(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 512);
  if (n < 4) return null;
  let even = 0, odd = 0;
  for (let i = 0; i < n; i += 2) { if (bytes[i] === 0) even++; if (bytes[i + 1] === 0) odd++; }
  if (odd >= 0.9 * (n / 2) && even === 0) return 'UTF-16LE';
  if (even >= 0.9 * (n / 2) && odd === 0) return 'UTF-16BE';
  return null;
}

/** The offset of the first byte that breaks UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    const len = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (len < 0) return i;
    for (let k = 1; k <= len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return 0;
}
