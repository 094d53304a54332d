import { InputError, invalid } from '../errors.js';
import type { SampleArray } from '../geotiff/metadata.js';
import { registerBlockAccess } from '../geotiff/blockAccess.js';
import { rasterNames } from '../geotiff/rasterNames.js';
import type { BlockJob, Point, Raster, RasterInternals, ReadOptions, ValuesAtOptions } from '../geotiff/types.js';
import { internalsOf } from './context.js';
import type { Period } from './periods.js';

/** One annual layer: a band of a raster, and its year. */
export interface YearLayer {
  raster: Raster;
  band: number;
  year: number;
}

/** The product's 5-year period holding a year (1980-1984, 1985-1989, … and on either side). */
export function fiveYearPeriod(year: number): Period {
  const start = 1980 + 5 * Math.floor((year - 1980) / 5);
  return { label: `${start}-${start + 4}`, start, end: start + 4, mid_year: start + 2 };
}

/**
 * Annual layers averaged into periods, as a Raster with a float32 band per period (named by its
 * label): each cell is the mean of the years that have a value there (no data where none has).
 * Layers must share one grid. Blocks are the first layer's blocks; each is averaged from the
 * layers' windows when the block engine asks for it, so nothing larger than a block is held.
 * @example const means = periodMeansRaster(layers, [fiveYearPeriod(2001)], 'magt 5-year means');
 */
export function periodMeansRaster(layers: YearLayer[], periods: Period[], name: string): Raster & { members: YearLayer[][] } {
  if (layers.length === 0) throw new InputError(invalid('layers', 0, 'one or more annual layers'), name);
  const first = layers[0].raster;
  const members = periods.map((p) => layers.filter((l) => l.year >= p.start && l.year <= p.end).sort((a, b) => a.year - b.year));
  const transforms = periods.map(() => ({ scale: 1, offset: 0 }));
  const pick = (band: number) => {
    if (!Number.isInteger(band) || band < 0 || band >= periods.length) throw new InputError(invalid('band', band, `0 to ${periods.length - 1} (0-based)`), name);
    return band;
  };
  const grid = internalsOf(first).blocks([layers[0].band]);

  /** The mean of a period's layers over a window, NaN where no year has a value, then the band's transform. */
  async function mean(band: number, x: number, y: number, width: number, height: number, raw: boolean): Promise<Float32Array> {
    const sum = new Float64Array(width * height), count = new Uint16Array(width * height);
    for (const layer of members[band]) {
      const [values] = await layer.raster.read({ window: { x, y, width, height }, bands: [layer.band] });
      for (let i = 0; i < values.length; i++) {
        const v = Number(values[i]);
        if (v === v) { sum[i] += v; count[i]++; }
      }
    }
    const { scale, offset } = raw ? { scale: 1, offset: 0 } : transforms[band];
    const out = new Float32Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = count[i] ? (sum[i] / count[i]) * scale + offset : NaN;
    return out;
  }

  const internals: RasterInternals = {
    blocks(bands) {
      const list = bands ?? periods.map((_, i) => i);
      return list.flatMap((band) => grid.map((job, index): BlockJob => ({ ...job, band: pick(band), index: pick(band) * grid.length + index, sample: 0, sparse: false })));
    },
    valueTransform: (band) => ({ ...transforms[pick(band)] }),
    convertUnits(band, factor) {
      const t = transforms[pick(band)];
      t.scale *= factor;
      t.offset *= factor;
    },
    layoutOf: (job) => ({ compression: 1, predictor: 1, bytesPerSample: 4, floating: true, samples: 1, width: job.cols, rows: job.rows, littleEndian: true, planar: 2 }),
    async readBlockBytes(job) {
      const values = await mean(job.band, job.col, job.row, job.cols, job.rows, true);
      return new Uint8Array(values.buffer);
    },
  };

  async function read(options: ReadOptions = {}): Promise<SampleArray[]> {
    const w = options.window ?? { x: 0, y: 0, width: first.width, height: first.height };
    const bands = (options.bands ?? periods.map((_, i) => i)).map(pick);
    const out: SampleArray[] = [];
    for (const band of bands) out.push(await mean(band, w.x, w.y, w.width, w.height, !!options.raw));
    return out;
  }

  async function valuesAt(points: Point[], options: ValuesAtOptions = {}): Promise<Float64Array[]> {
    const bands = (options.bands ?? periods.map((_, i) => i)).map(pick);
    const out: Float64Array[] = [];
    for (const band of bands) {
      const sum = new Float64Array(points.length), count = new Uint16Array(points.length);
      for (const layer of members[band]) {
        const [values] = await layer.raster.valuesAt(points, { crs: options.crs, bands: [layer.band] });
        values.forEach((v, i) => { if (v === v) { sum[i] += v; count[i]++; } });
      }
      const { scale, offset } = options.raw ? { scale: 1, offset: 0 } : transforms[band];
      out.push(Float64Array.from(sum, (s, i) => (count[i] ? (s / count[i]) * scale + offset : NaN)));
    }
    return out;
  }

  const raster = rasterNames({
    members,
    source: name, width: first.width, height: first.height, bands: periods.length,
    band_names: periods.map((p) => p.label), band_units: periods.map((_, b) => members[b][0]?.raster.band_units[members[b][0].band] ?? ''),
    class_names: periods.map(() => null), sidecar: null, data_type: 'float32' as const, nodata: NaN, scale: null, offset: null,
    transform: first.transform, crs: first.crs, epsg: first.epsg, bbox: first.bbox, overviews: [], metadata: first.metadata,
    layout: { ...first.layout, compression: `${periods.length} period means of ${layers.length} annual layers` },
    stats: first.stats, notices: [], read, valuesAt,
    close: async () => { await Promise.all([...new Set(layers.map((l) => l.raster))].map((r) => r.close())); },
  }) as Raster & { members: YearLayer[][] };
  return registerBlockAccess(raster, internals);
}
