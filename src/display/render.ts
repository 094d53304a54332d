import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { builtModule, workerExecArgv } from '../geotiff/workerPool.js';
import { fitCaptions } from '../plot/captions.js';
import { plotlyScript } from './plotlySource.js';
import { CHROMIUM_ARGS, chromiumPath, launchChromium } from './chromium.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;
let renderer: Promise<{ browser: Browser; page: Page }> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * A Chromium that serves several processes: `run-notebooks` starts one and hands its address to
 * every kernel (`PERMAFROST_BROWSER_WS`), so that each notebook does not start its own.
 */
export async function launchSharedChromium(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const server = await chromium.launchServer({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  return { endpoint: server.wsEndpoint(), close: () => server.close() };
}

/** The shared Chromium when `PERMAFROST_BROWSER_WS` names one that answers, else a new one. */
async function connectOrLaunch(): Promise<Browser> {
  const endpoint = process.env.PERMAFROST_BROWSER_WS;
  if (endpoint) {
    try {
      const { chromium } = await import('playwright-core');
      return await chromium.connect(endpoint, { timeout: 5_000 }) as unknown as Browser;
    } catch { /* gone: start one of our own */ }
  }
  return launchChromium();
}

/** One Chromium and one page with plotly.js loaded once, reused for every image. */
function getRenderer(): Promise<{ browser: Browser; page: Page }> {
  if (!renderer) {
    renderer = (async () => {
      const browser = await connectOrLaunch();
      process.once('beforeExit', () => { void browser.close(); });
      const page = await browser.newPage();
      await page.setContent(`<!doctype html><html><head><meta charset="utf-8"></head><body><script>${plotlyScript()}</script></body></html>`, { waitUntil: 'load' });
      return { browser, page };
    })();
    renderer.catch(() => { renderer = undefined; });
  }
  return renderer;
}

/** Starts Chromium and loads plotly.js now, so that the first image does not wait for them. */
export async function warmUp(): Promise<void> {
  await getRenderer();
}

/** Closes the browser that figure rendering started (it also closes when the process is about to exit). */
export async function closeFigureBrowser(): Promise<void> {
  const r = renderer;
  renderer = undefined;
  if (r) await (await r).browser.close();
}

/** A Plotly figure as plain JSON. */
type Figure = { data: unknown[]; layout?: Record<string, unknown>; config?: Record<string, unknown>; frames?: unknown[] };

/** Size and format of a rendered figure. */
export interface RenderOptions { format: 'png' | 'svg'; width: number; height: number; scale?: number }

/**
 * A figure drawn by plotly.js in headless Chromium, as PNG bytes or SVG text. Images are made one
 * at a time on one reused page, so the cost after the first is plotly's drawing alone.
 */
export function renderFigure(figure: Figure, options: RenderOptions): Promise<Buffer | string> {
  const job = queue.then(async () => {
    const { page } = await getRenderer();
    // one frame is drawn: the other frames are left out; the figure travels as one JSON string (far
    // faster through the DevTools protocol than nested arrays)
    const spec = JSON.stringify({ data: figure.data, layout: { ...fitCaptions(figure.layout ?? {}, options.width), width: options.width, height: options.height }, config: { ...figure.config, staticPlot: true } });
    // runs in the page (no DOM types in Node: reach the page's globals through globalThis)
    const url: string = await page.evaluate(async ([s, f, w, h, k]: [string, string, number, number, number]) =>
      (globalThis as any).Plotly.toImage(JSON.parse(s), { format: f, width: w, height: h, scale: k }),
    [spec, options.format, options.width, options.height, options.format === 'png' ? options.scale ?? 2 : 1] as [string, string, number, number, number]);
    const body = url.slice(url.indexOf(',') + 1);
    return options.format === 'svg' ? decodeURIComponent(body) : Buffer.from(body, 'base64');
  });
  queue = job.catch(() => undefined);
  return job;
}

let syncWorker: { worker: Worker; port: MessagePort } | undefined;
let jobs = 0;

/** The worker thread that draws images for {@link renderFigureSync}, started once. */
function imageThread(): { worker: Worker; port: MessagePort } {
  if (!syncWorker) {
    const { port1, port2 } = new MessageChannel();
    const url = builtModule('display', import.meta.url, 'renderWorker.js');
    if (!url) throw new Error('the image worker (renderWorker.js) is missing: run npm run build');
    const worker = new Worker(url, { workerData: { port: port2 }, transferList: [port2], execArgv: workerExecArgv() });
    worker.unref();
    port1.unref();
    worker.on('error', () => { syncWorker = undefined; });
    worker.on('exit', () => { syncWorker = undefined; });
    syncWorker = { worker, port: port1 };
  }
  return syncWorker;
}

/**
 * Starts the image thread and its Chromium in the background (nothing waits), so that the first
 * figure of a notebook does not pay for the start; `show()` calls it on its first use in a kernel.
 */
export function warmImageThread(): void {
  try { imageThread().worker.postMessage({ warm: true }); } catch { /* no worker: the first figure will say why */ }
}

/**
 * {@link renderFigure} without `await`, for `show()` in a notebook cell: a worker thread draws the
 * figure while this thread waits (Atomics.wait), so the figure's PNG goes out in the same display
 * message, in the cell that asked for it. The first call starts Chromium (1–2 s) unless
 * {@link warmImageThread} did; later ones take plotly's drawing time. Throws after `timeout_s`.
 */
export function renderFigureSync(figure: Figure, options: RenderOptions, timeout_s = 30): Buffer | string {
  const { worker, port } = imageThread();
  const id = ++jobs;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ id, signal, figure: { data: figure.data, layout: figure.layout, config: figure.config, frames: figure.frames }, options });
  if (Atomics.wait(signal, 0, 0, timeout_s * 1000) === 'timed-out') throw new Error(`no image after ${timeout_s} s`);
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const reply = message.message as { id: number; ok: boolean; bytes?: Uint8Array | string; message?: string };
    if (reply.id !== id) continue; // a late answer to a job that timed out
    if (!reply.ok) throw new Error(reply.message);
    return typeof reply.bytes === 'string' ? reply.bytes : Buffer.from(reply.bytes!);
  }
  throw new Error('the image thread answered nothing');
}
