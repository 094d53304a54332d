import { parseArgs, rejectUnknown, stringOption, numberOption } from './args.js';
import { describeFailure, runNotebooks } from '../notebooks/runNotebooks.js';
import { generateSample, type SamplePart } from '../sample/generateSample.js';
import { runBenchmarks } from '../bench/bench.js';
import { runFuzz } from '../fuzz/fuzz.js';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import { openDataset } from '../dataset/openDataset.js';
import { VARIABLES, type Variable } from '../dataset/discover.js';
import { summarizeTrend, trendRaster } from '../dataset/trendOutputs.js';
import { writeGeoTIFF } from '../geotiff/writeGeoTIFF.js';
import { csvText, exportTable } from '../dataset/exportTable.js';
import { mapArray } from '../grid/mapArray.js';

/** A command of the `permafrost-lab` command line. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  'run-notebooks': {
    summary: 'execute the notebooks of a folder headless into --out (executed .ipynb, .html, index.html)',
    async run(argv) {
      const args = parseArgs(argv);
      rejectUnknown(args, ['out', 'cell-timeout-s']);
      const folder = args.positional[0] ?? 'notebooks';
      const reports = await runNotebooks(folder, {
        out: stringOption(args, 'out', 'out'),
        cellTimeout_s: numberOption(args, 'cell-timeout-s', 600),
      });
      const failed = reports.filter((r) => !r.ok);
      const out = stringOption(args, 'out', 'out');
      process.stderr.write(`\n${reports.length - failed.length} of ${reports.length} notebooks ran; see ${out}/index.html\n`);
      for (const r of failed) process.stderr.write(`FAILED ${describeFailure(r)}\n`);
      return failed.length ? 1 : 0;
    },
  },
  fuzz: {
    summary: 'fuzz the readers with mutated GeoTIFFs and CSVs: fuzz [--cases 5000] [--seed 1] [--timeout-ms 5000]',
    async run(argv) {
      const args = parseArgs(argv);
      rejectUnknown(args, ['cases', 'seed', 'timeout-ms']);
      const cases = numberOption(args, 'cases', 5000);
      const report = await runFuzz({ cases, seed: numberOption(args, 'seed', 1), timeout_ms: numberOption(args, 'timeout-ms', 5000),
        onProgress: (done, total) => { if (done % 500 === 0 || done === total) process.stderr.write(`[fuzz] ${done}/${total}\n`); } });
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      const bad = report.outcomes.untyped + report.outcomes.crash + report.outcomes.hang;
      process.stderr.write(`[fuzz] ${report.cases} cases in ${report.seconds.toFixed(1)} s: ${report.outcomes.ok} ok, ${report.outcomes.typed} typed errors, ` +
        `${report.outcomes.untyped} untyped, ${report.outcomes.crash} crashes, ${report.outcomes.hang} hangs; slowest ${report.slowest.ms} ms (${report.slowest.kind}, ${report.slowest.mutation})\n`);
      return bad ? 1 : 0;
    },
  },
  bench: {
    summary: 'run the benchmarks (full-scale 1 km cube cached in ~/.cache/permafrost-lab/bench, or --cache-dir)',
    async run(argv) {
      const args = parseArgs(argv);
      rejectUnknown(args, ['cache-dir']);
      await runBenchmarks({ cacheDir: stringOption(args, 'cache-dir') });
      return 0;
    },
  },
  info: {
    summary: 'describe a dataset (folder or dataset.json; default $PERMAFROST_DATA or the sample) as JSON',
    async run(argv) {
      const args = parseArgs(argv);
      rejectUnknown(args, []);
      const ds = await openDataset(args.positional[0]);
      const { grid } = ds;
      process.stdout.write(JSON.stringify({ source: ds.source, synthetic: ds.synthetic, layout: ds.layout, variables: ds.variables,
        periods: ds.periods, grid: { width: grid.width, height: grid.height, resolution_m: grid.resolution_m, crs: grid.crs, epsg: grid.epsg, bbox: grid.bbox },
        files: ds.files }, null, 2) + '\n');
      await ds.close();
      return 0;
    },
  },
  summary: {
    summary: 'area-weighted statistics: summary <source> --by period,region,lat_band [--variables magt,alt] [--format csv|json]',
    async run(argv) {
      const args = parseArgs(argv);
      rejectUnknown(args, ['by', 'variables', 'format', 'lat-band-deg']);
      const format = stringOption(args, 'format', 'csv');
      if (format !== 'csv' && format !== 'json') throw new InputError(invalid('option --format', format, 'csv or json'));
      const ds = await openDataset(args.positional[0]);
      const by = stringOption(args, 'by', 'period').split(',').map((b) => b.trim()) as ('period' | 'region' | 'lat_band')[];
      const variables = stringOption(args, 'variables')?.split(',').map((v) => v.trim()) as Variable[] | undefined;
      const table = await ds.summarize({ by, variables, lat_band_deg: numberOption(args, 'lat-band-deg', 5), onProgress: progress('summary') });
      await ds.close();
      process.stdout.write(format === 'csv' ? csvText(table) : JSON.stringify(table.objects(), null, 2) + '\n');
      return 0;
    },
  },
  sample: {
    summary: 'generate the synthetic sample (--out data/sample --resolution-m 10000 --seed 1 [--parts magt,...] [--if-stale]), or with --points: values at points (sample <source> --points file.csv --variable magt [--period] [--search-km] [--method])',
    async run(argv) {
      if (!argv.some((a) => a === '--points' || a.startsWith('--points='))) return generateCommand(argv);
      const args = parseArgs(argv);
      rejectUnknown(args, ['points', 'variable', 'period', 'search-km', 'method']);
      const file = stringOption(args, 'points')!;
      if (!existsSync(file)) throw new InputError(`points file not found: ${file}`);
      const variable = variableOption(stringOption(args, 'variable', 'magt'));
      const ds = await openDataset(args.positional[0]);
      const points = aq.fromCSV(readFileSync(file, 'utf8'));
      const method = stringOption(args, 'method', 'nearest') as 'nearest' | 'bilinear';
      const table = await ds.sample(points, { variable, period: stringOption(args, 'period'), search_km: numberOption(args, 'search-km', 0), method });
      await ds.close();
      process.stdout.write(csvText(table));
      return 0;
    },
  },
  trend: {
    summary: "per-cell Sen's slope and Mann-Kendall: trend <source> --variable magt --out trend.tif [--alpha 0.05] [--fdr]",
    async run(argv) {
      const args = parseArgs(argv, ['fdr', 'overwrite']);
      rejectUnknown(args, ['variable', 'out', 'alpha', 'fdr', 'overwrite']);
      const out = stringOption(args, 'out');
      if (!out) throw new InputError('trend needs --out <file.tif>');
      const variable = variableOption(stringOption(args, 'variable', 'magt'));
      const ds = await openDataset(args.positional[0]);
      guardOutput(out, ds.files, ds.source);
      const result = await ds.trend(variable, { alpha: numberOption(args, 'alpha', 0.05), fdr: args.options.get('fdr') === true });
      await writeGeoTIFF(out, trendRaster(result), { overwrite: args.options.get('overwrite') === true, onProgress: progress('trend') });
      process.stdout.write(csvText(summarizeTrend(result)));
      await ds.close();
      return 0;
    },
  },
  export: {
    summary: 'export a period: export <source> --variable alt --period 2015-2019 [--region alaska] --format csv|arrow|geotiff --out file',
    async run(argv) {
      const args = parseArgs(argv, ['overwrite']);
      rejectUnknown(args, ['variable', 'period', 'region', 'format', 'out', 'overwrite']);
      const out = stringOption(args, 'out');
      if (!out) throw new InputError('export needs --out <file>');
      const format = stringOption(args, 'format', 'csv');
      if (!['csv', 'arrow', 'geotiff'].includes(format)) throw new InputError(invalid('option --format', format, 'csv, arrow or geotiff'));
      const period = stringOption(args, 'period');
      if (!period) throw new InputError('export needs --period, for example --period 2015-2019');
      const variable = variableOption(stringOption(args, 'variable', 'magt'));
      const ds = await openDataset(args.positional[0]);
      guardOutput(out, ds.files, ds.source);
      if (existsSync(out) && args.options.get('overwrite') !== true) throw new InputError(`${out} exists; pass --overwrite to replace it`);
      const region = stringOption(args, 'region');
      if (format === 'geotiff') {
        const { raster, band } = ds.raster(variable, period);
        const table = region ? await ds.table(variable, period, { region }) : null;
        const keep = table ? new Set(Array.from(table.array('x_m') as ArrayLike<number>, (x, i) => `${x},${(table.array('y_m') as ArrayLike<number>)[i]}`)) : null;
        const [values] = await raster.read({ bands: [band] });
        const t = ds.grid.transform;
        const data = mapArray(values as ArrayLike<number>, Float32Array, (v, i) => {
          if (v === raster.noData) return NaN;
          if (!keep) return v;
          const c = i % ds.grid.width, r = Math.floor(i / ds.grid.width);
          return keep.has(`${t.originX + (c + 0.5) * t.pixelWidth},${t.originY + (r + 0.5) * t.pixelHeight}`) ? v : NaN;
        });
        await writeGeoTIFF(out, { width: ds.grid.width, height: ds.grid.height, bands: 1, dataType: 'float32', transform: t, crs: ds.grid.crs, epsg: ds.grid.epsg,
          noData: NaN, bandNames: [`${variable} ${period}${region ? ` ${region}` : ''}`], bandUnits: [VARIABLES[variable].unit === '°C' ? 'degC' : VARIABLES[variable].unit],
          metadata: ds.synthetic ? { SYNTHETIC: 'exported from the synthetic sample; not the real product' } : {}, values: [data] }, { overwrite: true });
      } else {
        exportTable(await ds.table(variable, period, region ? { region } : {}), out, { format: format as 'csv' | 'arrow' });
      }
      await ds.close();
      process.stderr.write(`[export] wrote ${out}\n`);
      return 0;
    },
  },
};

function variableOption(value: string): Variable {
  if (!(value in VARIABLES)) throw new InputError(invalid('option --variable', value, Object.keys(VARIABLES).join(', ')));
  return value as Variable;
}

/** Outputs never go over an input file. */
function guardOutput(out: string, inputs: string[], source: string): void {
  const target = resolve(out);
  if (inputs.some((f) => resolve(f) === target) || resolve(source) === target) throw new InputError(`refusing to write over an input file: ${target}`);
}

function progress(label: string): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    const pct = Math.floor(fraction * 10) * 10;
    if (pct !== last) { last = pct; process.stderr.write(`[${label}] ${pct} %\n`); }
  };
}

/** `permafrost-lab sample` without --points: generate the synthetic sample. */
async function generateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['if-stale']);
  rejectUnknown(args, ['out', 'resolution-m', 'seed', 'parts', 'if-stale']);
  const parts = stringOption(args, 'parts')?.split(',').map((p) => p.trim()) as SamplePart[] | undefined;
  const result = await generateSample({
    out: stringOption(args, 'out', 'data/sample'),
    resolution_m: numberOption(args, 'resolution-m', 10_000),
    seed: numberOption(args, 'seed', 1),
    parts,
    ifStale: args.options.get('if-stale') === true,
    onProgress: (m) => process.stderr.write(`[sample] ${m}\n`),
  });
  if (!result.skipped) {
    process.stderr.write(`[sample] ${result.files.length} files in ${result.out} (${result.grid.width} × ${result.grid.height}) in ${result.seconds.toFixed(1)} s\n`);
  }
  return 0;
}
