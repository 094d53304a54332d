// The kernel `npm run setup` registers (environment/tslab-kernel.cjs), as a Jupyter user meets it:
// the protocol suite kernel authors use, and notebooks executed by nbconvert as teachers run them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notebookJson, python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('kernel-test-');
afterAll(() => tmp.cleanup());

type Output = { output_type: string; name?: string; text?: string; data?: Record<string, any>; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
type Cell = { source: string; outputs: Output[]; execution_count: number | null };

/** Runs cells as one notebook with the registered kernel (nbconvert --execute, in this folder); returns the executed cells. */
function execute(name: string, cells: string[], options: { allowErrors?: boolean } = {}): Cell[] {
  const path = join(tmp.dir, `${name}.ipynb`);
  writeFileSync(path, notebookJson(cells));
  referee(python, ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', '--ExecutePreprocessor.kernel_name=tslab',
    '--ExecutePreprocessor.timeout=120', ...(options.allowErrors ? ['--allow-errors'] : []), path]);
  return JSON.parse(readFileSync(path, 'utf8')).cells;
}

const text = (o: Output) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '');
const plain = (o: Output) => { const t = o.data?.['text/plain']; return Array.isArray(t) ? t.join('') : t; };
const html = (o: Output) => { const t = o.data?.['text/html']; return Array.isArray(t) ? t.join('') : String(t ?? ''); };

