// What the figure builders take: Arquero tables (or plain rows) and grids, told apart by what they
// are, and refused with a typed error when they hold nothing to draw.
import { InputError, invalid } from '../errors.js';

/** A table as the builders read it: an Arquero table, or anything with its column methods. */
export type TableLike = { columnNames(): string[]; array(name: string): ArrayLike<unknown>; numRows(): number };

/** Rows as the builders read them: an Arquero table (`objects()`) or an array of plain objects. */
export type Rows = { objects(): object[] } | Record<string, unknown>[];

/**
 * True for an Arquero table (or anything with its column methods). A grid is told apart by its
 * `values` array: a table has a `values()` method, not an array, so `'values' in x` cannot tell them apart.
 */
export function isTable(value: unknown): value is TableLike {
  const v = value as TableLike;
  return !!v && typeof v.columnNames === 'function' && typeof v.array === 'function' && typeof v.numRows === 'function';
}

/** True for a grid: a `values` array (typed or plain) with a whole `width` and `height` that match it. */
export function isGrid(value: unknown): value is { values: ArrayLike<number>; width: number; height: number } {
  const v = value as { values?: unknown; width?: unknown; height?: unknown };
  return !!v && (ArrayBuffer.isView(v.values) || Array.isArray(v.values)) && Number.isInteger(v.width) && Number.isInteger(v.height);
}

/** The rows of a table or array as plain objects. */
export function rowsOf(rows: Rows): Record<string, any>[] {
  if (Array.isArray(rows)) return rows as Record<string, any>[];
  if (rows && typeof (rows as { objects?: unknown }).objects === 'function') return (rows as { objects(): object[] }).objects() as Record<string, any>[];
  throw new InputError(invalid('rows', typeof rows, 'an Arquero table or an array of objects'));
}

/**
 * Refuses input with nothing to draw: `count` rows (or cells with a value) of `what`, for the
 * builder `builder`. A figure of nothing would be an empty frame with no word of why.
 * @example requireSome(table.numRows(), 'table', 'mapFigure')
 */
export function requireSome(count: number, what: string, builder: string, hint = 'was it filtered to nothing?'): void {
  if (count > 0) return;
  throw new InputError(invalid(`${builder} input`, `${what} with nothing to draw`, `at least one row or cell with a value; ${hint}`));
}
