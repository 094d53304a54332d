// The figure style of permafrost-lab, in one place: palettes, colour scales, human labels, and the
// layout every figure shares (title, captions and keys inside the figure box at any size).
import type { Figure } from './figure.js';
import { REGIONS } from '../dataset/regions.js';
import type { DatasetLike } from '../provenance/provenance.js';
import { charsFor, LINE, wrap } from './captions.js';

/** Left margin of a figure with a y axis (px): room for its tick labels (its title is written above the plot). */
const LEFT = 52;

/**
 * Twelve qualitative colours told apart on white: Okabe–Ito's (colour-blind safe) first, then four
 * from Paul Tol's muted set and Tableau's brown, yellow last (weakest on white).
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255', '#999933', '#332288', '#8C564B', '#F0E442'];
/** The qualitative palette (kept under its old name). */
export const CATEGORICAL = PALETTE;

/** Diverging blue–white–red (ColorBrewer RdBu, colour-blind safe), for temperatures and changes centred on 0. */
export const DIVERGING: [number, string][] = [
  [0, '#053061'], [0.1, '#2166ac'], [0.2, '#4393c3'], [0.3, '#92c5de'], [0.4, '#d1e5f0'], [0.5, '#f7f7f7'],
  [0.6, '#fddbc7'], [0.7, '#f4a582'], [0.8, '#d6604d'], [0.9, '#b2182b'], [1, '#67001f'],
];

/** Sequential (cividis, designed for colour-vision deficiency), for thicknesses and areas. */
export const SEQUENTIAL: [number, string][] = [
  [0, '#00204d'], [0.125, '#00336f'], [0.25, '#39486b'], [0.375, '#575d6d'], [0.5, '#707173'],
  [0.625, '#8a8779'], [0.75, '#a69d75'], [0.875, '#c4b56c'], [1, '#ffe945'],
];

/**
 * Sequential blues from near-white (none) to dark blue (all), for shares and probabilities from 0
 * (the permafrost share of a cell): no neutral middle, and the hues of the zone palette.
 */
export const BLUES: [number, string][] = [
  [0, '#e6ecf2'], [0.15, '#d0e0f0'], [0.3, '#b0cde6'], [0.45, '#82b1d8'], [0.6, '#5493c6'], [0.75, '#2f72b0'], [0.9, '#14508f'], [1, '#08306b'],
];

/** Colours of permafrost classes, coldest (continuous) darkest. */
export const ZONE_COLOURS: Record<string, string> = {
  continuous: '#08306b', discontinuous: '#2171b5', sporadic: '#6baed6', isolated: '#c6dbef', none: '#f0f0f0',
};

/** Options every figure builder takes. */
export interface FigureOptions {
  title?: string;
  /** Adds a caption saying the data is the synthetic sample. Default: from `dataset`, else false. */
  synthetic?: boolean;
  /** The dataset the figure shows: sets `synthetic` and is recorded (with its fingerprint) when the figure is saved. */
  dataset?: DatasetLike;
  /** A caption line under the figure (source, method). */
  caption?: string;
  /**
   * The credit line inside the figure, under the caption. Default: the product's citation
   * (`PRODUCT_CITATION`, which its CC BY 4.0 licence asks for) when `dataset` is the real product;
   * none for the synthetic sample, which carries its red label instead.
   */
  citation?: string;
  width?: number;
  height?: number;
}

/** The label every figure of the synthetic sample carries (short enough for the smallest figure). */
export const SYNTHETIC_CAPTION = 'Synthetic sample, not the real product';

/**
 * The credit figures made from the real product carry (its CC BY 4.0 licence asks for one): the
 * title (shortened to fit one line of a figure; in full: "Distribution of Permafrost in the Arctic
 * Circle, Annual Average Ground Temperature, and Changes in Active Layer Thickness (1980–2019)"),
 * the data centre, the year and the licence.
 */
export const PRODUCT_CITATION = 'Data: Distribution of Permafrost in the Arctic Circle … (1980–2019). National Cryosphere Desert Data Center, 2026. CC BY 4.0';

/** Units of the value columns. */
export const UNITS: Record<string, string> = { magt_c: '°C', alt_cm: 'cm', permafrost: '', permafrost_share: '% of the area', area_km2: 'km²' };

