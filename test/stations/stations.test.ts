import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset } from '../../src/dataset/openDataset.js';
import { InputError } from '../../src/errors.js';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { metrics } from '../../src/stats/metrics.js';
import { aggregatePeriods } from '../../src/stations/aggregatePeriods.js';
import { pickDepth } from '../../src/stations/pickDepth.js';
import { loadStations, parseStations } from '../../src/stations/loadStations.js';
import { validate } from '../../src/validate/validate.js';
import { root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-stations-');
afterAll(() => tmp.cleanup());

// A CALM-like summary table in wide form with every quirk DOMAIN.md lists.
const CALM = `\uFEFFSite Code;Site Name;Latitude;Longitude;1990;1991;1992;1993;1994
U1;Barrow, "CALM grid";71.31;-156.60;>260;33;inactive;-;35
R1;Tiksi;71.60;1285.0;45;46;47;48;49
R2;Kolyma;68.70;161.40;1.45;98*;<66;1350;70

R3;Talik site;;161.40;50;51;52;53;54
`;

describe('parseStations(source) survives the CALM summary table\'s quirks and reports them row by row', () => {
  const { stations, rejected, variable, warnings } = parseStations(CALM);

  it('reads the wide table as one row per site and year, with qualifiers kept', () => {
    expect(variable).toBe('alt');
    expect(warnings[0]).toMatch(/wide table: 5 year columns \(1990–1994\)/);
    const u1 = stations.params({ s: 'U1' }).filter((d: any, $: any) => d.site_id === $.s).objects() as any[];
    expect(u1.map((r) => [r.year, r.alt_cm, r.qualifier])).toEqual([[1990, 260, '>'], [1991, 33, ''], [1994, 35, '']]);
    expect(u1[0].site_name).toBe('Barrow, "CALM grid"');
    const r2 = stations.params({ s: 'R2' }).filter((d: any, $: any) => d.site_id === $.s).objects() as any[];
    expect(r2.map((r) => [r.year, r.alt_cm, r.qualifier])).toEqual([[1991, 98, '*'], [1992, 66, '<'], [1993, 1350, ''], [1994, 70, '']]);
  });

  it('rejects with line numbers: inactive, the longitude typo, the implausible 1.45 cm, a missing coordinate', () => {
    const reasons = (rejected.objects() as any[]).map((r) => `${r.line} ${r.site_id}: ${r.reason}`);
    expect(reasons).toEqual([
      '2 U1: 1992: no value ("inactive")',
      '3 R1: longitude out of range: 1285',
      '4 R2: 1990: implausible thaw depth 1.45 cm (expected 5–2000 cm)',
      '6 R3: no latitude ("")',
    ]);
  });

  it('excludes qualified values when asked', () => {
    const strict = parseStations(CALM, { exclude_qualified: true });
    expect(strict.stations.numRows()).toBe(stations.numRows() - 3);
    expect((strict.rejected.array('reason') as string[]).filter((r) => /qualified/.test(r))).toHaveLength(3);
  });
});

describe('parseStations(long tables)', () => {
  it('recognises usual column names, reports duplicates and non-numbers, and takes a mapping', () => {
    const text = 'borehole,latitude,longitude,date,depth,temperature\nB1,65.1,-147.5,2001-08-01,10,-1.5\nB1,65.1,-147.5,2001-09-01,10,-1.4\n' +
      'B1,65.1,-147.5,2001-09-01,10,-1.4\nB1,65.1,-147.5,2002-08-01,10,n.a.x\n';
    const { stations, rejected, variable } = parseStations(text);
    expect(variable).toBe('magt');
    expect(stations.numRows()).toBe(2); // two readings in 2001: averaged later by aggregatePeriods
    expect(stations.array('site_id')).toEqual(['B1', 'B1']);
    expect(rejected.array('reason')).toEqual(['duplicate of line 3 (same site, date, depth)', 'not a number: "n.a.x"']);
    const mapped = parseStations('N,E,yr,v\n70,100,2005,80\n', { mapping: { lat: 'N', lon: 'E', year: 'yr', value: 'v' }, variable: 'alt' });
    expect(mapped.stations.objects()[0]).toMatchObject({ lat: 70, lon: 100, year: 2005, alt_cm: 80 });
  });

  it('gives a clear error when there is no usable coordinate column, and warns about metres', () => {
    expect(() => parseStations('site,year,alt_cm\nA,2000,50\n')).toThrow(InputError);
    expect(() => parseStations('site,year,alt_cm\nA,2000,50\n')).toThrow(/no latitude column \(looked for lat, latitude.*the table has site, year, alt_cm\)/);
    const metres = Array.from({ length: 12 }, (_, i) => `S${i},70,100,2000,0.${5 + (i % 4)}`).join('\n');
    const { warnings } = parseStations(`site,lat,lon,year,alt\n${metres}\n`, { min_alt_cm: 0 });
    expect(warnings.join(' ')).toMatch(/look like metres/);
  });
});

describe('aggregatePeriods(stations)', () => {
  const rows: Record<string, unknown>[] = [];
  for (const year of [1990, 1991, 1992, 1996]) for (const depth of [5, 15, 25]) rows.push({ site_id: 'B', site_name: 'B', lat: 65, lon: -147, year, depth_m: depth, magt_c: -depth / 10 + (year - 1990) * 0.1 });

  it('averages annual values per site and period and needs min_years', () => {
    const one = aq.from(rows.filter((r) => r.depth_m === 15));
    const out = aggregatePeriods(one, { min_years: 3 }).objects() as any[];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ period: '1990-1994', n_years: 3, depth_m: 15, mid_year: 1992 });
    expect(out[0].magt_c).toBeCloseTo(-1.5 + 0.1, 12);
    expect(aggregatePeriods(one, { min_years: 1 }).numRows()).toBe(2);
  });

  it('refuses several depths per site and year, naming them and pickDepth', () => {
    expect(() => aggregatePeriods(aq.from(rows))).toThrow(InputError);
    expect(() => aggregatePeriods(aq.from(rows))).toThrow(/invalid depths of site B in 1990: "5 and 15 m" \(expected one depth per site and year: choose them with pickDepth/);
  });
});

