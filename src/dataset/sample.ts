import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { Raster } from '../geotiff/openRaster.js';
import type { Context, DatasetGrid } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { parsePeriod } from './periods.js';
import { asNumbers } from '../geotiff/metadata.js';

type Table = ReturnType<typeof aq.table>;

/** Options of `ds.sample`. */
export interface SampleOptions {
  variable: Variable;
  /** One period, or all periods (default). The table is long either way: a row per point and period, with `period` and `mid_year`. */
  period?: string;
  /** `nearest` (default) or `bilinear`. */
  method?: 'nearest' | 'bilinear';
  /** Points in cells without data snap to the nearest valid cell within this distance. Default 0 (no snapping). */
  search_km?: number;
}

export async function samplePoints(ctx: Context, points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table> {
  const { grid } = ctx;
  if (!options || !ctx.variables.includes(options.variable)) throw new InputError(invalid('variable', options?.variable, ctx.variables.join(', ')), ctx.where);
  const method = options.method ?? 'nearest';
  if (method !== 'nearest' && method !== 'bilinear') throw new InputError(invalid('method', method, '"nearest" or "bilinear"'));
  const searchKm = options.search_km ?? 0;
  if (!(searchKm >= 0)) throw new InputError(invalid('search_km', searchKm, 'a distance ≥ 0 in km'));
  const input = Array.isArray(points) ? aq.from(points) : points;
  for (const c of ['lon', 'lat']) if (!input.columnNames().includes(c)) throw new InputError(`points need a "${c}" column (have: ${input.columnNames().join(', ')})`);
  const lons = input.array('lon') as ArrayLike<number>;
  const lats = input.array('lat') as ArrayLike<number>;
  const n = input.numRows();
  const t = grid.transform;
  const periods = options.period ? [ctx.periods.find((p) => p.label === (parsePeriod(options.period!)?.label ?? options.period))!] : ctx.periods;
  if (periods.some((p) => !p)) throw new InputError(invalid('period', options.period, ctx.periods.map((p) => p.label).join(', ')), ctx.where);
  // Validity for snapping: land as the MAGT (or permafrost) layer sees it, else the variable itself.
  const landVariable = ctx.variables.includes('magt') ? 'magt' : ctx.variables.includes('permafrost') ? 'permafrost' : options.variable;
  const land = ctx.slotOf(landVariable, periods[0].label);
  const xs = new Float64Array(n), ys = new Float64Array(n);
  const status: string[] = new Array(n);
  const snap = new Float64Array(n).fill(NaN);
  const cols = new Int32Array(n).fill(-1), rows = new Int32Array(n).fill(-1);
  const radius = Math.ceil((searchKm * 1000) / Math.abs(t.pixelWidth));
  for (let i = 0; i < n; i++) {
    const coordinate = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v)); // Number(null) is 0
    const lon = coordinate(lons[i]), lat = coordinate(lats[i]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) { status[i] = 'no coordinates'; continue; }
    const [x, y] = ctx.lonLats().fromLonLat(lon, lat);
    xs[i] = x; ys[i] = y;
    const col = Math.floor((x - t.originX) / t.pixelWidth);
    const row = Math.floor((y - t.originY) / t.pixelHeight);
    if (!(col >= 0 && row >= 0 && col < grid.width && row < grid.height)) { status[i] = 'outside grid'; continue; }
    const w = Math.min(grid.width - 1, col + radius) - Math.max(0, col - radius) + 1;
    const h = Math.min(grid.height - 1, row + radius) - Math.max(0, row - radius) + 1;
    const x0 = Math.max(0, col - radius), y0 = Math.max(0, row - radius);
    const [block] = asNumbers(await land.raster.read({ window: { x: x0, y: y0, width: w, height: h }, bands: [land.band] }));
    const ok = (v: number) => v === v && v !== land.raster.noData;
    if (ok(block[(row - y0) * w + (col - x0)])) { status[i] = 'inside'; cols[i] = col; rows[i] = row; snap[i] = 0; continue; }
    let best = Infinity, bc = -1, br = -1;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        if (!ok(block[r * w + c])) continue;
        const cx = t.originX + (x0 + c + 0.5) * t.pixelWidth, cy = t.originY + (y0 + r + 0.5) * t.pixelHeight;
        const d = Math.hypot(cx - x, cy - y) / 1000;
        if (d <= searchKm && d < best) { best = d; bc = x0 + c; br = y0 + r; }
      }
    }
    if (bc >= 0) { status[i] = 'snapped'; cols[i] = bc; rows[i] = br; snap[i] = best; }
    else status[i] = 'no data nearby';
  }
  const column = VARIABLES[options.variable].column;
  const parts: Table[] = [];
  for (const period of periods) {
    const { raster, band } = ctx.slotOf(options.variable, period.label);
    const values = new Float64Array(n).fill(NaN);
    const want = Array.from({ length: n }, (_, i) => i).filter((i) => cols[i] >= 0);
    if (method === 'nearest' || options.variable === 'permafrost') {
      const got = await raster.valuesAt(want.map((i) => ({ x: t.originX + (cols[i] + 0.5) * t.pixelWidth, y: t.originY + (rows[i] + 0.5) * t.pixelHeight })), { bands: [band] });
      want.forEach((i, k) => { values[i] = got[0][k]; });
    } else {
      for (const i of want) values[i] = await bilinear(raster, band, status[i] === 'snapped' ? t.originX + (cols[i] + 0.5) * t.pixelWidth : xs[i],
        status[i] === 'snapped' ? t.originY + (rows[i] + 0.5) * t.pixelHeight : ys[i], grid);
    }
    const part = input.assign({ x_m: xs, y_m: ys, status, snap_km: snap, [column]: values })
      .assign({ period: new Array(n).fill(period.label), mid_year: new Float64Array(n).fill(period.mid_year) }); // one shape, one period or all
    parts.push(part);
  }
  return parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
}

/** Bilinear interpolation between the four nearest cell centres, over the valid ones. */
async function bilinear(raster: Raster, band: number, x: number, y: number, grid: DatasetGrid): Promise<number> {
  const t = grid.transform;
  const fc = (x - t.originX) / t.pixelWidth - 0.5;
  const fr = (y - t.originY) / t.pixelHeight - 0.5;
  const c0 = Math.max(0, Math.min(grid.width - 2, Math.floor(fc)));
  const r0 = Math.max(0, Math.min(grid.height - 2, Math.floor(fr)));
  const tx = Math.max(0, Math.min(1, fc - c0)), ty = Math.max(0, Math.min(1, fr - r0));
  const [b] = asNumbers(await raster.read({ window: { x: c0, y: r0, width: 2, height: 2 }, bands: [band] }));
  const weights = [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty];
  let sum = 0, wsum = 0;
  for (let k = 0; k < 4; k++) {
    const v = b[k];
    if (v !== v || v === raster.noData) continue;
    sum += weights[k] * v;
    wsum += weights[k];
  }
  return wsum > 0 ? sum / wsum : NaN;
}

