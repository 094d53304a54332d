#!/usr/bin/env node
// The Jupyter kernel that `npm run setup` registers (started by the command of kernel-spec.cjs):
// this checkout's tslab, with this checkout's packages (permafrost-lab, arquero, and the rest of
// node_modules) importable from a notebook saved in any folder (a package in the notebook's own
// node_modules still wins), and the Jupyter protocol and cell outputs of tslab-protocol.cjs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'node_modules');
let tslabDir;
try {
  tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [root] }));
} catch {
  process.stderr.write(`permafrost-lab kernel: tslab is not installed in ${root}; run \`npm run setup\` there\n`);
  process.exit(1);
}

// Run time: Node's require falls back to NODE_PATH, so `import … from 'permafrost-lab'` loads from here.
process.env.NODE_PATH = [modules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
Module._initPaths();

// Compile time: TypeScript (Node10 resolution) looks in <notebook folder>/node_modules; where that
// folder lacks a package, it is read from this checkout's node_modules instead.
const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
function forward(p) {
  if (typeof p !== 'string') return p;
  const local = path.join(process.cwd(), 'node_modules');
  const rel = path.relative(local, p);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return p;
  const parts = rel.split(path.sep);
  const pkg = parts[0].startsWith('@') ? parts.slice(0, 2).join(path.sep) : parts[0];
  if (pkg === 'tslab' || fs.existsSync(path.join(local, pkg))) return p;
  // a package's own node_modules are not looked into: resolution goes on up to <folder>/node_modules/<dependency>,
  // so that types are named by their package ('arquero'), never by a path through another package
  if (parts.slice(pkg.split(path.sep).length).includes('node_modules')) return p;
  const here = path.join(modules, rel);
  return fs.existsSync(path.join(modules, pkg)) ? here : p;
}
for (const name of ['fileExists', 'readFile', 'directoryExists', 'readDirectory', 'getDirectories']) {
  const original = ts.sys[name];
  if (typeof original === 'function') ts.sys[name] = (p, ...rest) => original.call(ts.sys, forward(p), ...rest);
}
// Without \`types\`, TypeScript parses every package under a node_modules/@types it finds, whether or not a
// cell uses it: the build tools' @types (lodash, jquery, react, …: 9 MB of declarations) made every kernel
// start 2–3 s slower. Only @types/node is taken without an import; other @types packages are still read
// when a cell imports their package. (tslab's compiler options cannot be reached; its type-root listing can.)
const getDirectories = ts.sys.getDirectories;
ts.sys.getDirectories = (p, ...rest) => {
  const found = getDirectories.call(ts.sys, p, ...rest);
  return typeof p === 'string' && path.basename(p) === '@types' && path.basename(path.dirname(p)) === 'node_modules'
    ? found.filter((name) => name === 'node') : found;
};
// a forwarded file keeps its place under <folder>/node_modules (it is not resolved to this checkout's path)
const realpath = ts.sys.realpath;
if (typeof realpath === 'function') ts.sys.realpath = (p) => (forward(p) !== p ? p : realpath.call(ts.sys, p));

// tslab's own files: the one patch that must be in them (environment/tslab-patches.cjs, applied by setup)
const missing = require('./tslab-patches.cjs').missingPatches(tslabDir);
if (missing.length) process.stderr.write(`permafrost-lab kernel: tslab in ${tslabDir} lacks the patch(es) ${missing.join(', ')} (names shared between cells); run \`npm run setup\`\n`);

// The protocol and the display of values, as Jupyter frontends expect them (environment/tslab-protocol.cjs).
require('./tslab-protocol.cjs').install({ tslabDir, root });

// `kernel --config-path <file>` starts this checkout's tslab, with the changes above: tslab would
// otherwise hand over to a tslab installed in the notebook's folder or above it, without them.
const args = process.argv.slice(2);
const at = args.indexOf('--config-path');
const main = require(path.join(tslabDir, 'dist', 'main.js'));
if (args[0] === 'kernel' && at > 0 && args[at + 1]) {
  main.startKernel({ configPath: args[at + 1], enableFindLocal: false, jsKernel: args.includes('--js'), globalVersion: '' });
} else {
  main.main();
}
