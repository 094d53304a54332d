import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommand, type CommandSpec } from '../../src/cli/args.js';
import { commands } from '../../src/cli/commands.js';
import { InputError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { cliScript } from '../helpers.js';

const spec: CommandSpec = {
  summary: 'a test command', usage: '[source] [options]', positionals: 1, examples: ['permafrost-lab t --seed 3'],
  options: { out: { type: 'string', value: 'file', description: 'output' }, seed: { type: 'string', default: '1', description: 'seed' },
    fdr: { type: 'boolean', description: 'a flag' } },
  run: async () => 0,
};

describe('parseCommand(name, spec, argv) on node:util parseArgs', () => {
  it('reads --name value, --name=value, flags, defaults and positional words', () => {
    const args = parseCommand('t', spec, ['x.tif', '--out', 'a', '--seed=3', '--fdr']);
    if (args === 'help') throw new Error('help');
    expect(args.positionals).toEqual(['x.tif']);
    expect(args.string('out')).toBe('a');
    expect(args.number('seed')).toBe(3);
    expect(args.flag('fdr')).toBe(true);
    const defaults = parseCommand('t', spec, []);
    if (defaults === 'help') throw new Error('help');
    expect(defaults.number('seed')).toBe(1);
    expect(defaults.flag('fdr')).toBe(false);
    expect(defaults.verbose).toBe(true);
  });

  it('names the option whose value is not a number, an unknown option with the valid ones, a missing value, extra words', () => {
    const bad = parseCommand('t', spec, ['--seed', 'abc']);
    if (bad === 'help') throw new Error('help');
    expect(() => bad.number('seed')).toThrow(/invalid option --seed: "abc" \(expected a number\)/);
    expect(() => parseCommand('t', spec, ['--colour', 'red'])).toThrow(InputError);
    expect(() => parseCommand('t', spec, ['--colour', 'red'])).toThrow(/unknown option --colour for t \(valid: --out, --seed, --fdr, --quiet, --help/);
    expect(() => parseCommand('t', spec, ['a', '--out'])).toThrow(/option --out needs a value \(file\)/);
    expect(() => parseCommand('t', spec, ['a', 'b'])).toThrow(/at most 1 positional argument\(s\); unexpected "b"/);
    expect(parseCommand('t', spec, ['-h'])).toBe('help');
  });

  it('help shows the usage, every option with its default, and an example', () => {
    const text = helpText('t', spec);
    expect(text).toMatch(/^Usage: permafrost-lab t \[source\] \[options\]/);
    expect(text).toMatch(/--seed <value>\s+seed \(default: 1\)/);
    expect(text).toMatch(/Example:\n {2}permafrost-lab t --seed 3/);
  });
});

describe('every command of the command line', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, ...args], { encoding: 'utf8' });
  for (const name of Object.keys(commands)) {
    it(`${name} --help exits 0 with usage and an example; a wrong option exits 2 naming it`, () => {
      const help = cli(name, '--help');
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: permafrost-lab ${name} `));
      expect(help.stdout).toMatch(/\nExamples?:\n {2}\S/);
      const wrong = cli(name, '--bogus');
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(new RegExp(`unknown option --bogus for ${name} \\(valid: `));
    });
  }
  it('--help lists every command with one complete line (a sentence of its own, not the start of its summary)', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    const lines = help.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(Object.keys(commands));
    for (const line of lines) {
      expect(line, line).toMatch(/[.)]$/);
      expect(line.length, line).toBeLessThanOrEqual(100);
    }
    expect(help.stdout).toContain('  check         Describe a new download: its files, how each is read, and warnings.');
  });

  it('--version prints the version; no command prints the usage and exits 2', () => {
    const v = cli('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(cli().status).toBe(2);
  });
});

describe('main(argv)', () => {
  it('exits 2 on an unknown command and on bad usage', async () => {
    expect(await main(['no-such-command'])).toBe(2);
    expect(await main(['run-notebooks', '--bogus', '1'])).toBe(2);
  });

  it('exits 1 when the folder does not exist', async () => {
    expect(await main(['run-notebooks', '/nonexistent/folder'])).toBe(1);
  });
});