/** Human names of variables, regions, zones and columns, from one table. */
export const LABELS: Record<string, string> = {
  magt_c: 'Mean annual ground temperature', alt_cm: 'Active layer thickness', permafrost: 'Permafrost', permafrost_share: 'Permafrost share of the area',
  magt: 'Mean annual ground temperature', alt: 'Active layer thickness',
  all: 'All land', other: 'Other land', mean: 'Mean',
  continuous: 'Continuous', discontinuous: 'Discontinuous', sporadic: 'Sporadic', isolated: 'Isolated', none: 'No permafrost',
  lat_band: 'Latitude band', region: 'Region', zone: 'Zone', period: 'Period',
  ...Object.fromEntries(REGIONS.map((r) => [r.id, r.name])),
};

/**
 * The label a reader sees for a key: a region (`east_siberia` → `East Siberia`), a latitude band
 * (`45-50` → `45–50°N`), a zone, a variable, or any snake_case word spelled out.
 */
export function label(key: string | number): string {
  const k = String(key);
  if (LABELS[k]) return LABELS[k];
  const band = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(k);
  if (band && Number(band[1]) >= -90 && Number(band[2]) <= 90 && Number(band[2]) > Number(band[1]) && !/^\d{4}-\d{4}$/.test(k)) return `${band[1]}–${band[2]}°N`;
  const spaced = k.replace(/_/g, ' ');
  return spaced === k ? k : spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function axisTitle(column: string): string {
  return `${LABELS[column] ?? label(column)}${UNITS[column] ? ` (${UNITS[column]})` : ''}`;
}


/** Pixels between the figure's left edge and the text anchored to it (title, y title, captions). */
const PAD = 10;
/**
 * The narrowest figure every layout is made for (px): a phone, or an index card at 360 × 240.
 * Titles and captions are wrapped to fit it, so that a figure drawn wider only has longer plots.
 */
export const SMALLEST_WIDTH = 360;
/** The lowest figure every layout is made for (px). */
export const SMALLEST_HEIGHT = 240;
const TITLE_FONT = 15;
const TITLE_LINE = 20;
/** Characters of a 15 px title that fit across the smallest figure. */
const TITLE_CHARS = 37;
/** Pixels of the line above the plot holding the y axis title (12 px), clear of the top tick label. */
const Y_TITLE_LINE = 24;
/** Pixels of the synthetic label's line (11 px, red). */
const SYNTHETIC_LINE = 16;
/**
 * A legend at the right of the plot, against the figure's right edge (the plot narrows to make room),
 * from the plot's top down, as long as its entries need (never a scrolled legend that hides some).
 */
export const RIGHT_LEGEND: Record<string, unknown> = { xref: 'container', x: 1, xanchor: 'right', yref: 'paper', y: 1, yanchor: 'top', maxheight: 2000,
  bgcolor: 'rgba(255,255,255,0.85)', font: { size: 11 }, tracegroupgap: 2 };

/** Pixels per entry of a legend at the figure's foot. */
const LEGEND_ROW = 18;
/** Pixels the x axis takes below the plot: its tick labels and its title. */
export const AXIS_SPACE = 50;

/**
 * The layout every figure shares, made to read at any size from 360 × 240 up: the title (wrapped
 * to the smallest width) at the top left of the figure, the synthetic label in red under it, the y
 * axis title written across above the plot (it fits there at any height, where a vertical title is
 * longer than a small plot), the plot, the x axis (`below` px: its tick labels and title, and a
 * slider when there is one), then the captions, and a legend of few entries (`legend_rows` in `extra`) at
 * the foot; other legends stand at the right of the plot. Everything is placed relative to the plot's edges
 * and the margins are made to hold it, so the figure's JSON keeps its parts apart and inside its box
 * however a window or a card resizes it; `fitCaptions` wraps the caption again for a known width.
 */
export function baseLayout(options: FigureOptions, extra: Record<string, any> = {}, below = AXIS_SPACE): Record<string, unknown> {
  const synthetic = options.synthetic ?? options.dataset?.synthetic ?? false;
  // the credit starts a line of its own under the caption; both are wrapped again for each size drawn
  const credit = options.citation ?? (options.dataset && !synthetic ? PRODUCT_CITATION : '');
  const captionText = [options.caption, credit].filter(Boolean).join('\n');
  const captions = captionText ? wrap(captionText, charsFor(SMALLEST_WIDTH)) : [];
  const titles = options.title ? wrap(options.title, TITLE_CHARS) : [];
  const { xaxis, yaxis, margin, annotations: more, legend_rows: rows, legend_across: across, ...rest } = extra;
  // a legend of `rows` entries under everything (at the figure's foot, one entry a line, or all on one
  // line with `legend_across` when they fit across the smallest figure: its height does not depend on the width)
  const foot = rows ? (across ? 1 : rows) * LEGEND_ROW + 6 : 0;
  const yTitle: string = yaxis?.title?.text ?? '';
  const left: number = margin?.l ?? LEFT;
  const annotations: Record<string, unknown>[] = [];
  if (yTitle) annotations.push(edgeText(yTitle, 'y title', left, 'top', 8, { size: 12, color: '#222' }));
  // the text nearest the plot's top stands 8 px above it, clear of the top tick label
  const overPlot = yTitle ? Y_TITLE_LINE : yaxis ? 8 : 0;
  if (synthetic) annotations.push(edgeText(SYNTHETIC_CAPTION, 'synthetic', left, 'top', 4 + overPlot, { size: 11, color: '#b00020' }));
  if (captions.length) annotations.push(edgeText(captions.join('<br>'), 'caption', left, 'bottom', below, { size: 11, color: '#555' }));
  // x tick labels a few pixels lower (outside ticks), clear of the y axis's lowest label; the x title close under them
  const axis = (a: Record<string, any> | undefined, letter: 'x' | 'y', title?: string) => a && {
    automargin: false, tickfont: { size: 12 }, ...(letter === 'x' ? { ticks: 'outside', ticklen: 5, tickcolor: '#bbb' } : {}), ...a,
    title: { standoff: 6, ...(a.title ?? {}), text: title ?? a.title?.text ?? '', font: { size: 13, ...(a.title?.font ?? {}) } },
  };
  const top = 10 + TITLE_LINE * titles.length + (synthetic ? SYNTHETIC_LINE : 0) + overPlot + 4;
  const bottom = below + LINE * captions.length + 8 + foot;
  // Plotly puts at least four intervals on an axis, whatever its length: on a plot this short at the
  // smallest size (240 px high), fewer y ticks, or their labels would touch
  const shortest = SMALLEST_HEIGHT - top - bottom;
  const yTicks = shortest < 80 ? { nticks: Math.max(2, Math.floor(shortest / 18)) } : {};
  return {
    // Plotly lifts a multi-line title by its extra lines (1.3 em each) from its anchor: padded back down by as much
    title: { text: titles.join('<br>'), font: { size: TITLE_FONT }, x: 0, xref: 'container', xanchor: 'left', yref: 'container', y: 1, yanchor: 'top',
      pad: { l: PAD, t: 5 + Math.max(0, titles.length - 1) * 1.3 * TITLE_FONT } },
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', size: 13, color: '#222' },
    paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff',
    margin: { l: left, r: 20, ...(margin ?? {}), t: top, b: bottom },
    ...(options.width ? { width: options.width } : {}),
    height: options.height ?? 460,
    legend: rows ? { orientation: across ? 'h' : 'v', xref: 'paper', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0)', font: { size: 11 }, tracegroupgap: 0 }
      : RIGHT_LEGEND,
    ...(xaxis ? { xaxis: axis(xaxis, 'x') } : {}),
    ...(yaxis ? { yaxis: axis({ ...yTicks, ...yaxis }, 'y', '') } : {}),
    annotations: [...annotations, ...(more ?? [])],
    meta: { caption: captionText, y_title: yTitle },
    ...rest,
  };
}

/**
 * Text anchored to the figure's left edge (`PAD` px in, whatever the plot's left margin), above
 * the plot's top (`top`: its bottom `offset` px above the plot) or below the plot's bottom
 * (`bottom`: its top `offset` px below).
 */
function edgeText(text: string, name: string, left: number, edge: 'top' | 'bottom', offset: number, font: Record<string, unknown>): Record<string, unknown> {
  return { name, text, xref: 'paper', yref: 'paper', x: 0, xanchor: 'left', xshift: PAD - left, y: edge === 'top' ? 1 : 0,
    yanchor: edge === 'top' ? 'bottom' : 'top', yshift: edge === 'top' ? offset : -offset, align: 'left', showarrow: false, font };
}

/** Adds annotations to a layout made by baseLayout. */
export function withAnnotations(layout: Record<string, unknown>, more: Record<string, unknown>[]): Record<string, unknown> {
  return { ...layout, annotations: [...((layout.annotations as unknown[]) ?? []), ...more] };
}

/** A figure from its traces and layout; `builder` and its options travel with it into saved files. */
export function figure(data: Record<string, unknown>[], layout: Record<string, unknown>, builder?: string, options: FigureOptions = {}): Figure {
  return {
    data, layout, config: { displaylogo: false, responsive: true, toImageButtonOptions: { format: 'png', scale: 2 } },
    ...(builder ? { source: { builder, options: options as Record<string, unknown>, synthetic: options.synthetic ?? options.dataset?.synthetic, dataset: options.dataset } } : {}),
  };
}

/** `rgba()` of a hex colour. */
export function hexAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** An axis range from the data with a little margin (5 % of the span each side). */
export function dataRange(values: Iterable<number>, margin = 0.05): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi >= lo)) return undefined;
  const pad = (hi - lo || Math.abs(hi) || 1) * margin;
  return [lo - pad, hi + pad];
}

