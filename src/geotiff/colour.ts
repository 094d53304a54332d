/**
 * Colour models converted as GDAL converts them: 8-bit YCbCr (not JPEG-compressed), CMYK and
 * CIELab are read through libtiff's RGBA interface, which gives red, green and blue (and, for
 * CMYK and CIELab, an opaque alpha band). These functions are that interface's arithmetic (libtiff 4.5, tif_color.c and
 * tif_getimage.c), float for float, so the bytes equal GDAL's.
 */

import { FormatError } from '../errors.js';

/** What a block needs converted after decompression (in BlockLayout). */
export interface ColourModel {
  model: 'ycbcr' | 'cmyk' | 'cielab';
  /** Samples stored per pixel (3 for YCbCr and CIELab, 4 for CMYK). */
  stored: number;
  /** YCbCr chroma subsampling, horizontal and vertical (1, 2 or 4); [1, 1] otherwise. */
  subsampling: [number, number];
  /** TIFF ReferenceBlackWhite (YCbCr). */
  referenceBlackWhite: number[];
  /** TIFF YCbCrCoefficients: luma of red, green, blue. */
  coefficients: number[];
  /** TIFF WhitePoint (CIELab), chromaticity x, y. */
  whitePoint: number[];
  /** The stored samples (YCbCr chroma repeated over its block) instead of RGBA. */
  raw: boolean;
}

/** TIFF PhotometricInterpretation by name. */
export function photometricName(code: number): string {
  return ['min-is-white', 'min-is-black', 'rgb', 'palette', 'mask', 'cmyk', 'ycbcr', '7', 'cielab', 'icclab', 'itulab'][code] ?? String(code);
}

/**
 * The colour model GDAL converts through libtiff's RGBA interface: 8-bit YCbCr not in JPEG (to
 * RGB; JPEG's YCbCr is converted by libjpeg), CMYK and CIELab (to RGBA); undefined for the others.
 * `tag(code, fallback)` reads a tag's numbers.
 * @throws FormatError for a YCbCr subsampling or a band-by-band layout it cannot read, naming it
 */
export async function colourModelOf(image: { photometric: number; compression: number; planar: number; samples: number; bits: number; format: number },
  tag: (code: number, fallback: number[]) => Promise<number[]>, where: string, file: string): Promise<ColourModel | undefined> {
  const { photometric, compression, planar, samples, bits, format } = image;
  const [h, v] = photometric === 6 ? await tag(530, [2, 2]) : [1, 1];
  const model = photometric === 6 && compression !== 7 ? 'ycbcr' : photometric === 5 && (await tag(332, [1]))[0] === 1 && samples === 4 ? 'cmyk'
    : photometric === 8 && samples === 3 ? 'cielab' : null;
  if (model === 'ycbcr' && (h > 1 || v > 1) && !([1, 2, 4].includes(h) && [1, 2, 4].includes(v) && v <= h && samples === 3 && bits === 8 && planar === 1)) {
    throw new FormatError(`YCbCr with chroma subsampling ${h} × ${v}, ${samples} samples of ${bits} bits, ${planar === 2 ? 'planar' : 'pixel-interleaved'}, ` +
      'is not supported (supported: 8-bit, pixel-interleaved, subsampling 1, 2 or 4 across and 1, 2 or 4 down)', file);
  }
  if (!model || bits !== 8 || format !== 1) return undefined;
  if (planar === 2) throw new FormatError(`${where}: ${{ ycbcr: 'YCbCr', cmyk: 'CMYK', cielab: 'CIELab' }[model]} stored band by band (PlanarConfiguration 2) is not supported`, file);
  const D50 = [f(96.425), 100, f(82.468)]; // libtiff's default white point
  const sum = f(f(D50[0] + D50[1]) + D50[2]);
  return {
    model, stored: samples, subsampling: model === 'ycbcr' ? [h, v] : [1, 1],
    referenceBlackWhite: await tag(532, [0, 255, 128, 255, 128, 255]),
    coefficients: await tag(529, [0.299, 0.587, 0.114]),
    whitePoint: await tag(318, [f(D50[0] / sum), f(D50[1] / sum)]),
    raw: false,
  };
}