describe('the registered tslab kernel', () => {
  it('passes jupyter_kernel_test: hello world, stderr, completion, inspection, is_complete, execute_result, display_data, errors', () => {
    const run = spawnSync(python, ['-m', 'unittest', '-v', 'kernel_protocol'], { cwd: join(root, 'test', 'environment'), encoding: 'utf8' });
    const summary = run.stderr.trim().split('\n').slice(-3).join('\n');
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    expect(summary).toMatch(/Ran 19 tests[\s\S]*OK \(skipped=5\)/); // skipped: clear_output, pager and history, which tslab has not
    for (const name of ['kernel_info', 'execute_stdout', 'execute_stderr', 'completion', 'inspect', 'is_complete', 'execute_result', 'display_data', 'error']) {
      expect(run.stderr, name).toMatch(new RegExp(`test_${name} \\(kernel_protocol\\.TslabKernelTests\\.test_${name}\\)[^\\n]*\\.\\.\\. ok`));
    }
  }, 180_000);

  it('shows a cell\'s last value as Out[n]: a table as HTML (types, rows, the synthetic note) with a short text; a figure as show() sends it; a dataset as its description; other values within util.inspect\'s limits; undefined and statements as nothing', () => {
    const cells = execute('values', [
      "import { openDataset, show } from 'permafrost-lab';\nimport * as aq from 'arquero';\nconst ds = await openDataset();",
      "await ds.table('magt', '2015-2019', { cell_km: 100 })",
      "(await ds.table('magt', '2015-2019', { cell_km: 100 })).filter((d) => d.magt_c < 0).select('lat', 'magt_c')",
      "aq.table({ site: ['<b>a</b>', 'b'], n: [1, 2] })",
      'ds',
      "const figure = { data: [{ type: 'bar', x: ['a', 'b'], y: [1, 2] }], layout: { title: { text: 'Two bars' } } };\nshow(figure);\nfigure",
      'Array.from({ length: 100 }, (_, i) => i)',
      "({ a: { b: { c: { d: 1 } } }, s: 'x'.repeat(5000) })",
      "'a sentence, shown as itself'",
      'undefined',
      'const quiet = 1;',
      "show('shown')",
    ]);
    cells.forEach((c, i) => expect(c.execution_count, `cell ${i + 1}`).toBe(i + 1));
    const result = (i: number) => {
      const results = cells[i].outputs.filter((o) => o.output_type === 'execute_result');
      expect(results.length, `cell ${i + 1}: ${JSON.stringify(cells[i].outputs).slice(0, 300)}`).toBe(1);
      expect(results[0].execution_count).toBe(i + 1);
      return results[0];
    };
    expect(cells[0].outputs).toEqual([]);

    const table = result(1);
    expect(html(table)).toMatch(/^<table class="permafrost-table">/);
    expect(html(table)).toMatch(/<th>magt_c<br><small[^>]*>float32<\/small><\/th>/);
    expect(html(table)).toMatch(/[\d,]+ rows × 6 columns \(first 10 shown\)/);
    expect(html(table)).toContain('SYNTHETIC SAMPLE');
    expect(html(table).match(/<tr>/g)).toHaveLength(11);
    expect(plain(table).split('\n').length).toBeLessThanOrEqual(8); // tslab printed 379 lines of Arquero's internals
    expect(plain(table)).toMatch(/^[\d,]+ rows × 6 columns .*SYNTHETIC SAMPLE/);
    expect(html(result(2))).toContain('SYNTHETIC SAMPLE'); // a filtered selection keeps the mark
    expect(html(result(3))).not.toContain('SYNTHETIC');
    expect(html(result(3))).toContain('&#60;b&#62;a&#60;/b&#62;');

    const dataset = result(4);
    expect(html(dataset)).toContain('SYNTHETIC SAMPLE');
    expect(plain(dataset)).toMatch(/magt, alt, permafrost; 8 periods \(1980-1984 to 2015-2019\)/);
    expect(plain(dataset)).toMatch(/\d+ files?: .*magt/);

    const shown = cells[5].outputs.find((o) => o.output_type === 'display_data')!;
    const figure = result(5);
    expect(Object.keys(figure.data!).sort()).toEqual(Object.keys(shown.data!).sort());
    expect(Object.keys(figure.data!).sort()).toEqual(['application/vnd.plotly.v1+json', 'image/png', 'text/html', 'text/plain']);
    expect(figure.data!['application/vnd.plotly.v1+json']).toEqual(shown.data!['application/vnd.plotly.v1+json']);
    expect(plain(figure)).toBe('<Two bars: 1 trace(s)>');

    expect(plain(result(6))).toContain('... 80 more items');
    const nested = plain(result(7));
    expect(nested).toContain('[Object]'); // depth 2
    expect(nested.length).toBeLessThan(2100);
    expect(nested).toMatch(/… \([\d,]+ more characters\)$/);
    expect(plain(result(8))).toBe('a sentence, shown as itself');
    expect(cells[9].outputs).toEqual([]);
    expect(cells[10].outputs).toEqual([]);
    expect(cells[11].outputs.map((o) => o.output_type)).toEqual(['display_data']);
  }, 180_000);

  it('shares names across cells as one script does: shorthand properties, destructuring, closures; a const declared again (or re-run) and a variable set by a later cell take the later value, in functions too', () => {
    const cells = execute('names', [
      'const zz = 5;\nlet n = 2;\nconst { a, b: [c] } = { a: 1, b: [3] };\nconst times = (x: number) => x * zz;\nfunction total() { return zz + n; }',
      'JSON.stringify({ zz })',
      '({ zz, n, a, c })',
      'let p = 0, q = 0;',
      '({ p, q = 9 } = { p: 7 });\n[p, q]',
      'const [first, ...rest] = [a, c, zz];\n({ first, rest })',
      '[times(2), total()]',
      'const zz = 6;\nn = 10;',
      '[zz, times(2), total(), JSON.stringify({ zz })]',
      'let count = 0;\nconst inc = () => ++count;\n[1, 2, 3].forEach((v) => { count += v; });\ncount',
      'inc();\ncount',
      'count = 100;\ninc()',
      'const limit = 0, below = [-1, 1].filter((v) => v < limit);\nbelow',
      'const zz = 7;\nzz',
      'const zz = 7;\nzz',
    ]);
    const values = cells.map((c) => c.outputs.filter((o) => o.output_type === 'execute_result').map(plain).join(''));
    const errors = cells.flatMap((c) => c.outputs.filter((o) => o.output_type === 'error' || o.name === 'stderr'));
    expect(errors).toEqual([]);
    expect(values).toEqual(['', '{"zz":5}', '{ zz: 5, n: 2, a: 1, c: 3 }', '', '[ 7, 9 ]', '{ first: 1, rest: [ 3, 5 ] }', '[ 10, 7 ]', '10',
      "[ 6, 12, 16, '{\"zz\":6}' ]", '6', '7', '101', '[ -1 ]', '7', '7']);
  }, 180_000);

  it('under nbconvert --allow-errors every cell after a failing one keeps its output, every execution_count is filled, and errors are error outputs: ours in one line (the stack with PERMAFROST_TRACE=1), others with their stack', () => {
    const cells = execute('errors', [
      "import { findLatitude } from 'permafrost-lab';\nimport * as aq from 'arquero';\nconsole.log('before')",
      "throw new Error('boom')",
      "console.log('after')",
      '1 + 1',
      "findLatitude(aq.table({ lat_band: ['60-65'] }), 40)",
      "process.env.PERMAFROST_TRACE = '1';\nfindLatitude(aq.table({ lat_band: ['60-65'] }), 40)",
      "delete process.env.PERMAFROST_TRACE;\nJSON.parse('{')",
      "const typo: number = 'x';",
      '2 + 2',
    ], { allowErrors: true });
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(text(cells[0].outputs[0])).toBe('before\n');
    const error = (i: number) => {
      expect(cells[i].outputs.map((o) => o.output_type), `cell ${i + 1}`).toEqual(['error']);
      return cells[i].outputs[0];
    };
    expect(error(1)).toMatchObject({ ename: 'Error', evalue: 'boom' });
    expect(error(1).traceback![0]).toBe('Error: boom');
    expect(error(1).traceback!.slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
    expect(text(cells[2].outputs[0])).toBe('after\n');
    expect(plain(cells[3].outputs[0])).toBe('2');

    const ours = error(4);
    expect(ours.ename).toBe('InputError');
    expect(ours.traceback).toEqual([`InputError: ${ours.evalue}`]);
    expect(ours.evalue).toMatch(/^invalid latitude: 40 \(expected 45 to 90/);
    const traced = error(5);
    expect(traced.traceback![0]).toMatch(/^InputError: invalid latitude: 40/);
    expect(traced.traceback!.some((l) => /^\s+at .*lookup\.js/.test(l))).toBe(true);

    const other = error(6);
    expect(other.ename).toBe('SyntaxError');
    expect(other.traceback!.length).toBeGreaterThan(1);
    expect(error(7)).toMatchObject({ ename: 'TypeScriptError' });
    expect(error(7).evalue).toContain("Type 'string' is not assignable to type 'number'");
    expect(plain(cells[8].outputs[0])).toBe('4');
  }, 180_000);

  it('whose checkout was moved or deleted says so in one line, naming the path and `npm run setup`, and exits', () => {
    const { kernelArgv, kernelSpec } = createRequire(import.meta.url)(join(root, 'environment', 'kernel-spec.cjs'));
    const gone = join(tmp.dir, 'moved-away');
    const [node, ...args] = kernelArgv(gone) as string[];
    const run = spawnSync(node, args.map((a) => a.replace('{connection_file}', join(tmp.dir, 'connection.json'))), { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`permafrost-lab kernel: ${join(gone, 'environment', 'tslab-kernel.cjs')} is missing (the checkout was moved or deleted): run \`npm run setup\` in the checkout to register its kernel again\n`);

    // and through Jupyter, as a user meets it: the line is in what nbconvert prints
    const data = join(tmp.dir, 'jupyter-data');
    mkdirSync(join(data, 'kernels', 'tslab'), { recursive: true });
    writeFileSync(join(data, 'kernels', 'tslab', 'kernel.json'), JSON.stringify(kernelSpec(gone)));
    const path = join(tmp.dir, 'moved.ipynb');
    writeFileSync(path, notebookJson(['1 + 1']));
    const nbconvert = spawnSync(python, ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', '--ExecutePreprocessor.kernel_name=tslab',
      '--ExecutePreprocessor.startup_timeout=20', path], { encoding: 'utf8', env: { ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: '' }, timeout: 120_000 });
    expect(nbconvert.status).not.toBe(0);
    expect(nbconvert.stderr).toContain(`permafrost-lab kernel: ${join(gone, 'environment', 'tslab-kernel.cjs')} is missing`);
    expect(nbconvert.stderr).not.toContain('Cannot find module');
  }, 180_000);
});
