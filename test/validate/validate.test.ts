// validate(ds, stations) against independent referees: the map value at each station from
// gdallocationinfo (GDAL projects the lon/lat and picks the cell), the metrics from scikit-learn and
// SciPy (r2_score, mean_absolute_error, pearsonr) on those pairs, never from our `metrics`.
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { validate } from '../../src/validate/validate.js';
import { randomGenerator } from '../../src/core/random.js';
import { python, referee } from '../helpers.js';
import { gdallocationinfo } from '../dataset/verbsReferee.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });
const magt = () => join(sampleFolder(), 'magt.tif');


const SKLEARN = String.raw`
import json, sys
import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
groups = json.load(sys.stdin)
out = {}
for name, (obs, pred) in groups.items():
    obs, pred = np.array(obs), np.array(pred)
    out[name] = {'n': len(obs), 'bias': float(np.mean(pred - obs)), 'mae': mean_absolute_error(obs, pred),
                 'rmse': float(np.sqrt(mean_squared_error(obs, pred))), 'r2': r2_score(obs, pred), 'pearson_r2': float(pearsonr(obs, pred)[0] ** 2)}
print(json.dumps(out))
`;

describe('validate(ds, stations) against gdallocationinfo and scikit-learn', () => {
  it('pairs each station-period with GDAL\'s value at its cell; n, bias, MAE, RMSE, R² and Pearson r² overall and by period equal scikit-learn/SciPy (1e-9)', async () => {
    const r = randomGenerator(45);
    // stations on land with data in both periods (GDAL says so), plus one south of 45°N
    const candidates = Array.from({ length: 200 }, () => [r.next() * 360 - 180, 55 + r.next() * 20]);
    const first = gdallocationinfo(magt(), 1, candidates), last = gdallocationinfo(magt(), 8, candidates);
    const sites = candidates.filter((_, i) => first[i] !== null && last[i] !== null).slice(0, 40);
    expect(sites.length).toBe(40);
    const rows: Record<string, unknown>[] = [];
    const pairs: Record<string, [number[], number[]]> = { all: [[], []], '1980-1984': [[], []], '2015-2019': [[], []] };
    for (const [period, band] of [['1980-1984', 1], ['2015-2019', 8]] as const) {
      const predicted = gdallocationinfo(magt(), band, sites);
      sites.forEach(([lon, lat], i) => {
        const observed = Math.round((predicted[i]! + 1.2 * r.normal() + 0.3) * 100) / 100;
        rows.push({ site_id: `s${i}`, site_name: `site ${i}`, lat, lon, n_years: 5, magt_c: observed, period });
        for (const g of ['all', period]) { pairs[g][0].push(observed); pairs[g][1].push(predicted[i]!); }
      });
    }
    rows.push({ site_id: 'south', site_name: 'south of the product', lat: 40, lon: 100, n_years: 5, magt_c: 5, period: '2015-2019' });
    const { matches, metrics: table, notices } = await validate(ds, aq.from(rows), { search_km: 0 });
    const ref = JSON.parse(referee(python, ['-c', SKLEARN], JSON.stringify(pairs)));
    const ours = table.objects() as any[];
    for (const [by, group] of [['all', 'all'], ['period', '1980-1984'], ['period', '2015-2019']]) {
      const row = ours.find((m) => m.by === by && m.group === group);
      const theirs = ref[group];
      expect(row.n, group).toBe(theirs.n);
      for (const k of ['bias', 'mae', 'rmse', 'r2', 'pearson_r2']) expect(Math.abs(row[k] - theirs[k]), `${group} ${k}`).toBeLessThan(1e-9);
    }
    expect(ref.all.n).toBe(80);
    const south = (matches.objects() as any[]).find((m) => m.site_id === 'south');
    expect(south.status).toMatch(/south of 45°N/);
    expect(south.predicted).toBeNaN();
    expect(notices.join('\n')).toMatch(/south of 45°N.*south/);
  });
});
