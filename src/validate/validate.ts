import * as aq from 'arquero';
import { InputError } from '../errors.js';
import type { Dataset } from '../dataset/openDataset.js';
import { PRODUCT_LATITUDES } from '../dataset/periods.js';
import { regionLabels, REGIONS } from '../dataset/regions.js';
import { latitudeBandIndex, latitudeBandName } from '../dataset/periods.js';
import { metrics } from '../stats/metrics.js';

type Table = ReturnType<typeof aq.from>;

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** Stations in cells without data snap to the nearest valid cell within this distance. Default 10 km. */
  search_km?: number;
  /** Average stations that fall in the same cell and period first. Default false. */
  average_per_cell?: boolean;
  /** Width of latitude bands in degrees. Default 5. */
  lat_band_deg?: number;
}

/** What {@link validate} returns. */
export interface Validation {
  /** One row per station and period: observed, predicted, status (`inside`, `snapped`, or why it was left out), snap_km, region, lat_band. */
  matches: Table;
  /** n, bias, MAE, RMSE, R², Pearson r², overall (`by` = `all`) and by period, region and latitude band. */
  metrics: Table;
  /** Stations left out of matching, by reason, naming them: south of 45°N (outside the product), outside the grid, no data nearby. */
  notices: string[];
}

/**
 * Pairs per-period station means (`aggregatePeriods`) with the maps: samples the dataset at each
 * station (snapping within `search_km`, statuses from `ds.sample`), and returns the matches and
 * the metrics (n, bias = predicted − observed, MAE, RMSE, R² = 1 − SSE/SST, Pearson r²) overall
 * and by period, region and latitude band. Stations south of 45°N (outside the product, though a
 * map's square grid may reach them) and outside the grid stay in `matches` with that status and
 * no prediction, and are named in `notices`.
 * @example const { matches, metrics, notices } = await validate(ds, aggregatePeriods(stations))
 */
