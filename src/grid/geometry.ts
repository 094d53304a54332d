// The geometric types every layer shares (defined by the file layer, which reads them from the
// GeoTIFF): figures and grids import them from here, never from the file layer itself.
export type { BBox, Transform, Window } from '../geotiff/openRaster.js';
export { ARCTIC_POLAR_STEREOGRAPHIC, LONLAT } from '../geotiff/crs.js';
export { asTransform, makeTransform, withTransform, type TransformInput } from '../geotiff/rasterNames.js';
