// The shape of src/ (issue: one block engine, layers that only reach down): the same check anyone
// can run with `node test/tools/imports.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, tempDir } from './helpers.js';

describe('the import graph of src/', () => {
  it('has no circle between files or folders, layers that only reach down (folders and files), no read outside the package, no file over 400 lines, a front door of at most 64 values (old names kept one release aside) without tooling', () => {
    const run = spawnSync(process.execPath, [join(root, 'test/tools/imports.mjs'), '--json'], { encoding: 'utf8' });
    const report = JSON.parse(run.stdout);
    expect(report.problems).toEqual([]);
    expect(report.values).toBeLessThanOrEqual(64);
    // generateSample stays at the front door for one release, marked @deprecated, and is not counted
    expect(report.deprecated).toContain('generateSample');
    expect(run.status).toBe(0);
  });

  it('finds an upward import, a folder circle, a folder without a layer and a read of the checkout in a tree that has them', () => {
    const tmp = tempDir('permafrost-imports-');
    try {
      const tree = join(tmp.dir, 'src');
      const file = (path: string, text: string) => { mkdirSync(join(tree, path, '..'), { recursive: true }); writeFileSync(join(tree, path), text); };
      file('core/low.ts', "import { figure } from '../plot/figure.js';\nexport const low = figure;\n");
      file('plot/figure.ts', "import { other } from '../core/other.js';\nexport const figure = other;\n");
      file('core/other.ts', "export const other = 1;\n");
      file('stray/odd.ts', "export const seeds = new URL('../../test/fixtures', import.meta.url);\n");
      file('index.ts', "export { low } from './core/low.js';\n");
      const run = spawnSync(process.execPath, [join(root, 'test/tools/imports.mjs'), '--src', tree, '--json'], { encoding: 'utf8' });
      const problems: string[] = JSON.parse(run.stdout).problems;
      expect(problems).toContain('core/low.ts imports plot/figure.ts: core reaches up to plot');
      expect(problems).toContain('folder circle: core ↔ plot');
      expect(problems.some((p) => p.startsWith('stray/odd.ts: its folder stray has no layer'))).toBe(true);
      expect(problems.some((p) => p.startsWith("stray/odd.ts reads ../../test/fixtures"))).toBe(true);
      expect(problems).toHaveLength(4);
      expect(run.status).toBe(1);
    } finally {
      tmp.cleanup();
    }
  });
});
