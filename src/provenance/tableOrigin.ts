// Which tables hold numbers of the synthetic sample, so that a notebook showing one says so.

/** The part of an Arquero table this needs. */
interface ColumnsLike { columnNames(): string[]; column(name: string): unknown }

/** Column arrays read from the synthetic sample. */
const syntheticColumns = new WeakSet<object>();

/**
 * Marks a table's columns as the synthetic sample's (when `synthetic` is true) and returns the
 * table. Arquero's filter, select, derive, orderby and params keep the column arrays, so tables
 * made that way are recognised too; a rollup or join makes new columns, which carry no mark.
 * @example markSynthetic(await tableOf(ctx, 'magt', '2015-2019'), ds.synthetic)
 */
export function markSynthetic<T extends ColumnsLike>(table: T, synthetic: boolean): T {
  if (synthetic) {
    for (const name of table.columnNames()) {
      const column = table.column(name);
      if (column && typeof column === 'object') syntheticColumns.add(column);
    }
  }
  return table;
}

/**
 * True when a column of the table was read from the synthetic sample (see {@link markSynthetic}).
 * @example isSyntheticTable(magt.filter((d) => d.magt_c < 0)) // true on the sample
 */
export function isSyntheticTable(table: ColumnsLike): boolean {
  return table.columnNames().some((name) => {
    const column = table.column(name);
    return !!column && typeof column === 'object' && syntheticColumns.has(column);
  });
}
