import type { Raster } from '../geotiff/openRaster.js';
import { asNumbers } from '../geotiff/metadata.js';

/**
 * How a permafrost layer codes permafrost. Areas count a cell by its share of permafrost: presence counts a cell's whole
 * area, a fraction its share, a zone class the share of its zone.
 */
export interface PermafrostCoding {
  kind: 'presence' | 'fraction' | 'percent' | 'classes';
  /** For `classes`: the permafrost share of each class value (index = stored class). */
  table?: number[];
  /** Class names by value, for `classes`. */
  names?: string[];
  /** One sentence saying what was assumed and why. */
  note: string;
}

/**
 * Zone classes as the permafrost literature lists them (continuous 90–100 %, discontinuous
 * 50–90 %, sporadic 10–50 %, isolated 0–10 %), each counted at the middle of its range.
 */
export const ZONE_SHARES = { continuous: 0.95, discontinuous: 0.7, sporadic: 0.3, isolated: 0.05 } as const;

/**
 * Up to `limit` valid values of one band, from blocks spread over the image (the smallest
 * overview when the file has one): enough to tell a coding or a unit, without a full pass.
 */
export async function probeValues(raster: Raster, band: number, limit = 200_000): Promise<Float64Array> {
  const overview = raster.overviews.length ? raster.overviews.length : 0;
  const width = overview ? raster.overviews[overview - 1].width : raster.width;
  const height = overview ? raster.overviews[overview - 1].height : raster.height;
  const side = Math.min(256, width, height);
  const steps = 5;
  const out: number[] = [];
  for (let j = 0; j < steps && out.length < limit; j++) {
    for (let i = 0; i < steps && out.length < limit; i++) {
      const x = Math.round(((width - side) * i) / (steps - 1));
      const y = Math.round(((height - side) * j) / (steps - 1));
      const [values] = asNumbers(await raster.read({ window: { x, y, width: side, height: side }, bands: [band], overview }));
      for (let k = 0; k < values.length && out.length < limit; k++) {
        const v = values[k];
        if (v === v && v !== raster.noData) out.push(v);
      }
    }
  }
  return Float64Array.from(out);
}

/**
 * Which coding a permafrost band uses: from its class names when every class it holds is named as a
 * zone (or as no permafrost); else from its description and units, then its values:
 * only 0 and 1 → presence; whole numbers up to 5 with two or more classes → zone classes
 * (1 continuous, 2 discontinuous, 3 sporadic, 4 isolated, 0 or 5 none, unless the band's
 * description lists them the other way round); values between 0 and 1 → a fraction; above 5
 * (or fractional above 1) up to 100 → a percentage; anything else → presence (1 counts).
 */
export function permafrostCoding(values: ArrayLike<number>, description = '', unit = '', classNames: readonly string[] | null = null): PermafrostCoding {
  if (classNames) {
    const named = codingOfNames(values, classNames);
    if (named) return named;
  }
  let min = Infinity, max = -Infinity, whole = true;
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (!Number.isInteger(v)) whole = false;
    else if (distinct.size < 64) distinct.add(v);
  }
  const text = `${description} ${unit}`.toLowerCase();
  if (/%|percent|百分/.test(text) || (!/fraction|probab/.test(text) && max <= 100 && min >= 0 && (max > 5 || (max > 1 && !whole)))) {
    return { kind: 'percent', note: `values ${fmt(min)}–${fmt(max)} taken as the percentage of each cell underlain by permafrost` };
  }
  if (max <= 1 && min >= 0 && (!whole || /fraction|probab/.test(text))) {
    return { kind: 'fraction', note: `values ${fmt(min)}–${fmt(max)} taken as the fraction of each cell underlain by permafrost` };
  }
  const classes = [...distinct].filter((v) => v !== 0);
  if (whole && min >= 0 && max <= 5 && classes.length >= 2 && !(classes.length === 1 && classes[0] === 1) && max > 1) {
    // isolated-first listings (1 isolated … 4 continuous) are named so in the description
    const isolatedFirst = /isolated[^a-z]*[,;/ ]*.*continuous/.test(text) && text.indexOf('isolated') < text.indexOf('continuous');
    const order = isolatedFirst ? ['isolated', 'sporadic', 'discontinuous', 'continuous'] as const : ['continuous', 'discontinuous', 'sporadic', 'isolated'] as const;
    const table = [0, ...order.map((z) => ZONE_SHARES[z]), 0];
    return {
      kind: 'classes', table, names: ['none', ...order, 'none'],
      note: `whole values ${[...distinct].sort((a, b) => a - b).join(', ')} taken as zone classes (${order.map((z, i) => `${i + 1} ${z}`).join(', ')}; 0 none), ` +
        `areas counted at each zone's middle share (${order.map((z) => `${Math.round(ZONE_SHARES[z] * 100)} %`).join(', ')})`,
    };
  }
  return { kind: 'presence', note: max > 1 ? `values up to ${fmt(max)}: only 1 counted as permafrost` : 'values 0 and 1 taken as no permafrost and permafrost' };
}

