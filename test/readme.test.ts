// The README's commands, typed as written from the folder each block names: a folder of one's own
// outside the checkout (with a home of its own, where setup's launcher puts `permafrost-lab`), or the
// checkout (npm scripts only: the whole pipeline, which CI runs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFolder } from '../src/dataset/openDataset.js';
import { cliScript, notebookJson, root, tempDir } from './helpers.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The README's bash blocks: the folder their first comment names, and their command lines. */
const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => {
  const lines = m[1].split('\n').filter((l) => l.trim());
  const where = /^# in (any folder|the checkout)/.exec(lines[0] ?? '')?.[1] ?? '';
  return { where, commands: lines.filter((l) => !l.startsWith('#')) };
});

const tmp = tempDir('permafrost-readme-');
const home = join(tmp.dir, 'home');
const analysis = join(home, 'analysis');
const bin = join(home, '.local', 'bin');
/** A shell as a new user has it: this home, no permafrost-lab settings, the launcher's folder on the PATH once setup said to add it. */
const env = (path: string) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PERMAFROST_|npm_)/.test(k)));
  return { ...clean, HOME: home, PATH: path, PERMAFROST_CACHE: join(tmp.dir, 'cache'), PERMAFROST_SUMMARY_CACHE: '0' };
};
const basePath = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
const bash = (line: string, cwd: string, path = `${bin}:${basePath}`) => spawnSync('bash', ['-c', line], { cwd, env: env(path), encoding: 'utf8', timeout: 300_000 });

beforeAll(() => {
  mkdirSync(join(home, 'data'), { recursive: true });
  mkdirSync(analysis, { recursive: true });
  // the product stands in as the synthetic sample, downloaded to ~/data/permafrost
  symlinkSync(sampleFolder(), join(home, 'data', 'permafrost'));
  // a notebook of one's own: Alaska mapped from a table
  writeFileSync(join(analysis, 'alaska.ipynb'), notebookJson([
    "import { openDataset, show, mapFigure } from 'permafrost-lab';\nconst ds = await openDataset();\nconst alaska = await ds.table('magt', '2015-2019', { region: 'alaska' });\nalaska.numRows()",
    "show(mapFigure(alaska, { value: 'magt_c', title: 'Alaska, 2015–2019', dataset: ds }));",
  ]));
});
afterAll(() => tmp.cleanup());

