import { createRequire } from 'node:module';
import proj4 from 'proj4';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { ARCTIC_POLAR_STEREOGRAPHIC, LONLAT } from '../geotiff/crs.js';
import { makeTransform, withTransform } from '../geotiff/rasterNames.js';
import type { Window } from '../grid/geometry.js';
import { PRODUCT_PERIODS } from '../dataset/periods.js';
import { lonLatGrid, type LonLatGrid } from '../grid/lonLat.js';
import type { GridLike } from '../grid/cellArea.js';
import { projectRings, rasterizePolygons, type PolygonGeometry, type PolygonRaster } from '../grid/rasterize.js';
import { fbm, hash2, valueNoise } from './noise.js';

/** The eight product periods. */
export const PERIODS = PRODUCT_PERIODS.map((p) => p.label);
/** Mid-years of the periods. */
export const MID_YEARS = PRODUCT_PERIODS.map((p) => p.mid_year);

export const CRS_3995 = ARCTIC_POLAR_STEREOGRAPHIC;

/** The sample grid: EPSG:3995, square, reaching 45°N at the middle of each edge. */
export interface SampleGrid extends GridLike {
  resolution_m: number;
}

/** The EPSG:3995 grid of a resolution whose square covers everything north of 45°N. */
export function sampleGrid(resolution_m: number): SampleGrid {
  const rho45 = -proj4(LONLAT, CRS_3995).forward([0, 45])[1];
  const half = Math.ceil(rho45 / resolution_m) * resolution_m;
  const size = (2 * half) / resolution_m;
  return {
    width: size, height: size, resolution_m, crs: CRS_3995,
    transform: makeTransform({ origin_x: -half, origin_y: half, pixel_width: resolution_m, pixel_height: -resolution_m, rotation_x: 0, rotation_y: 0 }),
  };
}

/** All fields of one window, row by row. Truth is what stations observe; `map` is the product. */
export interface WindowFields {
  window: Window;
  /** 1 on land north of 45°N outside the Greenland ice sheet. */
  valid: Uint8Array;
  lat: Float32Array;
  lon: Float32Array;
  elevation_m: Float32Array;
  slope_deg: Float32Array;
  twi: Float32Array;
  ndvi: Float32Array;
  sand_pct: Float32Array;
  silt_pct: Float32Array;
  clay_pct: Float32Array;
  /** Per period. */
  airTemperature_c: Float32Array[];
  precipitation_mm: Float32Array[];
  magtTrue_c: Float32Array[];
  altTrue_cm: Float32Array[];
  magtMap_c: Float32Array[];
  altMap_cm: Float32Array[];
}

/** Highlands as Gaussian bumps: lon, lat, height (m), radius (km). */
const HIGHLANDS: [number, number, number, number][] = [
  [-150, 63, 1300, 180], [-141, 61, 1900, 180], [-128, 58, 1400, 450], [-116, 52, 1700, 380], [-153, 68, 900, 280],
  [-132, 64, 1100, 330], [-75, 80, 900, 300], [-68, 70, 700, 250], [-19, 65, 700, 110], [9, 62, 1000, 230],
  [17, 68, 900, 200], [59, 56, 500, 140], [60, 61, 600, 140], [62, 66, 700, 140], [65, 68.5, 700, 120],
  [94, 69, 1000, 260], [102, 64, 550, 600], [130, 67, 1100, 300], [145, 66, 1400, 330], [162, 65, 1000, 330],
  [87, 50, 2100, 300], [95, 52, 1700, 320], [100, 47.5, 2000, 340], [106, 48, 1400, 450], [159, 56, 1100, 200],
  [10, 46.5, 2000, 150], [121, 50, 900, 250], [126, 56, 1100, 300], [136, 47, 700, 200], [-110, 45.5, 1800, 300],
];

