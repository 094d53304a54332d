// CRS definitions the project names everywhere: the product's grid and longitude/latitude.

/** EPSG:3995, WGS 84 / Arctic Polar Stereographic (lat_ts 71°N): the product's grid and the synthetic sample's. */
export const EPSG_3995 = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
