import { GEOTIFF_PROVENANCE_ITEM, type Provenance } from '../provenance/provenance.js';
import * as aq from 'arquero';
import type { WritableRaster } from '../geotiff/writeGeoTIFF.js';
import { cellArea } from '../grid/cellArea.js';
import { mapArray } from '../grid/mapArray.js';
import type { ChangeResult, TrendResult } from './openDataset.js';
import { regionLabels, REGIONS } from './regions.js';
import { cumulativePositions } from '../stats/weightedQuantile.js';

/**
 * Trend results by region, and over all land with data (`all land`: every cell with a trend, not
 * only the permafrost region): valid area, area with a significant increase and decrease, the
 * share increasing, and the area-weighted median Sen's slope per decade. Streams over the grid
 * with one slope histogram per group (100,000 bins between the smallest and largest slope), so
 * the median is exact to a bin (a 100,000th of the slopes' range) and memory does not grow with the grid.
 * @example summarizeTrend(await ds.trend('magt', { fdr: true })).print()
 */
export function summarizeTrend(result: TrendResult): ReturnType<typeof aq.from> {
  const { grid } = result;
  const { labels } = regionLabels(grid);
  const area = cellArea(grid);
  const slopes = result.slope_per_decade;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < slopes.length; i++) { const v = slopes[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const bins = 100_000;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const groups = REGIONS.length + 1; // 0: all land, k: REGIONS[k − 1]
  const hist = new Float64Array(groups * bins);
  const valid = new Float64Array(groups), up = new Float64Array(groups), down = new Float64Array(groups);
  const row = new Float64Array(grid.width);
  const add = (g: number, bin: number, w: number, slope: number, sig: boolean) => {
    hist[g * bins + bin] += w;
    valid[g] += w;
    if (sig && slope > 0) up[g] += w;
    if (sig && slope < 0) down[g] += w;
  };
  for (let r = 0; r < grid.height; r++) {
    area.row(r, 0, grid.width, row);
    for (let c = 0; c < grid.width; c++) {
      const i = r * grid.width + c;
      const slope = slopes[i];
      if (slope !== slope) continue;
      const bin = Math.min(bins - 1, Math.floor((slope - lo) / width));
      const sig = result.significant[i] === 1;
      add(0, bin, row[c], slope, sig);
      if (labels[i]) add(labels[i], bin, row[c], slope, sig);
    }
  }
  const median = (g: number) => lo + (cumulativePositions(hist.subarray(g * bins, (g + 1) * bins), [0.5], valid[g])[0] + 0.5) * width;
  const rows = [];
  for (let g = 0; g < groups; g++) {
    if (valid[g] === 0) continue;
    rows.push({
      region: g === 0 ? 'all land' : REGIONS[g - 1].id,
      valid_area_km2: valid[g],
      increasing_significant_km2: up[g],
      decreasing_significant_km2: down[g],
      increasing_share: up[g] / valid[g],
      median_slope_per_decade: median(g),
    });
  }
  return aq.from(rows);
}

/** A trend result as a 3-band raster (slope per decade, p-value, significant) for `writeGeoTIFF`. */
export function trendRaster(result: TrendResult): WritableRaster {
  const unit = result.variable === 'magt' ? 'degC/decade' : result.variable === 'alt' ? 'cm/decade' : '1/decade';
  return {
    width: result.grid.width, height: result.grid.height, bands: 3, dataType: 'float32', transform: result.grid.transform,
    crs: result.grid.crs, epsg: result.grid.epsg, noData: NaN,
    bandNames: [`${result.variable}_sen_slope_per_decade`, 'mann_kendall_p_value', result.fdr ? `significant_fdr_${result.alpha}` : `significant_p_${result.alpha}`],
    bandUnits: [unit, '', ''],
    metadata: { TREND: `Sen's slope and Mann-Kendall over the periods of ${result.variable}`, ...provenanceItem(result.provenance) },
    values: [result.slope_per_decade, result.p_value, mapArray(result.significant, Float32Array, (s, i) => (Number.isNaN(result.p_value[i]) ? NaN : s))],
  };
}

/** A change result as a 1-band raster for `writeGeoTIFF`. */
export function changeRaster(result: ChangeResult): WritableRaster {
  return {
    width: result.grid.width, height: result.grid.height, bands: 1, dataType: 'float32', transform: result.grid.transform,
    crs: result.grid.crs, epsg: result.grid.epsg, noData: NaN,
    bandNames: [`${result.variable}_change_${result.from}_to_${result.to}`], values: [result.difference], metadata: provenanceItem(result.provenance),
  };
}

/** The GeoTIFF metadata item holding a result's provenance (none when the result has none). */
function provenanceItem(provenance: Provenance | undefined): Record<string, string> {
  return provenance ? { [GEOTIFF_PROVENANCE_ITEM]: JSON.stringify(provenance) } : {};
}