/** Bytes a block of `width × rows` pixels takes as stored (YCbCr subsampled: units of h × v lumas, Cb, Cr). */
export function storedBytes(c: ColourModel, width: number, rows: number): number {
  const [h, v] = c.subsampling;
  if (c.model === 'ycbcr' && (h > 1 || v > 1)) return Math.ceil(width / h) * Math.ceil(rows / v) * (h * v + 2);
  return width * rows * c.stored;
}

/** Samples per pixel the conversion gives, as GDAL: RGB for YCbCr, RGBA for CMYK and CIELab; the stored samples when raw. */
export function outputSamples(c: ColourModel): number {
  return c.raw ? c.stored : c.model === 'ycbcr' ? 3 : 4;
}

/** Converts a decompressed block (`width × rows` pixels, as stored) into RGB(A), or into per-pixel stored samples when raw. */
export function convertColour(src: Uint8Array, c: ColourModel, width: number, rows: number): Uint8Array {
  const n = outputSamples(c);
  const out = new Uint8Array(width * rows * n);
  if (c.model === 'ycbcr') {
    const [h, v] = c.subsampling;
    const unit = h * v + 2;
    const across = Math.ceil(width / h);
    const table = c.raw ? null : ycbcrTables(c.coefficients, c.referenceBlackWhite);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < width; x++) {
        const u = (Math.floor(y / v) * across + Math.floor(x / h)) * unit;
        const Y = src[u + (y % v) * h + (x % h)], cb = src[u + h * v], cr = src[u + h * v + 1];
        const o = (y * width + x) * n;
        if (table) table.toRgb(Y, cb, cr, out, o);
        else { out[o] = Y; out[o + 1] = cb; out[o + 2] = cr; }
      }
    }
  } else if (c.raw) {
    out.set(src.subarray(0, out.length));
  } else if (c.model === 'cmyk') {
    // putRGBcontig8bitCMYKtile: "the conversion of CMYK->RGB is *very* crude" (libtiff)
    for (let p = 0, i = 0, o = 0; p < width * rows; p++, i += c.stored, o += 4) {
      const k = 255 - src[i + 3];
      out[o] = Math.trunc((k * (255 - src[i])) / 255);
      out[o + 1] = Math.trunc((k * (255 - src[i + 1])) / 255);
      out[o + 2] = Math.trunc((k * (255 - src[i + 2])) / 255);
    }
  } else {
    const lab = cielabTables(c.whitePoint);
    for (let p = 0, i = 0, o = 0; p < width * rows; p++, i += c.stored, o += 4) {
      lab.toRgb(src[i], (src[i + 1] << 24) >> 24, (src[i + 2] << 24) >> 24, out, o);
    }
  }
  if (n === 4 && !c.raw) for (let o = 3; o < out.length; o += 4) out[o] = 255;
  return out;
}

const f = Math.fround;
const clamp = (v: number, lo: number, hi: number) => (!(v >= lo) ? lo : v > hi ? hi : v);

