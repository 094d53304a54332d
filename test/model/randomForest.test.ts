import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { writeGeoTIFF } from '../../src/geotiff/writeGeoTIFF.js';
import { blockFolds, crossValidate, forwardSelection, groupFolds, kFolds, permutationImportance } from '../../src/model/crossValidate.js';
import { fitForest } from '../../src/model/randomForest.js';
import { predictMap, predictorsAt, PREDICTOR_NAMES } from '../../src/model/reproduce.js';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { aggregatePeriods } from '../../src/stations/aggregatePeriods.js';
import { pickDepth } from '../../src/stations/pickDepth.js';
import { loadStations } from '../../src/stations/loadStations.js';
import { python, referee, tempDir } from '../helpers.js';

const SKLEARN_CV = String.raw`
import json, sys
import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error, r2_score
d = json.load(sys.stdin)
X, y, folds = np.array(d['X']), np.array(d['y']), np.array(d['folds'])
pred = np.full(len(y), np.nan)
for f in np.unique(folds):
    test = folds == f
    # JSON writes 1.0 as 1, and scikit-learn reads an int as a feature count: keep it a fraction
    m = RandomForestRegressor(n_estimators=d['trees'], max_features=float(d['max_features']), min_samples_leaf=d['min_samples_leaf'], random_state=int(f) + 1, n_jobs=1)
    m.fit(X[~test], y[~test])
    pred[test] = m.predict(X[test])
print(json.dumps({'rmse': mean_squared_error(y, pred) ** 0.5, 'r2': r2_score(y, pred)}))
`;
import { asNumbers } from '../../src/geotiff/metadata.js';

const tmp = tempDir('permafrost-rf-');
afterAll(() => tmp.cleanup());
let X: number[][];
let y: number[];
let sites: string[];
let lon: number[];
let lat: number[];
let sampleDir: string;

beforeAll(async () => {
  sampleDir = join(tmp.dir, 'sample');
  await generateSyntheticProduct({ out: sampleDir, resolution_m: 25_000 });
  const training = (await predictorsAt(join(sampleDir, 'predictors'), aggregatePeriods(pickDepth(loadStations(join(sampleDir, 'boreholes.csv')).stations).stations, { min_years: 2 })))
    .filter((d: any) => d.elevation_m === d.elevation_m);
  const rows = training.objects() as Record<string, any>[];
  X = rows.map((r) => PREDICTOR_NAMES.map((n) => r[n]));
  y = rows.map((r) => r.magt_c);
  sites = rows.map((r) => r.site_id);
  lon = rows.map((r) => r.lon);
  lat = rows.map((r) => r.lat);
}, 120_000);

describe('the random forest against scikit-learn (same folds, trees and features)', () => {
  for (const [name, makeFolds] of [
    ['random 10-fold', () => kFolds(X.length, { folds: 10, seed: 7 })],
    ['grouped by site', () => groupFolds(sites, { folds: 10, seed: 7 })],
  ] as const) {
    it(`${name}: cross-validated RMSE and R² within 10 % of RandomForestRegressor`, () => {
      const folds = makeFolds();
      const ours = crossValidate({ X, y }, { folds, trees: 100, max_features: 'all', min_samples_leaf: 1, seed: 1 }).metrics;
      const theirs = JSON.parse(referee(python, ['-c', SKLEARN_CV], JSON.stringify({ X, y, folds: Array.from(folds), trees: 100, max_features: 1.0, min_samples_leaf: 1 })));
      console.log(`${name}: ours RMSE ${ours.rmse.toFixed(3)} R² ${ours.r2.toFixed(3)}; scikit-learn RMSE ${theirs.rmse.toFixed(3)} R² ${theirs.r2.toFixed(3)}`);
      expect(Math.abs(ours.rmse / theirs.rmse - 1)).toBeLessThan(0.1);
      expect(Math.abs(ours.r2 / theirs.r2 - 1)).toBeLessThan(0.1);
    }, 120_000);
  }

  it('random folds leak a site\'s periods: grouped and spatial-block CV report larger errors', () => {
    const random = crossValidate({ X, y }, { folds: kFolds(X.length, 10), trees: 50 }).metrics.rmse;
    const grouped = crossValidate({ X, y }, { folds: groupFolds(sites, 10), trees: 50 }).metrics.rmse;
    const blocks = crossValidate({ X, y }, { folds: blockFolds(lon, lat, { block_km: 500, folds: 10 }), trees: 50 }).metrics.rmse;
    expect(grouped).toBeGreaterThan(random);
    expect(blocks).toBeGreaterThan(random);
  }, 120_000);
});

describe('importance, selection and the predicted map', () => {
  it('finds air temperature the most important predictor of MAGT, and selects it first', () => {
    const folds = groupFolds(sites, 5);
    expect(permutationImportance({ X, y, features: PREDICTOR_NAMES }, { folds, trees: 30 })[0].feature).toBe('air_temperature_c');
    const steps = forwardSelection({ X, y, features: PREDICTOR_NAMES }, { folds, trees: 20 });
    expect(steps[0].added).toBe('air_temperature_c');
    for (let i = 1; i < steps.length; i++) expect(steps[i].rmse).toBeLessThan(steps[i - 1].rmse);
  }, 120_000);

  it('predicts a period\'s map from the predictor rasters, written as a GeoTIFF GDAL reads', async () => {
    const forest = fitForest(X, y, { trees: 30 });
    const map = await predictMap(forest, join(sampleDir, 'predictors'), { period: '2015-2019' });
    const out = join(tmp.dir, 'rf-magt-2015-2019.tif');
    await writeGeoTIFF(out, { ...map, bands: 1, dataType: 'float32', noData: NaN, bandNames: ['magt_c_rf_2015-2019'], values: [map.values] });
    const info = JSON.parse(referee('gdalinfo', ['-json', out]));
    expect(info.bands[0].description).toBe('magt_c_rf_2015-2019');
    const product = await openRaster(join(sampleDir, 'magt.tif'));
    const [p] = asNumbers(await product.read({ bands: [7] }));
    await product.close();
    let n = 0, sse = 0;
    for (let i = 0; i < p.length; i++) if (p[i] !== -9999 && Number.isFinite(map.values[i])) { n++; sse += (p[i] - map.values[i]) ** 2; }
    expect(n).toBeGreaterThan(10_000);
    expect(Math.sqrt(sse / n)).toBeLessThan(4); // the same climate drives both: a few °C at most
  }, 120_000);
});