describe('validate(ds, stations) on the sample', () => {
  let ds: Dataset;
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp.dir, 'sample');
    await generateSyntheticProduct({ out: dir, resolution_m: 25_000 });
    ds = await openDataset(dir);
  }, 60_000);
  afterAll(() => ds.close());

  it('pairs per-period means with the map and computes the metrics from those pairs, overall and by period, region and band', async () => {
    const { stations } = loadStations(join(dir, 'boreholes.csv'));
    const { matches, metrics: table } = await validate(ds, aggregatePeriods(pickDepth(stations).stations, { min_years: 2 }));
    const usable = (matches.objects() as any[]).filter((m) => Number.isFinite(m.observed) && Number.isFinite(m.predicted));
    const all = table.objects()[0] as any;
    const direct = metrics(usable.map((m) => m.observed), usable.map((m) => m.predicted));
    expect(all).toMatchObject({ by: 'all', group: 'all', n: direct.n });
    expect(all.rmse).toBeCloseTo(direct.rmse, 12);
    expect(all.rmse).toBeGreaterThan(0.5);
    expect(all.rmse).toBeLessThan(2.5); // of the order real products report (1.2–2 °C)
    expect(new Set(table.array('by'))).toEqual(new Set(['all', 'period', 'region', 'lat_band']));
    expect(matches.columnNames()).toEqual(expect.arrayContaining(['site_id', 'period', 'observed', 'predicted', 'status', 'snap_km', 'region', 'lat_band']));
  });

  it('reports stations in the sea as snapped or without data, and can average stations sharing a cell', async () => {
    const file = join(tmp.dir, 'sea.csv');
    writeFileSync(file, 'site,lat,lon,year,magt_c\nsea,60,-30,2001,1\nsea,60,-30,2002,1\nyak,62,129.7,2001,-3\nyak2,62.01,129.71,2001,-3.5\n');
    const agg = aggregatePeriods(loadStations(file).stations, { min_years: 1 });
    const { matches } = await validate(ds, agg, { search_km: 5 });
    expect((matches.objects() as any[]).find((m) => m.site_id === 'sea').status).toBe('no data nearby');
    const averaged = await validate(ds, agg, { average_per_cell: true });
    expect(averaged.matches.numRows()).toBe(2);
  });

  it('leaves a site south of 45°N (a latitude typo in a cleaned CALM table) out of matching, with the reason in its status and a notice', async () => {
    const loaded = loadStations(join(root, 'test', 'fixtures', 'stations', 'calm-cleaned.csv'));
    const { matches, metrics: table, notices } = await validate(ds, aggregatePeriods(loaded.stations, { min_years: 1 }));
    const r5 = (matches.objects() as any[]).filter((m) => m.site_id === 'R5');
    expect(r5.map((m) => [m.period, m.status, m.predicted])).toEqual([['2005-2009', 'south of 45°N (outside the product)', NaN]]);
    expect(notices).toContain('left out of matching, south of 45°N (outside the product): 1 site-period(s) of 1 site(s) (R5)');
    const usable = (matches.objects() as any[]).filter((m) => Number.isFinite(m.predicted));
    expect(usable.map((m) => m.site_id)).not.toContain('R5');
    expect((table.objects()[0] as any).n).toBe(usable.length);
  });
});

