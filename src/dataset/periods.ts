import { InputError, invalid } from '../errors.js';

/** A product period. */
export interface Period {
  /** `1980-1984` */
  label: string;
  start: number;
  end: number;
  mid_year: number;
}

const PATTERN = /(?<![0-9])(19[0-9]{2}|20[0-9]{2})\s*[-_–—/ ]\s*(19[0-9]{2}|20[0-9]{2})(?![0-9])/;

/** `1980_84`, `1980-84`: a four-digit start and a two-digit end. */
const SHORT_END = /(?<![0-9])(19[0-9]{2}|20[0-9]{2})\s*[-_–—]\s*([0-9]{2})(?![0-9])/;
/** `80_84`, `80-84`: two two-digit years (19xx from 50 on, else 20xx). */
const TWO_DIGITS = /(?<![0-9])([0-9]{2})\s*[-_–—]\s*([0-9]{2})(?![0-9])/;

/**
 * The period named in a text (a band description, a file name): `1980-1984`, `1980_1984`,
 * `MAGT_1980-1984.tif`, `1980–1984`, and the short spellings `1980_84` and `80_84` (periods of
 * 1 to 10 years only, so that dates and other numbers are not taken for periods). Null when there is none.
 * @example parsePeriod('alt_1980_1984.tif') // { label: '1980-1984', start: 1980, end: 1984, mid_year: 1982 }
 * @example parsePeriod('GT_80_84.tif')?.label // '1980-1984'
 */
export function parsePeriod(text: string): Period | null {
  const m = PATTERN.exec(text);
  if (m) return period(Number(m[1]), Number(m[2]), 50);
  const short = SHORT_END.exec(text);
  if (short) {
    const start = Number(short[1]);
    let end = Math.floor(start / 100) * 100 + Number(short[2]);
    if (end < start) end += 100;
    const p = period(start, end, 10);
    if (p) return p;
  }
  const two = TWO_DIGITS.exec(text);
  if (two) {
    const year = (yy: number) => (yy >= 50 ? 1900 + yy : 2000 + yy);
    return period(year(Number(two[1])), year(Number(two[2])), 10);
  }
  return null;
}

function period(start: number, end: number, longest: number): Period | null {
  if (end < start || end - start > longest) return null;
  if (longest === 10 && end === start) return null;
  return { label: `${start}-${end}`, start, end, mid_year: (start + end) / 2 };
}

/** The product's eight periods. */
export const PRODUCT_PERIODS: Period[] = Array.from({ length: 8 }, (_, i) => {
  const start = 1980 + 5 * i;
  return { label: `${start}-${start + 4}`, start, end: start + 4, mid_year: start + 2 };
});

/** The product covers land from 45°N to the pole. */
export const PRODUCT_LATITUDES = { south: 45, north: 90 } as const;

/**
 * The label of the latitude band (as `ds.summarize({ by: ['lat_band'] })` names it) holding a
 * latitude, refusing latitudes outside the product (45°N to 90°N) with a message that says the range.
 * @example latitudeBand(62.4, 1) // '62-63'
 */
export function latitudeBand(lat: number, band_deg = 5): string {
  if (!Number.isFinite(lat) || lat < PRODUCT_LATITUDES.south || lat > PRODUCT_LATITUDES.north) {
    throw new InputError(invalid('latitude', lat, `${PRODUCT_LATITUDES.south} to ${PRODUCT_LATITUDES.north} degrees north: the product covers land north of 45°N`));
  }
  return latitudeBandName(latitudeBandIndex(lat, band_deg), band_deg);
}

/**
 * Which latitude band (of `band_deg`-wide bands counted from 90°S) holds a latitude: the one
 * numbering every table uses (`ds.summarize`, validation, `latitudeBand`); the pole falls in the last band.
 * @example latitudeBandIndex(60, 7) // 21: the band 57-64
 */
export function latitudeBandIndex(lat: number, band_deg: number): number {
  return Math.floor((Math.min(lat, 89.999999) + 90) / band_deg);
}

/** The name of latitude band `index` (counted from 90°S): `57-64` for index 21 of 7° bands. */
export function latitudeBandName(index: number, band_deg: number): string {
  const start = -90 + index * band_deg;
  return `${start}-${start + band_deg}`;
}
