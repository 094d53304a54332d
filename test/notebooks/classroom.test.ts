// 05-classroom as students run it: cell by cell, each exercise followed by its solution, a cell of
// code that prints the answer in words and units; and the slips students make (a latitude without
// land, an id typed the way the comment once suggested) stop at their cell with a message that names
// what to type instead, never an empty table read as if it held a row.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, runNotebookFiles, type NotebookReport } from '../../src/notebooks/runNotebooks.js';
import { root } from '../helpers.js';

// inside the repository (out/ is git-ignored), where the kernel resolves permafrost-lab and arquero
const tmp = { dir: join(root, 'out', 'classroom-test') };
const source = (c: any) => (Array.isArray(c.source) ? c.source.join('') : c.source) as string;
const text = (c: any) => (c.outputs ?? []).map((o: any) => [o.text, o.data?.['text/plain']].flat().filter(Boolean).join('')).join('');
const nb = JSON.parse(readFileSync(join(root, 'notebooks', '05-classroom.ipynb'), 'utf8'));
const code = nb.cells.filter((c: any) => c.cell_type === 'code');
const cellWith = (start: string) => { const c = code.find((x: any) => source(x).startsWith(start)); if (!c) throw new Error(`no cell starting ${start}`); return c; };

let reports: NotebookReport[] = [];
beforeAll(async () => {
  rmSync(tmp.dir, { recursive: true, force: true });
  mkdirSync(tmp.dir, { recursive: true });
  const write = (name: string, cells: any[]) => { const path = join(tmp.dir, `${name}.ipynb`); writeFileSync(path, JSON.stringify({ ...nb, cells })); return path; };
  const typed = (cell: any, from: string, to: string) => ({ ...cell, source: source(cell).replace(from, to) });
  const imports = code[0];
  const paths = [
    join(root, 'notebooks', '05-classroom.ipynb'),
    // exercise 1 with the North Pole's latitude
    write('slip-latitude', [imports, typed(cellWith('const myLatitude'), 'const myLatitude = 62;', 'const myLatitude = 89.5;')]),
    // exercise 3 with the id as the comment once suggested it
    write('slip-site', [imports, cellWith('const { stations }'), typed(cellWith('const siteId'), "const siteId = 'AK-B001';", "const siteId = 'AK-001';")]),
  ];
  reports = await runNotebookFiles(paths, { out: join(tmp.dir, 'out'), on_message: () => {} });
}, 300_000);
afterAll(() => rmSync(tmp.dir, { recursive: true, force: true }));

describe('05-classroom, run cell by cell', () => {
  it('each of the three exercises has a solution cell of code (folded in JupyterLab) that runs and prints its answer in words and units', () => {
    const report = reports.find((r) => r.notebook === '05-classroom')!;
    expect(report.ok, describeFailure(report)).toBe(true);
    const executed = JSON.parse(readFileSync(join(tmp.dir, 'out', '05-classroom.ipynb'), 'utf8'));
    const solutions = executed.cells.map((c: any, i: number) => ({ c, before: executed.cells[i - 1] }))
      .filter(({ c, before }: any) => c.cell_type === 'code' && /^### Solution \d/.test(source(before)));
    expect(solutions.map(({ before }: any) => source(before).split('\n')[0])).toEqual(['### Solution 1', '### Solution 2', '### Solution 3']);
    for (const { c } of solutions) {
      expect(c.metadata?.jupyter?.source_hidden, source(c).slice(0, 40)).toBe(true);
      const answer = text(c);
      expect(answer.split(/\s+/).length, answer).toBeGreaterThan(15); // a sentence, not a bare number
      expect(answer, answer).toMatch(/°C|%|km²/);
    }
    expect(text(solutions[0].c)).toMatch(/the ground at \d\d–\d\d°N (warmed|cooled) by \d+\.\d\d °C on average: [+−]\d+\.\d\d °C per decade/);
    expect(text(solutions[1].c)).toMatch(/band lost the largest share of its permafrost: \d+ % \(\d+\.\d\d million km²\)/);
    expect(text(solutions[2].c)).toMatch(/At AK-B001 the map is \d+\.\d\d °C (warmer|colder) than the borehole/);
    // the station list shows every kind of id, not only Alaska's
    const list = executed.cells.find((c: any) => source(c).startsWith('const { stations }'));
    const html = list.outputs.map((o: any) => [o.data?.['text/html']].flat().join('')).join('');
    for (const id of ['AK-B001', 'CA-B001', 'ER-B001', 'FS-B001', 'MN-B001', 'SB-B001']) expect(html).toContain(id);
  });

  it('latitude 89.5 in exercise 1 stops there, saying it is north of every land cell and naming the northernmost band', () => {
    const report = reports.find((r) => r.notebook === 'slip-latitude')!;
    expect(report.ok).toBe(false);
    expect(report.error?.code_cell).toBe(2);
    expect(report.error?.message).toMatch(/InputError: invalid latitude: 89\.5 \(expected a latitude with land cells; latitude 89\.5 is north of every land cell: the northernmost band with data is \d\d–\d\d°N\)/);
  });

  it("the id 'AK-001' in exercise 3 stops there, naming AK-B001 and how the other regions' ids look", () => {
    const report = reports.find((r) => r.notebook === 'slip-site')!;
    expect(report.ok).toBe(false);
    expect(report.error?.code_cell).toBe(3);
    expect(report.error?.message).toMatch(/InputError: invalid site_id: "AK-001" \(expected one of the 290 ids in the table; closest: AK-B001, .*ids look like AK-B001, CA-B001, ER-B001, FS-B001, MN-B001, SB-B001\)/);
  });

  it('a latitude outside the product (40°N) says the range instead of giving no rows', async () => {
    const { latitudeBand } = await import('../../src/dataset/periods.js');
    expect(latitudeBand(62.4, 1)).toBe('62-63');
    expect(latitudeBand(47, 5)).toBe('45-50');
    expect(() => latitudeBand(40, 1)).toThrow(/invalid latitude: 40 \(expected 45 to 90 degrees north: the product covers land north of 45°N\)/);
  });
});