/** TIFFYCbCrToRGBInit's fixed-point tables (SHIFT 16), and TIFFYCbCrtoRGB. */
function ycbcrTables(luma: number[], rbw: number[]) {
  const [lr, lg, lb] = luma.map(f);
  const fix = (x: number) => Math.trunc(f(x * 65536) + 0.5);
  const f1 = f(2 - f(2 * lr)), d1 = fix(clamp(f1, 0, 2));
  const f2 = f(f(lr * f1) / lg), d2 = -fix(clamp(f2, 0, 2));
  const f3 = f(2 - f(2 * lb)), d3 = fix(clamp(f3, 0, 2));
  const f4 = f(f(lb * f3) / lg), d4 = -fix(clamp(f4, 0, 2));
  const code2v = (c: number, rb: number, rw: number, cr: number) => f(f((c - Math.trunc(rb)) * cr) / f(rw - rb !== 0 ? rw - rb : 1));
  const crR = new Int32Array(256), cbB = new Int32Array(256), crG = new Int32Array(256), cbG = new Int32Array(256), yTab = new Int32Array(256);
  const r = rbw.map(f);
  for (let i = 0, x = -128; i < 256; i++, x++) {
    const Cr = Math.trunc(clamp(code2v(x, f(r[4] - 128), f(r[5] - 128), 127), -4096, 4096));
    const Cb = Math.trunc(clamp(code2v(x, f(r[2] - 128), f(r[3] - 128), 127), -4096, 4096));
    crR[i] = (d1 * Cr + 32768) >> 16;
    cbB[i] = (d3 * Cb + 32768) >> 16;
    crG[i] = d2 * Cr;
    cbG[i] = d4 * Cb + 32768;
    yTab[i] = Math.trunc(clamp(code2v(x + 128, r[0], r[1], 255), -4096, 4096));
  }
  return {
    toRgb(Y: number, cb: number, cr: number, out: Uint8Array, o: number) {
      out[o] = clamp(yTab[Y] + crR[cr], 0, 255);
      out[o + 1] = clamp(yTab[Y] + ((cbG[cb] + crG[cr]) >> 16), 0, 255);
      out[o + 2] = clamp(yTab[Y] + cbB[cb], 0, 255);
    },
  };
}

// display_sRGB of tif_getimage.c: XYZ → luminance matrix, reference white 100, 255 at white, 1 at black, gamma 2.4
const MATRIX = [3.2410, -1.5374, -0.4986, -0.9692, 1.8760, 0.0416, 0.0556, -0.2040, 1.0570].map(f);
const RANGE = 1500;

/** TIFFCIELabToRGBInit with display_sRGB and the file's white point (D50 by default), and the 8-bit conversion. */
function cielabTables(whitePoint: number[]) {
  const [wx, wy] = whitePoint.map(f);
  const X0 = f(f(wx / wy) * 100), Y0 = 100, Z0 = f(f(f(f(1 - wx) - wy) / wy) * 100);
  const step = f(f(100 - 1) / RANGE);
  const gamma = 1 / f(2.4);
  const table = new Float32Array(RANGE + 1);
  for (let i = 0; i <= RANGE; i++) table[i] = f(255 * f(Math.pow(i / RANGE, gamma)));
  const level = (lum: number) => {
    const v = Math.min(Math.max(lum, 1), 100);
    const i = Math.min(RANGE, Math.trunc(f(f(v - 1) / step)));
    return Math.min(Math.trunc(table[i] + 0.5), 255);
  };
  return {
    toRgb(l: number, a: number, b: number, out: Uint8Array, o: number) {
      // TIFFCIELab16ToXYZ(l * 257, a * 256, b * 256)
      const L = f(f(f(l * 257) * 100) / 65535);
      let Y: number, cby: number;
      if (L < f(8.856)) {
        Y = f(f(L * Y0) / f(903.292));
        cby = f(f(f(7.787) * f(Y / Y0)) + f(16 / 116));
      } else {
        cby = f(f(L + 16) / 116);
        Y = f(f(f(Y0 * cby) * cby) * cby);
      }
      const axis = (t: number, white: number) => (t < f(0.2069) ? f(f(white * f(t - f(0.13793))) / f(7.787)) : f(f(f(white * t) * t) * t));
      const X = axis(f(f(f(f(a * 256) / 256) / 500) + cby), X0);
      const Z = axis(f(cby - f(f(f(b * 256) / 256) / 200)), Z0);
      const lum = (row: number) => f(f(f(MATRIX[row] * X) + f(MATRIX[row + 1] * Y)) + f(MATRIX[row + 2] * Z));
      out[o] = level(lum(0));
      out[o + 1] = level(lum(3));
      out[o + 2] = level(lum(6));
    },
  };
}
