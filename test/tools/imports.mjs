#!/usr/bin/env node
// The shape of src/, checked: `node test/tools/imports.mjs` prints what breaks the rules and exits 1.
//   1. no import circle (type imports count: they tie modules together just the same)
//   2. src/geotiff/ imports nothing of src/ but itself, src/errors.ts and src/guard.ts; src/netcdf/
//      (the other file reader) nothing but itself, src/geotiff/, errors and guard
//   3. src/plot/ never imports src/geotiff/
//   4. no source file over 400 lines
//   5. src/index.ts exports at most 60 values, and no test or CI tooling
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
})(src);

const rel = (p) => relative(src, p).replace(/\\/g, '/');
const graph = new Map();
const problems = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > 400) problems.push(`${rel(file)}: ${lines} lines (at most 400)`);
  const deps = new Set();
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2] ?? m[3];
    deps.add(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  graph.set(file, [...deps].filter((d) => files.includes(d)));
}

// 1. circles (Tarjan's strongly connected components)
let index = 0;
const stack = [], on = new Set(), idx = new Map(), low = new Map();
function strong(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const component = [];
    let w;
    do { w = stack.pop(); on.delete(w); component.push(w); } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) problems.push(`import circle: ${component.map(rel).sort().join(' ↔ ')}`);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

// 2, 3. layers
for (const [file, deps] of graph) {
  const from = rel(file);
  for (const d of deps) {
    const to = rel(d);
    if (from.startsWith('geotiff/') && !to.startsWith('geotiff/') && to !== 'errors.ts' && to !== 'guard.ts') problems.push(`${from} imports ${to}: the file layer reaches up`);
    if (from.startsWith('netcdf/') && !/^(netcdf|geotiff)\//.test(to) && to !== 'errors.ts' && to !== 'guard.ts') problems.push(`${from} imports ${to}: the file layer reaches up`);
    if (from.startsWith('plot/') && to.startsWith('geotiff/')) problems.push(`${from} imports ${to}: figures reach into the file layer`);
  }
}

// 5. the public API
const index_ = readFileSync(join(src, 'index.ts'), 'utf8');
const values = [];
for (const m of index_.matchAll(/export\s*\{([^}]*)\}/g)) {
  for (const part of m[1].split(',')) {
    const name = part.trim();
    if (!name || name.startsWith('type ')) continue;
    values.push(name.split(/\s+as\s+/).pop());
  }
}
if (values.length > 60) problems.push(`src/index.ts exports ${values.length} values (at most 60)`);
const tooling = ['checkPages', 'runFuzz', 'runNotebooks', 'runNotebookFiles', 'describeFailure', 'protectFolder', 'checkOutputPath', 'parseDelimited', 'escapeHtml', 'runBenchmarks'];
for (const t of tooling) if (values.includes(t)) problems.push(`src/index.ts exports ${t}: tooling belongs to the command line and the tests`);

if (process.argv.includes('--json')) console.log(JSON.stringify({ files: files.length, values: values.length, problems }, null, 2));
else {
  console.log(`${files.length} source files, ${values.length} public values, ${problems.length} problem(s)`);
  for (const p of problems) console.log(`  ${p}`);
}
process.exitCode = problems.length ? 1 : 0;