describe('validation figures', () => {
  it('residualMap puts each station on the polar map coloured by predicted − observed, and errorFigure shows RMSE and bias by group', async () => {
    const { residualMap } = await import('../../src/plot/residualMap.js');
    const { errorFigure } = await import('../../src/plot/errorFigure.js');
    const matches = aq.table({ site_id: ['a', 'b', 'c'], lon: [129.7, -150, 20], lat: [62, 65, 69], observed: [-3, -1, 0.5], predicted: [-2, -1.5, NaN] });
    const fig = residualMap(matches);
    const points = fig.data.at(-1) as any;
    expect(points.marker.color).toEqual([1, -0.5]);
    expect(points.marker.cmin).toBe(-points.marker.cmax);
    expect(fig.data.map((d: any) => d.name)).toEqual(['coastline', 'graticule', 'residual']);
    const table = aq.from([{ by: 'period', group: '2000-2004', n: 10, rmse: 1.2, bias: 0.1 }, { by: 'region', group: 'alaska', n: 4, rmse: 2, bias: -1 }]);
    const errors = errorFigure(table, { by: 'region' });
    expect(errors.data.map((d: any) => [d.name, d.x, d.y])).toEqual([['RMSE', ['Alaska'], [2]], ['Bias (predicted − observed)', ['Alaska'], [-1]]]);
  });
});

describe('parseStations(a table with a title above its header)', () => {
  it('finds the header below title and notes lines, keeps line numbers right, and says what it skipped', () => {
    const text = 'CALM Summary Table: end-of-season thaw depth (cm)\nSource: CALM, 2020\n\nSITE CODE,SITE NAME,LAT,LONG,2000,2001\nU1,Barrow,71.31,-156.6,33,x35\n';
    const { stations, rejected, warnings } = parseStations(text);
    expect(stations.objects()[0]).toMatchObject({ site_id: 'U1', lat: 71.31, lon: -156.6, year: 2000, alt_cm: 33, line: 5 });
    expect(rejected.objects()[0]).toMatchObject({ line: 5, reason: '2001: not a number: "x35"' });
    expect(warnings.join(' ')).toMatch(/header is on line 4: 3 line\(s\) of title or notes above it were skipped/);
    const gtnp = parseStations('Site,Latitude [°],Longitude [°],Date/Time,Depth [m],Temperature [°C]\nB1,65.1,-147.5,2001-08-01,20,-1.5\n');
    expect(gtnp.stations.objects()[0]).toMatchObject({ site_id: 'B1', lat: 65.1, lon: -147.5, year: 2001, depth_m: 20, magt_c: -1.5 });
  });
});

