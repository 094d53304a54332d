// The field names of a Raster, its layout and its transform: snake_case (`nodata`, `data_type`,
// `origin_x`, …) is the one documented spelling; the camelCase names of earlier releases stay
// readable for one release, and always agree with the new ones: on a raster and its layout as
// accessors over the new fields; on a transform (plain numbers, read in hot loops) as plain fields
// of a frozen object, so that neither spelling can change without the other.
import { InputError, invalid } from '../errors.js';
import type { Raster, Transform } from './types.js';

/** The transform's fields by their names, and the deprecated spelling of each. */
const TRANSFORM_NAMES = {
  origin_x: 'originX', origin_y: 'originY', pixel_width: 'pixelWidth', pixel_height: 'pixelHeight', rotation_x: 'rotationX', rotation_y: 'rotationY',
} as const;
const RASTER_NAMES = { nodata: 'noData', data_type: 'dataType', band_names: 'bandNames', band_units: 'bandUnits', class_names: 'classNames' } as const;
const LAYOUT_NAMES = { block_width: 'blockWidth', block_height: 'blockHeight', little_endian: 'littleEndian', big_tiff: 'bigTiff' } as const;

type Names = Record<string, string>;
type Deprecated<M extends Names> = M[keyof M];

/** A transform's six numbers in snake_case: what a hand-built transform gives. */
export type TransformFields = Omit<Transform, Deprecated<typeof TRANSFORM_NAMES>>;
/** A transform's six numbers in the spelling of earlier releases (deprecated). */
export type LegacyTransformFields = Pick<Transform, Deprecated<typeof TRANSFORM_NAMES>>;
/** A transform as functions take it: snake_case (documented) or the deprecated camelCase, or both when they agree. */
export type TransformInput = TransformFields | LegacyTransformFields;

/** A raster's descriptive fields in snake_case only, as a reader builds them. */
export type RasterFields<R> = Omit<R, Deprecated<typeof RASTER_NAMES> | 'layout'> & {
  layout: Omit<Raster['layout'], Deprecated<typeof LAYOUT_NAMES>>;
};

/** Adds accessors under the deprecated names that read and write the new ones (enumerable, so a spread copy keeps them). */
function alias<T extends object>(target: T, names: Names): void {
  for (const [name, old] of Object.entries(names)) {
    if (Object.prototype.hasOwnProperty.call(target, old)) continue;
    Object.defineProperty(target, old, {
      get() { return (this as Record<string, unknown>)[name]; },
      set(v: unknown) { (this as Record<string, unknown>)[name] = v; },
      enumerable: true, configurable: true,
    });
  }
}

/**
 * A transform with both spellings from its six numbers: the snake_case fields and the deprecated
 * camelCase ones, as plain fields of a frozen object (a spread copy keeps both; change one with
 * `withTransform`).
 * @example makeTransform({ origin_x: -4e6, origin_y: 4e6, pixel_width: 1000, pixel_height: -1000, rotation_x: 0, rotation_y: 0 })
 */
export function makeTransform(fields: TransformFields): Transform {
  const { origin_x, origin_y, pixel_width, pixel_height, rotation_x, rotation_y } = fields;
  return Object.freeze({
    origin_x, origin_y, pixel_width, pixel_height, rotation_x, rotation_y,
    originX: origin_x, originY: origin_y, pixelWidth: pixel_width, pixelHeight: pixel_height, rotationX: rotation_x, rotationY: rotation_y,
  });
}

/**
 * A transform given in either spelling as a Transform with both. Each number may come under its
 * snake_case name or its deprecated camelCase one; a rotation left out is 0. Both names given with
 * different numbers (say `{ ...raster.transform, pixelWidth: 500 }`) are an InputError: set the
 * snake_case one.
 * @example asTransform({ originX: 0, originY: 10, pixelWidth: 1, pixelHeight: -1, rotationX: 0, rotationY: 0 }).origin_y // 10
 */
export function asTransform(input: TransformInput, where?: string): Transform {
  if (input === null || typeof input !== 'object') throw new InputError(invalid('transform', input, 'an object with origin_x, origin_y, pixel_width, pixel_height'), where);
  const given = input as unknown as Record<string, unknown>;
  const fields = {} as Record<keyof TransformFields, number>;
  for (const [name, old] of Object.entries(TRANSFORM_NAMES) as [keyof TransformFields, string][]) {
    const a = given[name], b = given[old];
    if (a !== undefined && b !== undefined && !Object.is(a, b)) {
      throw new InputError(invalid(`transform.${name}`, a, `the same number as transform.${old} (${String(b)}); set ${name} alone, ${old} is deprecated`), where);
    }
    const v = a ?? b ?? (name.startsWith('rotation') ? 0 : undefined);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(invalid(`transform.${name}`, v, 'a finite number'), where);
    fields[name] = v;
  }
  return makeTransform(fields);
}

/**
 * A transform with some of its numbers changed (snake_case names), both spellings agreeing: what
 * `{ ...t, pixel_width: … }` would give if the deprecated names followed.
 * @example withTransform(raster.transform, { pixel_width: 4000, pixel_height: -4000 })
 */
export function withTransform(t: TransformInput, changes: Partial<TransformFields>): Transform {
  const base = asTransform(t);
  return makeTransform({ ...fieldsOf(base), ...changes });
}

function fieldsOf(t: Transform): TransformFields {
  return { origin_x: t.origin_x, origin_y: t.origin_y, pixel_width: t.pixel_width, pixel_height: t.pixel_height, rotation_x: t.rotation_x, rotation_y: t.rotation_y };
}

/**
 * A raster's fields with the deprecated names added: `noData`, `dataType`, `bandNames`,
 * `bandUnits`, `classNames` as accessors over `nodata`, `data_type`, …, and the layout's
 * `blockWidth`, `blockHeight`, `littleEndian`, `bigTiff` likewise (enumerable, so a spread copy
 * keeps them); the transform made by `asTransform`. Changes `fields` in place and returns it.
 * @example return rasterNames({ source, width, height, nodata, data_type, … });
 */
export function rasterNames<R extends { layout: object; transform: TransformInput }>(fields: R): R & Pick<Raster, Deprecated<typeof RASTER_NAMES>> {
  (fields as unknown as { transform: Transform }).transform = asTransform(fields.transform);
  alias(fields.layout, LAYOUT_NAMES);
  alias(fields, RASTER_NAMES);
  return fields as R & Pick<Raster, Deprecated<typeof RASTER_NAMES>>;
}
