import { parseArgs, rejectUnknown, stringOption, numberOption } from './args.js';
import { describeFailure, runNotebooks } from '../notebooks/runNotebooks.js';
import { generateSample, type SamplePart } from '../sample/generateSample.js';
import { runBenchmarks } from '../bench/bench.js';

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
  sample: {
    summary: 'generate the synthetic sample: --out data/sample --resolution-m 10000 --seed 1 [--parts magt,alt,...] [--if-stale]',
    async run(argv) {
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
};
