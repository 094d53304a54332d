import type { Args, CommandSpec } from './args.js';
import { progressBar } from './progress.js';
import { checkFolder, checkText } from '../dataset/check.js';
import { REGIONS } from '../dataset/regions.js';
import { describeFailure, runNotebooks } from '../notebooks/runNotebooks.js';
import { generateSyntheticProduct, type SyntheticProductPart } from '../sample/generateSample.js';
import { runBenchmarks } from '../bench/bench.js';
import { runFuzz, seedFiles } from '../fuzz/fuzz.js';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { sampleFolder, type Dataset } from '../dataset/openDataset.js';
import { VARIABLES, type Variable } from '../dataset/discover.js';
import { summarizeTrend, trendRaster } from '../dataset/trendOutputs.js';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { csvText, exportTable } from '../dataset/exportTable.js';
import { mapArray } from '../grid/mapArray.js';
import { exportLonLat } from '../dataset/exportLonLat.js';
import type { RegridMethod } from '../grid/regrid.js';
import { csvProvenance, GEOTIFF_PROVENANCE_ITEM, provenanceOf } from '../provenance/provenance.js';
import { shareCommands } from './shareCommands.js';
import { DATASET_OPTIONS, openSource } from './datasetOptions.js';
import { animateCommands } from './animateCommand.js';
import { explorerCommands } from './explorerCommand.js';

/** A command of the `permafrost-lab` command line. */
export type Command = CommandSpec;

