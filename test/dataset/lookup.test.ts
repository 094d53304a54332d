// Lookups that find nothing throw, naming what is there: never an empty table a notebook reads a row of.
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closest, editDistance, findLatitude } from '../../src/dataset/lookup.js';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { findSite } from '../../src/stations/findSite.js';
import { loadStations } from '../../src/stations/loadStations.js';
import { InputError } from '../../src/errors.js';
import { join } from 'node:path';

describe('closest(typed, choices)', () => {
  it('ranks by edits (a swap of neighbours counts one), then alphabetically', () => {
    expect(editDistance('AK-001', 'AK-B001')).toBe(1);
    expect(editDistance('alsaka', 'alaska')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('AK-001', ['CA-B001', 'AK-B002', 'AK-B001', 'AK-C001'])).toEqual(['AK-B001', 'AK-C001', 'AK-B002']);
  });
});

describe('findLatitude(summary, lat)', () => {
  const bands = aq.from(['45-46', '46-47', '62-63', '63-64', '83-84'].flatMap((lat_band) => ['1980-1984', '2015-2019'].map((period) => ({ period, lat_band, magt_c_mean: 1 }))));
  it('gives the rows of the band holding the latitude (its own table: row 0 is that band\'s)', () => {
    const rows = findLatitude(bands, 62.4);
    expect(rows.numRows()).toBe(2);
    expect(rows.get('lat_band', 0)).toBe('62-63');
    expect(findLatitude(bands, 45).get('lat_band', 0)).toBe('45-46');
  });
  it('a latitude north of every land cell, in a gap, or outside the product says so and names the nearest bands with data', () => {
    expect(() => findLatitude(bands, 89.5)).toThrow(InputError);
    expect(() => findLatitude(bands, 89.5)).toThrow(/invalid latitude: 89\.5 \(expected a latitude with land cells; latitude 89\.5 is north of every land cell: the northernmost band with data is 83–84°N\)/);
    expect(() => findLatitude(bands, 70)).toThrow(/no land cell lies at latitude 70: the nearest bands with data are 63–64°N and 83–84°N/);
    expect(() => findLatitude(bands, 40)).toThrow(/invalid latitude: 40 \(expected 45 to 90 degrees north/);
    expect(() => findLatitude(aq.from([{ period: '1980-1984' }]), 60)).toThrow(/a table from ds.summarize\(\{ by: \['lat_band'\] \}\)/);
  });
});

describe('lookups on the sample', () => {
  let ds: Dataset;
  beforeAll(async () => { ds = await openDataset(sampleFolder()); });
  afterAll(async () => { await ds.close(); });

  it('89.5°N on the sample\'s 1° bands is north of every land cell; 62°N has eight periods of rows', async () => {
    const bands = await ds.summarize({ by: ['period', 'lat_band'], variables: ['magt'], lat_band_deg: 1 });
    expect(findLatitude(bands, 62).numRows()).toBe(8);
    expect(() => findLatitude(bands, 89.5)).toThrow(/latitude 89\.5 is north of every land cell: the northernmost band with data is \d\d–\d\d°N/);
  }, 60_000);

  it('findSite: an id that is not there names the closest ids and how ids look in each network (the classroom\'s AK-001)', () => {
    const { stations } = loadStations(join(sampleFolder(), 'boreholes.csv'));
    const site = findSite(stations, 'AK-B001');
    expect(new Set(site.array('site_id'))).toEqual(new Set(['AK-B001']));
    expect(site.get('site_id', 0)).toBe('AK-B001');
    expect(() => findSite(stations, 'AK-001')).toThrow(InputError);
    expect(() => findSite(stations, 'AK-001')).toThrow(/invalid site_id: "AK-001" \(expected one of the \d+ ids in the table; closest: AK-B001, .*ids look like AK-B001, CA-B001, /);
    // a filtered-to-nothing Arquero table reads the unfiltered first row: findSite never returns one
    const none = stations.filter((d: any) => d.site_id === 'AK-001');
    expect(none.numRows()).toBe(0);
    expect(none.get('site_id', 0)).toBe('AK-B001');
  });
});
