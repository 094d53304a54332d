import DMS from 'geographiclib-dms'; // CommonJS: its exports are the default import under Node's ESM

/** Which coordinate a cell holds. */
export type CoordinateAxis = 'lat' | 'lon';

/** What {@link parseCoordinate} makes of a cell: the value in degrees, or why it cannot be read. */
export type ParsedCoordinate = { value: number; error?: undefined } | { value?: undefined; error: string };

// Marks that a wrong decoding leaves behind: UTF-8 read as Windows-1252 (`Â°`, `â€™`), and
// Windows-1252 read as Latin-1 (U+0092 for ’, U+0094 for ”), as GeographicLib reads 0x92 and 0x94.
const MANGLED: [RegExp, string][] = [
  [/Â([°º´])/g, '$1'], [/â€™/g, '’'], [/â€˜/g, '‘'], [/â€\u009d|â€\u201d/g, '”'], [/â€œ/g, '“'], [/â€²/g, '′'], [/â€³/g, '″'],
  [/\u0091/g, '‘'], [/\u0092/g, '’'], [/\u0093/g, '“'], [/\u0094/g, '”'],
];
// The degree, minute and second marks GeographicLib's DMS.Decode knows (and `d`), ASCII quotes included.
const MARK = '°º˚⁰∘d\'′´‘’‛ʹˊˋ"″”“‟ʺ';
const MARK_CLASS = MARK.replace(/[\]\\^-]/g, '\\$&');
const HEMISPHERES: Record<string, 1 | -1> = { N: 1, S: -1, E: 1, W: -1 };
const WORDS: Record<string, string> = { NORTH: 'N', SOUTH: 'S', EAST: 'E', WEST: 'W' };

/**
 * Reads a latitude or longitude as people type it: decimal degrees with a point or a comma
 * (`47,68889`); degrees, minutes and seconds with `°`, `'`, `′`, `"`, `''`, `″`, Excel's `’` and
 * `”`, or spaces alone (`67 03 56.0 N`), also when a wrong decoding mangled the marks (U+0092,
 * U+0094, `Â°`); a hemisphere letter before or after (S and W negative); stray punctuation at the
 * end (`69 06' N,`). The degrees, minutes and seconds are decoded by GeographicLib's DMS.Decode
 * (minutes and seconds below 60, in order). Anything else, such as a typo (`31v 49' N`), a sign
 * with a hemisphere letter, or the other axis's letter, is an `error`, never a guess. Ranges
 * (±90, ±180) are the caller's to check.
 * @example parseCoordinate(`65°11'35" N`, 'lat') // { value: 65.19305555555556 }
 */
export function parseCoordinate(text: string | undefined, axis: CoordinateAxis): ParsedCoordinate {
  let s = (text ?? '').replace(/[\u00a0\u2007\u2009\u200a\u202f]/g, ' ').trim();
  for (const [from, to] of MANGLED) s = s.replace(from, to);
  s = s.replace(/[,;.:]+$/, '').trim(); // stray punctuation after the value (a trailing `.` after digits changes nothing)
  s = s.replace(/\b(north|south|east|west)\b/gi, (w) => WORDS[w.toUpperCase()]);
  if (s === '') return { error: 'empty' };
  // a hemisphere letter before or after, and a sign
  let hemisphere = '';
  const before = /^([NSEW])\s*/i.exec(s);
  if (before) { hemisphere = before[1].toUpperCase(); s = s.slice(before[0].length); }
  const after = /\s*([NSEW])$/i.exec(s);
  if (after) {
    if (hemisphere) return { error: `two hemisphere letters (${hemisphere} and ${after[1].toUpperCase()})` };
    hemisphere = after[1].toUpperCase(); s = s.slice(0, after.index);
  }
  s = s.replace(/^[−–]/, '-');
  const sign = /^[-+]/.exec(s)?.[0] ?? '';
  s = s.slice(sign.length).trim();
  if (hemisphere && sign === '-') return { error: `both a minus sign and the hemisphere letter ${hemisphere}` };
  if (hemisphere && (axis === 'lat') !== (hemisphere === 'N' || hemisphere === 'S')) {
    return { error: `${hemisphere} is a ${axis === 'lat' ? 'longitude' : 'latitude'} hemisphere` };
  }
  if (s === '') return { error: 'no number' };
  // a decimal comma, then only digits, points, marks and spaces may remain
  s = s.replace(/(\d),(\d)/g, '$1.$2');
  const bad = new RegExp(`[^0-9.:\\s${MARK_CLASS}]`).exec(s);
  if (bad) return { error: `unexpected ${JSON.stringify(bad[0])}` };
  if (/^d|[^0-9.\s]d|d[^0-9\s]/.test(s)) return { error: 'unexpected "d"' };
  // spaces: around a mark they only separate; between two numbers they part degrees, minutes and seconds
  s = s.replace(new RegExp(`\\s*([:${MARK_CLASS}])\\s*`, 'g'), '$1').replace(/\s+/g, ':');
  let decoded: { val: number };
  try {
    decoded = DMS.Decode(s);
  } catch (e) {
    // GeographicLib's message ends with the string it decoded (our normalised form): the caller quotes the cell instead
    const message = (e as Error).message;
    const cut = message.endsWith(s) ? message.slice(0, -s.length).replace(/\s+(in DMS string|in|of|of the end of)?\s*$/, '') : message;
    return { error: cut.charAt(0).toLowerCase() + cut.slice(1) };
  }
  if (!Number.isFinite(decoded.val)) return { error: 'not a number' };
  const value = (sign === '-' ? -1 : 1) * (hemisphere ? HEMISPHERES[hemisphere] : 1) * decoded.val;
  return { value: value === 0 ? 0 : value };
}