/** Large-scale climate anomalies (°C) of mean annual air temperature: lon, lat, amplitude, radius (km). */
const ANOMALIES: [number, number, number, number][] = [
  [8, 66, 5.0, 900],    // North Atlantic current along Norway
  [-20, 64, 3.0, 500],  // Iceland
  [-150, 58, 1.8, 600], // Gulf of Alaska
  [-85, 60, -2.5, 800], // Hudson Bay
  [128, 66, -2.0, 800], // Yakutian cold pole
  [40, 55, 1.0, 900],   // western Russia
];

/**
 * Places where the model's warming stalls (lon, lat, radius km, rate factor at the centre): synthetic,
 * loosely after the regions that warmed little or cooled over 1980–2019 (Labrador–Ungava before the
 * late 1990s, the North Pacific coast), so that trend maps show regions that do not warm.
 */
const WARMING_HOLES: [number, number, number, number][] = [
  [-68, 56, 650, -0.6],
  [160, 58, 450, -0.4],
];

/**
 * The physical model of the synthetic sample, evaluated cell by cell so that any window can be
 * generated on its own (and the full 1 km grid streamed). All coefficients are synthetic but
 * chosen so that numbers have the real product's magnitudes (Obu et al. 2019; Ran et al. 2022).
 *
 * - Land: Natural Earth 50 m land (world-atlas), rasterized on the grid; the Greenland ice sheet
 *   is Greenland further than 30 km from the sea; both are nodata, as is everything south of 45°N.
 * - Continentality C = distance to the sea / 1200 km (capped at 1), from a 10 km distance transform
 *   of the land mask, interpolated.
 * - Elevation: Gaussian highlands where the real mountains are, plus fractal noise.
 * - Mean annual air temperature (1980–1984): 9.5 − 0.68 (φ − 45) − C (3 + 0.22 (φ − 45)) − 5.5 °C/km
 *   elevation + regional anomalies (North Atlantic warmth, Yakutian cold pole, …) + seeded
 *   large-scale noise. Warming: (0.22 + 0.014 (φ − 45)) °C per decade, stronger in the Arctic,
 *   ±45 % over ~1000 km, stalling or reversing in two synthetic warming holes (Labrador–Ungava, the
 *   North Pacific coast), plus a small large-scale anomaly per period.
 * - Seasonal amplitude 10 + 13 C °C; precipitation 750 − 450 C mm, less to the north, more on slopes.
 * - MAGT = air temperature + surface offset (snow insulation 0.6–3.2 °C, less under moss/peat where
 *   wet) + small-scale variation.
 * - ALT (permafrost only): Stefan-like, k √TDD with the thawing degree-days of a sinusoidal ground
 *   surface temperature (at least 120 °C·day) and k from soil texture, wetness and relief (1.6–9 cm per √(°C·day)).
 * - The map (the "product") = truth + model error: a persistent spatially correlated MAGT error
 *   (σ ≈ 0.95 °C) and a per-period one (σ ≈ 0.4 °C); ALT from the map's own MAGT with a multiplicative
 *   error (σ ≈ 30 %). Permafrost = map MAGT below 0 °C. Stations observe the truth (stations.ts).
 */
export class SampleModel {
  readonly grid: SampleGrid;
  private land: PolygonRaster;
  private greenland: PolygonRaster;
  private coarse: { size: number; resolution_m: number; half: number; distance_km: Float32Array; greenland: Uint8Array };
  private highlands: { x: number; y: number; h: number; r2: number }[];
  private anomalies: { x: number; y: number; a: number; r2: number }[];
  private holes: { x: number; y: number; a: number; r2: number }[];
  private lonLat: LonLatGrid;

