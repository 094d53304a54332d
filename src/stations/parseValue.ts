/** A cell without Excel's padding: non-breaking and thin spaces, surrounding blanks. */
export function cleanCell(text: string | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f\u2007]/g, ' ').trim();
}

/**
 * A measured value as Excel may have saved it: qualifiers (`>260`, `<66`, `98*`), a decimal comma,
 * thousands separators (`1,350`, `1 350`), exponents (`1.5E+02`), and numbers that Excel turned
 * into dates of 1900 (the date's serial number is the value). `note` says what was undone.
 */
export function parseValue(text: string, delimiter = ','): { value: number; qualifier: string; note?: string } | null {
  const q = /^([<>≤≥~]?)\s*(.*?)\s*(\*?)$/.exec(text);
  if (!q) return null;
  const qualifier = (q[1] || '') + (q[3] || '');
  let body = q[2];
  let note: string | undefined;
  if (/^-?\d{1,3}([ ,]\d{3})+(\.\d+)?$/.test(body) && !(delimiter === ';' && /^-?\d{1,3},\d{3}$/.test(body))) {
    body = body.replace(/[ ,]/g, '');
    note = 'thousands separators removed';
  } else if (/^-?\d+,\d+$/.test(body)) {
    body = body.replace(',', '.');
  } else {
    const serial = excelDateSerial(body);
    if (serial !== null) return { value: serial, qualifier, note: 'numbers Excel had turned into dates of 1900 read back as numbers' };
  }
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) return null;
  const value = Number(body);
  return Number.isFinite(value) ? { value, qualifier, note } : null;
}

/** A date of 1900 as Excel shows a number it took for a date (1900-04-07 is serial 98), or null. */
function excelDateSerial(text: string): number | null {
  const iso = /^(1900)-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dmy = /^(\d{1,2})[./](\d{1,2})[./](1900)$/.exec(text);
  // day first, unless only the other order makes a date (4/27/1900)
  const monthFirst = dmy && Number(dmy[1]) <= 12 && Number(dmy[2]) > 12;
  const parts = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : dmy ? [Number(dmy[3]), Number(dmy[monthFirst ? 1 : 2]), Number(dmy[monthFirst ? 2 : 1])] : null;
  if (!parts) return null;
  const [y, m, d] = parts;
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const days = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 31)) / 86_400_000);
  return days >= 60 ? days + 1 : days; // Excel counts a 29 February 1900 that never was
}
