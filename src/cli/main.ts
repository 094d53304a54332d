#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PermafrostError, InputError } from '../errors.js';
import { version } from '../version.js';
import { commands } from './commands.js';
import { helpText, parseCommand } from './args.js';

const usage = `permafrost-lab ${version}

Usage: permafrost-lab <command> [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)}${c.brief ?? c.summary.split(/(?<=\.)\s/)[0]}`).join('\n')}

Options: --help (also after a command: permafrost-lab summary --help), --version.
Exit status: 0 ok, 1 failed, 2 bad usage.`;

/** Runs one command line; resolves with the exit status (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') { process.stdout.write(version + '\n'); return 0; }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`permafrost-lab: unknown command ${JSON.stringify(name)}\n\n${usage}\n`);
    return 2;
  }
  try {
    if (name === 'sample' && rest.some((a) => a === '--points' || a.startsWith('--points='))) {
      throw new InputError('values at points are now their own command: permafrost-lab values --points <file.csv> (see permafrost-lab values --help)');
    }
    const args = parseCommand(name, command, rest);
    if (args === 'help') { process.stdout.write(helpText(name, command)); return 0; }
    return await command.run(args);
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`permafrost-lab ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof PermafrostError) {
      process.stderr.write(`permafrost-lab ${name}: ${err.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (process.env.PERMAFROST_REPORT_RSS) {
  process.on('exit', () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`));
}

const invoked = process.argv[1] && realpathSync(process.argv[1]);
if (invoked === realpathSync(fileURLToPath(import.meta.url))) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
    process.stderr.write(`permafrost-lab: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