  constructor(resolution_m: number, readonly seed: number) {
    this.grid = sampleGrid(resolution_m);
    const require = createRequire(import.meta.url);
    const landTopo = require('world-atlas/land-50m.json') as Topology;
    const countries = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const landGeo = feature(landTopo, landTopo.objects.land) as unknown as { features?: { geometry: PolygonGeometry }[]; geometry?: PolygonGeometry };
    const landGeometries = landGeo.features ? landGeo.features.map((f) => f.geometry) : [landGeo.geometry!];
    const landRings = projectRings(landGeometries, CRS_3995, { southOf_deg: 20 });
    const greenlandGeometry = countries.objects.countries.geometries.find((g) => g.id === '304')!;
    const greenlandRings = projectRings([(feature(countries, greenlandGeometry) as unknown as { geometry: PolygonGeometry }).geometry], CRS_3995);
    this.land = rasterizePolygons(landRings, this.grid);
    this.greenland = rasterizePolygons(greenlandRings, this.grid);
    this.coarse = coarseFields(landRings, greenlandRings, this.grid);
    const toXY = proj4(LONLAT, CRS_3995);
    this.highlands = HIGHLANDS.map(([lon, lat, h, r]) => {
      const [x, y] = toXY.forward([lon, lat]);
      return { x, y, h, r2: (r * 1000) ** 2 };
    });
    this.lonLat = lonLatGrid(this.grid);
    this.holes = WARMING_HOLES.map(([lon, lat, r, a]) => {
      const [x, y] = toXY.forward([lon, lat]);
      return { x, y, a, r2: (r * 1000) ** 2 };
    });
    this.anomalies = ANOMALIES.map(([lon, lat, a, r]) => {
      const [x, y] = toXY.forward([lon, lat]);
      return { x, y, a, r2: (r * 1000) ** 2 };
    });
  }


  private coarseDistance(x: number, y: number): number {
    const { size, resolution_m, half, distance_km } = this.coarse;
    const fc = (x + half) / resolution_m - 0.5;
    const fr = (half - y) / resolution_m - 0.5;
    const c = Math.max(0, Math.min(size - 2, Math.floor(fc)));
    const r = Math.max(0, Math.min(size - 2, Math.floor(fr)));
    const tx = Math.max(0, Math.min(1, fc - c));
    const ty = Math.max(0, Math.min(1, fr - r));
    const i = r * size + c;
    const top = distance_km[i] + tx * (distance_km[i + 1] - distance_km[i]);
    const bottom = distance_km[i + size] + tx * (distance_km[i + size + 1] - distance_km[i + size]);
    return top + ty * (bottom - top);
  }

  /** Elevation (m) at projected x, y. */
  elevation(x: number, y: number): number {
    let h = 0;
    let mountains = 0;
    for (const m of this.highlands) {
      const d2 = (x - m.x) ** 2 + (y - m.y) ** 2;
      if (d2 < 9 * m.r2) {
        const g = Math.exp(-d2 / (2 * m.r2));
        h += m.h * g;
        mountains += g;
      }
    }
    const rough = fbm(x, y, 400_000, 4, this.seed + 11);
    return Math.max(0, 120 + h * (1 + 0.35 * rough) + (90 + 350 * Math.min(1, mountains)) * rough);
  }

  /** Computes every field for a window of the grid. */
  fields(window: Window, which: 'all' | 'magt' = 'all'): WindowFields {
    const out = allocateFields(window, which, (n) => new Float32Array(n), (n) => new Uint8Array(n));
    this.fillRows(out, which, 0, window.height);
    return out;
  }

