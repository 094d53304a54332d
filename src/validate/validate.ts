import * as aq from 'arquero';
import { InputError } from '../errors.js';
import type { Dataset } from '../dataset/openDataset.js';
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

/**
 * Pairs per-period station means (`aggregatePeriods`) with the maps: samples the dataset at each
 * station (snapping within `search_km`, statuses from `ds.sample`), and returns the matches and
 * the metrics (n, bias = predicted − observed, MAE, RMSE, R² = 1 − SSE/SST, Pearson r²) overall
 * and by period, region and latitude band.
 * @example const { matches, metrics } = await validate(ds, aggregatePeriods(stations))
 */
export async function validate(ds: Dataset, stations: Table, options: ValidateOptions = {}): Promise<{ matches: Table; metrics: Table }> {
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
  return { matches, metrics: aq.from(out) };
}
