import type { ImageFileDirectory } from 'geotiff';
import { FormatError, InputError, invalid } from '../errors.js';
import { epsgToProj4 as epsgProj4 } from './crs.js';
import { asTransform, makeTransform, withTransform, type TransformInput } from './rasterNames.js';
import type { BBox, Transform } from './types.js';

export const KNOWN_LONLAT = epsgProj4(4326)!;

export function crsFromOption(text: string): { proj4: string; epsg: number | null } {
  const m = /^EPSG:(\d+)$/i.exec(text.trim());
  if (m) {
    const code = Number(m[1]);
    const known = epsgProj4(code);
    if (!known) throw new InputError(invalid('crs', text, 'a proj4 string or a known EPSG code such as EPSG:3995'));
    return { proj4: known, epsg: code };
  }
  if (!text.trim().startsWith('+proj=')) throw new InputError(invalid('crs', text, 'a proj4 string such as "+proj=stere …" or "EPSG:3995"'));
  return { proj4: text.trim(), epsg: null };
}


export function toNumbers(values: ArrayLike<number | bigint>): ArrayLike<number> {
  if (values instanceof BigUint64Array || values instanceof BigInt64Array) return Float64Array.from(values, Number);
  if (Array.isArray(values) && typeof values[0] === 'bigint') return values.map(Number);
  return values as ArrayLike<number>;
}

export async function readTransform(ifd: ImageFileDirectory, value: (ifd: ImageFileDirectory, tag: string) => Promise<unknown>,
  pixelIsPoint: boolean, name: string): Promise<Transform> {
  const matrix = await value(ifd, 'ModelTransformation') as ArrayLike<number> | undefined;
  let t: Transform;
  if (matrix && matrix.length >= 16) {
    t = makeTransform({ origin_x: matrix[3], origin_y: matrix[7], pixel_width: matrix[0], pixel_height: matrix[5], rotation_x: matrix[1], rotation_y: matrix[4] });
  } else {
    const scale = await value(ifd, 'ModelPixelScale') as ArrayLike<number> | undefined;
    const tie = await value(ifd, 'ModelTiepoint') as ArrayLike<number> | undefined;
    if (!scale || !tie || tie.length < 6) {
      // No georeferencing: pixel coordinates, as GDAL reports (origin 0,0, pixel size 1).
      return makeTransform({ origin_x: 0, origin_y: 0, pixel_width: 1, pixel_height: 1, rotation_x: 0, rotation_y: 0 });
    }
    if (!(scale[0] !== 0 && scale[1] !== 0)) throw new FormatError(`ModelPixelScale has a zero pixel size (${scale[0]}, ${scale[1]})`, name);
    // GDAL reads a negative y scale as a positive one (north-up) unless GTIFF_HONOUR_NEGATIVE_SCALEY is set
    const pixelHeight = -Math.abs(scale[1]);
    t = makeTransform({
      origin_x: tie[3] - tie[0] * scale[0], origin_y: tie[4] - tie[1] * pixelHeight,
      pixel_width: scale[0], pixel_height: pixelHeight, rotation_x: 0, rotation_y: 0,
    });
  }
  if (pixelIsPoint) {
    // GDAL: a PixelIsPoint tie point names a pixel centre; the geotransform names its corner.
    t = withTransform(t, { origin_x: t.origin_x - 0.5 * t.pixel_width - 0.5 * t.rotation_x, origin_y: t.origin_y - 0.5 * t.rotation_y - 0.5 * t.pixel_height });
  }
  return t;
}

/** The inverse affine transform, in the same shape (CRS coordinates → fractional pixel); takes either spelling (see asTransform). */
export function invertTransform(input: TransformInput): Transform {
  const t = asTransform(input);
  const det = t.pixel_width * t.pixel_height - t.rotation_x * t.rotation_y;
  if (det === 0) throw new FormatError('the geotransform cannot be inverted (zero determinant)');
  const a = t.pixel_height / det;
  const b = -t.rotation_x / det;
  const d = -t.rotation_y / det;
  const e = t.pixel_width / det;
  return makeTransform({
    pixel_width: a, rotation_x: b, rotation_y: d, pixel_height: e,
    origin_x: -(a * t.origin_x + b * t.origin_y), origin_y: -(d * t.origin_x + e * t.origin_y),
  });
}

/** The bounding box of the image's pixel corners; takes a transform in either spelling (see asTransform). */
export function bboxOf(input: TransformInput, width: number, height: number): BBox {
  const t = asTransform(input);
  const xs = [0, width].flatMap((c) => [0, height].map((r) => t.origin_x + c * t.pixel_width + r * t.rotation_x));
  const ys = [0, width].flatMap((c) => [0, height].map((r) => t.origin_y + c * t.rotation_y + r * t.pixel_height));
  return { west: Math.min(...xs), south: Math.min(...ys), east: Math.max(...xs), north: Math.max(...ys) };
}
