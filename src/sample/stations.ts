import proj4 from 'proj4';
import { LONLAT } from '../geotiff/crs.js';
import { CRS_3995, PERIODS, type SampleModel } from './model.js';
import { randomGenerator } from '../core/random.js';

/** Where the synthetic stations cluster, as the real networks do: lon/lat boxes and site counts. */
const REGIONS: { name: string; code: string; lon: [number, number]; lat: [number, number]; boreholes: number; calm: number }[] = [
  { name: 'Alaska', code: 'AK', lon: [-165, -141], lat: [60, 71], boreholes: 45, calm: 35 },
  { name: 'Canadian Arctic', code: 'CA', lon: [-140, -62], lat: [55, 80], boreholes: 55, calm: 22 },
  { name: 'Fennoscandia', code: 'FS', lon: [5, 31], lat: [60, 71], boreholes: 35, calm: 12 },
  { name: 'European Russia', code: 'ER', lon: [40, 66], lat: [62, 70], boreholes: 30, calm: 15 },
  { name: 'Siberia', code: 'SB', lon: [66, 178], lat: [55, 75], boreholes: 95, calm: 55 },
  { name: 'Mongolia', code: 'MN', lon: [90, 120], lat: [46, 52], boreholes: 30, calm: 10 },
];

const DEPTHS_M = [2, 5, 10, 15, 20, 25];

interface Site {
  id: string;
  name: string;
  lon: number;
  lat: number;
  magt: number[];
  alt: number[];
}

/** The borehole and CALM tables as CSV text, and what was put in them. */
export interface StationTables {
  boreholesCsv: string;
  calmCsv: string;
  boreholeSites: number;
  calmSites: number;
  /** The deliberate flaws, described (for the data README). */
  flaws: string[];
}

/**
 * Synthetic GTN-P-like borehole and CALM-like thaw-depth tables. Sites are drawn in the regions
 * where the real networks cluster, on valid land cells (CALM sites on permafrost); observations
 * are the model's truth at the site's cell plus a site bias (representativeness), year-to-year and
 * measurement noise. A few realistic flaws are planted so the loader has something to report.
 */
