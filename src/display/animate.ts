// Figures that step through periods (a slider and frames) as animations for slides: one still
// figure per frame, each drawn by the same headless Chromium as the PNGs, then encoded as an
// animated GIF (gifenc) or an MP4 video (ffmpeg).
import { InputError, invalid } from '../errors.js';
import { encodeGif } from './gif.js';
import { encodeMp4 } from './mp4.js';
import { decodePng } from './png.js';
import { renderFigure } from './render.js';
import type { Figure } from './show.js';
import { progressOf, type OnProgress } from '../core/progress.js';

/** Options of animations (`saveFigure` to `.gif` or `.mp4`, {@link writeAnimation}). */
export interface AnimationOptions {
  /** Frame width in CSS pixels (frames are drawn at scale 1). Default 900. */
  width?: number;
  /** Frame height in CSS pixels. Default 640. */
  height?: number;
  /** How long each period shows (ms). Default 800. */
  frame_ms?: number;
  /** How long the last period shows before the animation starts again (ms). Default 2000. */
  last_ms?: number;
  /** Called after each frame is drawn and once the file is encoded (fraction 0–1 and what is being done). */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
}

/** Default size of animation frames (CSS pixels): fits a 16:9 slide beside a title. */
export const ANIMATION_SIZE = { width: 900, height: 640 };

/** The name of the annotation that writes a frame's period large (tests and restyling find it by name). */
export const PERIOD_LABEL = 'period-label';

/**
 * One still figure per frame of a figure that steps through periods: the frame's traces and
 * layout applied, the slider and play buttons taken away, and the frame's name (the period)
 * written large where the slider was. The colour scale and key are the figure's own, fixed
 * across frames; captions (the synthetic label or the citation) stay on every frame.
 * @example animationFrames(mapFigure(await ds.layers('magt', { max_cells_across: 200 }))).map((f) => f.name)
 */
export function animationFrames(figure: Figure, options: { width?: number } = {}): { name: string; figure: Figure }[] {
  const frames = figure.frames ?? [];
  if (frames.length === 0) {
    throw new InputError(invalid('figure to animate', `${figure.data?.length ?? 0} trace(s) and no frames`,
      'a figure that steps through periods: mapFigure of ds.layers, differenceMap of several changes, histogramFigure or areaFigure with mode: \'slider\''));
  }
  const width = options.width ?? ANIMATION_SIZE.width;
  const slider = ((figure.layout?.sliders as { pad?: { t?: number } }[] | undefined) ?? [])[0];
  const below = slider ? (slider.pad?.t ?? 8) : 8;
  return frames.map((frame) => {
    const data = figure.data.map((trace) => ({ ...trace }));
    const traces = frame.traces ?? frame.data.map((_, j) => j);
    frame.data.forEach((update, j) => {
      const k = traces[j];
      if (!(k >= 0 && k < data.length)) throw new InputError(invalid(`trace of frame ${frame.name}`, k, `0 to ${data.length - 1}`));
      data[k] = { ...data[k], ...update };
    });
    const { sliders: _s, updatemenus: _u, ...layout } = { ...(figure.layout ?? {}), ...(frame.layout ?? {}) } as Record<string, unknown>;
    const label = { name: PERIOD_LABEL, text: `<b>${frame.name}</b>`, xref: 'paper', yref: 'paper', x: 0.5, y: 0, xanchor: 'center', yanchor: 'top',
      yshift: -below, showarrow: false, font: { size: Math.round(Math.max(18, Math.min(40, width / 26))), color: '#222' } };
    // the period written large replaces the small one in the plot's corner (the annotation named 'step')
    layout.annotations = [...((layout.annotations as Record<string, unknown>[] | undefined) ?? []).filter((a) => a.name !== 'step'), label];
    return { name: frame.name, figure: { data, layout, config: figure.config } };
  });
}

/** Checks the size and timing options of an animation and fills in the defaults. */
export function animationSettings(options: AnimationOptions, format: 'gif' | 'mp4'): { width: number; height: number; frame_ms: number; last_ms: number } {
  const s = { width: options.width ?? ANIMATION_SIZE.width, height: options.height ?? ANIMATION_SIZE.height, frame_ms: options.frame_ms ?? 800, last_ms: options.last_ms ?? 2000 };
  for (const key of ['width', 'height'] as const) {
    if (!(Number.isInteger(s[key]) && s[key] >= 100 && s[key] <= 4000)) throw new InputError(invalid(key, options[key], 'a whole number of pixels from 100 to 4000'));
  }
  if (format === 'mp4') {
    for (const key of ['width', 'height'] as const) {
      if (s[key] % 2) throw new InputError(invalid(`MP4 ${key}`, s[key], 'an even number of pixels (H.264 in yuv420p halves the colour planes)'));
    }
  }
  for (const key of ['frame_ms', 'last_ms'] as const) {
    // GIF delays count hundredths of a second, from 20 ms (browsers slow anything faster down to 100 ms)
    if (!(Number.isFinite(s[key]) && s[key] >= 20 && s[key] <= 60_000)) throw new InputError(invalid(key, options[key], 'milliseconds from 20 to 60000'));
  }
  return s;
}

/**
 * Draws every frame of a figure that steps through periods and encodes them as an animated GIF
 * (returned as bytes) or an MP4 (written by ffmpeg to `path`, which the caller renames into
 * place). `comment` goes into the GIF's comment extension or the MP4's `comment` tag.
 * @example await writeAnimation(fig, 'gif', 'out/magt.gif.tmp', { comment: 'made by permafrost-lab' })
 */
export async function writeAnimation(figure: Figure, format: 'gif' | 'mp4', path: string, options: AnimationOptions & { comment?: string; title?: string } = {}): Promise<Uint8Array | undefined> {
  const s = animationSettings(options, format);
  const stills = animationFrames(figure, s);
  const progress = progressOf(options) ?? (() => undefined);
  const pngs: Buffer[] = [];
  for (const [k, still] of stills.entries()) {
    pngs.push(await renderFigure(still.figure, { format: 'png', width: s.width, height: s.height, scale: 1 }) as Buffer);
    progress((0.8 * (k + 1)) / stills.length, `frame ${k + 1} of ${stills.length} (${still.name}) drawn`);
  }
  const delays_ms = stills.map((_, k) => (k === stills.length - 1 ? s.last_ms : s.frame_ms));
  if (format === 'gif') {
    const bytes = encodeGif(pngs.map((png, k) => decodePng(png, `frame ${k + 1}`)), { delays_ms, comment: options.comment });
    progress(1, `${stills.length} frames encoded as GIF`);
    return bytes;
  }
  await encodeMp4(pngs, path, { delays_ms, comment: options.comment, title: options.title, width: s.width, height: s.height });
  progress(1, `${stills.length} frames encoded as MP4`);
  return undefined;
}
