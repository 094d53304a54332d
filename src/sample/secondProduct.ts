// A second synthetic product, made to be compared with the sample: TTOP-like MAGT (at the top of
// permafrost, one 2000–2016 mean) on a 5 km grid, with regional offsets, as Obu et al. (2019)'s
// ESA CCI product differs from a borehole-trained map.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { lonLatGrid } from '../grid/lonLat.js';
import { MID_YEARS, SAMPLE_NODATA, type SampleModel } from './model.js';
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
 * Writes the second product: `second-product/magt_2000-2016.tif`, 5 km EPSG:3995 (a model of that
 * resolution given in), MAGT as the 2000–2016 mean of the sample's maps (each period weighted by its
 * years in 2000–2016) plus `ttopOffset`, labelled synthetic. Returns the file written (relative).
 */
export async function writeSecondProduct(out: string, model: SampleModel, pool: FieldsPool, seed: number): Promise<string> {
  const { grid } = model;
  const folder = join(out, SECOND_PRODUCT_FOLDER);
  mkdirSync(folder, { recursive: true });
  const ll = lonLatGrid(grid);
  const lon = new Float64Array(grid.width), lat = new Float64Array(grid.width);
  const t = grid.transform;
  const total = YEARS_IN.reduce((a, b) => a + b, 0);
  const file = `magt_${SECOND_PRODUCT_PERIOD}.tif`;
  await writeGeoTIFF(join(folder, file), {
    width: grid.width, height: grid.height, bands: 1, dataType: 'float32', transform: grid.transform, crs: grid.crs, epsg: 3995,
    noData: SAMPLE_NODATA, bandNames: [SECOND_PRODUCT_PERIOD], bandUnits: ['degC'],
    metadata: {
      SYNTHETIC: `synthetic second product made by permafrost-lab (seed ${seed}, 5000 m): TTOP-like MAGT at the top of permafrost, 2000-2016; not a real product`,
      PRODUCT: 'permafrost-lab synthetic TTOP-like product (MAGT at the top of permafrost, 2000-2016 mean), for comparisons',
      VARIABLE: 'magt',
    },
    read: async ({ window }) => {
      const f = await pool.fields(window, 'magt');
      const values = new Float32Array(window.width * window.height);
      for (let r = 0; r < window.height; r++) {
        ll.row(window.y + r, window.x, window.width, lon, lat);
        const y = t.originY + (window.y + r + 0.5) * t.pixelHeight;
        for (let c = 0; c < window.width; c++) {
          const i = r * window.width + c;
          if (!f.valid[i]) { values[i] = SAMPLE_NODATA; continue; }
          let sum = 0;
          for (let p = 0; p < YEARS_IN.length; p++) if (YEARS_IN[p]) sum += YEARS_IN[p] * f.magtMap_c[p][i];
          const magt = sum / total;
          const x = t.originX + (window.x + c + 0.5) * t.pixelWidth;
          values[i] = Math.round((magt + ttopOffset(magt, lon[c], x, y, seed)) * 100) / 100; // stored to 0.01 °C, as int16 with scale_factor 0.01 would
        }
      }
      return [values];
    },
  }, { overwrite: true, intoDataFolder: true, predictor: 3, level: 1 });
  return join(SECOND_PRODUCT_FOLDER, file);
}
