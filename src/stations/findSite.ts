import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { closest } from '../dataset/lookup.js';

type Table = ReturnType<typeof aq.from>;

/**
 * The rows of one station (`site_id`) of a station table (`loadStations`), never empty: an id that
 * is not there is an `InputError` naming the ids closest to the one typed and how ids look in each
 * network or region (`AK-B001`, `CA-B001`, …). The table returned holds only that site's rows, so
 * reading its first row reads that site.
 * @example findSite(loadStations('boreholes.csv').stations, 'AK-B001')
 */
export function findSite(stations: Table, site_id: string): Table {
  if (!stations || typeof stations.columnNames !== 'function' || !stations.columnNames().includes('site_id')) {
    throw new InputError(invalid('stations', stations && typeof stations.columnNames === 'function' ? `a table with columns ${stations.columnNames().join(', ')}` : typeof stations,
      'a station table with a site_id column (loadStations(…).stations)'));
  }
  const ids = [...new Set(Array.from(stations.array('site_id') as ArrayLike<unknown>, String))];
  const wanted = String(site_id);
  if (ids.includes(wanted)) return stations.filter(aq.escape((d: { site_id: unknown }) => String(d.site_id) === wanted)).reify();
  // one example per way of writing ids: the letters before the number (AK-B, CA-C, …)
  const shapes = new Map<string, string>();
  for (const id of [...ids].sort()) { const shape = id.replace(/\d+$/, ''); if (!shapes.has(shape)) shapes.set(shape, id); }
  const examples = [...shapes.values()].slice(0, 8).join(', ');
  throw new InputError(invalid('site_id', wanted, `one of the ${ids.length} ids in the table; closest: ${closest(wanted, ids, 3).join(', ')}; ids look like ${examples}`));
}
