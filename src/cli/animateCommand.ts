import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { CommandSpec } from './args.js';
import { progressBar } from './progress.js';
import { InputError, invalid } from '../errors.js';
import { DATASET_OPTIONS, openSource } from './datasetOptions.js';
import { VARIABLES } from '../dataset/discover.js';
import { mapFigure } from '../plot/mapFigure.js';
import { histogramFigure } from '../plot/histogramFigure.js';
import { closeFigureBrowser, saveFigure } from '../display/saveFigure.js';
import { animationSettings } from '../display/animate.js';

/** `animate`: a figure that steps through the periods, saved as a GIF or an MP4 for slides. */
export const animateCommands: Record<string, CommandSpec> = {
  animate: {
    summary: 'Saves an animation of a variable through the periods for slides: an animated GIF or an MP4 video (H.264, plays in PowerPoint, Keynote and browsers), one frame per period with the period written large, one colour scale for all frames, the synthetic label or the citation on every frame, and the provenance inside the file (permafrost-lab provenance reads it).',
    brief: 'An animation of MAGT or ALT through the periods for slides (GIF or MP4).',
    usage: '[source] [options]',
    positionals: 1,
    options: {
      variable: { type: 'string', value: 'magt|alt', default: 'magt', description: 'variable' },
      kind: { type: 'string', value: 'map|histogram', default: 'map', description: 'a map per period, or the area-weighted distribution per period' },
      out: { type: 'string', value: 'file.gif|file.mp4', description: 'the file to write; its extension picks GIF or MP4 (default: <variable>.gif)' },
      width: { type: 'string', value: 'pixels', default: '900', description: 'frame width in CSS pixels (even for MP4)' },
      height: { type: 'string', value: 'pixels', default: '640', description: 'frame height in CSS pixels (even for MP4)' },
      'frame-ms': { type: 'string', value: 'ms', default: '800', description: 'how long each period shows' },
      'last-ms': { type: 'string', value: 'ms', default: '2000', description: 'how long the last period shows before the animation starts again' },
      'max-cells-across': { type: 'string', value: 'n', default: '200', description: 'map cells across the longer side (block means of the grid)' },
      'max-cells': { type: 'string', value: 'n', description: 'old name of --max-cells-across', deprecated_alias_of: 'max-cells-across' },
      title: { type: 'string', value: 'text', description: 'title above the figure (default: the variable\'s name)' },
      overwrite: { type: 'boolean', description: 'replace --out if it exists' },
      ...DATASET_OPTIONS,
    },
    examples: [
      'permafrost-lab animate --variable magt --out magt.gif',
      'permafrost-lab animate ~/Downloads/permafrost --variable alt --out alt.mp4 --width 1280 --height 720',
      'permafrost-lab animate --kind histogram --variable magt --out magt-distribution.gif',
    ],
    async run(args) {
      const variable = args.string('variable')!;
      if (variable !== 'magt' && variable !== 'alt') throw new InputError(invalid('option --variable', variable, 'magt or alt'));
      const kind = args.string('kind')!;
      if (kind !== 'map' && kind !== 'histogram') throw new InputError(invalid('option --kind', kind, 'map or histogram'));
      const out = resolve(args.string('out') ?? `${variable}.gif`);
      const format = extname(out).toLowerCase();
      if (format !== '.gif' && format !== '.mp4') throw new InputError(invalid('option --out', out, 'a file ending in .gif or .mp4'));
      if (existsSync(out) && !args.flag('overwrite')) throw new InputError(`${out} exists; add --overwrite to replace it`);
      const max_cells_across = args.number('max-cells-across');
      if (!(Number.isInteger(max_cells_across) && max_cells_across >= 10 && max_cells_across <= 2000)) throw new InputError(invalid('option --max-cells-across', max_cells_across, 'a whole number from 10 to 2000'));
      const timing = { width: args.number('width'), height: args.number('height'), frame_ms: args.number('frame-ms'), last_ms: args.number('last-ms') };
      animationSettings(timing, format === '.mp4' ? 'mp4' : 'gif'); // a bad size or time is said before any work
      const ds = await openSource(args);
      const bar = progressBar('animate', { quiet: !args.verbose });
      try {
        const meta = VARIABLES[variable];
        const title = args.string('title') ?? `${meta.title.charAt(0).toUpperCase()}${meta.title.slice(1)} (${meta.unit})`;
        bar.say(`${kind === 'map' ? 'block means' : 'distributions'} of ${variable} over ${ds.periods.length} periods (${ds.grid.width} × ${ds.grid.height} cells)`);
        const reading = { on_progress: (f: number) => bar.update(0.5 * f, 'reading') };
        const figure = kind === 'map'
          ? mapFigure(await ds.layers(variable, { max_cells_across, ...reading } as never), {
            dataset: ds, title, value: meta.column })
          : histogramFigure(await ds.histogram(variable, reading), { dataset: ds, title, mode: 'slider', value: meta.column });
        await saveFigure(figure, out, { ...timing, overwrite: true, on_progress: (f, note) => bar.update(0.5 + 0.5 * f, note) });
        bar.done(`wrote ${out}`);
      } finally {
        await closeFigureBrowser();
        await ds.close();
      }
      return 0;
    },
  },
};
