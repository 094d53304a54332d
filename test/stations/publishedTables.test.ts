// Station tables in the shapes other people publish them (issue 26), from test/fixtures/stations/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/stations/decodeText.js';
import { loadStations, parseStations, type LoadedStations } from '../../src/stations/loadStations.js';
import { pickDepth } from '../../src/stations/pickDepth.js';
import { python, referee, root } from '../helpers.js';

const dir = join(root, 'test', 'fixtures', 'stations');
const fixture = (name: string) => join(dir, name);
const reasons = (loaded: LoadedStations) => (loaded.rejected.objects() as any[]).map((r) => `${r.line} ${r.site_id}: ${r.reason}`);
const site = (loaded: LoadedStations, id: string) => (loaded.stations.objects() as any[]).filter((r) => r.site_id === id);
const balanced = ({ cells }: LoadedStations) => cells.kept + cells.rejected + cells.empty === cells.cells_read;

describe('loadStations(CALM\'s summary table exported to CSV)', () => {
  const calm = loadStations(fixture('calm-summary-export.csv'));

  it('merges the two header rows, so the site codes name the sites and LAT/LONG and the years are found', () => {
    expect(calm.variable).toBe('alt');
    expect([...new Set(calm.stations.array('site_id'))]).toEqual(['U1', 'U2', 'U3', 'U4', 'U5', 'C1', 'C2', 'C3', 'R1', 'R2', 'R3', 'M1', 'P2']);
    expect((calm.stations.array('site_id') as string[]).some((id) => id.startsWith('line'))).toBe(false);
    expect(calm.warnings[0]).toBe('a header of 2 rows (lines 1–2) merged into column names: Site Code, Site Name, LAT (under "Location"), LONG, Method, ' +
      '1990 (under "SITE AVERAGES OF THE ANNUAL END-OF-SEASON THAW DEPTH (cm)"), 1991, 1992, 1993, 1994, …, 1999');
    expect(site(calm, 'U3')[0].site_name).toBe('West Dock; Prudhoe Bay'); // quoted, with the delimiter inside
  });

  it('reads every coordinate notation of the table to the right place', () => {
    const at = (id: string) => { const r = site(calm, id)[0]; return [r.lat, r.lon]; };
    const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 10));
    close(at('U1'), [71 + 19 / 60, -(156 + 36 / 60)]); // 71 19' N, 156 36' W
    close(at('U3'), [70.2835, -(148 + 33 / 60)]); // 70.2835 N
    close(at('U4'), [68 + 37 / 60 + 30 / 3600, -(149 + 36 / 60 + 18 / 3600)]); // "68°37'30"" N" as CSV quotes it
    close(at('C1'), [65 + 11 / 60 + 35 / 3600, -(126 + 28 / 60 + 8 / 3600)]); // 126°28' 8" W
    close(at('C3'), [69 + 6 / 60, -(134 + 5 / 60)]); // 69 06' N, with a stray comma
    close(at('R1'), [71.6, 128 + 53 / 60]); // Excel's ’
    close(at('R3'), [67.7723958, 116.03]); // 116,03 E
    close(at('M1'), [47.68889, 107.48333]); // decimal commas
  });

  it('rejects the unreadable latitude with the cell quoted, and the usual quirks with their reasons', () => {
    expect(reasons(calm)).toEqual([
      '3 ALASKA; North Slope: no latitude ("")',
      '4 U1: 1993: no value ("inactive")',
      '8 U5: 1992: implausible thaw depth 1.45 cm (expected 5–2000 cm)',
      '9 CANADA; Mackenzie Valley: no latitude ("")',
      '13 RUSSIA; Yakutia, Kolyma: no latitude ("")',
      '17 MONGOLIA: no latitude ("")',
      '19 CHINA; Qinghai–Tibet Plateau: no latitude ("")',
      '20 P1: unreadable latitude "31v 49\' N" (unexpected "v")',
    ]);
    expect(site(calm, 'U1').map((r) => [r.year, r.alt_cm, r.qualifier]).slice(0, 3)).toEqual([[1990, 33, ''], [1991, 35, ''], [1992, 60, '>']]);
  });

  it('keeps a site south of 45°N and names it in a warning', () => {
    expect(site(calm, 'P2')).toHaveLength(3);
    expect(calm.warnings.join('\n')).toMatch(/1 site\(s\) south of 45°N, outside the product: kept here, left out of matching by validate: P2 "Fenghuoshan" at 34\.7167, 92\.8833 \(line 21\)/);
  });

  it('accounts for every value cell: 19 rows of 10 years', () => {
    expect(calm.cells).toEqual({ cells_read: 190, kept: 97, rejected: 62, empty: 31 });
    expect(balanced(calm)).toBe(true);
    expect(calm.stations.numRows()).toBe(97);
  });

  it('reads the table saved as Windows-1252 the same, and says so', () => {
    const legacy = loadStations(fixture('calm-summary-export-cp1252.csv'));
    expect(legacy.encoding).toBe('Windows-1252');
    expect(legacy.warnings[0]).toMatch(/^not valid UTF-8 \(byte 0xB0 at offset \d+\): read as Windows-1252$/);
    expect(legacy.stations.objects()).toEqual(calm.stations.objects());
    expect(legacy.rejected.objects()).toEqual(calm.rejected.objects());
    expect(legacy.warnings.slice(1)).toEqual(calm.warnings);
  });

  it('reads it the same from UTF-8 with a BOM, from UTF-16 with a BOM (both byte orders) and with LF line ends', () => {
    const text = readFileSync(fixture('calm-summary-export.csv'), 'utf8');
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
    const variants: [Uint8Array | string, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'UTF-8 with BOM'],
      [utf16le, 'UTF-16LE'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), 'UTF-16BE'],
      [text.replace(/\r\n/g, '\n'), 'UTF-8'],
    ];
    for (const [source, encoding] of variants) {
      const loaded = parseStations(source);
      expect(loaded.encoding).toBe(encoding);
      expect(loaded.stations.objects()).toEqual(calm.stations.objects());
      expect(loaded.cells).toEqual(calm.cells);
    }
    expect(parseStations(utf16le).warnings[0]).toBe('read as UTF-16LE (byte-order mark)');
  });
});

