// `npm run build`, after tsc: compiles each src/**/*.wat to the same place under dist/ as .wasm with
// wabt (the WebAssembly Binary Toolkit's text parser, built to JavaScript), validating it first.
// `node environment/wasm.mjs FOLDER` writes under FOLDER instead (the tests' build of the sources).
import wabtInit from 'wabt';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wabt = await wabtInit();
const sources = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => String(f).endsWith('.wat'));
for (const file of sources) {
  const from = join(root, 'src', String(file));
  const to = join(process.argv[2] ?? join(root, 'dist'), String(file).replace(/\.wat$/, '.wasm'));
  const module = wabt.parseWat(relative(root, from), readFileSync(from, 'utf8'));
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(`${to}.tmp`, buffer);
  renameSync(`${to}.tmp`, to);
}
