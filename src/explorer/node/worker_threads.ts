// node:worker_threads as the explorer page sees it (environment/explorer.mjs puts this module in its
// place): Web Workers. Every worker runs the explorer's own script, from the Blob URL its loader
// made (a page opened from file:// may start no worker from a file); that script's entry (main.ts)
// starts the library's decode worker there. The only worker the library starts from what the page
// reaches is src/geotiff/decodeWorker.ts.
import { fileURLToPath } from './url.js';

const scope = globalThis as unknown as {
  document?: unknown;
  /** The Blob URL of the explorer's script, set by its loader (environment/explorer.mjs). */
  permafrostExplorerScript?: string;
  Worker: new (url: string) => WebWorker;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown, transfer: Transferable[]): void;
};
interface WebWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
}

export const isMainThread = scope.document !== undefined;
export const workerData = null;

/** In a worker: messages from and to the page. */
export const parentPort = isMainThread ? null : {
  on(event: string, listener: (message: any) => void) {
    if (event === 'message') scope.addEventListener('message', (e) => listener(e.data));
  },
  postMessage(message: unknown, transfer: Transferable[] = []) { scope.postMessage(message, transfer); },
};

type Listener = (value: any) => void;

/** A Web Worker with the part of Node's `Worker` that the library uses. */
export class Worker {
  private readonly web: WebWorker;
  private readonly listeners: Record<string, Listener[]> = {};
  private exited = false;

  constructor(url: string | URL) {
    const path = fileURLToPath(url);
    if (!/\/decodeWorker\.js$/.test(path) || !scope.permafrostExplorerScript) throw new Error(`the explorer runs no worker script but the library's decode worker, not ${path}`);
    this.web = new scope.Worker(scope.permafrostExplorerScript);
    this.web.onmessage = (e) => this.emit('message', e.data);
    this.web.onerror = (e) => { e.preventDefault(); this.emit('error', new Error(e.message || 'the worker failed')); this.exit(1); };
  }

  on(event: string, listener: Listener): this {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.web.postMessage(message, transfer);
  }

  ref(): void {}
  unref(): void {}

  async terminate(): Promise<number> {
    this.web.terminate();
    this.exit(1);
    return 1;
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    queueMicrotask(() => this.emit('exit', code));
  }

  private emit(event: string, value: unknown): void {
    for (const listener of this.listeners[event] ?? []) listener(value);
  }
}

type Transferable = ArrayBuffer;
