// src/geotiff/jpeg.ts as the explorer sees it (environment/explorer.mjs puts this module in its
// place): libjpeg-turbo's WebAssembly build (over 500 kB) is left out of the page, so JPEG blocks
// go to geotiff.js's JavaScript decoder, as 4-component JPEG does in Node (within 2 levels of GDAL).
export type { JpegPixels } from '../geotiff/jpeg.js';

export async function decodeJpeg(): Promise<null> {
  return null;
}
