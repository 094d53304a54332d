import type { Figure } from './figure.js';
import { InputError, invalid } from '../errors.js';
import type { ChangeResult } from '../dataset/openDataset.js';
import { VARIABLES } from '../dataset/discover.js';
import { mapFigure, type MapClass, type MapFigureOptions } from './mapFigure.js';
import { comparisonChange, isComparison } from './comparisonFigures.js';
import type { Comparison } from '../dataset/compare.js';

/** Colours of the permafrost change classes: "lost" in warm red, "gained" in green, "kept" in dark blue, "never" in light grey. */
export const CHANGE_CLASS_STYLE: MapClass[] = [
  { value: 1, label: 'Never permafrost', colour: '#e6e6e6' },
  { value: 2, label: 'Permafrost kept', colour: '#2c5d8a' },
  { value: 3, label: 'Permafrost lost', colour: '#d7301f' },
  { value: 4, label: 'Permafrost gained', colour: '#1a9850' },
];

/**
 * The change of a variable between two periods (`ds.change`) as a map: diverging around 0 for MAGT
 * and ALT; for permafrost, four classes (never, kept, lost, gained) with a legend. Given several
 * changes (for example from the first period to each later one) it draws one map with a slider,
 * on one colour scale. Given a comparison of two products (`ds.compare`), the difference b − a of
 * its first period pair (or `period`'s) on the common grid.
 * @example show(differenceMap(await ds.change('magt', { from: '1980-1984', to: '2015-2019' }), { dataset: ds }))
 */
export function differenceMap(change: ChangeResult | ChangeResult[] | Comparison, options: MapFigureOptions & { period?: string } = {}): Figure {
  if (isComparison(change)) {
    const { change: diff, title, caption } = comparisonChange(change, options.period);
    return differenceMap(diff, { title, caption, synthetic: change.synthetic, labels: [`${diff.to} − ${diff.from}`], ...options });
  }
  const changes = Array.isArray(change) ? change : [change];
  const first = changes[0];
  if (!first || !first.grid || !first.difference) throw new InputError(invalid('change', Array.isArray(change) ? 'an empty list' : typeof change, 'the result of ds.change(variable, { from, to }), or a list of them'));
  const meta = VARIABLES[first.variable];
  const grids = changes.map((c) => (c.classes
    ? { ...c.grid, values: c.classes, noData: 0, period: c.to }
    : { ...c.grid, values: c.difference, period: c.to }));
  const span = changes.length > 1 ? `${first.from} to each later period` : `${first.from} to ${first.to}`;
  const common = { labels: changes.map((c) => `${c.from} → ${c.to}`), ...options };
  if (first.classes) {
    return mapFigure(Array.isArray(change) ? grids : grids[0], { title: `Where permafrost was lost and gained, ${span}`, classes: CHANGE_CLASS_STYLE, value: 'permafrost', ...common });
  }
  return mapFigure(Array.isArray(change) ? grids : grids[0], {
    title: `Change in ${meta.title}, ${span}`, value: `${meta.column}_change`, units: meta.unit, colorscale: 'diverging', zmid: 0, ...common,
  });
}