export function generateStations(model: SampleModel, seed: number): StationTables {
  const random = randomGenerator(seed * 7919 + 17);
  const toXY = proj4(LONLAT, CRS_3995);
  const t = model.grid.transform;
  const cellOf = (lon: number, lat: number) => {
    const [x, y] = toXY.forward([lon, lat]);
    return { col: Math.floor((x - t.originX) / t.pixelWidth), row: Math.floor((y - t.originY) / t.pixelHeight) };
  };
  // Candidates for every region first, then evaluated in row order (the land rasterizer streams).
  const candidates: { region: number; lon: number; lat: number; col: number; row: number; order: number }[] = [];
  REGIONS.forEach((region, r) => {
    for (let k = 0; k < (region.boreholes + region.calm) * 12; k++) {
      const lon = region.lon[0] + random.next() * (region.lon[1] - region.lon[0]);
      const lat = region.lat[0] + random.next() * (region.lat[1] - region.lat[0]);
      candidates.push({ region: r, lon: round(lon, 4), lat: round(lat, 4), ...cellOf(lon, lat), order: candidates.length });
    }
  });
  const evaluated = [...candidates].sort((a, b) => a.row - b.row || a.col - b.col).map((c) => {
    const f = model.fields({ x: c.col, y: c.row, width: 1, height: 1 }, 'magt');
    return { ...c, valid: f.valid[0] === 1, magt: f.magtTrue_c.map((v) => v[0]), alt: f.altTrue_cm.map((v) => v[0]) };
  }).sort((a, b) => a.order - b.order);

  const boreholes: Site[] = [];
  const calm: Site[] = [];
  REGIONS.forEach((region, r) => {
    const pool = evaluated.filter((c) => c.region === r && c.valid);
    let b = 0;
    let c = 0;
    for (const cand of pool) {
      if (b < region.boreholes) {
        b++;
        boreholes.push({ id: `${region.code}-B${String(b).padStart(3, '0')}`, name: `${region.name} borehole ${b}`, lon: cand.lon, lat: cand.lat, magt: cand.magt, alt: cand.alt });
      } else if (c < region.calm && cand.magt[2] < -0.3 && Number.isFinite(cand.alt[2])) {
        c++;
        calm.push({ id: `${region.code}-C${String(c).padStart(3, '0')}`, name: `${region.name} CALM ${c}`, lon: cand.lon, lat: cand.lat, magt: cand.magt, alt: cand.alt });
      }
    }
  });
  if (calm.length > 3) calm[3].name = 'Tiksi, "Lena delta" grid';

  const periodOf = (year: number) => Math.min(PERIODS.length - 1, Math.floor((year - 1980) / 5));
  const boreholeRows: string[][] = [];
  for (const site of boreholes) {
    const bias = 0.55 * random.normal();
    const start = random.int(1980, 2012);
    const end = Math.min(2019, start + random.int(3, 14));
    const depths = pickTwo(DEPTHS_M, random);
    for (let year = start; year <= end; year++) {
      const yearly = 0.3 * random.normal();
      for (const depth of depths) {
        const value = site.magt[periodOf(year)] + bias + yearly * Math.exp(-depth / 8) + 0.03 * (depth - 15) + 0.1 * random.normal();
        boreholeRows.push([site.id, site.name, fmt(site.lat, 4), fmt(site.lon, 4), String(year), String(depth), fmt(value, 2)]);
      }
    }
  }
  const calmRows: string[][] = [];
  for (const site of calm) {
    const factor = Math.exp(0.18 * random.normal());
    const start = random.int(1990, 2008);
    const end = random.next() < 0.8 ? 2019 : random.int(start + 3, 2019);
    for (let year = start; year <= end; year++) {
      const truth = site.alt[periodOf(year)];
      if (!Number.isFinite(truth)) continue; // thawed through: no active layer any more
      const value = truth * factor * Math.exp(0.08 * random.normal());
      calmRows.push([site.id, site.name, fmt(site.lat, 4), fmt(site.lon, 4), String(year), String(Math.round(value))]);
    }
  }

  // Realistic flaws for the loader to report.
  const flaws: string[] = [];
  if (calmRows.length > 40) {
    const q = calmRows[17];
    q[5] = `>${q[5]}`;
    flaws.push(`calm.csv: a qualified value "${q[5]}" (site ${q[0]}, ${q[4]}), as CALM writes thaw deeper than the probe`);
    const m = calmRows[33];
    m[3] = '';
    flaws.push(`calm.csv: a missing longitude (site ${m[0]}, ${m[4]})`);
    calmRows.splice(25, 0, [...calmRows[24]]);
    flaws.push(`calm.csv: a duplicated row (site ${calmRows[24][0]}, ${calmRows[24][4]})`);
  }
  if (boreholeRows.length > 100) {
    const m = boreholeRows[57];
    m[2] = '';
    flaws.push(`boreholes.csv: a missing latitude (site ${m[0]}, ${m[4]})`);
    boreholeRows.splice(91, 0, [...boreholeRows[90]]);
    flaws.push(`boreholes.csv: a duplicated row (site ${boreholeRows[90][0]}, ${boreholeRows[90][4]}, ${boreholeRows[90][5]} m)`);
  }
  return {
    boreholesCsv: toCsv(['site_id', 'site_name', 'lat', 'lon', 'year', 'depth_m', 'magt_c'], boreholeRows),
    calmCsv: toCsv(['site_id', 'site_name', 'lat', 'lon', 'year', 'alt_cm'], calmRows),
    boreholeSites: boreholes.length,
    calmSites: calm.length,
    flaws,
  };
}

/** The period label of a year (1980–2019), for tests and notebooks. */
export function periodOfYear(year: number): string {
  return PERIODS[Math.min(PERIODS.length - 1, Math.max(0, Math.floor((year - 1980) / 5)))];
}

function pickTwo<T>(list: T[], random: { int(min: number, max: number): number }): T[] {
  const a = random.int(0, list.length - 1);
  let b = random.int(0, list.length - 2);
  if (b >= a) b++;
  return [list[Math.min(a, b)], list[Math.max(a, b)]];
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function fmt(v: number, digits: number): string {
  return round(v, digits).toFixed(digits);
}

function toCsv(header: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

