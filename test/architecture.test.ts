// The shape of src/ (issue: one block engine, layers that only reach down): the same check anyone
// can run with `node test/tools/imports.mjs`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers.js';

describe('the import graph of src/', () => {
  it('has no circle, a file layer that reaches only errors and guard, no figure importing the file layer, no file over 400 lines, a front door of at most 60 values without tooling', () => {
    const run = spawnSync(process.execPath, [join(root, 'test/tools/imports.mjs'), '--json'], { encoding: 'utf8' });
    const report = JSON.parse(run.stdout);
    expect(report.problems).toEqual([]);
    expect(report.values).toBeLessThanOrEqual(60);
    expect(run.status).toBe(0);
  });
});
