// Lookups that find nothing say so, with the nearest valid choices: a site id, a region, a latitude.
import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { PRODUCT_LATITUDES } from './periods.js';

type Table = ReturnType<typeof aq.table>;

/** Edit distance between two words (insertions, deletions, substitutions and swaps of neighbours), case ignored. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase(), t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/**
 * The `n` choices closest to what was typed (fewest edits, then alphabetical), for messages that
 * name what was probably meant.
 * @example closest('AK-001', ['AK-B001', 'CA-B001']) // ['AK-B001', 'CA-B001']
 */
export function closest(typed: string, choices: Iterable<string>, n = 3): string[] {
  return [...new Set(choices)].map((c) => ({ c, d: editDistance(typed, c) })).sort((a, b) => a.d - b.d || a.c.localeCompare(b.c)).slice(0, n).map((x) => x.c);
}

/** The lower and upper edges of a band label `a-b` (degrees north). */
function bandEdges(band: string): [number, number] | null {
  const m = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(band);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const degrees = (v: number) => String(Number(v.toFixed(4)));

/**
 * The rows of a summary by latitude band (`ds.summarize({ by: ['lat_band', …] })`) for the band
 * holding `lat`, never empty: a latitude outside the product, or in no band with land, is an
 * `InputError` that names the nearest bands with data ("latitude 89.5 is north of every land
 * cell: the northernmost band with data is 83–84°N").
 * @example findLatitude(await ds.summarize({ by: ['period', 'lat_band'], lat_band_deg: 1 }), 62)
 */
export function findLatitude(summary: Table, lat: number): Table {
  if (!summary || typeof summary.columnNames !== 'function' || !summary.columnNames().includes('lat_band')) {
    throw new InputError(invalid('summary', summary && typeof summary.columnNames === 'function' ? `a table with columns ${summary.columnNames().join(', ')}` : typeof summary,
      "a table from ds.summarize({ by: ['lat_band'] }) (or by period and lat_band)"));
  }
  if (!Number.isFinite(lat) || lat < PRODUCT_LATITUDES.south || lat > PRODUCT_LATITUDES.north) {
    throw new InputError(invalid('latitude', lat, `${PRODUCT_LATITUDES.south} to ${PRODUCT_LATITUDES.north} degrees north: the product covers land north of 45°N`));
  }
  const bands = [...new Set(Array.from(summary.array('lat_band') as ArrayLike<string>, String))]
    .map((b) => ({ band: b, edges: bandEdges(b) })).filter((b): b is { band: string; edges: [number, number] } => !!b.edges)
    .sort((a, b) => a.edges[0] - b.edges[0]);
  if (!bands.length) throw new InputError(invalid('summary', 'a table without latitude bands', "a table from ds.summarize({ by: ['lat_band'] }) with rows"));
  const hit = bands.find((b) => lat >= b.edges[0] && (lat < b.edges[1] || (lat === b.edges[1] && b.edges[1] === PRODUCT_LATITUDES.north)));
  if (hit) return summary.params({ band: hit.band }).filter((d: any, $: any) => d.lat_band === $.band).reify();
  const band = (b: { edges: [number, number] }) => `${b.edges[0]}–${b.edges[1]}°N`;
  const north = bands[bands.length - 1], south = bands[0];
  let why: string;
  if (lat >= north.edges[1]) why = `latitude ${degrees(lat)} is north of every land cell: the northernmost band with data is ${band(north)}`;
  else if (lat < south.edges[0]) why = `latitude ${degrees(lat)} is south of every land cell: the southernmost band with data is ${band(south)}`;
  else {
    const below = [...bands].reverse().find((b) => b.edges[1] <= lat)!, above = bands.find((b) => b.edges[0] > lat)!;
    why = `no land cell lies at latitude ${degrees(lat)}: the nearest bands with data are ${band(below)} and ${band(above)}`;
  }
  throw new InputError(invalid('latitude', lat, `a latitude with land cells; ${why}`));
}
