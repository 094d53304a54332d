import { parseArgs, rejectUnknown, stringOption, numberOption } from './args.js';
import { describeFailure, runNotebooks } from '../notebooks/runNotebooks.js';

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
};
