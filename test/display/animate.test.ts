// Animations as files: the 8-period map saved as GIF and MP4, checked by PIL, ffprobe and ffmpeg
// (Debian's), never by our own decoders; the frames built from each figure that has a slider.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { mapFigure } from '../../src/plot/mapFigure.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { closeFigureBrowser, saveFigure } from '../../src/display/saveFigure.js';
import { animationFrames, PERIOD_LABEL } from '../../src/display/animate.js';
import { encodeGif, gifComments } from '../../src/display/gif.js';
import { decodePng } from '../../src/display/png.js';
import { mp4Comment, videoTiming } from '../../src/display/mp4.js';
import { renderFigure } from '../../src/display/render.js';
import { readProvenance } from '../../src/display/readProvenance.js';
import { InputError } from '../../src/errors.js';
import { cliScript, python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-animate-');
const check = (...args: string[]) => referee(python, [join(root, 'test/display/animation_check.py'), ...args]);
const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, ...args], { encoding: 'utf8', cwd: tmp.dir });
const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];
let ds: Dataset;
let gifPath: string, mp4Path: string;

beforeAll(async () => {
  process.env.PERMAFROST_CACHE = join(tmp.dir, 'cache');
  ds = await openDataset(sampleFolder());
  const fig = mapFigure(await ds.layers('magt', { max_cells_across: 200 }), { dataset: ds, title: 'Mean annual ground temperature' });
  gifPath = await saveFigure(fig, join(tmp.dir, 'magt.gif'));
  mp4Path = await saveFigure(fig, join(tmp.dir, 'magt.mp4'));
}, 180_000);
afterAll(async () => { await ds?.close(); await closeFigureBrowser(); delete process.env.PERMAFROST_CACHE; tmp.cleanup(); });

describe('saveFigure of the 8-period map to .gif', () => {
  it('PIL decodes 8 frames of 900 × 640, 800 ms each and 2 s on the last, looping forever; the file is under 3 MB', () => {
    const g = JSON.parse(check('gif', gifPath));
    expect(g.frames).toBe(8);
    expect(g.size).toEqual([900, 640]);
    expect(g.durations_ms).toEqual([800, 800, 800, 800, 800, 800, 800, 2000]);
    expect(g.loop).toBe(0);
    expect(statSync(gifPath).size).toBeLessThan(3 * 1024 * 1024);
  }, 60_000);

  it('has one global palette and no frame-local palette: at most 256 colours over all frames, the colour bar identical in every frame', () => {
    const g = JSON.parse(check('gif', gifPath));
    expect(g.global_table).toBe(256);
    expect(g.local_tables).toEqual(Array(8).fill(false));
    expect(g.distinct_colours).toBeLessThanOrEqual(256);
    // the key does not flicker: not one of its pixels changes from frame to frame
    expect(g.box_changed.colourbar).toEqual(Array(8).fill(0));
    // while the map and the period written large under it do change on every frame
    for (let k = 1; k < 8; k++) {
      expect(g.box_changed.map[k], `map of frame ${k + 1}`).toBeGreaterThan(100);
      expect(g.box_changed.bottom_label[k], `label of frame ${k + 1}`).toBeGreaterThan(100);
    }
  }, 60_000);

  it('carries its provenance in a comment extension: PIL sees it, readProvenance and `permafrost-lab provenance` read it back', async () => {
    const g = JSON.parse(check('gif', gifPath));
    expect(g.comment).toMatch(/^permafrost-lab provenance: \{/);
    const p = (await readProvenance(gifPath))!;
    expect(p.builder).toBe('mapFigure');
    expect(p.synthetic).toBe(true);
    expect(p.options).toMatchObject({ title: 'Mean annual ground temperature' });
    expect(p.dataset!.fingerprint.files.map((f) => f.name).sort()).toEqual(readdirSync(sampleFolder()).filter((f) => f.endsWith('.tif')).sort());
    expect(JSON.parse(g.comment.slice('permafrost-lab provenance: '.length))).toEqual(p);
    const run = spawnSync(process.execPath, [cliScript, 'provenance', gifPath, '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(p);
  }, 60_000);
});

describe('saveFigure of the 8-period map to .mp4', () => {
  it('ffprobe: H.264 in yuv420p, 900 × 640, a constant 2.5 frames/s, 19 frames (7 periods × 0.8 s, the last held 2 s), moov before mdat', () => {
    const probe = JSON.parse(referee('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
      'stream=codec_name,pix_fmt,width,height,r_frame_rate,avg_frame_rate,nb_read_frames:format=duration:format_tags=comment', '-of', 'json', mp4Path]));
    const s = probe.streams[0];
    expect([s.codec_name, s.pix_fmt, s.width, s.height]).toEqual(['h264', 'yuv420p', 900, 640]);
    expect(s.r_frame_rate).toBe('5/2');
    expect(s.avg_frame_rate).toBe('5/2');
    expect(Number(s.nb_read_frames)).toBe(19);
    expect(Number(probe.format.duration)).toBeCloseTo(7.6, 1);
    const bytes = readFileSync(mp4Path);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    expect(probe.format.tags.comment).toBe(mp4Comment(bytes));
  }, 60_000);

  it('shows the periods in order, each as long as set, the last held: every video frame looks most like the GIF frame of its period', () => {
    const { video_frames, best_match } = JSON.parse(check('mp4', mp4Path, gifPath));
    expect(video_frames).toBe(19);
    expect(best_match).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 7, 7, 7]);
  }, 120_000);

  it('carries its provenance in the comment tag: readProvenance reads what ffprobe shows', async () => {
    const p = (await readProvenance(mp4Path))!;
    expect(p.builder).toBe('mapFigure');
    expect(p.synthetic).toBe(true);
    const tag = JSON.parse(referee('ffprobe', ['-v', 'error', '-show_entries', 'format_tags=comment', '-of', 'json', mp4Path])).format.tags.comment;
    expect(JSON.parse(tag.slice('permafrost-lab provenance: '.length))).toEqual(p);
  });
});

