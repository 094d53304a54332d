// MP4 videos of figure frames, encoded by the system's ffmpeg (H.264, yuv420p: what PowerPoint,
// Keynote and browsers play), and the comment tag read back from the file for `provenance`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FileError, FormatError, InputError, invalid } from '../errors.js';

/** The system ffmpeg: `$PERMAFROST_FFMPEG`, else /usr/bin/ffmpeg or /usr/local/bin/ffmpeg. */
export function ffmpegPath(candidates = [process.env.PERMAFROST_FFMPEG, '/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg'].filter(Boolean) as string[]): string {
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new FileError('no ffmpeg to encode MP4: install it (Debian: apt-get install ffmpeg, as npm run setup does) ' +
      'or set PERMAFROST_FFMPEG to an ffmpeg binary; .gif needs no ffmpeg', candidates.join(', '));
  }
  return found;
}

/** Options of {@link encodeMp4}. */
export interface Mp4Options {
  /** How long each frame shows (ms), one number per frame. */
  delays_ms: number[];
  /** Text for the `comment` metadata tag (the provenance record). */
  comment?: string;
  /** Text for the `title` metadata tag. */
  title?: string;
}

/** The greatest common divisor of the delays, so that every frame lasts a whole number of video frames. */
function tickOf(delays_ms: number[]): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  return delays_ms.map((d) => Math.round(d)).reduce(gcd);
}

/**
 * The video frame rate and how many video frames each picture lasts: one video frame per common
 * divisor of the delays (800 and 2000 ms: 400 ms, 2.5 frames/s), or 25 frames/s with each delay
 * rounded to 40 ms when the divisor is shorter than that.
 */
export function videoTiming(delays_ms: number[]): { fps: number; repeats: number[] } {
  const tick = Math.max(tickOf(delays_ms), 1);
  const step = tick >= 40 ? tick : 40;
  return { fps: 1000 / step, repeats: delays_ms.map((d) => Math.max(1, Math.round(d / step))) };
}

/**
 * An H.264 MP4 (yuv420p, `+faststart` so that it starts playing before it has all loaded) of PNG
 * frames of one size, each held for its delay at a constant frame rate, encoded by ffmpeg from
 * a pipe. Width and height must be even (yuv420p halves the colour planes).
 * @example await encodeMp4(pngs, 'out/magt.mp4.tmp', { delays_ms: [800, 800, 2000], comment: JSON.stringify(provenance) })
 */
export async function encodeMp4(pngs: Uint8Array[], path: string, options: Mp4Options & { width: number; height: number }): Promise<void> {
  if (pngs.length === 0) throw new InputError(invalid('frames', 'an empty list', 'one image or more'));
  if (options.width % 2 || options.height % 2) throw new InputError(invalid('MP4 size', `${options.width} × ${options.height}`, 'even width and height (H.264 in yuv420p)'));
  if (options.delays_ms.length !== pngs.length) throw new InputError(invalid('delays_ms', `${options.delays_ms.length} delays`, `one per frame (${pngs.length})`));
  const { fps, repeats } = videoTiming(options.delays_ms);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'image2pipe', '-framerate', String(fps), '-c:v', 'png', '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'medium', '-tune', 'stillimage', '-crf', '20', '-pix_fmt', 'yuv420p', '-r', String(fps),
    '-movflags', '+faststart', '-map_metadata', '-1',
    ...(options.title ? ['-metadata', `title=${options.title}`] : []), ...(options.comment ? ['-metadata', `comment=${options.comment}`] : []),
    '-f', 'mp4', path];
  const ffmpeg = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk) => { stderr += chunk; });
  const finished = new Promise<void>((done, fail) => {
    ffmpeg.on('error', (err) => fail(new FileError(`ffmpeg did not start (${err.message})`, path)));
    ffmpeg.on('close', (code) => (code === 0 ? done() : fail(new FileError(`ffmpeg failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`, path))));
  });
  ffmpeg.stdin.on('error', () => { /* ffmpeg quit early: its exit status says why */ });
  for (const [k, png] of pngs.entries()) {
    for (let r = 0; r < repeats[k]; r++) {
      if (ffmpeg.exitCode !== null) break;
      if (!ffmpeg.stdin.write(png)) {
        await new Promise<void>((go) => {
          const both = () => { ffmpeg.stdin.off('drain', both); ffmpeg.off('close', both); go(); };
          ffmpeg.stdin.on('drain', both); ffmpeg.on('close', both);
        });
      }
    }
  }
  ffmpeg.stdin.end();
  await finished;
}

/**
 * The `comment` tag of an MP4 or QuickTime file written by ffmpeg (moov/udta/meta/ilst/©cmt), or
 * undefined when it has none.
 */
export function mp4Comment(bytes: Uint8Array, where = 'mp4'): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 4, 8) !== 'ftyp') throw new FormatError('not an MP4 (no ftyp box)', where);
  /** The children of a box: [type, start of content, end]. */
  const boxes = (start: number, end: number): [string, number, number][] => {
    const out: [string, number, number][] = [];
    for (let at = start; at + 8 <= end;) {
      let size = buf.readUInt32BE(at);
      let header = 8;
      if (size === 1) { size = Number(buf.readBigUInt64BE(at + 8)); header = 16; } else if (size === 0) size = end - at;
      if (size < header || at + size > end) throw new FormatError(`invalid MP4 box size: ${size} at byte ${at} (expected ${header} to ${end - at})`, where);
      out.push([buf.toString('latin1', at + 4, at + 8), at + header, at + size]);
      at += size;
    }
    return out;
  };
  const child = (list: [string, number, number][], type: string) => list.find((b) => b[0] === type);
  const moov = child(boxes(0, buf.length), 'moov');
  const udta = moov && child(boxes(moov[1], moov[2]), 'udta');
  const meta = udta && child(boxes(udta[1], udta[2]), 'meta');
  const ilst = meta && child(boxes(meta[1] + 4, meta[2]), 'ilst'); // meta is a full box: version and flags first
  const cmt = ilst && child(boxes(ilst[1], ilst[2]), '\u00a9cmt');
  const data = cmt && child(boxes(cmt[1], cmt[2]), 'data');
  return data ? buf.toString('utf8', data[1] + 8, data[2]) : undefined; // type and locale, then the text
}