/** Pixels the play and pause buttons take at the left of a slider. */
const PLAY_SPACE = 112;

/**
 * Slider and play button over named frames (Plotly `sliders`, `updatemenus`), for figures that step
 * through periods: one row under the plot (`below_px` under its bottom edge, past the x axis), the
 * buttons at its left and the slider across the rest of the plot's width. Plotly leaves out step
 * labels that would run into each other on a narrow figure; the step shown is written in the plot
 * (`stepLabel`, which each frame replaces), not above the slider, so the row stays low.
 */
export function periodControls(names: string[], options: { redraw?: boolean; duration_ms?: number; below_px?: number } = {}): Record<string, unknown> {
  const below = options.below_px ?? 0;
  const redraw = options.redraw ?? true;
  const step = (name: string) => ({ method: 'animate', label: name,
    args: [[name], { mode: 'immediate', frame: { duration: 0, redraw }, transition: { duration: 0 } }] });
  return {
    sliders: [{ active: 0, steps: names.map(step), x: 0, len: 1, xanchor: 'left', y: 0, yanchor: 'top', pad: { t: below, b: 0, l: PLAY_SPACE, r: 8 },
      font: { size: 11 }, currentvalue: { visible: false } }],
    updatemenus: [{ type: 'buttons', showactive: false, x: 0, xanchor: 'left', y: 0, yanchor: 'top', pad: { t: below - 6, l: 0 }, direction: 'left',
      font: { size: 11 },
      buttons: [
        { label: '▶ Play', method: 'animate', args: [null, { fromcurrent: true, frame: { duration: options.duration_ms ?? 900, redraw }, transition: { duration: 0 } }] },
        { label: '❚❚', method: 'animate', args: [[null], { mode: 'immediate', frame: { duration: 0, redraw }, transition: { duration: 0 } }] },
      ] }],
  };
}