export const commands: Record<string, Command> = {
  check: {
    brief: 'Describe a new download: its files, how each is read, and warnings.',
    summary: `What to run first on a new download: describes every GeoTIFF of a folder (size, bands, type, codec, interleave, tiling, overviews, CRS, nodata, scale, units), which variable and periods each is taken for and why, warnings, and the dataset.json to write when names say too little. Exit 0 when the folder opens as a dataset, 1 otherwise.`,
    usage: '[folder] [options]',
    positionals: 1,
    options: {
      json: { type: 'boolean', description: 'print the report as JSON (for scripts)' },
      crs: { type: 'string', value: 'EPSG:code|proj4', description: 'CRS of NetCDF files without a grid mapping (Obu et al. 2019: EPSG:3995)' },
      'source-crs': { type: 'string', value: 'EPSG:code|proj4', description: 'the same as --crs, as the other commands name it' },
    },
    examples: ['permafrost-lab check ~/Downloads/permafrost', 'permafrost-lab check data/sample --json', 'permafrost-lab check obu_magt_10km.nc --crs EPSG:3995'],
    async run(args) {
      const folder = args.positionals[0] ?? process.env.PERMAFROST_DATA ?? sampleFolder();
      const report = await checkFolder(folder, { crs: args.string('crs') ?? args.string('source-crs') });
      process.stdout.write(args.flag('json') ? JSON.stringify(report, null, 2) + '\n' : checkText(report));
      return report.ok ? 0 : 1;
    },
  },
  info: {
    brief: 'Describe a dataset as JSON: variables, periods, grid, files, notices.',
    summary: 'Describes a dataset as JSON: variables, periods, grid, files, and what was assumed while opening it.',
    usage: '[source] [options]',
    positionals: 1,
    options: { ...DATASET_OPTIONS },
    examples: ['permafrost-lab info', 'permafrost-lab info ~/Downloads/permafrost'],
    async run(args) {
      const ds = await openSource(args);
      const { grid } = ds;
      process.stdout.write(JSON.stringify({ source: ds.source, synthetic: ds.synthetic, layout: ds.layout, variables: ds.variables,
        periods: ds.periods, grid: { width: grid.width, height: grid.height, resolution_m: grid.resolution_m, crs: grid.crs, epsg: grid.epsg, bbox: grid.bbox },
        files: ds.files, notices: ds.notices, permafrost_coding: ds.permafrostCoding?.kind ?? null }, null, 2) + '\n');
      await ds.close();
      return 0;
    },
  },
  summary: {
    brief: 'Area-weighted statistics by period, region and/or latitude band (CSV or JSON).',
    summary: 'Area-weighted statistics (mean, sd, min, max, p10/p50/p90, valid and permafrost area) by period, region and/or latitude band, as CSV (after the two # lines an export starts with: where it came from, whether synthetic) or JSON on stdout.',
    usage: '[source] [options]',
    positionals: 1,
    options: {
      by: { type: 'string', value: 'list', default: 'period', description: 'grouping: any of period, region, lat_band, comma-separated' },
      variables: { type: 'string', value: 'list', description: 'variables to summarize, e.g. magt,alt (default: all)' },
      format: { type: 'string', value: 'csv|json', default: 'csv', description: 'output format' },
      'lat-band-deg': { type: 'string', value: 'degrees', default: '5', description: 'width of latitude bands' },
      ...DATASET_OPTIONS,
    },
    examples: ['permafrost-lab summary --by period,region --format csv > summary.csv'],
    async run(args) {
      const format = args.string('format')!;
      if (format !== 'csv' && format !== 'json') throw new InputError(invalid('option --format', format, 'csv or json'));
      const ds = await openSource(args);
      const by = args.string('by')!.split(',').map((b) => b.trim()) as ('period' | 'region' | 'lat_band')[];
      const variables = args.string('variables')?.split(',').map((v) => v.trim()) as Variable[] | undefined;
      const bar = progressBar('summary', { quiet: !args.verbose, units: ds.grid.width * ds.grid.height * ds.periods.length * (variables ?? ds.variables).length });
      const table = await ds.summarize({ by, variables, lat_band_deg: args.number('lat-band-deg'), on_progress: (f) => bar.update(f) });
      bar.done();
      const header = format === 'csv' ? await csvHeader('permafrost-lab summary', { by: by.join(','), variables: variables?.join(',') ?? null }, ds) : '';
      await ds.close();
      process.stdout.write(format === 'csv' ? header + csvText(table) : JSON.stringify(table.objects(), null, 2) + '\n');
      return 0;
    },
  },
  values: {
    brief: 'Values of a variable at points from a CSV of lon and lat (CSV).',
    summary: 'Values of a variable at points (a CSV with lon and lat columns): one row per point (and period), with its status (inside, snapped, no data nearby, outside grid), as CSV on stdout (after the two # lines an export starts with).',
    usage: '[source] --points <file.csv> [options]',
    positionals: 1,
    options: {
      points: { type: 'string', value: 'file.csv', description: 'points: a CSV with lon and lat columns (required)' },
      variable: { type: 'string', value: 'magt|alt|permafrost', default: 'magt', description: 'variable' },
      period: { type: 'string', value: 'period', description: 'one period, e.g. 2015-2019 (default: all periods, a long table)' },
      'search-km': { type: 'string', value: 'km', default: '0', description: 'points in cells without data snap to the nearest valid cell within this distance' },
      method: { type: 'string', value: 'nearest|bilinear', default: 'nearest', description: 'interpolation' },
      ...DATASET_OPTIONS,
    },
    examples: ['permafrost-lab values --points stations.csv --variable magt --period 2015-2019 --search-km 10 > at_stations.csv'],
    async run(args) {
      const file = args.string('points');
      if (!file) throw new InputError('values needs --points <file.csv> (a CSV with lon and lat columns)');
      if (!existsSync(file)) throw new InputError(`points file not found: ${file}`);
      const variable = variableOption(args.string('variable')!);
      const ds = await openSource(args);
      const points = aq.fromCSV(readFileSync(file, 'utf8'));
      const method = args.string('method') as 'nearest' | 'bilinear';
      const table = await ds.sample(points, { variable, period: args.string('period'), search_km: args.number('search-km'), method });
      const header = await csvHeader('permafrost-lab values', { variable, period: args.string('period') ?? null, points: file }, ds);
      await ds.close();
      process.stdout.write(header + csvText(table));
      return 0;
    },
  },
  trend: {
    brief: "Per-cell Sen's slope and Mann-Kendall test of MAGT or ALT, as a GeoTIFF.",
    summary: "Per-cell Sen's slope (per decade) and the exact Mann-Kendall test over the periods, written as a 3-band GeoTIFF (slope, p-value, significant); the by-region summary goes to stdout as CSV.",
    usage: '[source] --out <trend.tif> [options]',
    positionals: 1,
    options: {
      variable: { type: 'string', value: 'magt|alt', default: 'magt', description: 'variable' },
      out: { type: 'string', value: 'file.tif', description: 'the GeoTIFF to write (required)' },
      alpha: { type: 'string', value: 'p', default: '0.05', description: 'significance level' },
      fdr: { type: 'boolean', description: 'control the false discovery rate (Benjamini-Hochberg) instead of testing each cell at alpha' },
      overwrite: { type: 'boolean', description: 'replace --out if it exists' },
      ...DATASET_OPTIONS,
    },
    examples: ['permafrost-lab trend --variable magt --out magt_trend.tif --fdr'],
    async run(args) {
      const out = args.string('out');
      if (!out) throw new InputError('trend needs --out <file.tif>');
      const variable = variableOption(args.string('variable')!);
      // permafrost is a presence, share or class per cell and period: its change is an area (summary, change), not a slope per cell
      if (variable !== 'magt' && variable !== 'alt') {
        throw new InputError(invalid('option --variable', variable, 'magt or alt: a trend per cell needs a quantity; for permafrost, permafrost-lab summary gives its area per period'));
      }
      if (existsSync(out) && !args.flag('overwrite')) throw new InputError(`${out} exists; add --overwrite to replace it`);
      const ds = await openSource(args);
      guardOutput(out, ds.files, ds.source);
      const bar = progressBar('trend', { quiet: !args.verbose });
      bar.say(`per-cell trends of ${variable} over ${ds.periods.length} periods (${ds.grid.width} × ${ds.grid.height} cells)`);
      const result = await ds.trend(variable, { alpha: args.number('alpha'), fdr: args.flag('fdr'), on_progress: (f) => bar.update(f, 'cells') });
      bar.done();
      await writeGeoTIFF(out, trendRaster(result), { overwrite: args.flag('overwrite'), on_progress: (f) => bar.update(f, 'writing') });
      bar.done(`wrote ${resolve(out)}`);
      process.stdout.write(await csvHeader('permafrost-lab trend', { variable, alpha: result.alpha, fdr: result.fdr }, ds) + csvText(summarizeTrend(result)));
      await ds.close();
      return 0;
    },
  },
  export: {
    brief: 'Export one variable and period (and region) as CSV, Arrow, GeoTIFF or NetCDF.',
    summary: 'Exports one variable and period (optionally one region) as a table (CSV or Arrow: x_m, y_m, lon, lat, area_km2, value) or a GeoTIFF; with --crs EPSG:4326 --resolution-deg, resampled onto a longitude/latitude grid as a GeoTIFF or a CF-compliant NetCDF file.',
    usage: '[source] --period <period> --out <file> [options]',
    positionals: 1,
    options: {
      variable: { type: 'string', value: 'magt|alt|permafrost', default: 'magt', description: 'variable' },
      period: { type: 'string', value: 'period', description: 'e.g. 2015-2019 (required)' },
      region: { type: 'string', value: 'region', description: `a named region (${REGIONS.map((r) => r.id).join(', ')})` },
      format: { type: 'string', value: 'csv|arrow|geotiff|netcdf', default: 'csv', description: 'output format (netcdf with --crs EPSG:4326)' },
      crs: { type: 'string', value: 'EPSG:4326', description: 'resample onto longitude/latitude (with --resolution-deg; geotiff or netcdf)' },
      'resolution-deg': { type: 'string', value: 'degrees', description: 'cell size of the longitude/latitude grid, e.g. 0.05' },
      method: { type: 'string', value: 'average|nearest|bilinear|mode', description: 'resampling (default average; mode for permafrost)' },
      out: { type: 'string', value: 'file', description: 'the file to write (required)' },
      overwrite: { type: 'boolean', description: 'replace --out if it exists' },
      ...DATASET_OPTIONS,
    },
    examples: ['permafrost-lab export --variable alt --period 2015-2019 --region alaska --format csv --out alaska_alt.csv',
      'permafrost-lab export --period 2015-2019 --crs EPSG:4326 --resolution-deg 0.05 --format netcdf --out magt_2015-2019.nc'],
    async run(args) {
      const out = args.string('out');
      if (!out) throw new InputError('export needs --out <file>');
      const format = args.string('format')!;
      if (!['csv', 'arrow', 'geotiff', 'netcdf'].includes(format)) throw new InputError(invalid('option --format', format, 'csv, arrow, geotiff or netcdf'));
      const crs = args.string('crs');
      if (crs !== undefined && crs.toUpperCase() !== 'EPSG:4326') throw new InputError(invalid('option --crs', crs, 'EPSG:4326 (longitude/latitude)'));
      if ((crs === undefined) !== (args.string('resolution-deg') === undefined)) throw new InputError('export needs --crs EPSG:4326 and --resolution-deg together, for example --crs EPSG:4326 --resolution-deg 0.05');
      if (format === 'netcdf' && crs === undefined) throw new InputError('--format netcdf needs --crs EPSG:4326 --resolution-deg <degrees>');
      const period = args.string('period');
      if (!period) throw new InputError('export needs --period, for example --period 2015-2019');
      const variable = variableOption(args.string('variable')!);
      const ds = await openSource(args);
      guardOutput(out, ds.files, ds.source);
      if (existsSync(out) && !args.flag('overwrite')) throw new InputError(`${out} exists; add --overwrite to replace it`);
      const region = args.string('region');
      const bar = progressBar('export', { quiet: !args.verbose });
      if (crs !== undefined) {
        if (region) throw new InputError('--region cannot be combined with --crs (the longitude/latitude export covers the whole grid)');
        if (format !== 'geotiff' && format !== 'netcdf') throw new InputError(invalid('option --format', format, 'geotiff or netcdf with --crs'));
        const method = args.string('method') as RegridMethod | undefined;
        await exportLonLat(ds, variable, period, out, { resolution_deg: args.number('resolution-deg'), format, method, overwrite: true,
          metadata: { ...(ds.synthetic ? { SYNTHETIC: 'exported from the synthetic sample; not the real product' } : {}),
            [GEOTIFF_PROVENANCE_ITEM]: JSON.stringify(await provenanceOf({ builder: 'permafrost-lab export', options: { variable, period, format, crs, resolution_deg: args.number('resolution-deg'), method: method ?? null }, dataset: ds })) } });
        bar.done();
      } else if (format === 'geotiff') {
        const t = ds.grid.transform;
        let data: Float32Array;
        if (region) {
          // the region's cells, streamed by the dataset (its window's blocks only), placed on the grid by their centres
          const table = await ds.table(variable, period, { region });
          data = new Float32Array(ds.grid.width * ds.grid.height).fill(NaN);
          const xs = table.array('x_m') as ArrayLike<number>, ys = table.array('y_m') as ArrayLike<number>;
          const vs = table.array(VARIABLES[variable].column) as ArrayLike<number>;
          for (let i = 0; i < vs.length; i++) {
            const c = Math.round((xs[i] - t.originX) / t.pixelWidth - 0.5), r = Math.round((ys[i] - t.originY) / t.pixelHeight - 0.5);
            data[r * ds.grid.width + c] = vs[i];
          }
        } else {
          const { raster, band } = ds.raster(variable, period);
          const [values] = await raster.read({ bands: [band] });
          data = mapArray(values as ArrayLike<number>, Float32Array, (v) => (v === raster.noData ? NaN : v));
        }
        await writeGeoTIFF(out, { width: ds.grid.width, height: ds.grid.height, bands: 1, dataType: 'float32', transform: t, crs: ds.grid.crs, epsg: ds.grid.epsg,
          noData: NaN, bandNames: [`${variable} ${period}${region ? ` ${region}` : ''}`], bandUnits: [VARIABLES[variable].unit === '°C' ? 'degC' : VARIABLES[variable].unit],
          metadata: { ...(ds.synthetic ? { SYNTHETIC: 'exported from the synthetic sample; not the real product' } : {}),
            [GEOTIFF_PROVENANCE_ITEM]: JSON.stringify(await provenanceOf({ builder: 'permafrost-lab export', options: { variable, period, region: region ?? null, format }, dataset: ds })) }, values: [data] }, { overwrite: true, on_progress: (f) => bar.update(f, 'writing') });
        bar.done();
      } else {
        await exportTable(await ds.table(variable, period, region ? { region } : {}), out, { format: format as 'csv' | 'arrow', dataset: ds });
      }
      await ds.close();
      process.stderr.write(`[export] wrote ${resolve(out)}\n`);
      return 0;
    },
  },
  sample: {
    brief: 'Generate the synthetic product (10 km, or the full 1 km grid).',
    summary: 'Generates the synthetic product (generateSyntheticProduct in permafrost-lab/tools): MAGT, ALT and permafrost GeoTIFFs (8 periods), predictor rasters and station tables, all labelled synthetic. (Values at points: permafrost-lab values.)',
    usage: '[options]',
    positionals: 0,
    options: {
      out: { type: 'string', value: 'folder', default: 'data/sample', description: 'where to write it' },
      'resolution-m': { type: 'string', value: 'metres', default: '10000', description: 'cell size; 1000 gives the product\'s full 10,296 × 10,296 grid' },
      seed: { type: 'string', value: 'n', default: '1', description: 'random seed (same seed, same bytes)' },
      parts: { type: 'string', value: 'list', description: 'only these parts, e.g. magt,alt,permafrost (default: all)' },
      'if-stale': { type: 'boolean', description: 'do nothing when the folder already holds this product from this generator' },
    },
    examples: ['permafrost-lab sample --out data/sample', 'permafrost-lab sample --out s1km --resolution-m 1000'],
    run: generateCommand,
  },
  'run-notebooks': {
    brief: 'Run the notebooks of a folder headless into executed .ipynb and .html pages.',
    summary: 'Executes the notebooks of a folder headless into --out: executed .ipynb, standalone .html pages and an index.html. Exit 1 when a cell fails.',
    usage: '[folder] [options]',
    positionals: 1,
    options: {
      out: { type: 'string', value: 'folder', default: 'out', description: 'where the executed notebooks go' },
      'cell-timeout-s': { type: 'string', value: 'seconds', default: '600', description: 'longest a cell may run' },
    },
    examples: ['permafrost-lab run-notebooks notebooks --out out'],
    async run(args) {
      const folder = args.positionals[0] ?? 'notebooks';
      const out = args.string('out')!;
      const reports = await runNotebooks(folder, { out, cell_timeout_s: args.number('cell-timeout-s') });
      const failed = reports.filter((r) => !r.ok);
      process.stderr.write(`\n${reports.length - failed.length} of ${reports.length} notebooks ran; see ${out}/index.html\n`);
      for (const r of failed) process.stderr.write(`FAILED ${describeFailure(r)}\n`);
      return failed.length ? 1 : 0;
    },
  },
  fuzz: {
    brief: 'Feed mutated GeoTIFFs and station tables to the readers; fail on any crash.',
    summary: 'Feeds mutated GeoTIFFs and station tables to the readers, each case in a worker with a heap limit and a watchdog; exit 1 on any untyped error, crash or hang.',
    usage: '[options]',
    positionals: 0,
    options: {
      cases: { type: 'string', value: 'n', default: '5000', description: 'number of cases' },
      seed: { type: 'string', value: 'n', default: '1', description: 'random seed' },
      'timeout-s': { type: 'string', value: 'seconds', default: '5', description: 'a case running longer is a hang' },
      seeds: { type: 'string', value: 'folder', description: 'real GeoTIFFs to mutate as well as the generated ones (in a checkout: test/fixtures/geotiff)' },
    },
    examples: ['permafrost-lab fuzz --cases 10000', 'permafrost-lab fuzz --seeds test/fixtures/geotiff'],
    async run(args) {
      const bar = progressBar('fuzz', { quiet: !args.verbose, units: args.number('cases'), unitName: 'cases' });
      const seeds = args.string('seeds');
      const report = await runFuzz({ cases: args.number('cases'), seed: args.number('seed'), timeout_s: args.number('timeout-s'), seeds: seeds ? seedFiles(seeds) : [],
        on_progress: (f) => bar.update(f) });
      bar.done();
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      const bad = report.outcomes.untyped + report.outcomes.crash + report.outcomes.hang;
      process.stderr.write(`[fuzz] ${report.cases} cases in ${report.seconds.toFixed(1)} s: ${report.outcomes.ok} ok, ${report.outcomes.typed} typed errors, ` +
        `${report.outcomes.untyped} untyped, ${report.outcomes.crash} crashes, ${report.outcomes.hang} hangs; slowest ${report.slowest.ms} ms (${report.slowest.kind}, ${report.slowest.mutation})\n`);
      return bad ? 1 : 0;
    },
  },
  bench: {
    brief: 'Time a full-scale 1 km pass against rasterio and numpy.',
    summary: 'Runs the benchmarks on a full-scale 1 km cube (made once and cached) side by side with rasterio, and prints the figures.',
    usage: '[options]',
    positionals: 0,
    options: {
      'cache-dir': { type: 'string', value: 'folder', description: 'where the 1 km cube is cached (default: $PERMAFROST_BENCH_DIR, else ~/.cache/permafrost-lab/bench)' },
      matrix: { type: 'boolean', description: 'also time GDAL-written copies of the cube (interleave × codec × predictor × tiling) against rasterio' },
      scale: { type: 'boolean', description: 'also make the full 1 km sample and run every notebook on it (seconds and peak memory per notebook)' },
      notebooks: { type: 'string', value: 'folder', description: 'the notebooks --scale runs (default: ./notebooks)' },
    },
    examples: ['npm run bench', 'npm run bench -- --matrix --scale', 'permafrost-lab bench --scale --notebooks ~/analysis'],
    async run(args) {
      await runBenchmarks({ cache_dir: args.string('cache-dir'), matrix: args.flag('matrix'), scale: args.flag('scale'), notebooks: args.string('notebooks') });
      return 0;
    },
  },
  ...shareCommands,
  ...animateCommands,
  ...explorerCommands,
};

