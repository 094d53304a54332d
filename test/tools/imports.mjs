#!/usr/bin/env node
// The shape of src/, checked: `node test/tools/imports.mjs [--src DIR] [--json]` prints what breaks the
// rules and exits 1.
//   1. no import circle between files, and none between folders (type imports count: they tie modules
//      together just the same)
//   2. layers only reach down, for folders as for files (LAYERS below, lowest first; a folder imports
//      its own layer's folders or lower ones, never a higher one)
//   3. no code reads a file of the checkout outside the package's runtime (test/, src/, notebooks/, out/)
//      by a path relative to itself: the built package works installed
//   4. no source file over 400 lines
//   5. src/index.ts exports at most 64 values (old names marked @deprecated not counted), and no test or CI tooling
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const at = process.argv.indexOf('--src');
const src = at > 0 ? resolve(process.argv[at + 1]) : join(root, 'src');

/**
 * The layers, lowest first: shared vocabulary (core and the top-level errors, guard, version,
 * published), files, blocks (grids and cell areas), engine, kernels and statistics, dataset, what is
 * built on datasets (the sample generator, stations, models, validation), figures, display,
 * notebooks, tools (the command line, the explorer page); src/index.ts and src/tools.ts, the front doors, on top.
 */
const LAYERS = [
  ['core', 'errors.ts', 'guard.ts', 'version.ts', 'published.ts', 'types'],
  ['geotiff', 'netcdf'],
  ['grid', 'provenance'],
  ['engine'],
  ['stats'],
  ['dataset'],
  ['sample', 'stations', 'model', 'validate'],
  ['plot'],
  ['display'],
  ['notebooks'],
  ['cli', 'bench', 'fuzz', 'explorer'],
  ['index.ts', 'tools.ts'],
];
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

// 1 (folders), 2. layers: each file's folder (or its own name at the top level) and that folder's rank
const unitOf = (file) => { const r = rel(file); return r.includes('/') ? r.split('/')[0] : r; };
const rankOf = (unit) => LAYERS.findIndex((names) => names.includes(unit));
const folderEdges = new Map();
for (const [file, deps] of graph) {
  const from = unitOf(file);
  if (rankOf(from) < 0) problems.push(`${rel(file)}: its folder ${from} has no layer (add it to LAYERS in test/tools/imports.mjs)`);
  for (const d of deps) {
    const to = unitOf(d);
    if (to === from) continue;
    if (!folderEdges.has(from)) folderEdges.set(from, new Set());
    folderEdges.get(from).add(to);
    if (rankOf(from) >= 0 && rankOf(to) > rankOf(from)) problems.push(`${rel(file)} imports ${rel(d)}: ${from} reaches up to ${to}`);
  }
}
for (const [a, tos] of folderEdges) for (const b of tos) {
  if (a < b && folderEdges.get(b)?.has(a)) problems.push(`folder circle: ${a} ↔ ${b}`);
}

// 3. reads outside the package's runtime: a relative path that climbs out of src/ (dist/ when built)
// into test/, src/, notebooks/ or out/
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const depth = rel(file).split('/').length - 1;
  for (const m of text.matchAll(/['"`]((\.\.\/)+)(test|src|notebooks|out)(\/[^'"`]*)?['"`]/g)) {
    const climbs = m[1].length / 3;
    if (climbs > depth) problems.push(`${rel(file)} reads ${m[0].slice(1, -1)} by a path relative to its own code: outside the package's runtime`);
  }
}

// 5. the public API: at most 64 values, not counting old names kept for one release (a value whose
// declaration in its module carries a /** … @deprecated … */ comment)
const index_ = readFileSync(join(src, 'index.ts'), 'utf8');
const values = [];
const deprecated = [];
for (const m of index_.matchAll(/export\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
  const module = join(src, m[2].replace(/\.js$/, '.ts'));
  const text = existsSync(module) ? readFileSync(module, 'utf8') : '';
  for (const part of m[1].split(',')) {
    const name = part.trim();
    if (!name || name.startsWith('type ')) continue;
    const local = name.split(/\s+as\s+/)[0];
    const declared = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*export\\s+(?:async\\s+)?(?:const|function|let|class)\\s+${local}\\b`).exec(text);
    (declared && /@deprecated/.test(declared[1]) ? deprecated : values).push(name.split(/\s+as\s+/).pop());
  }
}
if (values.length > 64) problems.push(`src/index.ts exports ${values.length} values (at most 64, old names marked @deprecated not counted)`);
const tooling = ['checkPages', 'runFuzz', 'runNotebooks', 'runNotebookFiles', 'describeFailure', 'protectFolder', 'checkOutputPath', 'parseDelimited', 'escapeHtml', 'runBenchmarks'];
for (const t of tooling) if (values.includes(t)) problems.push(`src/index.ts exports ${t}: tooling belongs to the command line and the tests`);

if (process.argv.includes('--json')) console.log(JSON.stringify({ files: files.length, values: values.length, deprecated, problems }, null, 2));
else {
  console.log(`${files.length} source files, ${values.length} public values (and ${deprecated.length} deprecated), ${problems.length} problem(s)`);
  for (const p of problems) console.log(`  ${p}`);
}
process.exitCode = problems.length ? 1 : 0;