/**
 * The factor that turns an ALT band into centimetres: from its unit (`m`, `metre`, `cm`), else
 * from its values (a median under 5 and a 99th percentile under 15 can only be metres; ALT in cm
 * is 30–300 over most permafrost). Returns the factor and a sentence when it is not 1.
 */
export function altUnitFactor(values: ArrayLike<number>, unit: string): { factor: number; note: string | null } {
  const u = unit.trim().toLowerCase();
  if (/^(cm|centimet(er|re)s?|厘米)$/.test(u)) return { factor: 1, note: null };
  if (/^(m|met(er|re)s?|米)$/.test(u)) return { factor: 100, note: `ALT is stored in metres (unit "${unit}"): converted to cm (×100)` };
  if (/^(mm|millimet(er|re)s?)$/.test(u)) return { factor: 0.1, note: `ALT is stored in millimetres (unit "${unit}"): converted to cm (×0.1)` };
  const sorted = Float64Array.from(values).filter((v) => v > 0).sort();
  if (sorted.length < 100) return { factor: 1, note: null };
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  if (q(0.5) < 5 && q(0.99) < 15) {
    return { factor: 100, note: `ALT values have a median of ${fmt(q(0.5))} and a 99th percentile of ${fmt(q(0.99))} with no unit given: only metres fit, converted to cm (×100)` };
  }
  return { factor: 1, note: null };
}

/**
 * The share of permafrost a class name stands for (English or Chinese zone names), or null when the
 * name says nothing this reader knows. Discontinuous is tested before continuous, 稀疏岛状 (sparse
 * islands: sporadic) before 岛状 (isolated patches).
 */
export function zoneShareOfName(name: string): { zone: string; share: number } | null {
  const n = name.trim().toLowerCase();
  if (n === '') return null;
  if (/^(no|none|non|not)\b|non-?permafrost|no permafrost|seasonal|unfrozen|^land$|water|ocean|lake|glacier|ice sheet|季节|非多年冻土|无多年冻土|融区|冰川|水体|海洋|湖/.test(n)) return { zone: 'none', share: 0 };
  if (/discontinu|不连续/.test(n)) return { zone: 'discontinuous', share: ZONE_SHARES.discontinuous };
  if (/continu|连续/.test(n)) return { zone: 'continuous', share: ZONE_SHARES.continuous };
  if (/sporadic|零星|稀疏/.test(n)) return { zone: 'sporadic', share: ZONE_SHARES.sporadic };
  if (/isolat|岛状|patch/.test(n)) return { zone: 'isolated', share: ZONE_SHARES.isolated };
  if (/permafrost|多年冻土|冻土/.test(n)) return { zone: 'permafrost', share: 1 };
  return null;
}

/** A coding from class names, when every non-empty class the values hold has a name read as a zone. */
function codingOfNames(values: ArrayLike<number>, classNames: readonly string[]): PermafrostCoding | null {
  const names = Array.from(classNames, (n) => n ?? '');
  const zones = names.map(zoneShareOfName);
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size < 64; i++) seen.add(values[i]);
  // every value held must be a named class, read as a zone unless its name is empty; one at least read
  for (const v of seen) if (!(Number.isInteger(v) && v >= 0 && v < names.length) || (!zones[v] && names[v] !== '')) return null;
  if (![...seen].some((v) => zones[v])) return null;
  const table = zones.map((z) => z?.share ?? 0);
  const listed = names.map((c, v) => (zones[v] ? `${v} ${c} (${Math.round(table[v] * 100)} %)` : '')).filter(Boolean);
  return {
    kind: 'classes', table, names,
    note: `classes taken from the file's class names: ${listed.join(', ')}; zones counted at their middle share`,
  };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}