  /**
   * Fills rows `r0` to `r1` (window-relative) of preallocated fields: several workers can fill
   * one window's shared arrays, each its own rows. Arrays of length 0 are skipped (writes past a
   * typed array's length are ignored), so a 1 km window keeps only what is written.
   */
  fillRows(out: WindowFields, which: 'all' | 'magt', r0: number, r1: number): void {
    const { window } = out;
    const { width } = window;
    const height = r1 - r0;
    const land = this.land.rows(window.y + r0, height);
    const greenland = this.greenland.rows(window.y + r0, height);
    const res = this.grid.resolution_m;
    const t = this.grid.transform;
    const seed = this.seed;
    const lonRow = new Float64Array(width);
    const latRow = new Float64Array(width);
    // Elevation once per cell, with a one-cell border for the slope's central differences
    // (computed on demand: only cells next to land are needed).
    const padded = width + 2;
    const elevations = new Float64Array((height + 2) * padded).fill(NaN);
    const elevationAt = (r: number, c: number): number => {
      const k = (r - r0 + 1) * padded + (c + 1);
      let h = elevations[k];
      if (h !== h) {
        h = this.elevation(t.originX + (window.x + c + 0.5) * t.pixelWidth, t.originY + (window.y + r + 0.5) * t.pixelHeight);
        elevations[k] = h;
      }
      return h;
    };
    for (let r = r0; r < r1; r++) {
      const y = t.originY + (window.y + r + 0.5) * t.pixelHeight;
      this.lonLat.row(window.y + r, window.x, width, lonRow, latRow);
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        const col = window.x + c;
        const x = t.originX + (col + 0.5) * t.pixelWidth;
        const lat = latRow[c];
        const lon = lonRow[c];
        out.lat[i] = lat;
        out.lon[i] = lon;
        const distance = this.coarseDistance(x, y);
        const isLand = land[(r - r0) * this.grid.width + col] === 1;
        const ice = greenland[(r - r0) * this.grid.width + col] === 1 && distance > 30;
        if (!isLand || ice || lat < 45) continue;
        out.valid[i] = 1;
        const C = Math.min(1, distance / 1200);
        const elevation = elevationAt(r, c);
        out.elevation_m[i] = elevation;
        let slope = 0;
        if (which === 'all') {
          // rows run south (pixelHeight < 0): y + res is the row above
          const dzdx = (elevationAt(r, c + 1) - elevationAt(r, c - 1)) / (2 * res);
          const dzdy = (elevationAt(r - 1, c) - elevationAt(r + 1, c)) / (2 * res);
          slope = (Math.atan(Math.hypot(dzdx, dzdy)) * 180) / Math.PI;
        }
        out.slope_deg[i] = slope;
        let anomaly = 1.2 * fbm(x, y, 1_500_000, 2, seed + 21);
        for (const a of this.anomalies) {
          const d2 = (x - a.x) ** 2 + (y - a.y) ** 2;
          if (d2 < 9 * a.r2) anomaly += a.a * Math.exp(-d2 / (2 * a.r2)) * (a.a > 0 ? 1 - 0.6 * C : 1);
        }
        const north = lat - 45;
        const air0 = 12.6 - 0.68 * north - C * (2.5 + 0.16 * north) - 0.005 * elevation + anomaly;
        const amplitude = 10 + 13 * C + 0.05 * north;
        const precipitation = Math.max(150, 750 - 450 * C - 4 * Math.max(0, lat - 55) + 0.25 * elevation * (1 - C) + 80 * fbm(x, y, 600_000, 3, seed + 31));
        const wet = 0.5 + 0.5 * fbm(x, y, 80_000, 3, seed + 41); // 0..1: bogs and moss
        const twi = Math.max(2, Math.min(20, 7 + 6 * wet - 1.5 * Math.log(1 + slope * 5) + 0.8 * valueNoise(x, y, 30_000, seed + 42)));
        out.twi[i] = twi;
        const ndvi = Math.max(0.05, Math.min(0.9, 0.82 - 0.017 * Math.max(0, lat - 50) - 0.00022 * elevation + 0.06 * fbm(x, y, 200_000, 3, seed + 51)));
        out.ndvi[i] = ndvi;
        const sand = Math.max(5, Math.min(85, 38 + 25 * fbm(x, y, 300_000, 3, seed + 61)));
        const clay = Math.max(3, Math.min(50, 18 + 10 * fbm(x, y, 250_000, 3, seed + 62)));
        out.sand_pct[i] = sand;
        out.clay_pct[i] = clay;
        out.silt_pct[i] = Math.max(0, 100 - sand - clay);
        const snow = Math.max(0, Math.min(1, precipitation / 700)) * (air0 < 4 ? 1 : 0.4);
        const surfaceOffset = 0.6 + 2.6 * snow - 1.1 * wet * ndvi;
        const local = 0.55 * valueNoise(x, y, 40_000, seed + 71) + 0.25 * (2 * hash2(col, window.y + r, seed + 72) - 1);
        const truth = out.magtTrue_c[0].length > 0;
        const mapError = 2.7 * fbm(x, y, 150_000, 3, seed + 81); // fbm's sd is ~0.35: σ ≈ 0.95 °C
        const altError = 0.9 * fbm(x, y, 120_000, 3, seed + 91); // σ ≈ 0.3 in log: ~30 %
        // Stefan coefficient: peat and silt thaw shallow, sand, gravel and rocky uplands deep (1.6–9 cm per √(°C·day))
        const soilK = 1.6 + 7 * (sand / 100) ** 2 + 0.8 * (1 - wet) + 2.5 * Math.min(1, elevation / 1500);
        const groundAmplitude = amplitude * (0.85 - 0.35 * snow);
        // warming rate (°C per decade): stronger to the north (Arctic amplification), varying over
        // ~1000 km, and stalling in the warming holes
        let rate = (0.22 + 0.014 * north) * (1 + 0.45 * fbm(x, y, 1_000_000, 2, seed + 110));
        for (const h of this.holes) {
          const d2 = (x - h.x) ** 2 + (y - h.y) ** 2;
          if (d2 < 9 * h.r2) rate += (h.a - rate) * Math.exp(-d2 / (2 * h.r2));
        }
        for (let p = 0; p < PERIODS.length; p++) {
          const decades = (MID_YEARS[p] - 1982) / 10;
          const warming = rate * decades + 0.2 * valueNoise(x, y, 1_200_000, seed + 100 + p) * (p > 0 ? 1 : 0);
          const air = air0 + warming;
          out.airTemperature_c[p][i] = air;
          out.precipitation_mm[p][i] = precipitation * (1 + 0.008 * p);
          const magt = air + surfaceOffset + local;
          if (truth) {
            out.magtTrue_c[p][i] = magt;
            out.altTrue_cm[p][i] = magt < 0 ? soilK * Math.sqrt(Math.max(MIN_TDD, thawingDegreeDays(magt + 0.3, groundAmplitude))) : NaN;
          }
          const magtMap = magt + mapError + 0.8 * valueNoise(x, y, 60_000, seed + 200 + p) + 0.3 * (2 * hash2(col, window.y + r, seed + 400 + p) - 1);
          out.magtMap_c[p][i] = magtMap;
          if (out.altMap_cm[p].length) out.altMap_cm[p][i] = magtMap < 0
            ? soilK * Math.sqrt(Math.max(MIN_TDD, thawingDegreeDays(magtMap + 0.3, groundAmplitude))) * Math.exp(altError + 0.08 * valueNoise(x, y, 50_000, seed + 300 + p))
            : NaN;
        }
      }
    }
  }
}

