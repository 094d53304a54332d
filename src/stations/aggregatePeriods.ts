import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { PRODUCT_PERIODS, type Period } from '../dataset/periods.js';

type Table = ReturnType<typeof aq.from>;

/** Options of {@link aggregatePeriods}. */
export interface AggregateOptions {
  /** Fewest years with data in a period for the period's mean to count. Default 3. */
  min_years?: number;
  /** Boreholes: the depth to use, the nearest one measured. Default: the deepest at or above 20 m. */
  depth_m?: number;
  /** The periods. Default the product's eight. */
  periods?: Period[];
}

/**
 * Annual observations → one row per site and product period: `site_id, site_name, lat, lon,
 * period, mid_year, n_years` and the mean (`magt_c` or `alt_cm`); for boreholes, `depth_m` is the
 * depth used (nearest to `depth_m`, default the deepest at or above 20 m, near the depth of zero
 * annual amplitude). Years with several rows are averaged first.
 * @example aggregatePeriods(loadStations('boreholes.csv').stations, { min_years: 2 })
 */
export function aggregatePeriods(stations: Table, options: AggregateOptions = {}): Table {
  const minYears = options.min_years ?? 3;
  if (!Number.isInteger(minYears) || minYears < 1) throw new InputError(invalid('min_years', minYears, 'a whole number ≥ 1'));
  const periods = options.periods ?? PRODUCT_PERIODS;
  const names = stations.columnNames();
  const value = names.includes('magt_c') ? 'magt_c' : names.includes('alt_cm') ? 'alt_cm' : null;
  if (!value) throw new InputError(`stations need a magt_c or alt_cm column (have ${names.join(', ')})`);
  const rows = stations.objects() as Record<string, any>[];
  const bySite = new Map<string, Record<string, any>[]>();
  for (const r of rows) (bySite.get(r.site_id) ?? bySite.set(r.site_id, []).get(r.site_id)!).push(r);
  const out: Record<string, unknown>[] = [];
  for (const [site, list] of bySite) {
    let use = list;
    let depth: number | null = null;
    if (names.includes('depth_m')) {
      const depths = [...new Set(list.map((r) => r.depth_m).filter((d) => Number.isFinite(d)))] as number[];
      if (depths.length) {
        depth = options.depth_m !== undefined
          ? depths.reduce((a, b) => (Math.abs(b - options.depth_m!) < Math.abs(a - options.depth_m!) ? b : a))
          : depths.filter((d) => d <= 20).sort((a, b) => b - a)[0] ?? Math.min(...depths);
        use = list.filter((r) => r.depth_m === depth);
      }
    }
    for (const period of periods) {
      const years = new Map<number, number[]>();
      for (const r of use) if (r.year >= period.start && r.year <= period.end && Number.isFinite(r[value])) (years.get(r.year) ?? years.set(r.year, []).get(r.year)!).push(r[value]);
      if (years.size < minYears) continue;
      const annual = [...years.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
      const first = use[0];
      out.push({ site_id: site, site_name: first.site_name, lat: first.lat, lon: first.lon, period: period.label, mid_year: period.mid_year,
        n_years: years.size, ...(depth !== null ? { depth_m: depth } : {}), [value]: annual.reduce((a, b) => a + b, 0) / annual.length });
    }
  }
  return aq.from(out);
}
