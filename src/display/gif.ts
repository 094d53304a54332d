// Animated GIFs of figure frames: one palette for the whole animation (colours do not flicker from
// frame to frame), each frame after the first storing only the pixels that changed, and a comment
// extension for the provenance record.
import * as gifencModule from 'gifenc';
import { FormatError, InputError, invalid } from '../errors.js';
import type { RgbaImage } from './png.js';

// Node loads gifenc's CommonJS build (its functions on the default export), bundlers its ES module build
const gifenc = ('quantize' in gifencModule ? gifencModule : (gifencModule as unknown as { default: typeof gifencModule }).default);

/** The palette index left for "unchanged since the last frame" (transparent): 255 colours are drawn. */
const KEEP = 255;

/** Options of {@link encodeGif}. */
export interface GifOptions {
  /** How long each frame shows (ms), one number per frame. GIF counts in hundredths of a second. */
  delays_ms: number[];
  /** Text for a comment extension (7-bit ASCII, as the GIF specification asks). */
  comment?: string;
  /** Plays this many times, 0 forever. Default 0. */
  loops?: number;
}

/**
 * An animated GIF of equally sized RGBA frames: one global palette of 255 colours quantized from
 * all the frames together (pnnquant, by gifenc), frames after the first coding unchanged pixels
 * as transparent over the frame before (far smaller files for maps whose coastlines, key and
 * captions stay put), looping forever.
 * @example writeFileSync('magt.gif', encodeGif(frames, { delays_ms: [800, 800, 2000] }))
 */
export function encodeGif(frames: RgbaImage[], options: GifOptions): Uint8Array {
  if (frames.length === 0) throw new InputError(invalid('frames', 'an empty list', 'one image or more'));
  const { width, height } = frames[0];
  for (const [k, f] of frames.entries()) {
    if (f.width !== width || f.height !== height) throw new InputError(invalid(`size of frame ${k + 1}`, `${f.width} × ${f.height}`, `${width} × ${height}, as frame 1`));
  }
  if (options.delays_ms.length !== frames.length) throw new InputError(invalid('delays_ms', `${options.delays_ms.length} delays`, `one per frame (${frames.length})`));
  const all = new Uint8Array(frames.length * width * height * 4);
  frames.forEach((f, k) => all.set(f.rgba, k * width * height * 4));
  const palette = gifenc.quantize(all, KEEP, { format: 'rgb565' });
  while (palette.length < 256) palette.push([0, 0, 0]);
  const gif = gifenc.GIFEncoder();
  const nearest = nearestIndex(palette);
  let previous: Uint8Array | undefined;
  for (const [k, f] of frames.entries()) {
    const index = new Uint8Array(width * height);
    for (let i = 0, j = 0; i < index.length; i++, j += 4) index[i] = nearest((f.rgba[j] << 16) | (f.rgba[j + 1] << 8) | f.rgba[j + 2]);
    const delay = options.delays_ms[k];
    if (!previous) {
      gif.writeFrame(index, width, height, { palette, delay, repeat: options.loops ?? 0, dispose: 1 });
    } else {
      const delta = new Uint8Array(index.length);
      for (let i = 0; i < index.length; i++) delta[i] = index[i] === previous[i] ? KEEP : index[i];
      gif.writeFrame(delta, width, height, { delay, transparent: true, transparentIndex: KEEP, dispose: 1 });
    }
    previous = index;
  }
  gif.finish();
  const bytes = gif.bytes();
  return options.comment === undefined ? bytes : withComment(bytes, options.comment);
}

/**
 * The palette index of each colour, found once for the whole animation: the same colour gets the
 * same index in every frame (gifenc's applyPalette caches by 16-bit colour per call, so one colour
 * can take another index from one frame to the next, and a still key would flicker).
 */
function nearestIndex(palette: number[][]): (rgb: number) => number {
  const cache = new Map<number, number>();
  return (rgb) => {
    let k = cache.get(rgb);
    if (k !== undefined) return k;
    const r = rgb >> 16, g = (rgb >> 8) & 255, b = rgb & 255;
    let best = Infinity;
    k = 0;
    for (let i = 0; i < KEEP; i++) {
      const p = palette[i];
      const d = (p[0] - r) ** 2 + (p[1] - g) ** 2 + (p[2] - b) ** 2;
      if (d < best) { best = d; k = i; }
    }
    cache.set(rgb, k);
    return k;
  };
}

/** Where the first block after the header, screen descriptor and global colour table starts. */
function afterHeader(gif: Uint8Array, where: string): number {
  if (gif.length < 13 || String.fromCharCode(...gif.subarray(0, 6)) !== 'GIF89a' && String.fromCharCode(...gif.subarray(0, 6)) !== 'GIF87a') throw new FormatError('not a GIF (no GIF87a/GIF89a header)', where);
  const packed = gif[10];
  return 13 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);
}

/** Skips data sub-blocks starting at `at`; returns the offset after the terminating empty block. */
function skipBlocks(gif: Uint8Array, at: number, where: string): number {
  while (at < gif.length && gif[at] !== 0) at += gif[at] + 1;
  if (at >= gif.length) throw new FormatError('truncated GIF (a data block runs past the end)', where);
  return at + 1;
}

/** A GIF with a comment extension placed before its first image (after the looping extension). */
export function withComment(gif: Uint8Array, text: string): Uint8Array {
  if (/[^\x20-\x7e\n]/.test(text)) throw new InputError(invalid('GIF comment', text.slice(0, 40), 'printable ASCII'));
  let at = afterHeader(gif, 'gif');
  while (gif[at] === 0x21 && gif[at + 1] === 0xff) at = skipBlocks(gif, at + 2, 'gif');
  const body = Buffer.from(text, 'latin1');
  const blocks: number[] = [0x21, 0xfe];
  for (let i = 0; i < body.length; i += 255) {
    const part = body.subarray(i, i + 255);
    blocks.push(part.length, ...part);
  }
  blocks.push(0);
  return Buffer.concat([gif.subarray(0, at), Buffer.from(blocks), gif.subarray(at)]);
}

/** The texts of a GIF's comment extensions, in file order. */
export function gifComments(gif: Uint8Array, where = 'gif'): string[] {
  const out: string[] = [];
  let at = afterHeader(gif, where);
  while (at < gif.length && gif[at] !== 0x3b) {
    if (gif[at] === 0x21) {
      const label = gif[at + 1];
      const start = at + 2;
      at = skipBlocks(gif, start, where);
      if (label === 0xfe) {
        const parts: Uint8Array[] = [];
        for (let b = start; gif[b] !== 0; b += gif[b] + 1) parts.push(gif.subarray(b + 1, b + 1 + gif[b]));
        out.push(Buffer.concat(parts).toString('latin1'));
      }
    } else if (gif[at] === 0x2c) {
      const packed = gif[at + 9];
      at += 10 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);
      at = skipBlocks(gif, at + 1, where); // after the LZW minimum code size
    } else {
      throw new FormatError(`invalid GIF block: 0x${gif[at].toString(16)} at byte ${at} (expected an extension, an image or the trailer)`, where);
    }
  }
  return out;
}