/** The float rasters' nodata value. */
export const SAMPLE_NODATA = -9999;

/**
 * Sets nodata in rows `r0` to `r1` of every float field of a window where the cell is not valid (sea,
 * ice sheet, south of 45°N) or has no value (ALT where there is no permafrost): done where the rows
 * are computed, on the worker threads, rather than by each writer.
 */
export function maskFields(out: WindowFields, r0: number, r1: number): void {
  const { width } = out.window;
  const arrays = [out.elevation_m, out.slope_deg, out.twi, out.ndvi, out.sand_pct, out.silt_pct, out.clay_pct,
    ...out.airTemperature_c, ...out.precipitation_mm, ...out.magtMap_c, ...out.altMap_cm].filter((a) => a.length > 0);
  const valid = out.valid;
  for (const a of arrays) {
    for (let i = r0 * width; i < r1 * width; i++) if (!valid[i] || a[i] !== a[i]) a[i] = SAMPLE_NODATA;
  }
}

/**
 * The arrays of a window's fields. `which = 'magt'` keeps only the MAGT maps (the rest are empty);
 * the truth (what stations observe) only for single cells. `f32` and `u8` allocate (plain or shared memory).
 */
export function allocateFields(window: Window, which: 'all' | 'magt', f32: (n: number) => Float32Array, u8: (n: number) => Uint8Array): WindowFields {
  const n = window.width * window.height;
  const one = () => f32(n);
  const perPeriod = () => PERIODS.map(() => f32(n));
  const none = () => PERIODS.map(() => new Float32Array(0));
  const kept = which === 'all' ? perPeriod : none;
  return {
    window, valid: u8(n), lat: n === 1 ? one() : new Float32Array(0), lon: n === 1 ? one() : new Float32Array(0), elevation_m: one(), slope_deg: one(), twi: one(), ndvi: one(),
    sand_pct: one(), silt_pct: one(), clay_pct: one(), airTemperature_c: kept(), precipitation_mm: kept(),
    magtTrue_c: n === 1 ? perPeriod() : none(), altTrue_cm: n === 1 ? perPeriod() : none(),
    magtMap_c: perPeriod(), altMap_cm: kept(),
  };
}

