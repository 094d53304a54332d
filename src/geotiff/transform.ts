import type { ImageFileDirectory } from 'geotiff';
import { FormatError, InputError, invalid } from '../errors.js';
import { epsgToProj4 as epsgProj4 } from './crs.js';
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
    t = { originX: matrix[3], originY: matrix[7], pixelWidth: matrix[0], pixelHeight: matrix[5], rotationX: matrix[1], rotationY: matrix[4] };
  } else {
    const scale = await value(ifd, 'ModelPixelScale') as ArrayLike<number> | undefined;
    const tie = await value(ifd, 'ModelTiepoint') as ArrayLike<number> | undefined;
    if (!scale || !tie || tie.length < 6) {
      // No georeferencing: pixel coordinates, as GDAL reports (origin 0,0, pixel size 1).
      return { originX: 0, originY: 0, pixelWidth: 1, pixelHeight: 1, rotationX: 0, rotationY: 0 };
    }
    if (!(scale[0] !== 0 && scale[1] !== 0)) throw new FormatError(`ModelPixelScale has a zero pixel size (${scale[0]}, ${scale[1]})`, name);
    // GDAL reads a negative y scale as a positive one (north-up) unless GTIFF_HONOUR_NEGATIVE_SCALEY is set
    const pixelHeight = -Math.abs(scale[1]);
    t = {
      originX: tie[3] - tie[0] * scale[0], originY: tie[4] - tie[1] * pixelHeight,
      pixelWidth: scale[0], pixelHeight, rotationX: 0, rotationY: 0,
    };
  }
  if (pixelIsPoint) {
    // GDAL: a PixelIsPoint tie point names a pixel centre; the geotransform names its corner.
    t = { ...t, originX: t.originX - 0.5 * t.pixelWidth - 0.5 * t.rotationX, originY: t.originY - 0.5 * t.rotationY - 0.5 * t.pixelHeight };
  }
  return t;
}

/** The inverse affine transform, in the same shape (CRS coordinates → fractional pixel). */
export function invertTransform(t: Transform): Transform {
  const det = t.pixelWidth * t.pixelHeight - t.rotationX * t.rotationY;
  if (det === 0) throw new FormatError('the geotransform cannot be inverted (zero determinant)');
  const a = t.pixelHeight / det;
  const b = -t.rotationX / det;
  const d = -t.rotationY / det;
  const e = t.pixelWidth / det;
  return {
    pixelWidth: a, rotationX: b, rotationY: d, pixelHeight: e,
    originX: -(a * t.originX + b * t.originY), originY: -(d * t.originX + e * t.originY),
  };
}

/** The bounding box of the image's pixel corners. */
export function bboxOf(t: Transform, width: number, height: number): BBox {
  const xs = [0, width].flatMap((c) => [0, height].map((r) => t.originX + c * t.pixelWidth + r * t.rotationX));
  const ys = [0, width].flatMap((c) => [0, height].map((r) => t.originY + c * t.rotationY + r * t.pixelHeight));
  return { west: Math.min(...xs), south: Math.min(...ys), east: Math.max(...xs), north: Math.max(...ys) };
}
