import { escapeHtml } from '../notebooks/html.js';

/** The part of an Arquero table that rendering needs. */
export interface TableLike {
  columnNames(): string[];
  numRows(): number;
  objects(options?: { limit?: number }): object[];
}

/** True for Arquero tables (and anything shaped like one). */
export function isTableLike(value: unknown): value is TableLike {
  const v = value as TableLike;
  return !!v && typeof v.columnNames === 'function' && typeof v.numRows === 'function' && typeof v.objects === 'function';
}

export interface TableHtmlOptions {
  /** Rows shown; the rest are counted in a footer. Default 10. */
  limit?: number;
  /** Significant digits for non-integer numbers. Default 4. */
  digits?: number;
}

/**
 * An HTML table for a notebook, every name and value escaped (a station named `<script>` stays text).
 * @example display.html(tableHtml(aq.table({ site: ['<b>'] })))
 */
export function tableHtml(table: TableLike, options: TableHtmlOptions = {}): string {
  const limit = options.limit ?? 10;
  const digits = options.digits ?? 4;
  const names = table.columnNames();
  const rows = table.objects({ limit }) as Record<string, unknown>[];
  const cell = (v: unknown) => {
    const numeric = typeof v === 'number' || typeof v === 'bigint';
    return `<td${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(formatValue(v, digits))}</td>`;
  };
  const head = names.map((n) => `<th>${escapeHtml(n)}</th>`).join('');
  const body = rows.map((r) => `<tr>${names.map((n) => cell(r[n])).join('')}</tr>`).join('\n');
  const more = table.numRows() - rows.length;
  const foot = `<caption style="caption-side:bottom;text-align:left">${table.numRows().toLocaleString('en-US')} rows × ${names.length} columns` +
    `${more > 0 ? ` (first ${rows.length} shown)` : ''}</caption>`;
  return `<table class="permafrost-table">${foot}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
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
