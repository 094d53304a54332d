// A user's own notebook, saved outside the repository and run with the kernel that setup
// registers, imports permafrost-lab and arquero and draws a figure.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notebookJson, python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('my-analysis-');
afterAll(() => tmp.cleanup());

describe('a notebook in a folder of its own', () => {
  it('the registered tslab kernel is this checkout\'s launcher', () => {
    const argv = JSON.parse(referee(python, ['-c', 'from jupyter_client.kernelspec import KernelSpecManager as K; import json; print(json.dumps(K().get_kernel_spec("tslab").argv))']));
    // the exact path as one element: a kernel registered by another checkout at /x/work/main must not pass
    expect(argv, 'run `npm run setup` to register the kernel').toContain(join(root, 'environment', 'tslab-kernel.cjs'));
  });

  it('imports permafrost-lab and arquero (with types) and draws a figure, run by nbconvert with the registered kernel', () => {
    expect(tmp.dir.startsWith(root)).toBe(false);
    const path = join(tmp.dir, 'my-analysis.ipynb');
    writeFileSync(path, notebookJson([
      "import { show, areaFigure, version } from 'permafrost-lab';\nimport * as aq from 'arquero';\nconst t: aq.ColumnTable = aq.table({ period: ['1980-1984', '2015-2019'], mid_year: [1982, 2017], permafrost_area_km2: [15e6, 13e6] });\nt.numRows()",
      "show(areaFigure(t, { title: 'My own figure' }));",
      'version',
    ]));
    referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', '--ExecutePreprocessor.kernel_name=tslab',
      '--ExecutePreprocessor.timeout=120', path]);
    const cells = JSON.parse(readFileSync(path, 'utf8')).cells;
    expect(JSON.stringify(cells[0].outputs)).toContain('2');
    const figure = cells[1].outputs.find((o: any) => o.data?.['application/vnd.plotly.v1+json']);
    expect(figure, JSON.stringify(cells[1].outputs).slice(0, 400)).toBeDefined();
    expect(figure.data['application/vnd.plotly.v1+json'].layout.title.text).toBe('My own figure');
    expect(JSON.stringify(cells[2].outputs)).toMatch(/\d+\.\d+\.\d+/);
  }, 180_000);

  it('a table from the library, arquero not imported, has a type the kernel can name (no path through another package)', () => {
    const path = join(tmp.dir, 'tables.ipynb');
    writeFileSync(path, notebookJson([
      "import { openDataset } from 'permafrost-lab';\nconst ds = await openDataset();\nconst alaska = await ds.table('magt', '2015-2019', { region: 'alaska', cell_km: 50 });\nalaska.numRows() > 0",
    ]));
    referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', '--ExecutePreprocessor.kernel_name=tslab',
      '--ExecutePreprocessor.timeout=120', path]);
    const [cell] = JSON.parse(readFileSync(path, 'utf8')).cells;
    expect(JSON.stringify(cell.outputs)).toContain('true');
  }, 180_000);
});
