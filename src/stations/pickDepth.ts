import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';

type Table = ReturnType<typeof aq.from>;

/** Options of {@link pickDepth}. */
export interface PickDepthOptions {
  /**
   * The depth wanted. Default 15 m: the product's MAGT is the temperature at the depth of zero
   * annual amplitude, about 3 to 25 m (Ran et al. 2022), commonly 10–20 m in permafrost; 15 m is
   * the middle of that, and one of the standard depths of GTN-P and ESA CCI tables (10, 15, 20 m).
   */
  depth_m?: number;
  /** How far from `depth_m` a measured depth may be. Default 12 m: with 15 m, any depth from 3 to 27 m. */
  max_offset_m?: number;
}

/** What {@link pickDepth} returns. */
export interface PickedDepths {
  /** One depth per site and year: the rows at the depth nearest `depth_m` (all rows of that depth, when a year has several dates). */
  stations: Table;
  /** depth_m, site_years, sites: how often each depth was used. */
  depths: Table;
  /** Sites without any depth within `max_offset_m` in any year, left out. */
  sites_without: string[];
  /** Site-years left out (no depth near enough that year), among sites kept otherwise too. */
  site_years_without: number;
  /** One sentence: the depth wanted, the depths used and how often, the sites left out. */
  notice: string;
}

/**
 * Borehole temperatures at one depth per site and year: the depth nearest `depth_m` among those
 * measured that year (a deeper one wins a tie: it is nearer the depth of zero annual amplitude),
 * within `max_offset_m`. Site-years with no depth near enough are left out, and said so in
 * `notice`. Rows without a depth are kept when a site-year has nothing else. Run it before
 * `aggregatePeriods` on a table with several depths per site and year.
 * @example const { stations, notice } = pickDepth(loadStations('gtnp.csv').stations); console.log(notice)
 */
export function pickDepth(stations: Table, options: PickDepthOptions = {}): PickedDepths {
  const target = options.depth_m ?? 15;
  const maxOffset = options.max_offset_m ?? 12;
  if (!(Number.isFinite(target) && target >= 0)) throw new InputError(invalid('depth_m', target, 'a depth ≥ 0 in metres'));
  if (!(maxOffset >= 0)) throw new InputError(invalid('max_offset_m', maxOffset, 'a distance ≥ 0 in metres'));
  const names = stations.columnNames();
  for (const c of ['site_id', 'year', 'depth_m']) if (!names.includes(c)) throw new InputError(`stations need a ${c} column (have ${names.join(', ')})`);
  const rows = stations.objects() as Record<string, any>[];
  const groups = new Map<string, Record<string, any>[]>();
  for (const r of rows) { const k = `${r.site_id}\u0000${r.year}`; (groups.get(k) ?? groups.set(k, []).get(k)!).push(r); }
  const kept: Record<string, any>[] = [];
  const used = new Map<number | null, { site_years: number; sites: Set<string> }>();
  const sitesKept = new Set<string>(), sitesSeen = new Set<string>();
  let left = 0;
  for (const list of groups.values()) {
    const site = list[0].site_id as string;
    sitesSeen.add(site);
    const depths = [...new Set(list.map((r) => r.depth_m).filter((d) => Number.isFinite(d)))] as number[];
    let depth: number | null = null;
    if (depths.length) {
      depth = depths.reduce((a, b) => { const da = Math.abs(a - target), db = Math.abs(b - target); return db < da || (db === da && b > a) ? b : a; });
      if (Math.abs(depth - target) > maxOffset) { left++; continue; }
    }
    for (const r of list) if (depths.length ? r.depth_m === depth : true) kept.push(r);
    sitesKept.add(site);
    const u = used.get(depth) ?? used.set(depth, { site_years: 0, sites: new Set() }).get(depth)!;
    u.site_years++;
    u.sites.add(site);
  }
  const sitesWithout = [...sitesSeen].filter((s) => !sitesKept.has(s));
  const yearsOfSitesWithout = [...groups.values()].filter((l) => !sitesKept.has(l[0].site_id)).length;
  const depthRows = [...used].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([d, u]) => ({ depth_m: d, site_years: u.site_years, sites: u.sites.size }));
  const lo = Math.max(0, target - maxOffset), hi = target + maxOffset;
  const notice = `MAGT at the depth nearest ${target} m, per site and year (any depth from ${lo} to ${hi} m): ` +
    (depthRows.length ? depthRows.map((d) => `${d.depth_m === null ? 'no depth given' : `${d.depth_m} m`} in ${d.site_years} site-year(s) of ${d.sites} site(s)`).join(', ') : 'no site-year had one') +
    `; ${sitesWithout.length} of ${sitesSeen.size} site(s) had no depth that near and were left out` +
    (sitesWithout.length ? ` (${sitesWithout.slice(0, 8).join(', ')}${sitesWithout.length > 8 ? ', …' : ''})` : '') +
    (left - yearsOfSitesWithout > 0 ? `, and ${left - yearsOfSitesWithout} site-year(s) of other sites` : '');
  return {
    stations: kept.length ? aq.from(kept) : stations.filter(() => false),
    depths: aq.from(depthRows.length ? depthRows : [], ['depth_m', 'site_years', 'sites'] as never),
    sites_without: sitesWithout,
    site_years_without: left - yearsOfSitesWithout,
    notice,
  };
}
