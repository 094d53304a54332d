import { describe, expect, it } from 'vitest';
import { numberOption, parseArgs, rejectUnknown } from '../../src/cli/args.js';
import { InputError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';

describe('parseArgs(argv)', () => {
  it('reads --name value, --name=value and positional words', () => {
    const args = parseArgs(['info', '--out', 'a', '--seed=3', 'x.tif']);
    expect(args.positional).toEqual(['info', 'x.tif']);
    expect(args.options.get('out')).toBe('a');
    expect(numberOption(args, 'seed', 1)).toBe(3);
  });

  it('names the option whose value is not a number', () => {
    expect(() => numberOption(parseArgs(['--seed', 'abc']), 'seed', 1)).toThrow(/invalid option --seed: "abc" \(expected a number\)/);
  });

  it('rejects unknown options with an InputError listing the known ones', () => {
    expect(() => rejectUnknown(parseArgs(['--colour', 'red']), ['out'])).toThrow(InputError);
    expect(() => rejectUnknown(parseArgs(['--colour', 'red']), ['out'])).toThrow(/--colour.*--out/);
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
