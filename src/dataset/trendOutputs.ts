import * as aq from 'arquero';
import type { WritableRaster } from '../geotiff/writeGeoTIFF.js';
import { cellArea } from '../grid/cellArea.js';
import { mapArray } from '../grid/mapArray.js';
import type { ChangeResult, TrendResult } from './openDataset.js';
import { regionLabels, REGIONS } from './regions.js';

/**
 * Trend results by region (and `all`): valid area, area with a significant increase and decrease,
 * the share increasing, and the area-weighted median Sen's slope per decade.
 * @example summarizeTrend(await ds.trend('magt', { fdr: true })).print()
 */
export function summarizeTrend(result: TrendResult): ReturnType<typeof aq.from> {
  const { grid } = result;
  const { labels } = regionLabels(grid);
  const area = cellArea(grid);
  const groups = new Map<number, { slopes: number[]; weights: number[]; up: number; down: number }>();
  const row = new Float64Array(grid.width);
  const add = (g: number, slope: number, w: number, sig: boolean) => {
    let e = groups.get(g);
    if (!e) { e = { slopes: [], weights: [], up: 0, down: 0 }; groups.set(g, e); }
    e.slopes.push(slope);
    e.weights.push(w);
    if (sig && slope > 0) e.up += w;
    if (sig && slope < 0) e.down += w;
  };
  for (let r = 0; r < grid.height; r++) {
    area.row(r, 0, grid.width, row);
    for (let c = 0; c < grid.width; c++) {
      const i = r * grid.width + c;
      const slope = result.slope_per_decade[i];
      if (slope !== slope) continue;
      const sig = result.significant[i] === 1;
      add(-1, slope, row[c], sig);
      if (labels[i]) add(labels[i], slope, row[c], sig);
    }
  }
  const rows = [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([g, e]) => {
    const valid = e.weights.reduce((a, b) => a + b, 0);
    return {
      region: g === -1 ? 'all' : REGIONS[g - 1].id,
      valid_area_km2: valid,
      increasing_significant_km2: e.up,
      decreasing_significant_km2: e.down,
      increasing_share: e.up / valid,
      median_slope_per_decade: weightedMedian(e.slopes, e.weights),
    };
  });
  return aq.from(rows);
}

/** The value where the cumulative weight reaches half. */
export function weightedMedian(values: number[], weights: number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i];
    if (cumulative >= total / 2) return values[i];
  }
  return NaN;
}

/** A trend result as a 3-band raster (slope per decade, p-value, significant) for `writeGeoTIFF`. */
export function trendRaster(result: TrendResult): WritableRaster {
  const unit = result.variable === 'magt' ? 'degC/decade' : result.variable === 'alt' ? 'cm/decade' : '1/decade';
  return {
    width: result.grid.width, height: result.grid.height, bands: 3, dataType: 'float32', transform: result.grid.transform,
    crs: result.grid.crs, epsg: result.grid.epsg, noData: NaN,
    bandNames: [`${result.variable}_sen_slope_per_decade`, 'mann_kendall_p_value', result.fdr ? `significant_fdr_${result.alpha}` : `significant_p_${result.alpha}`],
    bandUnits: [unit, '', ''],
    metadata: { TREND: `Sen's slope and Mann-Kendall over the periods of ${result.variable}` },
    values: [result.slope_per_decade, result.p_value, mapArray(result.significant, Float32Array, (s, i) => (Number.isNaN(result.p_value[i]) ? NaN : s))],
  };
}

/** A change result as a 1-band raster for `writeGeoTIFF`. */
export function changeRaster(result: ChangeResult): WritableRaster {
  return {
    width: result.grid.width, height: result.grid.height, bands: 1, dataType: 'float32', transform: result.grid.transform,
    crs: result.grid.crs, epsg: result.grid.epsg, noData: NaN,
    bandNames: [`${result.variable}_change_${result.from}_to_${result.to}`], values: [result.difference],
  };
}
