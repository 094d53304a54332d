import { describe, expect, it } from 'vitest';
import { EPSG_3995 } from '../../src/core/crs.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { python, referee } from '../helpers.js';

describe('EPSG_3995', () => {
  it('is the definition the EPSG table gives the reader, and PROJ takes its points where EPSG:3995 puts them', () => {
    expect(EPSG_3995).toBe(epsgToProj4(3995));
    const ours = referee(python, ['-c', `from pyproj import Transformer
a = Transformer.from_crs('EPSG:4326', '${EPSG_3995}', always_xy=True).transform(-150, 65)
b = Transformer.from_crs('EPSG:4326', 'EPSG:3995', always_xy=True).transform(-150, 65)
print(abs(a[0] - b[0]) + abs(a[1] - b[1]))`]);
    expect(Number(ours)).toBeLessThan(1e-6);
  });
});