// The published CALM summary sheet saved from Excel: a title and notes above the header, country
// group rows, and `###` in year headers whose column was too narrow when the sheet was saved.
const CALM_EXCEL = [
  'CALM Summary Table: end-of-season thaw depth (cm),,,,,,,,,,',
  'Generated from the CALM database; see notes at the end,,,,,,,,,,',
  ',,,,,,,,,,',
  'Site Code,Site Name,Latitude,Longitude,1990,1991,1992,###,####,1995,1996',
  'ALASKA,,,,,,,,,,',
  'U1 ,Barrow,71.31,-156.60,>260,33,inactive,40,41,"1,350",-',
  'U2,Atqasuk,70.45,-157.40,45,1.5E+02,47,48,1900-04-07,50,51',
  'RUSSIA,,,,,,,,,,',
  'R2,Kolyma\u00a0,68.70,161.40,60,61,62,63,64,65,66',
  'Notes: values with > are minima,,,,,,,,,,',
].join('\n') + '\n';

describe('parseStations(a CALM sheet saved from Excel) loses nothing without a word', () => {
  const loaded = parseStations(CALM_EXCEL);
  it('recovers the ### year headers from their neighbours, with a warning naming them', () => {
    expect(loaded.warnings.join('\n')).toMatch(/year columns with unreadable headers taken from their neighbours: column 8 \("###"\) = 1993, column 9 \("####"\) = 1994/);
    expect(loaded.warnings.join('\n')).toMatch(/wide table: 7 year columns \(1990–1996\)/);
    const years = [...new Set(loaded.stations.array('year') as number[])].sort();
    expect(years).toEqual([1990, 1991, 1992, 1993, 1994, 1995, 1996]);
    const r2 = (loaded.stations.objects() as any[]).filter((r) => r.site_id === 'R2');
    expect(r2.map((r) => [r.year, r.alt_cm])).toEqual([[1990, 60], [1991, 61], [1992, 62], [1993, 63], [1994, 64], [1995, 65], [1996, 66]]);
  });

  it('reads Excel\'s artefacts: thousands separators, exponents, a number turned into a date, padded site codes and names', () => {
    const get = (site: string, year: number) => (loaded.stations.objects() as any[]).find((r) => r.site_id === site && r.year === year);
    expect(get('U1', 1995).alt_cm).toBe(1350);
    expect(get('U2', 1991).alt_cm).toBe(150);
    expect(get('U2', 1994).alt_cm).toBe(98);
    expect(get('R2', 1990).site_name).toBe('Kolyma');
    expect(loaded.warnings.join('\n')).toMatch(/thousands separators removed in 1 cell\(s\): line 6 1995: "1,350" → 1350/);
    expect(loaded.warnings.join('\n')).toMatch(/dates of 1900 read back as numbers in 1 cell\(s\): line 7 1994: "1900-04-07" → 98/);
  });

  it('accounts for every value cell: kept + rejected + empty = cells read', () => {
    const { cells_read, kept, rejected, empty } = loaded.cells;
    expect(kept + rejected + empty).toBe(cells_read);
    expect(kept).toBe(loaded.stations.numRows());
    // 7 data-bearing rows of 7 year cells: 3 sites, 2 group rows, 1 notes row
    expect(cells_read).toBe(6 * 7);
    expect(empty).toBe(1); // U1 1996 "-"
    expect(kept).toBe(5 + 7 + 7); // U1: "inactive" rejected, "-" empty
    const reasons = (loaded.rejected.objects() as any[]).map((r) => `${r.line} ${r.site_id}: ${r.reason}`);
    expect(reasons).toEqual(['5 ALASKA: no latitude ("")', '6 U1: 1992: no value ("inactive")', '8 RUSSIA: no latitude ("")',
      '10 Notes: values with > are minima: no latitude ("")']);
  });

  it('fails naming the columns when the year run has gaps, so no year can be inferred', () => {
    const gappy = 'Site,Latitude,Longitude,1990,###,1995,1996\nA,70,100,1,2,3,4\n';
    expect(() => parseStations(gappy)).toThrow(/year columns with unreadable headers: column 5 \("###"\); their neighbours are not one year per column/);
  });
});