describe('the README', () => {
  it('never says npx, and every permafrost-lab command in its prose is one its blocks run', () => {
    expect(readme).not.toMatch(/\bnpx\b/);
    const tested = blocks.flatMap((b) => b.commands.map((c) => c.replace(/\s+#.*$/, '').trim()));
    const inline = [...readme.matchAll(/`(permafrost-lab [^`]+)`/g)].map((m) => m[1]).filter((c) => !/^permafrost-lab (\w[\w-]*)$/.test(c));
    expect(inline.filter((c) => !tested.includes(c))).toEqual([]);
    expect(blocks.every((b) => b.where), blocks.filter((b) => !b.where).map((b) => b.commands[0]).join('\n')).toBe(true);
  });

  it('shows `permafrost-lab summary --help` as the command prints it', () => {
    const shown = /```text\n\$ permafrost-lab summary --help\n([\s\S]*?)```/.exec(readme)?.[1];
    const printed = spawnSync(process.execPath, [cliScript, 'summary', '--help'], { encoding: 'utf8' }).stdout;
    expect(shown).toBe(printed);
  });

  it("Quick start is what .ci/run runs: its two command lines, in order, and nothing from its comment", () => {
    // .ci/run and this README in a folder of their own, with an `npm` that records what it was asked to run
    const ci = join(tmp.dir, 'ci');
    mkdirSync(join(ci, '.ci'), { recursive: true });
    mkdirSync(join(ci, 'fakebin'));
    writeFileSync(join(ci, '.ci', 'run'), readFileSync(join(root, '.ci', 'run')));
    writeFileSync(join(ci, 'README.md'), readme);
    writeFileSync(join(ci, 'fakebin', 'npm'), '#!/usr/bin/env bash\necho "$*" >> npm.log\nif [[ "$*" == test ]]; then mkdir -p out; echo \'{"passed":3,"failed":0,"errors":0}\' > out/test-counts.json; fi\n', { mode: 0o755 });
    const run = spawnSync('bash', [join(ci, '.ci', 'run')], { cwd: ci, env: { ...process.env, PATH: `${join(ci, 'fakebin')}:${basePath}` }, encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/expected two/);
    expect(readFileSync(join(ci, 'npm.log'), 'utf8').trim().split('\n')).toEqual(['run setup', 'start', 'test']);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('3 passed, 0 failed');
    expect(run.status).toBe(0);
  });

  it('in the checkout, names only npm scripts that package.json has', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts);
    const commands = blocks.filter((b) => b.where === 'the checkout').flatMap((b) => b.commands.flatMap((c) => c.replace(/\s+#.*$/, '').split('&&')));
    expect(commands.length).toBeGreaterThan(3);
    for (const c of commands) {
      const words = c.trim().split(/\s+/).filter((w) => !/^[A-Z_]+=/.test(w));
      expect(words[0], c).toBe('npm');
      const script = words[1] === 'run' ? words[2] : words[1];
      expect(scripts, c).toContain(script);
    }
  });
});

describe('setup makes permafrost-lab a command', () => {
  it('writes a launcher in ~/.local/bin that runs this checkout, says what to add to the PATH, and keeps a file it did not write', () => {
    const first = bash(`bash ${join(root, 'environment', 'link-command.sh')}`, analysis, basePath);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`wrote ${join(bin, 'permafrost-lab')}`);
    expect(first.stdout).toContain(`${bin} is not on your PATH`);
    expect(first.stdout).toContain(`echo 'export PATH="${bin}:$PATH"' >> ~/.bashrc`);
    const again = bash(`bash ${join(root, 'environment', 'link-command.sh')}`, analysis);
    expect(again.stdout).toContain(`command permafrost-lab in ${bin}`);
    expect(again.stdout).not.toContain('not on your PATH');
    const version = bash('permafrost-lab --version', analysis);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // someone else's permafrost-lab (an npm global install, say) is left alone
    const other = join(tmp.dir, 'other-bin');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'permafrost-lab'), '#!/bin/sh\necho theirs\n');
    const kept = spawnSync('bash', [join(root, 'environment', 'link-command.sh')], { env: { ...env(basePath), PERMAFROST_BIN_DIR: other }, encoding: 'utf8' });
    expect(kept.stdout).toContain(`kept ${join(other, 'permafrost-lab')}`);
    expect(readFileSync(join(other, 'permafrost-lab'), 'utf8')).toContain('theirs');
  });

  it('every command of the README\'s "in any folder" blocks runs as written in ~/analysis, outside the checkout', () => {
    expect(existsSync(join(bin, 'permafrost-lab')), 'the launcher test runs first').toBe(true);
    expect(analysis.startsWith(root)).toBe(false);
    const commands = blocks.filter((b) => b.where === 'any folder').flatMap((b) => b.commands);
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const line of commands) {
      const run = bash(line, analysis);
      expect(run.status, `${line}\n${run.stderr.slice(-2000)}`).toBe(0);
    }
    // CSV on stdout carries the # lines of an export, the sample's "synthetic: true" among them
    for (const file of ['summary.csv', 'at_stations.csv', 'trend_by_region.csv', 'alaska.csv']) {
      const text = readFileSync(join(analysis, file), 'utf8');
      expect(text, file).toMatch(/^# permafrost-lab provenance: \{.*\}\n# synthetic: true\n\w/);
    }
    expect(readFileSync(join(analysis, 'at_stations.csv'), 'utf8')).toMatch(/utqiagvik,-156\.79,71\.29,/);
    expect(existsSync(join(analysis, 'trend.tif'))).toBe(true);
    expect(existsSync(join(analysis, 'my-sample', 'magt.tif'))).toBe(true);
    const executed = JSON.parse(readFileSync(join(analysis, 'out', 'alaska.ipynb'), 'utf8'));
    const figure = executed.cells[1].outputs.find((o: any) => o.data?.['application/vnd.plotly.v1+json'])?.data['application/vnd.plotly.v1+json'];
    const rows = Number(/\b(\d{3,})\b/.exec(JSON.stringify(executed.cells[0].outputs))?.[1]);
    expect(rows, JSON.stringify(executed.cells[0].outputs)).toBeGreaterThan(1000);
    expect(figure.data[0].z.flat().filter((v: number | null) => v !== null).length).toBe(rows);
    expect(JSON.parse(readFileSync(join(analysis, 'out', 'shared', 'alaska.ipynb'), 'utf8')).metadata.permafrost_lab.light_copy_of).toBe('alaska.ipynb');
  }, 600_000);
});
