import { describe, expect, it } from 'vitest';
import { parseCoordinate } from '../../src/stations/parseCoordinate.js';

// Written forms seen in published station tables, with the value worked out by hand
// (degrees + minutes / 60 + seconds / 3600; S and W negative).
const READ: [string, 'lat' | 'lon', number][] = [
  // decimal degrees
  ['71.31', 'lat', 71.31],
  ['-156.60', 'lon', -156.6],
  ['+70.5', 'lat', 70.5],
  ['47,68889', 'lat', 47.68889],
  ['-147,5', 'lon', -147.5],
  ['0', 'lon', 0],
  ['70.2835 N', 'lat', 70.2835],
  ['67.7723958 N', 'lat', 67.7723958],
  ['N70.2835', 'lat', 70.2835],
  ['W 156.6', 'lon', -156.6],
  ['156.6w', 'lon', -156.6],
  ['33.5 S', 'lat', -33.5],
  ['129,7 E', 'lon', 129.7],
  ['−147.5', 'lon', -147.5], // U+2212 minus sign
  // degrees and minutes, CALM's summary table
  ["71 19' N", 'lat', 71 + 19 / 60],
  ["156 36' W", 'lon', -(156 + 36 / 60)],
  ["69 06' N,", 'lat', 69 + 6 / 60], // stray trailing comma
  ["71 19'N", 'lat', 71 + 19 / 60],
  ["71°19'N", 'lat', 71 + 19 / 60],
  ['71°19′N', 'lat', 71 + 19 / 60], // prime
  ['71°19’ N', 'lat', 71 + 19 / 60], // Excel's typographic apostrophe
  ['71°19\u0092 N', 'lat', 71 + 19 / 60], // Windows-1252 ’ read as Latin-1
  ["71Â°19' N", 'lat', 71 + 19 / 60], // UTF-8 ° read as Windows-1252
  ["N 71°19'", 'lat', 71 + 19 / 60],
  ["71º19'N", 'lat', 71 + 19 / 60], // masculine ordinal for the degree sign
  ["71° 19.5' N", 'lat', 71 + 19.5 / 60],
  ['71°N', 'lat', 71],
  ["71d19'N", 'lat', 71 + 19 / 60],
  ["71 19' north", 'lat', 71 + 19 / 60],
  // degrees, minutes and seconds
  [`65°11'35" N`, 'lat', 65 + 11 / 60 + 35 / 3600],
  [`126°28' 8" W`, 'lon', -(126 + 28 / 60 + 8 / 3600)],
  ["65°11'35'' N", 'lat', 65 + 11 / 60 + 35 / 3600], // two apostrophes for the seconds
  ['65°11′35″ N', 'lat', 65 + 11 / 60 + 35 / 3600], // prime and double prime
  ['65°11’35” N', 'lat', 65 + 11 / 60 + 35 / 3600], // Excel's ’ and ”
  ['65°11\u009235\u0094 N', 'lat', 65 + 11 / 60 + 35 / 3600], // the same, Windows-1252 read as Latin-1
  ['65° 11’ 35” N.', 'lat', 65 + 11 / 60 + 35 / 3600],
  ['67 03 56.0 N', 'lat', 67 + 3 / 60 + 56 / 3600], // spaces alone
  ['67 03 56,0 N', 'lat', 67 + 3 / 60 + 56 / 3600],
  ['S 67 03 56', 'lat', -(67 + 3 / 60 + 56 / 3600)],
  ['W126 28 08', 'lon', -(126 + 28 / 60 + 8 / 3600)],
  ['67:03:56 N', 'lat', 67 + 3 / 60 + 56 / 3600],
  ['-126 28 08', 'lon', -(126 + 28 / 60 + 8 / 3600)],
  ['161°24′E', 'lon', 161.4],
  ['161°24\u00a0E', 'lon', 161.4], // a non-breaking space before the letter
  [`65°11'35.5"N;`, 'lat', 65 + 11 / 60 + 35.5 / 3600],
];

// Cells that cannot be read: each rejected with the reason, never guessed.
const REJECTED: [string, 'lat' | 'lon', RegExp][] = [
  ["31v 49' N", 'lat', /unexpected "v"/],
  ['', 'lat', /empty/],
  ['N', 'lat', /no number/],
  ["156 36' W", 'lat', /W is a longitude hemisphere/],
  ['70 N', 'lon', /N is a latitude hemisphere/],
  ['-70 N', 'lat', /both a minus sign and the hemisphere letter N/],
  ['N 70 S', 'lat', /two hemisphere letters \(N and S\)/],
  ["71 60' N", 'lat', /minutes 60 not in range/],
  [`71°19'75" N`, 'lat', /seconds 75 not in range/],
  ['71-19-35', 'lat', /unexpected "-"/], // GeographicLib would add the pieces: 71 − 19 − 35
  ['1.5E+02', 'lon', /unexpected "E"|unexpected "\+"/],
  ['NaN', 'lat', /two hemisphere letters \(N and N\)/], // the loader takes NaN for an empty cell before this
  ["71'19°", 'lat', /degrees component follows minutes/],
  ['71.5 19', 'lat', /decimal point in non-terminal component/],
  ['1 2 3 4', 'lat', /more than 3 DMS components/],
  ['ca. 71', 'lat', /unexpected "c"/],
  ['71.3?', 'lat', /unexpected "\?"/],
  ['d19', 'lat', /unexpected "d"/],
];

describe('parseCoordinate(text, axis)', () => {
  it(`reads ${READ.length} written forms to their values`, () => {
    const wrong = READ.map(([text, axis, want]) => ({ text, axis, want, got: parseCoordinate(text, axis) }))
      .filter((r) => r.got.value === undefined || Math.abs(r.got.value - r.want) > 1e-12);
    expect(wrong).toEqual([]);
    expect(READ.length).toBeGreaterThanOrEqual(40);
  });

  it('rejects what it cannot read with the reason, and gives no value', () => {
    for (const [text, axis, reason] of REJECTED) {
      const got = parseCoordinate(text, axis);
      expect(got.value, text).toBeUndefined();
      expect(got.error, text).toMatch(reason);
    }
  });
});
