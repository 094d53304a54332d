// A second synthetic product, made to be compared with the sample: TTOP-like MAGT (at the top of
// permafrost, one 2000–2016 mean) on a 5 km grid, with regional offsets, as Obu et al. (2019)'s
// ESA CCI product differs from a borehole-trained map.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lonLatGrid } from '../grid/lonLat.js';
import { MID_YEARS, type SampleModel } from './model.js';
import type { FieldsPool } from './fieldsPool.js';
import { fbm } from './noise.js';

/** The second product's period: Obu et al. (2019) map the mean of 2000–2016. */
export const SECOND_PRODUCT_PERIOD = '2000-2016';

/** The second product's folder inside the sample's. */
export const SECOND_PRODUCT_FOLDER = 'second-product';

/** Years of each sample period inside 2000–2016 (2000–2004: 5, … 2015–2019: 2). */
const YEARS_IN = MID_YEARS.map((mid) => Math.max(0, Math.min(2016, mid + 2) - Math.max(2000, mid - 2) + 1));

/**
 * Regional offsets of the TTOP-like product against the sample (°C): colder in North America and
 * on the Tibetan margin, warmer in Fennoscandia and Central Siberia, blended smoothly by longitude.
 */
const REGIONAL: { lon: number; width_deg: number; offset_c: number }[] = [
  { lon: -115, width_deg: 30, offset_c: -0.6 },
  { lon: 20, width_deg: 12, offset_c: 0.5 },
  { lon: 105, width_deg: 20, offset_c: 0.4 },
];

/** The definitional offset of MAGT at the top of permafrost against MAGT near the depth of zero annual amplitude, °C. */
export function ttopOffset(magt_c: number, lon: number, x: number, y: number, seed: number): number {
  // the geothermal gradient warms the ground with depth (~0.02–0.03 °C per m over 10–15 m), where it is frozen
  let offset = magt_c < 0 ? -0.3 : -0.1;
  for (const r of REGIONAL) {
    let d = Math.abs(lon - r.lon);
    if (d > 180) d = 360 - d;
    offset += r.offset_c * Math.exp(-((d / r.width_deg) ** 2));
  }
  // its own model error, independent of the sample's
  return offset + 2.4 * fbm(x, y, 250_000, 3, seed + 900);
}

/**
 * Writes the second product as Obu et al. (2019)'s NetCDF comes: `second-product/magt_2000-2016.nc`,
 * NetCDF4 (HDF5, through h5wasm) with `y`, `x` coordinates in metres and no grid mapping (open it with
 * `{ crs: 'EPSG:3995' }`), MAGT stored as int16 with `scale_factor` 0.01 and `_FillValue` −32768,
 * DEFLATE in 256 × 256 chunks; a 5 km EPSG:3995 grid (a model of that resolution given in), MAGT the
 * 2000–2016 mean of the sample's maps (each period weighted by its years in 2000–2016) plus
 * `ttopOffset`, labelled synthetic. Returns the file written (relative to `out`).
 */
export async function writeSecondProduct(out: string, model: SampleModel, pool: FieldsPool, seed: number): Promise<string> {
  const { grid } = model;
  const folder = join(out, SECOND_PRODUCT_FOLDER);
  rmSync(folder, { recursive: true, force: true }); // an earlier version's files would make a mixed folder
  mkdirSync(folder, { recursive: true });
  const ll = lonLatGrid(grid);
  const lon = new Float64Array(grid.width), lat = new Float64Array(grid.width);
  const t = grid.transform;
  const total = YEARS_IN.reduce((a, b) => a + b, 0);
  const stored = new Int16Array(grid.width * grid.height);
  for (let y0 = 0; y0 < grid.height; y0 += 256) {
    const window = { x: 0, y: y0, width: grid.width, height: Math.min(256, grid.height - y0) };
    const f = await pool.fields(window, 'magt');
    for (let r = 0; r < window.height; r++) {
      ll.row(window.y + r, 0, window.width, lon, lat);
      const y = t.originY + (window.y + r + 0.5) * t.pixelHeight;
      for (let c = 0; c < window.width; c++) {
        const i = r * window.width + c;
        const at = (window.y + r) * grid.width + c;
        if (!f.valid[i]) { stored[at] = FILL; continue; }
        let sum = 0;
        for (let p = 0; p < YEARS_IN.length; p++) if (YEARS_IN[p]) sum += YEARS_IN[p] * f.magtMap_c[p][i];
        const magt = sum / total;
        const x = t.originX + (c + 0.5) * t.pixelWidth;
        stored[at] = Math.max(-32767, Math.min(32767, Math.round((magt + ttopOffset(magt, lon[c], x, y, seed)) / SCALE)));
      }
    }
  }
  const file = `magt_${SECOND_PRODUCT_PERIOD}.nc`;
  const target = join(folder, file);
  const temporary = `${target}.${process.pid}.tmp`;
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const nc = new h5.File(temporary, 'w');
  try {
    const text = (node: { create_attribute(name: string, data: string): void }, attrs: Record<string, string>) => { for (const [k, v] of Object.entries(attrs)) node.create_attribute(k, v); };
    text(nc, {
      Conventions: 'CF-1.8', title: 'Synthetic TTOP-like permafrost temperature, 2000-2016 (5 km)',
      synthetic: `synthetic second product made by permafrost-lab (seed ${seed}, 5000 m): TTOP-like MAGT at the top of permafrost, 2000-2016; not a real product`,
      source: 'permafrost-lab sample generator: the synthetic sample\'s MAGT maps averaged over 2000-2016, with a TTOP offset and regional offsets',
      comment: 'No grid mapping, as Obu et al. (2019)\'s NetCDF files: x and y are metres of EPSG:3995 (WGS 84 / Arctic Polar Stereographic)',
    });
    for (const [name, n, origin, step] of [['x', grid.width, t.originX, t.pixelWidth], ['y', grid.height, t.originY, t.pixelHeight]] as const) {
      const axis = nc.create_dataset({ name, data: Float64Array.from({ length: n }, (_, k) => origin + (k + 0.5) * step), shape: [n], dtype: '<d' });
      text(axis, { standard_name: `projection_${name}_coordinate`, long_name: `${name} coordinate of projection`, units: 'm', axis: name.toUpperCase() });
      axis.make_scale(name);
    }
    const magt = nc.create_dataset({ name: 'magt', data: stored, shape: [grid.height, grid.width], dtype: '<h', chunks: [256, 256], compression: 'gzip', compression_opts: 4 });
    magt.attach_scale(0, '/y');
    magt.attach_scale(1, '/x');
    magt.create_attribute('_FillValue', FILL, null, '<h');
    magt.create_attribute('scale_factor', SCALE, null, '<d');
    magt.create_attribute('add_offset', 0, null, '<d');
    text(magt, { long_name: 'mean annual ground temperature at the top of permafrost (TTOP-like), 2000-2016 mean', units: 'degC' });
  } finally {
    nc.close();
  }
  renameSync(temporary, target);
  return join(SECOND_PRODUCT_FOLDER, file);
}

/** Stored MAGT = round(MAGT / 0.01) as int16, as products store temperatures. */
const SCALE = 0.01;
const FILL = -32768;
