import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { FileError, InputError, invalid } from '../errors.js';
import { checkOutputPath, type OutputPathOptions } from '../guard.js';
import { figureHtml, isFigure, type Figure } from './show.js';
import { renderFigure } from './render.js';
import { ANIMATION_SIZE, writeAnimation, type AnimationOptions } from './animate.js';
import { escapeHtml } from '../core/escape.js';
import { htmlProvenance, pngWithProvenance, provenanceComment, provenanceOf, svgWithProvenance, type DatasetLike, type Provenance } from '../provenance/provenance.js';

export { closeFigureBrowser } from './render.js';

/** Options of {@link saveFigure}. */
export interface SaveFigureOptions extends Omit<AnimationOptions, 'width' | 'height'>, OutputPathOptions {
  /** Pixels. Default: the figure's layout width, else 960; 900 for `.gif` and `.mp4`. */
  width?: number;
  /** Pixels. Default: the figure's layout height, else 540; 640 for `.gif` and `.mp4`. */
  height?: number;
  /** PNG pixel density. Default 2. */
  scale?: number;
  /** Replace an existing file. Default true (figures are outputs). */
  overwrite?: boolean;
  /** The dataset shown, when the figure was built without `{ dataset }`: recorded with its fingerprint. */
  dataset?: DatasetLike;
}

/** A standalone, offline HTML page for a figure (plotly.js inlined), with its provenance in the head when given. */
export function standaloneHtml(figure: Figure, title = 'permafrost-lab figure', provenance?: Provenance): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${provenance ? htmlProvenance(provenance) : ''}</head>
<body style="margin:0;font-family:system-ui,sans-serif">${figureHtml(figure, { inline_plotly: true })}</body></html>`;
}

/**
 * Saves a figure as `.html` (standalone, offline), `.svg` or `.png` (rendered by headless
 * Chromium, one browser reused across figures), written to a temporary file and renamed. A figure
 * that steps through periods (a slider) also saves as an animation: `.gif` (one palette for all
 * frames) or `.mp4` (H.264 by ffmpeg), one frame per period at `width` × `height` CSS pixels
 * (default 900 × 640), `frame_ms` each (default 800) and `last_ms` on the last (default 2000).
 * Each file says where it came from: library version, date, builder and options, whether the data
 * is synthetic, and the dataset's fingerprint (PNG `tEXt` chunks, SVG `<metadata>`, HTML `<meta>`
 * and a JSON block, a GIF comment, the MP4 `comment` tag); `permafrost-lab provenance <file>` prints it.
 * @example await saveFigure(trendFigure(summary, { dataset: ds }), 'out/trend.png', { width: 1200, height: 700 })
 * @example await saveFigure(mapFigure(await ds.layers('magt', { max_cells_across: 200 }), { dataset: ds }), 'out/magt.gif')
 */
export async function saveFigure(figure: Figure, path: string, options: SaveFigureOptions = {}): Promise<string> {
  if (!isFigure(figure)) throw new InputError(invalid('figure', typeof figure, 'a Plotly figure { data, layout }'));
  const target = resolve(path);
  const format = extname(target).slice(1).toLowerCase();
  if (!['html', 'svg', 'png', 'gif', 'mp4'].includes(format)) throw new InputError(invalid('file type', extname(target) || path, '.html, .svg, .png, .gif or .mp4'));
  checkOutputPath(target, options);
  if (options.overwrite === false && existsSync(target)) throw new FileError('the file exists; pass { overwrite: true } to replace it', target);
  const layout = (figure.layout ?? {}) as { width?: number; height?: number; title?: { text?: string } };
  const animated = format === 'gif' || format === 'mp4';
  const width = options.width ?? (animated ? ANIMATION_SIZE.width : layout.width ?? 960);
  const height = options.height ?? (animated ? ANIMATION_SIZE.height : layout.height ?? 540);
  const source = figure.source;
  const provenance = await provenanceOf({ builder: source?.builder, options: source?.options, synthetic: source?.synthetic,
    dataset: options.dataset ?? source?.dataset });
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  let bytes: Uint8Array | string | undefined;
  if (animated) {
    try {
      bytes = await writeAnimation(figure, format as 'gif' | 'mp4', temporary, { ...options, width, height, comment: provenanceComment(provenance), title: layout.title?.text });
    } catch (err) {
      rmSync(temporary, { force: true });
      throw err;
    }
    if (!bytes) { renameSync(temporary, target); return target; }
  } else if (format === 'html') {
    bytes = standaloneHtml(figure, layout.title?.text, provenance);
  } else if (format === 'svg') {
    bytes = svgWithProvenance(await renderFigure(figure, { format: 'svg', width, height }) as string, provenance);
  } else {
    bytes = pngWithProvenance(await renderFigure(figure, { format: 'png', width, height, scale: options.scale ?? 2 }) as Buffer, provenance);
  }
  writeFileSync(temporary, bytes);
  renameSync(temporary, target);
  return target;
}
