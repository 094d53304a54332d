/** A product period. */
export interface Period {
  /** `1980-1984` */
  label: string;
  start: number;
  end: number;
  mid_year: number;
}

const PATTERN = /(?<![0-9])(19[0-9]{2}|20[0-9]{2})\s*[-_–—/ ]\s*(19[0-9]{2}|20[0-9]{2})(?![0-9])/;

/**
 * The period named in a text (a band description, a file name): `1980-1984`, `1980_1984`,
 * `MAGT_1980-1984.tif`, `1980–1984`. Null when there is none.
 * @example parsePeriod('alt_1980_1984.tif') // { label: '1980-1984', start: 1980, end: 1984, mid_year: 1982 }
 */
export function parsePeriod(text: string): Period | null {
  const m = PATTERN.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end - start > 50) return null;
  return { label: `${start}-${end}`, start, end, mid_year: (start + end) / 2 };
}

/** The product's eight periods. */
export const PRODUCT_PERIODS: Period[] = Array.from({ length: 8 }, (_, i) => {
  const start = 1980 + 5 * i;
  return { label: `${start}-${start + 4}`, start, end: start + 4, mid_year: start + 2 };
});
