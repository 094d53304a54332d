#!/usr/bin/env node
// The kernel spec (kernel.json) that `npm run setup` registers as `tslab`. Its command does not
// start the launcher directly: Node would die with "Cannot find module …/tslab-kernel.cjs" once the
// checkout is moved or deleted, and Jupyter would only say that the kernel died. A few lines run
// first (node -e) and, when the launcher is gone, say so in one line naming the path and what to do.
//
//   node environment/kernel-spec.cjs <folder>   writes <folder>/kernel.json for this checkout
//   node environment/kernel-spec.cjs --argv     prints the command (JSON), to compare with the registered one
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Runs the launcher named by the first argument, or says in one line that it is gone (exit status 1, no trace). */
const START = [
  "const launcher = process.argv[1];",
  "if (require('fs').existsSync(launcher)) require(launcher);",
  "else { process.stderr.write('permafrost-lab kernel: ' + launcher + ' is missing (the checkout was moved or deleted): run `npm run setup` in the checkout to register its kernel again\\n'); process.exitCode = 1; }",
].join(' ');

/**
 * The kernel's command for the checkout at `root`: node, the start lines, the launcher, tslab's arguments.
 * @example kernelArgv('/work/main')[3] // '/work/main/environment/tslab-kernel.cjs'
 */
function kernelArgv(root, node = process.execPath) {
  return [node, '-e', START, path.join(root, 'environment', 'tslab-kernel.cjs'), 'kernel', '--config-path', '{connection_file}'];
}

/** The kernel.json of the checkout at `root`. */
function kernelSpec(root) {
  return { argv: kernelArgv(root), display_name: 'TypeScript', language: 'typescript' };
}

module.exports = { kernelArgv, kernelSpec };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const [arg] = process.argv.slice(2);
  if (arg === '--argv') process.stdout.write(JSON.stringify(kernelArgv(root)) + '\n');
  else if (arg) fs.writeFileSync(path.join(arg, 'kernel.json'), JSON.stringify(kernelSpec(root), null, 1) + '\n');
  else { process.stderr.write('usage: node environment/kernel-spec.cjs <folder> | --argv\n'); process.exit(2); }
}
