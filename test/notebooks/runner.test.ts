// The runner starts each notebook's kernel while the notebook before it runs; a kernel that waits
// runs nothing until its turn, and none is left behind when the runner ends.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNotebookFiles } from '../../src/notebooks/runNotebooks.js';
import { notebookJson, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-runner-');
afterAll(() => tmp.cleanup());

/** Processes whose command line mentions this folder (executors and their kernels' connection files). */
function processesOf(folder: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(folder) && !l.includes('ps -eo'));
}

describe('run-notebooks, one notebook after another', () => {
  it('runs each notebook in order after the one before it ended (a failing one too), reports each in report.json, and leaves no process', async () => {
    const folder = join(tmp.dir, 'notebooks');
    mkdirSync(folder, { recursive: true });
    const stamp = join(tmp.dir, 'stamps.txt');
    // each notebook appends its name and the time its first cell ran; the second fails at its second cell
    const cell = (name: string) => `require('node:fs').appendFileSync(${JSON.stringify(stamp)}, '${name} ' + Date.now() + '\\n'); '${name}'`;
    writeFileSync(join(folder, 'a.ipynb'), notebookJson([cell('a'), 'await new Promise((r) => setTimeout(r, 1500)); 1']));
    writeFileSync(join(folder, 'b.ipynb'), notebookJson([cell('b'), "throw new Error('on purpose')", '2']));
    writeFileSync(join(folder, 'c.ipynb'), notebookJson([cell('c')]));
    const out = join(tmp.dir, 'out');
    const ended: Record<string, number> = {};
    const reports = await runNotebookFiles(['a', 'b', 'c'].map((n) => join(folder, `${n}.ipynb`)),
      { out, on_message: (line) => { const m = /^ {2}(ok|FAILED): (\w+)?/.exec(line); if (m) ended[Object.keys(ended).length] = Date.now(); } });
    expect(reports.map((r) => [r.notebook, r.ok, r.cells_run])).toEqual([['a', true, 2], ['b', false, 2], ['c', true, 1]]);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(reports);
    for (const r of reports) expect(r.wall_s).toBeGreaterThanOrEqual(r.seconds);
    // a notebook's first cell ran only after the notebook before it had ended
    const stamps = readFileSync(stamp, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(stamps.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    expect(Number(stamps[1][1])).toBeGreaterThanOrEqual(ended[0]);
    expect(Number(stamps[2][1])).toBeGreaterThanOrEqual(ended[1]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(processesOf(out)).toEqual([]);
  }, 240_000);
});