describe('decodeText(bytes) against Python\'s codecs', () => {
  it('decodes the Windows-1252 and Latin-1 fixtures as Python does', () => {
    for (const [name, codec, encoding] of [['calm-summary-export-cp1252.csv', 'cp1252', 'Windows-1252'], ['esa-cci-alt-latin1.csv', 'latin-1', 'Latin-1']]) {
      const theirs = referee(python, ['-c', `import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding='${codec}', newline='').read().encode('utf-8'))`, fixture(name)]);
      const ours = decodeText(readFileSync(fixture(name)));
      expect(ours.encoding).toBe(encoding);
      expect(ours.text).toBe(theirs);
    }
  });

  it('every byte 0x80–0xFF as Python\'s cp1252 reads it (its five undefined bytes kept as Latin-1 reads them)', () => {
    const bytes = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);
    const theirs = referee(python, ['-c', 'import sys; sys.stdout.write(bytes(range(128, 256)).decode("cp1252", errors="ignore"))']);
    const ours = decodeText(Uint8Array.from([0xff, 0x41, ...bytes])).text; // 0xFF 0x41 is not UTF-8 nor a BOM
    expect(ours.slice(2).replace(/[\u0081\u008d\u008f\u0090\u009d]/g, '')).toBe(theirs);
  });
});