describe('animation frames of figures with a slider', () => {
  const crs = '+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';
  const layers = periods.map((period, p) => ({
    period, width: 20, height: 20, crs, transform: { originX: -5e6, originY: 5e6, pixelWidth: 5e5, pixelHeight: -5e5, rotationX: 0, rotationY: 0 },
    values: Float32Array.from({ length: 400 }, (_, i) => -8 + (i % 20) + p),
  }));

  it('mapFigure of 8 layers: 8 stills, each with its period written large, its own z, one colour range, no slider or play button', () => {
    const fig = mapFigure(layers, { value: 'magt_c', synthetic: true });
    const stills = animationFrames(fig);
    expect(stills.map((s) => s.name)).toEqual(periods);
    const heat = stills.map((s) => s.figure.data[0] as { z: number[][]; zmin: number; zmax: number });
    expect(new Set(heat.map((h) => `${h.zmin},${h.zmax}`)).size).toBe(1);
    // the value of the first block in each period: -8 + 0 + p, block means of 1 cell
    expect(heat.map((h) => h.z[0][0])).toEqual(periods.map((_, p) => -8 + p));
    for (const [k, s] of stills.entries()) {
      expect(s.figure.layout!.sliders).toBeUndefined();
      expect(s.figure.layout!.updatemenus).toBeUndefined();
      const annotations = s.figure.layout!.annotations as { name: string; text: string }[];
      expect(annotations.find((a) => a.name === PERIOD_LABEL)!.text).toBe(`<b>${periods[k]}</b>`);
      expect(annotations.some((a) => a.name === 'synthetic')).toBe(true);
      expect(annotations.filter((a) => a.text.includes(periods[k]))).toHaveLength(1); // written once, large
    }
    expect(fig.layout!.sliders).toBeDefined(); // the figure itself is untouched
  });

  it('histogramFigure and areaFigure in slider mode: one still per period with the frame\'s bars', () => {
    const rows = periods.flatMap((period, p) => Array.from({ length: 50 }, (_, i) => ({ period, area_km2: 1, magt_c: -5 + i / 5 + p })));
    const hist = histogramFigure(aq.from(rows), { mode: 'slider' });
    const h = animationFrames(hist);
    expect(h.map((s) => s.name)).toEqual(periods);
    // each still draws its own period's bars: the frame's y in the trace the frame updates
    const bars = (k: number) => (h[k].figure.data[hist.frames![k].traces![0]] as { y: number[] }).y;
    expect(bars(7)).toEqual(hist.frames![7].data[0].y);
    expect(bars(7)).not.toEqual(bars(0));
    const summary = periods.flatMap((period, p) => ['alaska', 'canada'].map((region, r) => ({ period, mid_year: 1982 + 5 * p, region, permafrost_area_km2: (3 - 0.1 * p + r) * 1e6 })));
    const a = animationFrames(areaFigure(summary, { group: 'region', mode: 'slider' }));
    expect(a.map((s) => (s.figure.data[0] as { y: number[] }).y)).toEqual(periods.map((_, p) => [3 - 0.1 * p, 4 - 0.1 * p].map((v) => Math.round(v * 1000) / 1000)));
  });

  it('a figure without frames is an InputError naming the figures that animate; a bad size or time is an InputError', async () => {
    const still = mapFigure(layers[0], { value: 'magt_c' });
    expect(() => animationFrames(still)).toThrow(InputError);
    expect(() => animationFrames(still)).toThrow(/mapFigure of ds.layers/);
    await expect(saveFigure(still, join(tmp.dir, 'still.gif'))).rejects.toThrow(/no frames/);
    const fig = mapFigure(layers, { value: 'magt_c' });
    await expect(saveFigure(fig, join(tmp.dir, 'odd.mp4'), { width: 901 })).rejects.toThrow(/invalid MP4 width: 901 \(expected an even number/);
    await expect(saveFigure(fig, join(tmp.dir, 'fast.gif'), { frame_ms: 5 })).rejects.toThrow(/invalid frame_ms: 5/);
    expect(existsSync(join(tmp.dir, 'odd.mp4')) || existsSync(join(tmp.dir, 'fast.gif'))).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('video timing: every delay a whole number of frames at a constant rate', () => {
    expect(videoTiming([800, 800, 2000])).toEqual({ fps: 2.5, repeats: [2, 2, 5] });
    expect(videoTiming([500, 1500])).toEqual({ fps: 2, repeats: [1, 3] });
    expect(videoTiming([333, 2000])).toEqual({ fps: 25, repeats: [8, 50] }); // no common 40 ms step: 25 frames/s
  });
});

describe('GIF and PNG pieces', () => {
  it('decodePng gives the pixels PIL decodes from a Chromium PNG', async () => {
    const png = await renderFigure({ data: [{ type: 'bar', x: ['a', 'b'], y: [1, 3] }], layout: { title: { text: 'bars' } } }, { format: 'png', width: 300, height: 200, scale: 1 }) as Buffer;
    const path = join(tmp.dir, 'bars.png');
    writeFileSync(path, png);
    const { createHash } = await import('node:crypto');
    const ours = decodePng(png);
    expect([ours.width, ours.height]).toEqual([300, 200]);
    expect(createHash('sha256').update(ours.rgba).digest('hex')).toBe(check('png', path).trim());
  });

  it('encodeGif keeps a comment that PIL reads and gifComments finds; frames of another size are refused', () => {
    const frame = (r: number) => ({ width: 4, height: 2, rgba: Uint8Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? r : i % 4 === 3 ? 255 : 0)) });
    const bytes = encodeGif([frame(10), frame(200)], { delays_ms: [100, 300], comment: 'hello, referee' });
    expect(gifComments(bytes)).toEqual(['hello, referee']);
    const path = join(tmp.dir, 'tiny.gif');
    writeFileSync(path, bytes);
    const g = JSON.parse(check('gif', path));
    expect([g.frames, g.comment, g.durations_ms]).toEqual([2, 'hello, referee', [100, 300]]);
    expect(() => encodeGif([frame(1), { width: 2, height: 2, rgba: new Uint8Array(16) }], { delays_ms: [1, 1] })).toThrow(/invalid size of frame 2: "2 × 2" \(expected 4 × 2/);
  });
});

describe('permafrost-lab animate', () => {
  it('--help names every option with its default', () => {
    const run = cli('animate', '--help');
    expect(run.status).toBe(0);
    for (const option of ['--variable <magt|alt>', '--kind <map|histogram>', '--out <file.gif|file.mp4>', '--width <pixels>', '--height <pixels>', '--frame-ms <ms>', '--last-ms <ms>', '--max-cells-across <n>', '--overwrite', '--quiet']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toMatch(/--width <pixels>.*\(default: 900\)/);
    expect(run.stdout).toMatch(/--frame-ms <ms>.*\(default: 800\)/);
    expect(run.stdout).not.toMatch(/--max-cells </); // the old name works (test/grid/blockFactor.test.ts) but is not shown
  });

  it('refuses a bad extension, an odd MP4 size and an existing file (exit 2) before reading any data', () => {
    writeFileSync(join(tmp.dir, 'exists.gif'), 'x');
    const runs = [cli('animate', '--out', 'x.png'), cli('animate', '--out', 'x.mp4', '--width', '901'), cli('animate', '--out', 'exists.gif'), cli('animate', '--variable', 'permafrost')];
    expect(runs.map((r) => r.status)).toEqual([2, 2, 2, 2]);
    expect(runs[0].stderr).toMatch(/invalid option --out: .*x\.png.*\(expected a file ending in \.gif or \.mp4\)/);
    expect(runs[1].stderr).toMatch(/invalid MP4 width: 901/);
    expect(runs[2].stderr).toMatch(/exists; add --overwrite/);
    expect(runs[3].stderr).toMatch(/invalid option --variable: "permafrost" \(expected magt or alt\)/);
    expect(readFileSync(join(tmp.dir, 'exists.gif'), 'utf8')).toBe('x');
    for (const r of runs) expect(r.stderr).not.toMatch(/reading/);
  });

  it('writes a histogram GIF of the sample with progress on stderr; provenance reads it', () => {
    const run = cli('animate', sampleFolder(), '--kind', 'histogram', '--variable', 'alt', '--out', 'alt.gif', '--width', '480', '--height', '300');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/8 frames encoded as GIF/);
    expect(run.stderr).toMatch(/wrote .*alt\.gif/);
    const g = JSON.parse(check('gif', join(tmp.dir, 'alt.gif')));
    expect([g.frames, ...g.size]).toEqual([8, 480, 300]);
    const p = cli('provenance', join(tmp.dir, 'alt.gif'));
    expect(p.stdout).toMatch(/histogramFigure/);
    expect(p.stdout).toMatch(/SYNTHETIC/);
  }, 120_000);
});
