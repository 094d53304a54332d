import type { Figure } from '../display/show.js';
import type { ChangeResult } from '../dataset/openDataset.js';
import { VARIABLES } from '../dataset/discover.js';
import { mapFigure, type MapFigureOptions } from './mapFigure.js';

/**
 * The change of a variable between two periods (`ds.change`) as a map, diverging around 0.
 * @example show(differenceMap(await ds.change('magt', { from: '1980-1984', to: '2015-2019' })))
 */
export function differenceMap(change: ChangeResult, options: MapFigureOptions = {}): Figure {
  const unit = VARIABLES[change.variable].unit;
  return mapFigure({ values: change.difference, ...change.grid }, {
    title: `Change in ${VARIABLES[change.variable].title}, ${change.from} to ${change.to}`,
    value: `${VARIABLES[change.variable].column}_change`, units: unit, colorscale: 'diverging', zmid: 0, ...options,
  });
}
