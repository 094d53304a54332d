/**
 * Area-weighted moments of a set of cells, mergeable in any order (Chan et al.'s parallel
 * update), so partial results from tiles, workers or machines combine exactly.
 */
export interface Moments {
  /** Total weight: the valid area, km². */
  area_km2: number;
  /** Weighted mean. */
  mean: number;
  /** Σ w (x − mean)². */
  m2: number;
  min: number;
  max: number;
  cells: number;
}

export function emptyMoments(): Moments {
  return { area_km2: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, cells: 0 };
}

/** Moments of values with weights, skipping NaN and the nodata value. */
export function momentsOf(values: ArrayLike<number>, weights: ArrayLike<number>, noData: number | null): Moments {
  let w = 0, s = 0, min = Infinity, max = -Infinity, cells = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || v === noData) continue;
    const a = weights[i];
    w += a;
    s += a * v;
    if (v < min) min = v;
    if (v > max) max = v;
    cells++;
  }
  if (cells === 0) return emptyMoments();
  const mean = s / w;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || v === noData) continue;
    m2 += weights[i] * (v - mean) * (v - mean);
  }
  return { area_km2: w, mean, m2, min, max, cells };
}

/**
 * Chan et al.'s update: the weight, mean and M2 of two weighted sets together. The one merge every
 * partial of this package (moments, grouped summaries) goes through.
 */
export function chan(wa: number, meanA: number, m2a: number, wb: number, meanB: number, m2b: number): [number, number, number] {
  if (wb === 0) return [wa, meanA, m2a];
  if (wa === 0) return [wb, meanB, m2b];
  const w = wa + wb;
  const delta = meanB - meanA;
  return [w, meanA + (delta * wb) / w, m2a + m2b + (delta * delta * wa * wb) / w];
}

/** Combines two sets of moments (associative and commutative). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.cells === 0) return { ...b };
  if (b.cells === 0) return { ...a };
  const [area, mean, m2] = chan(a.area_km2, a.mean, a.m2, b.area_km2, b.mean, b.m2);
  return { area_km2: area, mean, m2, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), cells: a.cells + b.cells };
}

/** The summary statistics of moments: area-weighted mean and standard deviation, min, max, valid area. */
export function summarizeMoments(m: Moments): { mean: number; sd: number; min: number; max: number; valid_area_km2: number; cells: number } {
  if (m.cells === 0) return { mean: NaN, sd: NaN, min: NaN, max: NaN, valid_area_km2: 0, cells: 0 };
  return { mean: m.mean, sd: Math.sqrt(Math.max(0, m.m2 / m.area_km2)), min: m.min, max: m.max, valid_area_km2: m.area_km2, cells: m.cells };
}