function variableOption(value: string): Variable {
  if (!(value in VARIABLES)) throw new InputError(invalid('option --variable', value, Object.keys(VARIABLES).join(', ')));
  return value as Variable;
}

/** The `#` lines an export starts with (where the table came from, whether the data is synthetic), for CSV written to stdout. */
async function csvHeader(builder: string, options: Record<string, unknown>, dataset: Dataset): Promise<string> {
  return csvProvenance(await provenanceOf({ builder, options, dataset }));
}

/** Outputs never go over an input file. */
function guardOutput(out: string, inputs: string[], source: string): void {
  const target = resolve(out);
  if (inputs.some((f) => resolve(f) === target) || resolve(source) === target) throw new InputError(`refusing to write over an input file: ${target}`);
}

/** `permafrost-lab sample`: generate the synthetic product (`generateSyntheticProduct`). */
async function generateCommand(args: Args): Promise<number> {
  const parts = args.string('parts')?.split(',').map((p) => p.trim()) as SyntheticProductPart[] | undefined;
  const bar = progressBar('sample', { quiet: !args.verbose });
  const result = await generateSyntheticProduct({
    out: args.string('out')!,
    resolution_m: args.number('resolution-m'),
    seed: args.number('seed'),
    parts,
    if_stale: args.flag('if-stale'),
    on_message: (m) => bar.say(m),
    on_progress: (f, note) => bar.update(f, note),
  });
  if (!result.skipped) bar.done(`${result.files.length} files in ${result.out} (${result.grid.width} × ${result.grid.height}) in ${result.seconds.toFixed(1)} s`);
  else bar.done();
  return 0;
}
