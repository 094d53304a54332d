import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { PRODUCT_PERIODS, type Period } from '../dataset/periods.js';

type Table = ReturnType<typeof aq.from>;

/** Options of {@link aggregatePeriods}. */
export interface AggregateOptions {
  /** Fewest years with data in a period for the period's mean to count. Default 3. */
  min_years?: number;
  /** The periods. Default the product's eight. */
  periods?: Period[];
}

/**
 * Annual observations → one row per site and product period: `site_id, site_name, lat, lon,
 * period, mid_year, n_years` and the mean (`magt_c` or `alt_cm`); for boreholes, `depth_m` is the
 * mean depth of the years averaged. Years with several rows (dates) are averaged first. A borehole
 * table must hold one depth per site and year: `pickDepth` chooses it and says which it used.
 * @example aggregatePeriods(pickDepth(loadStations('boreholes.csv').stations).stations, { min_years: 2 })
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
  const hasDepth = names.includes('depth_m');
  for (const [site, use] of bySite) {
    if (hasDepth) {
      const depthOfYear = new Map<number, number>();
      for (const r of use) {
        if (!Number.isFinite(r.depth_m)) continue;
        const d = depthOfYear.get(r.year);
        if (d !== undefined && d !== r.depth_m) {
          throw new InputError(invalid(`depths of site ${site} in ${r.year}`, `${d} and ${r.depth_m} m`,
            'one depth per site and year: choose them with pickDepth(stations, { depth_m }), which says which depths it used'));
        }
        depthOfYear.set(r.year, r.depth_m);
      }
    }
    for (const period of periods) {
      const years = new Map<number, number[]>();
      for (const r of use) if (r.year >= period.start && r.year <= period.end && Number.isFinite(r[value])) (years.get(r.year) ?? years.set(r.year, []).get(r.year)!).push(r[value]);
      if (years.size < minYears) continue;
      const annual = [...years.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
      const first = use[0];
      const depths = hasDepth ? use.filter((r) => years.has(r.year) && r.year >= period.start && r.year <= period.end && Number.isFinite(r.depth_m)).map((r) => r.depth_m as number) : [];
      out.push({ site_id: site, site_name: first.site_name, lat: first.lat, lon: first.lon, period: period.label, mid_year: period.mid_year,
        n_years: years.size, ...(hasDepth ? { depth_m: depths.length ? depths.reduce((a, b) => a + b, 0) / depths.length : null } : {}),
        [value]: annual.reduce((a, b) => a + b, 0) / annual.length });
    }
  }
  return aq.from(out);
}
