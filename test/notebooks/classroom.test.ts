// The classroom solutions as a student runs them: each solution's code, retyped into a new cell
// right after its exercise, must run when the cells are executed one by one in order.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, runNotebookFiles } from '../../src/notebooks/runNotebooks.js';
import { root } from '../helpers.js';

// inside the repository (out/ is git-ignored), where the kernel resolves permafrost-lab and arquero
const tmp = { dir: join(root, 'out', 'classroom-test') };
mkdirSync(tmp.dir, { recursive: true });
afterAll(() => rmSync(tmp.dir, { recursive: true, force: true }));

describe('05-classroom solutions', () => {
  it('each ```ts block of a solution runs as a cell of its own, in order, and prints something', async () => {
    const nb = JSON.parse(readFileSync(join(root, 'notebooks', '05-classroom.ipynb'), 'utf8'));
    const cells: any[] = [];
    let solutions = 0;
    for (const cell of nb.cells) {
      cells.push(cell);
      const text = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      if (cell.cell_type !== 'markdown' || !text.includes('Solution')) continue;
      for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
        cells.push({ cell_type: 'code', metadata: {}, source: m[1].trimEnd(), outputs: [], execution_count: null });
        solutions++;
      }
    }
    expect(solutions).toBeGreaterThan(0);
    const path = join(tmp.dir, '05-classroom-solutions.ipynb');
    writeFileSync(path, JSON.stringify({ ...nb, cells }));
    const [report] = await runNotebookFiles([path], { out: join(tmp.dir, 'out'), onProgress: () => {} });
    expect(report.ok, describeFailure(report)).toBe(true);
    const executed = JSON.parse(readFileSync(join(tmp.dir, 'out', '05-classroom-solutions.ipynb'), 'utf8'));
    const solutionCells = executed.cells.filter((c: any) => c.cell_type === 'code' && !nb.cells.some((o: any) => o.source === c.source));
    for (const c of solutionCells) expect(c.outputs.length, c.source).toBeGreaterThan(0);
  }, 180_000);

  it('a latitude outside the product (40°N) says the range instead of giving no rows', async () => {
    const { latitudeBand } = await import('../../src/dataset/periods.js');
    expect(latitudeBand(62.4, 1)).toBe('62-63');
    expect(latitudeBand(47, 5)).toBe('45-50');
    expect(() => latitudeBand(40, 1)).toThrow(/invalid latitude: 40 \(expected 45 to 90 degrees north: the product covers land north of 45°N\)/);
  });
});
