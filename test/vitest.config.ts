import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import CountsReporter from './countsReporter.js';

// Run from the repository root; out/test-counts.json lets .ci/run print "N passed, N failed".
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // the sources built for the workers, WebAssembly and CLI, and every cache in a temporary folder
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // summaries kept on disk between processes would make a test depend on the ones before it;
    // test/dataset/summaryCache.test.ts turns them on in a folder of its own
    env: { PERMAFROST_SUMMARY_CACHE: '0' },
    reporters: ['default', new CountsReporter('out/test-counts.json')],
  },
});