describe('loadStations(an ESA CCI in-situ MAGT table)', () => {
  const cci = loadStations(fixture('esa-cci-magt.csv'));

  it('reads the unitless Depth as centimetres, with a warning, and keeps every depth', () => {
    expect(cci.variable).toBe('magt');
    expect(cci.warnings[0]).toBe('the depth column "Depth" has no unit and reaches 2000: read as centimetres (a sensor deeper than 50 m is not plausible here); ' +
      'pass { mapping: { depth_m: "Depth" } } if it is in metres');
    expect([...new Set(site(cci, '201').map((r) => r.depth_m))]).toEqual([0, 2, 5, 10, 15, 20]);
    expect(Math.max(...(cci.stations.array('depth_m') as number[]))).toBe(20);
    expect(site(cci, '101')[0]).toMatchObject({ site_name: 'Chersky', lat: 68.74, lon: 161.4, year: 2008, depth_m: 0.5, magt_c: -4.15 });
  });

  it('names the sites by cci_ID, so four sites sharing a name are four sites, and judges duplicates on the id', () => {
    expect([...new Set(cci.stations.array('site_id'))]).toEqual(['101', '102', '103', '104', '201', '202', '203', '204']);
    expect(cci.warnings).toContain('1 site name(s) shared by several sites, told apart by "cci_ID": "Chersky" (101, 102, 103, 104)');
    expect(reasons(cci)).toEqual(['133 202: no value ("NaN")', '134 101: duplicate of line 4 (same site, year, depth)']);
    expect(cci.cells).toEqual({ cells_read: 133, kept: 131, rejected: 2, empty: 0 });
  });

  it('names the Tibetan site south of 45°N', () => {
    expect(cci.warnings.join('\n')).toMatch(/204 "Tianshuihai" at 35\.4, 79\.55 \(line 121\)/);
  });

  it('pickDepth takes per site and year the depth nearest 15 m, deeper on a tie, and says which depths and which sites had none', () => {
    const picked = pickDepth(cci.stations);
    expect(picked.notice).toBe('MAGT at the depth nearest 15 m, per site and year (any depth from 3 to 27 m): 15 m in 16 site-year(s) of 4 site(s), ' +
      '20 m in 12 site-year(s) of 3 site(s); 1 of 8 site(s) had no depth that near and were left out (203)');
    expect(picked.depths.objects()).toEqual([{ depth_m: 15, site_years: 16, sites: 4 }, { depth_m: 20, site_years: 12, sites: 3 }]);
    expect(picked.sites_without).toEqual(['203']);
    const perSiteYear = picked.stations.groupby('site_id', 'year').count().array('count') as number[];
    expect(Math.max(...perSiteYear)).toBe(1);
    expect(picked.stations.numRows()).toBe(28);
    const shallow = pickDepth(cci.stations, { depth_m: 1, max_offset_m: 0.5 });
    expect(shallow.depths.objects()).toEqual([{ depth_m: 1, site_years: 13, sites: 3 }]); // 101, 102 and 203 measure at 1 m
    expect(shallow.sites_without).toEqual(['103', '104', '201', '202', '204']);
  });
});

describe('loadStations(an ESA CCI in-situ ALT table in Latin-1, CRLF, seven empty trailing columns)', () => {
  const alt = loadStations(fixture('esa-cci-alt-latin1.csv'));

  it('reads the names without replacement characters and says which encoding it took', () => {
    expect(alt.encoding).toBe('Latin-1');
    expect(alt.warnings[0]).toBe('not valid UTF-8 (byte 0xC5 at offset 62): read as Latin-1 (ISO-8859-1)');
    const names = [...new Set(alt.stations.array('site_name'))];
    expect(names).toEqual(['Ny-Ålesund, Bayelva', 'Abisko, Mårtensson mire', 'Sodankylä', 'Kapp Linné', 'Zackenberg (ZEROCALM-1)', 'Värriö']);
    expect(names.join('')).not.toContain('\ufffd');
  });

  it('ignores the empty trailing columns, reads thaw depths without a unit as cm with a warning, and accounts for every cell', () => {
    expect(alt.variable).toBe('alt');
    expect(alt.stations.columnNames()).toEqual(['site_id', 'site_name', 'lat', 'lon', 'year', 'alt_cm', 'qualifier', 'line']);
    expect(alt.warnings).toContain('the thaw depth column "ALT" has no unit and reaches 182: read as centimetres (a thaw depth above 30 m is not plausible)');
    expect(site(alt, '505')[0]).toMatchObject({ lat: 74.47, lon: -20.57, year: 2000, alt_cm: 58 });
    expect(reasons(alt)).toEqual(['18 504: no value ("")']);
    expect(alt.cells).toEqual({ cells_read: 26, kept: 25, rejected: 1, empty: 0 });
  });
});

describe('loadStations(a cleaned CALM table with a latitude typo)', () => {
  it('keeps the site at latitude 9.17 and names it in a warning', () => {
    const cleaned = loadStations(fixture('calm-cleaned.csv'));
    expect(site(cleaned, 'R5')).toHaveLength(5);
    expect(cleaned.warnings).toEqual(['1 site(s) south of 45°N, outside the product: kept here, left out of matching by validate: R5 "Marre-Sale" at 9.17, 66.8 (line 22)']);
    expect(balanced(cleaned)).toBe(true);
  });
});

