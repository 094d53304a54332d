import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandSpec } from './args.js';
import { InputError } from '../errors.js';
import { compareFingerprints, fingerprintFiles } from '../provenance/fingerprint.js';
import { readProvenance } from '../display/readProvenance.js';
import { lightCopyOf, shareNotebook } from '../notebooks/share.js';
import { DATASET_OPTIONS, openSource } from './datasetOptions.js';

/** `provenance` and `share`: where a shared file came from, and a light notebook to share. */
export const shareCommands: Record<string, CommandSpec> = {
  provenance: {
    brief: 'Where a figure or export came from, and whether a data folder matches it.',
    summary: 'Prints where a figure or export came from (library, date, builder and options, synthetic or not, the dataset\'s fingerprint) and, with --data, whether a dataset folder matches it. Exit 1 when it does not match or the file carries none.',
    usage: '<file> [options]',
    positionals: 1,
    options: {
      data: { type: 'string', value: 'folder', description: 'a dataset folder to compare with the recorded fingerprint' },
      json: { type: 'boolean', description: 'print the record as JSON' },
      ...DATASET_OPTIONS,
    },
    examples: ['permafrost-lab provenance out/exports/magt-change.png --data data/sample'],
    async run(args) {
      const file = args.positionals[0];
      if (!file) throw new InputError('provenance needs a file: permafrost-lab provenance <file.png|.svg|.html|.gif|.mp4|.csv|.tif>');
      const p = await readProvenance(file);
      if (!p) { process.stderr.write(`${file}: no permafrost-lab provenance in this file\n`); return 1; }
      if (args.flag('json')) process.stdout.write(JSON.stringify(p, null, 2) + '\n');
      else {
        process.stdout.write(`${resolve(file)}\n  made by   ${p.library}${p.builder ? `, ${p.builder}` : ''}\n  created  ${p.created}\n` +
          `  data     ${p.synthetic === null ? 'not recorded' : p.synthetic ? 'SYNTHETIC sample (not the real product)' : 'the product'}\n` +
          (p.options && Object.keys(p.options).length ? `  options  ${JSON.stringify(p.options)}\n` : '') +
          (p.dataset ? `  dataset  ${p.dataset.source} (fingerprint ${p.dataset.fingerprint.id}, ${p.dataset.fingerprint.files.length} files)\n` : ''));
      }
      const folder = args.string('data');
      if (!folder) return 0;
      if (!p.dataset) { process.stderr.write('the file records no dataset fingerprint to compare with\n'); return 1; }
      const ds = await openSource(args, folder);
      const found = await fingerprintFiles(ds.files);
      await ds.close();
      const match = compareFingerprints(p.dataset.fingerprint, found);
      process.stdout.write(match.matches
        ? `  match    ${resolve(folder)} has the same ${found.files.length} files (fingerprint ${found.id})\n`
        : `  MISMATCH ${resolve(folder)} (fingerprint ${found.id}, recorded ${p.dataset.fingerprint.id}):\n${match.differences.map((d) => `           ${d}`).join('\n')}\n`);
      return match.matches ? 0 : 1;
    },
  },
  share: {
    brief: 'A light copy of an executed notebook, to mail or commit.',
    summary: 'Writes a light copy of an executed notebook for mailing or committing: figures keep their Plotly JSON and PNG and drop the HTML that inlines plotly.js.',
    usage: '<executed.ipynb> [options]',
    positionals: 1,
    options: {
      out: { type: 'string', value: 'file', description: 'where to write it (default: shared/<name>.ipynb beside the input)' },
      overwrite: { type: 'boolean', description: 'replace --out if it exists and is not an earlier light copy of the same notebook' },
    },
    examples: ['permafrost-lab share out/03-distributions.ipynb'],
    async run(args) {
      const input = args.positionals[0];
      if (!input) throw new InputError('share needs an executed notebook: permafrost-lab share out/03-distributions.ipynb');
      const out = resolve(args.string('out') ?? join(dirname(input), 'shared', basename(input)));
      if (out === resolve(input)) throw new InputError(`refusing to write over the input notebook: ${out}; pass another --out`);
      // an earlier light copy of the same notebook (as npm start leaves in out/shared) is made again; anything else is kept
      if (existsSync(out) && !args.flag('overwrite') && lightCopyOf(out) !== basename(input)) {
        throw new InputError(`${out} exists and is not a light copy of ${basename(input)}; add --overwrite to replace it, or pass another --out`);
      }
      mkdirSync(dirname(out), { recursive: true });
      const r = shareNotebook(input, out);
      process.stdout.write(`wrote ${out}: ${r.figures} figure(s) without inline HTML, ${(r.bytes_before / 1e6).toFixed(2)} MB → ${(r.bytes_after / 1e6).toFixed(2)} MB\n`);
      return 0;
    },
  },
};