export async function validate(ds: Dataset, stations: Table, options: ValidateOptions = {}): Promise<Validation> {
  const names = stations.columnNames();
  const value = names.includes('magt_c') ? 'magt_c' : names.includes('alt_cm') ? 'alt_cm' : null;
  if (!value) throw new InputError(`stations need a magt_c or alt_cm column (have ${names.join(', ')}): aggregate them with aggregatePeriods first`);
  if (!names.includes('period')) throw new InputError('stations need a period column: aggregate them with aggregatePeriods first');
  const variable = value === 'magt_c' ? 'magt' : 'alt';
  const periods = [...new Set(Array.from(stations.array('period') as ArrayLike<string>))];
  const parts: Table[] = [];
  for (const period of periods) {
    if (!ds.periods.some((p) => p.label === period)) continue;
    const group = stations.params({ period }).filter((d: any, $: any) => d.period === $.period);
    const sampled = await ds.sample(group.select('site_id', 'site_name', 'lat', 'lon', 'n_years', value).rename({ [value]: 'observed' }),
      { variable, period, search_km: options.search_km ?? 10 });
    parts.push(sampled.rename({ [value]: 'predicted' }).assign({ period: new Array(sampled.numRows()).fill(period) }));
  }
  if (parts.length === 0) throw new InputError(`no station period matches the dataset's periods (${ds.periods.map((p) => p.label).join(', ')})`);
  let matches = parts[0].concat(...parts.slice(1));
  // south of the product's 45°N: never matched, whatever the grid holds there
  const south = `south of ${PRODUCT_LATITUDES.south}°N (outside the product)`;
  const latsIn = matches.array('lat') as ArrayLike<number>;
  const isSouth = (i: number) => Number(latsIn[i]) < PRODUCT_LATITUDES.south;
  const statusIn = matches.array('status') as ArrayLike<string>, predictedIn = matches.array('predicted') as ArrayLike<number>;
  matches = matches.assign({
    status: Array.from({ length: matches.numRows() }, (_, i) => (isSouth(i) ? south : statusIn[i])),
    predicted: Float64Array.from({ length: matches.numRows() }, (_, i) => (isSouth(i) ? NaN : predictedIn[i])),
  });
  const notices = leftOut(matches.objects() as Record<string, any>[]);
  // region and latitude band of each station
  const { labels } = regionLabels(ds.grid);
  const t = ds.grid.transform;
  const xs = matches.array('x_m') as ArrayLike<number>, ys = matches.array('y_m') as ArrayLike<number>, lats = matches.array('lat') as ArrayLike<number>;
  const bandDeg = options.lat_band_deg ?? 5;
  const region = Array.from({ length: matches.numRows() }, (_, i) => {
    const c = Math.floor((xs[i] - t.originX) / t.pixelWidth), r = Math.floor((ys[i] - t.originY) / t.pixelHeight);
    const l = c >= 0 && r >= 0 && c < ds.grid.width && r < ds.grid.height ? labels[r * ds.grid.width + c] : 0;
    return l ? REGIONS[l - 1].id : 'other';
  });
  // named as ds.summarize names them (bands counted from 90°S)
  const band = Array.from({ length: matches.numRows() }, (_, i) => (Number.isFinite(Number(lats[i])) ? latitudeBandName(latitudeBandIndex(Number(lats[i]), bandDeg), bandDeg) : ''));
  matches = matches.assign({ region, lat_band: band });
  if (options.average_per_cell) {
    // the grid cell of each station (Arquero expressions cannot see this function's variables)
    const cell = Array.from({ length: matches.numRows() }, (_, i) =>
      `${Math.floor((xs[i] - t.originX) / t.pixelWidth)},${Math.floor((ys[i] - t.originY) / t.pixelHeight)}`);
    matches = matches.assign({ cell })
      .groupby('cell', 'period', 'region', 'lat_band')
      .rollup({ site_id: (d: any) => (aq.op as any).array_agg(d.site_id).join('+'), observed: (d: any) => aq.op.mean(d.observed), predicted: (d: any) => aq.op.mean(d.predicted),
        status: (d: any) => aq.op.any(d.status), lat: (d: any) => aq.op.mean(d.lat), lon: (d: any) => aq.op.mean(d.lon) })
      .select(aq.not('cell'));
  }
  const rows = matches.objects() as Record<string, any>[];
  const usable = rows.filter((r) => Number.isFinite(r.observed) && Number.isFinite(r.predicted));
  const out: Record<string, unknown>[] = [];
  const add = (by: string, group: string, list: Record<string, any>[]) => {
    const m = metrics(list.map((r) => r.observed), list.map((r) => r.predicted));
    out.push({ by, group, ...m });
  };
  add('all', 'all', usable);
  for (const key of ['period', 'region', 'lat_band'] as const) {
    for (const g of [...new Set(usable.map((r) => r[key]))].sort()) add(key, g, usable.filter((r) => r[key] === g));
  }
  return { matches, metrics: aq.from(out), notices };
}

/** One sentence per reason a station-period has no prediction, with the sites. */
function leftOut(rows: Record<string, any>[]): string[] {
  const byStatus = new Map<string, Set<string>>();
  const count = new Map<string, number>();
  for (const r of rows) {
    if (Number.isFinite(r.predicted) || !Number.isFinite(r.observed)) continue;
    const reason = r.status === 'inside' || r.status === 'snapped' ? 'no value in the map at its cell' : r.status;
    (byStatus.get(reason) ?? byStatus.set(reason, new Set()).get(reason)!).add(r.site_id);
    count.set(reason, (count.get(reason) ?? 0) + 1);
  }
  return [...byStatus].map(([status, sites]) => `left out of matching, ${status}: ${count.get(status)} site-period(s) of ${sites.size} site(s) ` +
    `(${[...sites].slice(0, 8).join(', ')}${sites.size > 8 ? ', …' : ''})`);
}
