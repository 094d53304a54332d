// Reads the PNGs that Chromium draws back into pixels, so that animation frames can be encoded.
import { inflateSync } from 'node:zlib';
import { FormatError } from '../errors.js';

/** Pixels of an image, four bytes (red, green, blue, alpha) per pixel, row by row from the top. */
export interface RgbaImage { width: number; height: number; rgba: Uint8Array }

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, grey + alpha, RGB or RGBA: what Chromium and
 * plotly.js write) into RGBA pixels. Other PNGs (16-bit, palette, interlaced) are a FormatError.
 * @example const { width, height, rgba } = decodePng(await renderFigure(fig, { format: 'png', width: 900, height: 640, scale: 1 }) as Buffer)
 */
export function decodePng(png: Uint8Array, where = 'png'): RgbaImage {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 33 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new FormatError('not a PNG (no signature and IHDR chunk)', where);
  const width = bytes.readUInt32BE(16), height = bytes.readUInt32BE(20);
  const depth = bytes[24], colour = bytes[25], interlace = bytes[28];
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new FormatError(`unsupported PNG: bit depth ${depth}, colour type ${colour}, interlace ${interlace} (expected 8-bit grey, RGB or RGBA, not interlaced)`, where);
  }
  const idat: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const kind = bytes.toString('latin1', at + 4, at + 8);
    if (kind === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    if (kind === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new FormatError(`truncated PNG: ${raw.length} bytes of pixels (expected ${height * (stride + 1)})`, where);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride, up = out - stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[out + i - channels] : 0;
      const b = y > 0 ? pixels[up + i] : 0;
      const c = y > 0 && i >= channels ? pixels[up + i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new FormatError(`invalid PNG filter type: ${filter} (expected 0 to 4) in row ${y}`, where);
      pixels[out + i] = v;
    }
  }
  if (channels === 4) return { width, height, rgba: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const grey = channels <= 2;
    rgba[4 * i] = pixels[j]; rgba[4 * i + 1] = pixels[grey ? j : j + 1]; rgba[4 * i + 2] = pixels[grey ? j : j + 2];
    rgba[4 * i + 3] = channels === 2 ? pixels[j + 1] : 255;
  }
  return { width, height, rgba };
}
