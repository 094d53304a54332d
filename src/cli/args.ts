import { InputError, invalid } from '../errors.js';

/** Parsed command line: positional words and `--name value` / `--flag` options. */
export interface Args {
  positional: string[];
  options: Map<string, string | true>;
}

/** Splits argv into positional words and options; `--a=b` and `--a b` both work. */
export function parseArgs(argv: string[], flags: readonly string[] = []): Args {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) { positional.push(word); continue; }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) options.set(name, word.slice(eq + 1));
    else if (flags.includes(name)) options.set(name, true);
    else if (i + 1 < argv.length) options.set(name, argv[++i]);
    else throw new InputError(invalid(`option --${name}`, 'nothing', 'a value after it'));
  }
  return { positional, options };
}

/** A string option, or the fallback. */
export function stringOption(args: Args, name: string, fallback: string): string;
export function stringOption(args: Args, name: string): string | undefined;
export function stringOption(args: Args, name: string, fallback?: string): string | undefined {
  const v = args.options.get(name);
  if (v === true) throw new InputError(invalid(`option --${name}`, 'nothing', 'a value'));
  return v ?? fallback;
}

/** A numeric option, checked. */
export function numberOption(args: Args, name: string, fallback: number): number {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InputError(invalid(`option --${name}`, v, 'a number'));
  return n;
}

/** Throws when an option is given that the command does not know. */
export function rejectUnknown(args: Args, known: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new InputError(invalid('option', `--${name}`, known.map((k) => `--${k}`).join(', ') || 'none'));
  }
}
