import { parseArgs as parseNodeArgs } from 'node:util';
import { InputError, invalid } from '../errors.js';

/** One option of a command: `--name <value>` (string) or `--name` (boolean). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in `--help` and used when the option is not given. */
  default?: string;
  /** Placeholder shown in `--help`: `--out <file>`. */
  value?: string;
  description: string;
  /**
   * An old name kept for one release: the option it stands for. It is accepted with a notice on
   * stderr and left out of `--help`; given together with the new name, the new one wins.
   */
  deprecated_alias_of?: string;
}

/** A command: its words, options, how many positional arguments it takes, and an example. */
export interface CommandSpec {
  /** One complete line for the list of commands (`permafrost-lab --help`). Default: the summary's first sentence. */
  brief?: string;
  summary: string;
  /** The arguments after the command name: `[source] [options]`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Most positional arguments accepted. */
  positionals: number;
  examples: string[];
  run(args: Args): Promise<number>;
}

/** Parsed command line, with typed getters that name the option at fault. */
export interface Args {
  positionals: string[];
  /** A string option (its default when not given; undefined without one). */
  string(name: string): string | undefined;
  /** A numeric option, checked. */
  number(name: string): number;
  /** A numeric option, or undefined. */
  optionalNumber(name: string): number | undefined;
  /** A boolean flag. */
  flag(name: string): boolean;
  /** True unless --quiet. */
  verbose: boolean;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  quiet: { type: 'boolean', description: 'no progress on stderr' },
  help: { type: 'boolean', description: 'show this help' },
};

/**
 * Parses a command's argv with Node's `util.parseArgs` (strict): unknown options, missing values
 * and extra positional words are `InputError`s that name the option and list the valid ones.
 */
export function parseCommand(name: string, spec: CommandSpec, argv: string[]): Args | 'help' {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const options = Object.fromEntries(Object.entries(all).map(([k, o]) => [k, { type: o.type, ...(k === 'help' ? { short: 'h' } : {}) }]));
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseNodeArgs({ args: argv, options: options as never, allowPositionals: true, strict: true }) as never;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? '';
    const valid = Object.keys(all).map((k) => `--${k}`).join(', ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new InputError(`unknown option ${option} for ${name} (valid: ${valid}; see permafrost-lab ${name} --help)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const o = /--([\w-]+)/.exec(message)?.[1] ?? option;
      const opt = all[o.replace(/^-+/, '')];
      throw new InputError(opt?.type === 'boolean' ? `option --${o.replace(/^-+/, '')} takes no value` :
        `option --${o.replace(/^-+/, '')} needs a value${opt?.value ? ` (${opt.value})` : ''}; see permafrost-lab ${name} --help`);
    }
    throw new InputError(`${message} (see permafrost-lab ${name} --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  for (const [old, o] of Object.entries(spec.options)) {
    if (!o.deprecated_alias_of || values[old] === undefined) continue;
    process.stderr.write(`[${name}] --${old} is deprecated (removed in the next release): use --${o.deprecated_alias_of}\n`);
    values[o.deprecated_alias_of] ??= values[old];
  }
  if (positionals.length > spec.positionals) {
    const extra = positionals.slice(spec.positionals);
    throw new InputError(`${name} takes ${spec.positionals === 0 ? 'no' : `at most ${spec.positionals}`} positional argument(s); unexpected ${extra.map((e) => JSON.stringify(e)).join(', ')} (usage: permafrost-lab ${name} ${spec.usage})`);
  }
  const string = (key: string) => {
    const v = values[key];
    if (typeof v === 'string') return v;
    return all[key]?.default;
  };
  const number = (key: string) => {
    const v = string(key);
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n)) throw new InputError(invalid(`option --${key}`, v ?? 'nothing', 'a number'));
    return n;
  };
  return {
    positionals,
    string,
    number,
    optionalNumber: (key) => (string(key) === undefined ? undefined : number(key)),
    flag: (key) => values[key] === true,
    verbose: values.quiet !== true,
  };
}

/** `permafrost-lab <name> --help`: usage, what it does, options with defaults, examples. */
export function helpText(name: string, spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const left = (k: string, o: OptionSpec) => `${k === 'help' ? '-h, ' : ''}--${k}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
  const shown = Object.entries(all).filter(([, o]) => !o.deprecated_alias_of);
  const width = Math.max(...shown.map(([k, o]) => left(k, o).length)) + 2;
  const lines = [
    `Usage: permafrost-lab ${name} ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...shown.map(([k, o]) => `  ${left(k, o).padEnd(width)}${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`),
    '',
    `Example${spec.examples.length > 1 ? 's' : ''}:`,
    ...spec.examples.map((e) => `  ${e}`),
  ];
  return lines.join('\n') + '\n';
}
