import { describe, expect, it } from 'vitest';
import { latitudeBand, latitudeBandIndex, latitudeBandName } from '../../src/dataset/periods.js';

describe('latitude bands are named one way everywhere (bands counted from 90°S)', () => {
  it('latitudeBand(60, 7) is 57-64, as ds.summarize names the band of a cell at 60°N; 5° bands fall on multiples of 5', () => {
    expect(latitudeBand(60, 7)).toBe('57-64');
    expect(latitudeBandName(latitudeBandIndex(60, 7), 7)).toBe('57-64');
    expect(latitudeBand(47.5, 5)).toBe('45-50');
    expect(latitudeBand(45, 5)).toBe('45-50');
    expect(latitudeBand(49.999, 5)).toBe('45-50');
  });

  it('the pole falls in the last band, not one past it', () => {
    expect(latitudeBandIndex(90, 5)).toBe(35);
    expect(latitudeBand(90, 5)).toBe('85-90');
    expect(latitudeBand(90, 7)).toBe('85-92');
  });
});