describe('parseStations(header bands, ids and units written inline)', () => {
  it('merges a title row, a row of names and a row of units, and reads depth_cm', () => {
    const text = 'Borehole temperatures, 2010\n\nStation code,Latitude,Longitude,Year,Depth,Temperature\n,deg,deg,,cm,°C\nB1,"65,1",-147.5,2010,1500,-1.5\n';
    const loaded = parseStations(text);
    expect(loaded.stations.objects()[0]).toMatchObject({ site_id: 'B1', lat: 65.1, depth_m: 15, magt_c: -1.5, line: 5 });
    expect(loaded.warnings).toEqual(['the header is on line 3: 2 line(s) of title or notes above it were skipped',
      'a header of 2 rows (lines 3–4) merged into column names: Station code, Latitude (deg), Longitude (deg), Year, Depth (cm), Temperature (°C)']);
    expect(parseStations('id,lat,lon,year,depth_cm,magt_c\nB1,65,-147,2010,250,-1\n').stations.objects()[0]).toMatchObject({ depth_m: 2.5 });
  });

  it('takes the site name as the id where a code cell is empty, saying so, and never a line number', () => {
    const loaded = parseStations('Site Code,Site Name,Lat,Long,1990,1991\nU1,Barrow,71.3,-156.6,30,31\n,Atqasuk,70.4,-157.4,40,41\n,,70.5,-157.5,50,51\n');
    expect([...new Set(loaded.stations.array('site_id'))]).toEqual(['U1', 'Atqasuk']);
    expect(reasons(loaded)).toEqual(['4 : no site id (the "Site Code" and "Site Name" cells are empty)']);
    expect(loaded.warnings).toContain('the "Site Code" cell is empty on 1 row(s) (line 3): the site name was taken as their id');
    expect(balanced(loaded)).toBe(true);
  });

  it('reads a unitless depth up to 50 as metres, with a warning that says how to say otherwise', () => {
    const loaded = parseStations('site,lat,lon,year,depth,temp\nA,65,-147,2010,10,-1\nA,65,-147,2010,20,-1.2\n');
    expect(loaded.stations.array('depth_m')).toEqual([10, 20]);
    expect(loaded.warnings).toEqual(['the depth column "depth" has no unit: read as metres (values 10–20); pass { mapping: { depth_cm: "depth" } } if it is in centimetres']);
    const mapped = parseStations('site,lat,lon,year,depth,temp\nA,65,-147,2010,100,-1\n', { mapping: { depth_m: 'depth' } });
    expect(mapped.stations.array('depth_m')).toEqual([100]);
    expect(mapped.warnings).toEqual([]);
  });

  it('reads coordinates mangled by a wrong decoding (U+0092, U+0094) and says where they come from', () => {
    const loaded = parseStations('site;lat;lon;year;alt_cm\nC1;65°11\u009235\u0094 N;126°28\u0092 8\u0094 W;2000;90\n');
    expect(loaded.stations.objects()[0]).toMatchObject({ lat: 65 + 11 / 60 + 35 / 3600, lon: -(126 + 28 / 60 + 8 / 3600) });
    expect(loaded.warnings[0]).toMatch(/control character\(s\) U\+0080–U\+009F \(U\+0092, U\+0094\): Windows-1252 text was once read as Latin-1/);
  });

  it('rejects a row whose coordinate has the other axis\'s letter, quoting the cell', () => {
    const loaded = parseStations('site,lat,lon,year,alt_cm\nA,156 36\' W,71 19\' N,2000,50\n');
    expect(reasons(loaded)).toEqual(['2 A: unreadable latitude "156 36\' W" (W is a longitude hemisphere)']);
  });
});

describe('pickDepth(stations) on its own', () => {
  it('leaves out the site-years without a depth near enough and counts them, and refuses a bad option', () => {
    const rows = [
      { site_id: 'A', year: 2000, depth_m: 2, magt_c: 1 }, { site_id: 'A', year: 2000, depth_m: 10, magt_c: 2 },
      { site_id: 'A', year: 2001, depth_m: 2, magt_c: 3 },
      { site_id: 'B', year: 2000, depth_m: 1, magt_c: 4 },
    ];
    const picked = pickDepth(aq.from(rows));
    expect(picked.stations.objects()).toEqual([rows[1]]);
    expect(picked.sites_without).toEqual(['B']);
    expect(picked.site_years_without).toBe(1);
    expect(picked.notice).toBe('MAGT at the depth nearest 15 m, per site and year (any depth from 3 to 27 m): 10 m in 1 site-year(s) of 1 site(s); ' +
      '1 of 2 site(s) had no depth that near and were left out (B), and 1 site-year(s) of other sites');
    expect(() => pickDepth(aq.from(rows), { depth_m: -1 })).toThrow(/invalid depth_m: -1 \(expected a depth ≥ 0 in metres\)/);
  });
});