/** Pixels a slider row (rail, ticks and step labels, the play button beside them) takes under the plot. */
export const SLIDER_SPACE = 54;

/**
 * The name of the step a figure shows (`Period: 2015-2019`), written in a corner of the plot (`at`),
 * where the data leave room; a figure's frames each carry their own.
 */
export function stepLabel(name: string, at: 'top left' | 'top right' = 'top left', prefix = 'Period: '): Record<string, unknown> {
  const left = at === 'top left';
  return { name: 'step', text: `${prefix}<b>${name}</b>`, xref: 'paper', yref: 'paper', x: left ? 0.01 : 0.99, xanchor: left ? 'left' : 'right', y: 0.99, yanchor: 'top',
    showarrow: false, font: { size: 12, color: '#222' }, bgcolor: 'rgba(255,255,255,0.8)' };
}

/**
 * Frames stepping through named steps: each sets its traces' data and writes its name in the plot
 * (`stepLabel` at `at`, the layout's other annotations kept), with any further layout of its own.
 */
export function stepFrames(layout: Record<string, unknown>, steps: { name: string; data: Record<string, unknown>[]; traces: number[]; layout?: Record<string, unknown> }[],
  at: 'top left' | 'top right' = 'top left', prefix?: string): { name: string; data: Record<string, unknown>[]; traces: number[]; layout: Record<string, unknown> }[] {
  const fixed = ((layout.annotations as Record<string, unknown>[] | undefined) ?? []).filter((a) => a.name !== 'step');
  return steps.map((s) => ({ name: s.name, data: s.data, traces: s.traces, layout: { ...(s.layout ?? {}), annotations: [...fixed, stepLabel(s.name, at, prefix)] } }));
}
