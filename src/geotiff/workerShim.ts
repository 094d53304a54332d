import { isMainThread } from 'node:worker_threads';

/**
 * Imported before geotiff.js. geotiff.js loads the `web-worker` package for its decoder pool (this
 * package decodes on its own pool and never uses it); inside a worker thread, `web-worker` takes
 * the thread for one of its own workers and fails, unless `globalThis.Worker` is a function. Giving
 * worker threads a placeholder that throws if ever constructed lets openRaster run in any thread.
 */
if (!isMainThread && typeof (globalThis as { Worker?: unknown }).Worker !== 'function') {
  (globalThis as { Worker?: unknown }).Worker = class GeotiffPoolUnused {
    constructor() {
      throw new Error("geotiff.js's own worker pool is not used by permafrost-lab");
    }
  };
}