/**
 * Thawing degree-days never fall below this in the model: even the coldest High-Arctic sites thaw
 * some 20–30 cm each summer (a sinusoid alone would give none where the mean is far below 0 °C).
 */
const MIN_TDD = 120;

/** Thawing degree-days (°C·day) of a sinusoid with this mean and half-range over a 365-day year. */
export function thawingDegreeDays(mean: number, amplitude: number): number {
  if (mean >= amplitude) return 365 * mean;
  if (mean <= -amplitude) return 0;
  const theta = Math.acos(-mean / amplitude);
  return (365 / Math.PI) * (amplitude * Math.sin(theta) + mean * theta);
}


/** Distance to the sea (km) and the Greenland mask on a 10 km grid (coarser when the sample is). */
function coarseFields(landRings: [number, number][][], greenlandRings: [number, number][][], grid: SampleGrid) {
  const resolution_m = Math.max(10_000, grid.resolution_m);
  const half = (grid.width / 2) * grid.resolution_m;
  const size = Math.ceil((2 * half) / resolution_m);
  const coarseGrid = { width: size, height: size, crs: grid.crs, transform: withTransform(grid.transform, { origin_x: -half, origin_y: half, pixel_width: resolution_m, pixel_height: -resolution_m }) };
  const land = rasterizePolygons(landRings, coarseGrid).rows(0, size);
  const greenland = rasterizePolygons(greenlandRings, coarseGrid).rows(0, size);
  // two-pass chamfer distance (3-4 weights) from sea cells
  const big = 1e9;
  const d = new Float32Array(size * size);
  for (let i = 0; i < d.length; i++) d[i] = land[i] ? big : 0;
  const a = 1, b = Math.SQRT2;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      if (d[i] === 0) continue;
      let v = d[i];
      if (c > 0) v = Math.min(v, d[i - 1] + a);
      if (r > 0) {
        v = Math.min(v, d[i - size] + a);
        if (c > 0) v = Math.min(v, d[i - size - 1] + b);
        if (c < size - 1) v = Math.min(v, d[i - size + 1] + b);
      }
      d[i] = v;
    }
  }
  for (let r = size - 1; r >= 0; r--) {
    for (let c = size - 1; c >= 0; c--) {
      const i = r * size + c;
      if (d[i] === 0) continue;
      let v = d[i];
      if (c < size - 1) v = Math.min(v, d[i + 1] + a);
      if (r < size - 1) {
        v = Math.min(v, d[i + size] + a);
        if (c < size - 1) v = Math.min(v, d[i + size + 1] + b);
        if (c > 0) v = Math.min(v, d[i + size - 1] + b);
      }
      d[i] = v;
    }
  }
  const km = resolution_m / 1000;
  for (let i = 0; i < d.length; i++) d[i] = d[i] >= big ? 3000 : d[i] * km;
  return { size, resolution_m, half, distance_km: d, greenland };
}
