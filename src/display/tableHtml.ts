import { escapeHtml } from '../core/escape.js';
import { isSyntheticTable } from '../provenance/tableOrigin.js';

/** The part of an Arquero table that rendering needs: its rows as objects (the figures read columns: plot's `TableLike`). */
export interface RowTable {
  columnNames(): string[];
  numRows(): number;
  objects(options?: { limit?: number }): object[];
  /** A column's values (Arquero's tables have it; used for the column's type and the synthetic mark). */
  column?(name: string): unknown;
}

/** True for Arquero tables (and anything shaped like one). */
export function isRowTable(value: unknown): value is RowTable {
  const v = value as RowTable;
  return !!v && typeof v.columnNames === 'function' && typeof v.numRows === 'function' && typeof v.objects === 'function';
}

export interface TableHtmlOptions {
  /** Rows shown; the rest are counted in a footer. Default 10. */
  limit?: number;
  /** Significant digits for non-integer numbers. Default 4. */
  digits?: number;
}

/** What the table's footer and first line say when its numbers are the synthetic sample's. */
export const SYNTHETIC_TABLE_NOTE = 'SYNTHETIC SAMPLE: made by permafrost-lab, not the real product';

/**
 * An HTML table for a notebook: the first rows, each column's name and type, the row count, and a
 * note when the numbers come from the synthetic sample; every name and value escaped (a station
 * named `<script>` stays text).
 * @example display.html(tableHtml(aq.table({ site: ['<b>'] })))
 */
export function tableHtml(table: RowTable, options: TableHtmlOptions = {}): string {
  const limit = options.limit ?? 10;
  const digits = options.digits ?? 4;
  const names = table.columnNames();
  const rows = table.objects({ limit }) as Record<string, unknown>[];
  const cell = (v: unknown) => {
    const numeric = typeof v === 'number' || typeof v === 'bigint';
    return `<td${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(formatValue(v, digits))}</td>`;
  };
  const head = names.map((n) => `<th>${escapeHtml(n)}<br><small style="font-weight:normal;color:#666">${escapeHtml(columnType(table, n))}</small></th>`).join('');
  const body = rows.map((r) => `<tr>${names.map((n) => cell(r[n])).join('')}</tr>`).join('\n');
  const synthetic = isSynthetic(table)
    ? `<br><span class="permafrost-synthetic" style="color:#b00020;font-weight:bold">${SYNTHETIC_TABLE_NOTE}</span>` : '';
  const foot = `<caption style="caption-side:bottom;text-align:left">${shape(table, rows.length)}${synthetic}</caption>`;
  return `<table class="permafrost-table">${foot}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * The same table as a few lines of text (for text-only viewers): its shape and the synthetic note,
 * then each column's name and type over its first five rows.
 * @example tableText(aq.table({ x: [1, 2] })) // "2 rows × 1 columns\nx\nnumber\n1\n2"
 */
export function tableText(table: RowTable, options: TableHtmlOptions = {}): string {
  const digits = options.digits ?? 4;
  const names = table.columnNames();
  const rows = table.objects({ limit: Math.min(options.limit ?? 5, 5) }) as Record<string, unknown>[];
  const grid = [names, names.map((n) => columnType(table, n)), ...rows.map((r) => names.map((n) => formatValue(r[n], digits)))];
  const widths = names.map((_, j) => Math.min(16, Math.max(...grid.map((line) => line[j].length))));
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const title = `${shape(table, rows.length)}${isSynthetic(table) ? `. ${SYNTHETIC_TABLE_NOTE}` : ''}`;
  return [title, ...grid.map((line) => line.map((s, j) => cut(s, widths[j])).join('  ').trimEnd().slice(0, 120))].join('\n');
}

function shape(table: RowTable, shown: number): string {
  const total = table.numRows();
  return `${total.toLocaleString('en-US')} rows × ${table.columnNames().length} columns${total > shown ? ` (first ${shown} shown)` : ''}`;
}

function isSynthetic(table: RowTable): boolean {
  return typeof table.column === 'function' && isSyntheticTable(table as Required<RowTable>);
}

const TYPED: Record<string, string> = {
  Float64Array: 'float64', Float32Array: 'float32', Int8Array: 'int8', Int16Array: 'int16', Int32Array: 'int32',
  Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Uint16Array: 'uint16', Uint32Array: 'uint32', BigInt64Array: 'int64', BigUint64Array: 'uint64',
};

/** A column's type: its typed array's (`float32`), else what its first 100 values are (`number`, `string`, `date`, `boolean`, `mixed`). */
function columnType(table: RowTable, name: string): string {
  const column = table.column?.(name) as ArrayLike<unknown> | undefined;
  const typed = column ? TYPED[(column as object).constructor?.name] : undefined;
  if (typed) return typed;
  const values = column && typeof column.length === 'number'
    ? Array.from({ length: Math.min(column.length, 100) }, (_, i) => column[i])
    : (table.objects({ limit: 100 }) as Record<string, unknown>[]).map((r) => r[name]);
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => (v instanceof Date ? 'date' : typeof v)));
  return kinds.size === 0 ? 'empty' : kinds.size > 1 ? 'mixed' : [...kinds][0];
}

function formatValue(v: unknown, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
  }
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
