// The explorer's one script (environment/explorer.mjs bundles it): in the page, the page
// (page.ts); in a Web Worker started from the same script, the library's worker
// (src/geotiff/decodeWorker.ts), which decodes blocks and runs the block engine's kernels.
import { isMainThread } from './node/worker_threads.js';

if (isMainThread) void import('./page.js');
else void import('../geotiff/decodeWorker.js');
